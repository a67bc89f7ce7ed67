"""The needs list (问题清单): posting, claiming, closing with points through the ledger, the resource list
and the report."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jifen.caller import Caller
from jifen.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, Unavailable
from services.points.domain.need import CLAIMED, CLOSED, FROM_NEED, OPEN
from services.points.service.ledger import balances
from services.points.service.ledger.commands import ListEntries
from services.points.service.needs import handlers
from services.points.service.needs.commands import (
    AddNeedNote,
    ClaimNeed,
    CloseNeed,
    DeleteResource,
    GetNeed,
    GetNeedsReport,
    ListNeeds,
    ListResources,
    PostNeed,
    PutResource,
    RejectClaim,
    ReopenNeed,
)

from .fakes import FakeDirectory
from .ledger_setup import HOME, NOW, OTHER, Clock, admin_of, volunteer

ADMIN = admin_of(HOME)
UNIT = "org-bank"


@pytest.fixture
def uow(uow):
    """The whole points unit of work, with the street's two communities known."""
    uow.people.put_community(HOME)
    uow.people.put_community(OTHER)
    return uow


class UnitsDirectory(FakeDirectory):
    """Members as points asks it about partner units: 建设银行 has the member "staff-1"."""

    def partner_unit(self, member_id, organization_id, street_id):
        self._answer()
        return "建设银行网点" if (member_id, organization_id) == ("staff-1", UNIT) else None


def post(uow, wanted=2, points=30, request_id="p1", **more):
    cmd = PostNeed(request_id, ADMIN, HOME.id, "楼道堆物清理", points, wanted, grid_id="gr-1", **more)
    return handlers.post_need(cmd, uow, Clock()).need


def claim(uow, need_id, who: Caller, request_id, unit=""):
    return handlers.claim_need(ClaimNeed(request_id, who, need_id, unit), uow, Clock())


def close(uow, need_id, request_id="c1", member_ids=()):
    return handlers.close_need(CloseNeed(request_id, ADMIN, need_id, "已清理完毕", member_ids), uow, Clock())


def test_a_need_fills_its_places_and_refuses_one_more(uow):
    need = post(uow, wanted=2)
    assert uow.event_types == ["need.posted"]
    for i in (1, 2, 3):
        volunteer(uow, f"v{i}")
    assert claim(uow, need.id, Caller(member_id="v1"), "a").status == OPEN
    assert claim(uow, need.id, Caller(member_id="v2"), "b").status == CLAIMED
    with pytest.raises(FailedPrecondition, match="every place"):
        claim(uow, need.id, Caller(member_id="v3"), "c")
    # A retry of a claim answers the same claim rather than claiming twice.
    assert claim(uow, need.id, Caller(member_id="v1"), "a").caller_claimed
    assert uow.event_types.count("need.claimed") == 2


def test_a_volunteer_of_another_community_cannot_claim_for_themselves(uow):
    need = post(uow)
    volunteer(uow, "far", OTHER)
    with pytest.raises(PermissionDenied, match="community may claim"):
        claim(uow, need.id, Caller(member_id="far"), "a")


def test_a_partner_units_member_claims_for_the_unit_and_others_cannot(uow):
    need = post(uow)
    volunteer(uow, "staff-1", OTHER)
    volunteer(uow, "v1")
    uow.directory = UnitsDirectory(HOME, OTHER)
    view = claim(uow, need.id, Caller(member_id="staff-1"), "a", UNIT)
    assert view.need.claims[0].organization_name == "建设银行网点"
    with pytest.raises(FailedPrecondition, match="not a member of this partner unit"):
        claim(uow, need.id, Caller(member_id="v1"), "b", UNIT)
    uow.directory.reachable = False
    with pytest.raises(Unavailable):
        claim(uow, need.id, Caller(member_id="v1"), "c", UNIT)


def test_closing_awards_the_points_once_with_the_need_named(uow):
    need = post(uow, wanted=2, points=30)
    volunteer(uow, "v1")
    volunteer(uow, "v2")
    claim(uow, need.id, Caller(member_id="v1"), "a")
    claim(uow, need.id, Caller(member_id="v2"), "b")
    done = close(uow, need.id)
    assert done.status == CLOSED and set(done.awarded) == {"v1", "v2"}
    with pytest.raises(FailedPrecondition, match="already closed"):
        close(uow, need.id, "c2")
    # Reopened and closed again: nobody is awarded twice.
    handlers.reopen_need(ReopenNeed("r1", ADMIN, need.id, "居民反映仍有堆物"), uow, Clock())
    assert close(uow, need.id, "c3").awarded == ()
    entries, _ = balances.list_entries(ListEntries(Caller(member_id="v1")), uow)
    assert [(e.amount, e.reason, e.source_type, e.source_id) for e in entries] == [
        (30, "需求办结：楼道堆物清理", FROM_NEED, need.id)
    ]
    assert uow.event_types.count("need.closed") == 2
    assert uow.event_types.count("points.awarded") == 2


def test_an_admin_names_who_did_it_and_cannot_award_themselves(uow):
    need = post(uow)
    volunteer(uow, "v1")
    volunteer(uow, ADMIN.member_id)
    with pytest.raises(NotFound):
        close(uow, need.id, member_ids=("nobody",))
    with pytest.raises(PermissionDenied):
        close(uow, need.id, "c2", member_ids=(ADMIN.member_id,))
    assert close(uow, need.id, "c3", member_ids=("v1",)).awarded == ("v1",)


def test_a_rejected_claim_frees_its_place_and_its_claimant_cannot_claim_again(uow):
    need = post(uow, wanted=1)
    volunteer(uow, "v1")
    volunteer(uow, "v2")
    claimed = claim(uow, need.id, Caller(member_id="v1"), "a").need.claims[0]
    with pytest.raises(PermissionDenied):
        handlers.reject_claim(RejectClaim("x", Caller(member_id="v2"), need.id, claimed.id), uow, Clock())
    handlers.reject_claim(RejectClaim("r", ADMIN, need.id, claimed.id, "未按时处理"), uow, Clock())
    with pytest.raises(FailedPrecondition, match="was rejected"):
        claim(uow, need.id, Caller(member_id="v1"), "b")
    assert claim(uow, need.id, Caller(member_id="v2"), "c").status == CLAIMED


def test_progress_notes_by_a_claimant_or_an_admin_only(uow):
    need = post(uow)
    volunteer(uow, "v1")
    volunteer(uow, "v2")
    claim(uow, need.id, Caller(member_id="v1"), "a")
    handlers.add_note(AddNeedNote("n1", Caller(member_id="v1"), need.id, "已联系物业"), uow, Clock())
    with pytest.raises(PermissionDenied):
        handlers.add_note(AddNeedNote("n2", Caller(member_id="v2"), need.id, "我也来"), uow, Clock())
    seen = handlers.get_need(GetNeed(Caller(member_id="v2"), need.id), uow)
    assert [(n.text, seen.names[n.member_id]) for n in seen.need.notes] == [("已联系物业", "志愿者v1")]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": " "}, "title"),
        ({"points": -1}, "points"),
        ({"wanted": 0}, "wanted"),
        ({"deadline": NOW - timedelta(hours=1)}, "deadline"),
        ({"title": "长" * 101}, "title"),
    ],
)
def test_bad_needs_are_refused_with_the_field_named(uow, change, field):
    fields = {"title": "楼道堆物清理", "points": 10, "wanted": 1, "deadline": None} | change
    cmd = PostNeed(
        "p", ADMIN, HOME.id, fields["title"], fields["points"], fields["wanted"], deadline=fields["deadline"]
    )
    with pytest.raises(InvalidArgument, check=lambda exc: exc.field == field):
        handlers.post_need(cmd, uow, Clock())


def test_only_the_communitys_admin_posts(uow):
    volunteer(uow, "v1")
    with pytest.raises(PermissionDenied):
        handlers.post_need(PostNeed("p", admin_of(OTHER), HOME.id, "修路灯", 5, 1), uow, Clock())


def test_the_resource_list_and_the_report(uow):
    put = PutResource("r1", ADMIN, HOME.id, "建设银行网点", "金融知识讲座", description="每月一次")
    resource = handlers.put_resource(put, uow, Clock())
    changed = PutResource("r2", ADMIN, HOME.id, "建设银行网点", "反诈讲座", resource_id=resource.id)
    handlers.put_resource(changed, uow, Clock())
    listed = handlers.list_resources(ListResources(Caller(member_id="v1"), HOME.id), uow)
    assert [r.title for r in listed] == ["反诈讲座"]
    with pytest.raises(PermissionDenied):
        handlers.delete_resource(DeleteResource("d0", admin_of(OTHER), resource.id), uow)
    handlers.delete_resource(DeleteResource("d1", ADMIN, resource.id), uow)
    assert handlers.list_resources(ListResources(ADMIN, HOME.id), uow) == []

    volunteer(uow, "v1")
    volunteer(uow, "staff-1", OTHER)
    uow.directory = UnitsDirectory(HOME, OTHER)
    first, second, _third = post(uow, request_id="a"), post(uow, request_id="b"), post(uow, request_id="c")
    claim(uow, first.id, Caller(member_id="staff-1"), "x", UNIT)
    claim(uow, second.id, Caller(member_id="v1"), "y")
    close(uow, first.id)
    query = GetNeedsReport(ADMIN, HOME.id, NOW - timedelta(days=1), NOW + timedelta(days=1))
    report = handlers.needs_report(query, uow)
    assert (report.total.posted, report.total.claimed, report.total.closed) == (3, 2, 1)
    assert [(c.key, c.posted, c.claimed, c.closed) for c in report.by_unit] == [
        ("", 1, 1, 0),
        ("建设银行网点", 1, 1, 1),
    ]
    assert [(c.key, c.posted) for c in report.by_grid] == [("gr-1", 3)]
    with pytest.raises(PermissionDenied):
        handlers.needs_report(
            GetNeedsReport(admin_of(OTHER), HOME.id, query.period_start, query.period_end), uow
        )
    listed = handlers.list_needs(ListNeeds(Caller(member_id="v1"), HOME.id, status=CLOSED), uow)
    assert [v.need.id for v in listed] == [first.id]
