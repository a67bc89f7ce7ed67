"""Awarding many members in one request: one entry each, all or nothing, and a replay changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from jifen.caller import ADMIN, Caller, Grant
from jifen.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.points.domain.people import DEACTIVATED
from services.points.domain.rules import DEFAULT_RULES, Commendation, RuleVersion
from services.points.service.ledger import bulk_awards
from services.points.service.ledger.commands import BulkAward, BulkAwardCommendation

from .fakes import FixedRules
from .ledger_setup import HOME, NOW, OTHER, Clock, admin_of, volunteer

STREET_ADMIN = Caller(member_id="admin-street", grants=(Grant(ADMIN, street_id=HOME.street_id),))


def crowd(uow, count: int, community=HOME) -> list[str]:
    ids = [f"{community.id}-v{i:02d}" for i in range(count)]
    for member_id in ids:
        volunteer(uow, member_id, community)
    return ids


def award(uow, member_ids, request_id="b1", actor=None, points=30, reason="河道清理活动"):
    cmd = BulkAward(request_id, actor or admin_of(HOME), tuple(member_ids), points, reason)
    return bulk_awards.bulk_award(cmd, uow, Clock())


def written(uow):
    return len(uow.ledger.entry_rows), uow.event_types, dict(uow.idempotency.rows)


def test_fifty_volunteers_are_awarded_in_one_call_each_with_one_entry(uow):
    ids = crowd(uow, 50)

    done = award(uow, ids)

    assert [d.entry.member_id for d in done] == ids
    assert {(d.entry.kind, d.entry.amount, d.entry.reason) for d in done} == {("award", 30, "河道清理活动")}
    assert [d.balance.available for d in done] == [30] * 50
    assert len(uow.ledger.entry_rows) == 50
    # The leaderboards and other services hear of every award, as for single ones.
    assert uow.event_types == ["points.awarded"] * 50


def test_a_replay_returns_the_same_entries_and_awards_nobody_twice(uow):
    ids = crowd(uow, 3)
    first = award(uow, ids)

    again = award(uow, ids)

    assert [d.entry.id for d in again] == [d.entry.id for d in first]
    assert [d.balance.available for d in again] == [30, 30, 30]
    assert len(uow.ledger.entry_rows) == 3
    with pytest.raises(AlreadyExists):
        award(uow, ids[:2])
    with pytest.raises(AlreadyExists):
        award(uow, ids, points=31)


def test_one_unknown_member_fails_the_whole_list_naming_them_and_nothing_is_written(uow):
    ids = crowd(uow, 5)
    before = written(uow)

    with pytest.raises(NotFound) as refused:
        award(uow, [*ids[:3], "no-such-member", *ids[3:]])

    assert refused.value.field == "member_ids[3]" and "no-such-member" in refused.value.zh
    assert written(uow) == before
    assert all(uow.ledger.accounts[m].available == 0 for m in ids)


def test_a_member_outside_the_callers_communities_fails_the_whole_list(uow):
    ids = crowd(uow, 2)
    (stranger,) = crowd(uow, 1, OTHER)
    before = written(uow)

    with pytest.raises(PermissionDenied) as refused:
        award(uow, [*ids, stranger])

    assert refused.value.field == "member_ids[2]" and stranger in refused.value.zh
    assert written(uow) == before
    # A street admin administers both communities.
    assert len(award(uow, [*ids, stranger], actor=STREET_ADMIN)) == 3


def test_a_deactivated_member_fails_the_whole_list(uow):
    ids = crowd(uow, 3)
    uow.people.put_member(replace(uow.people.member(ids[1]), status=DEACTIVATED))
    before = written(uow)

    with pytest.raises(FailedPrecondition) as refused:
        award(uow, ids)

    assert refused.value.field == "member_ids[1]" and "已停用" in refused.value.zh
    assert written(uow) == before


def test_an_admin_cannot_award_themselves_in_a_list(uow):
    ids = crowd(uow, 2)
    admin = admin_of(HOME)
    volunteer(uow, admin.member_id)
    with pytest.raises(PermissionDenied) as refused:
        award(uow, [*ids, admin.member_id], actor=admin)
    assert refused.value.field == "member_ids[2]"
    assert uow.ledger.entry_rows == []


@pytest.mark.parametrize(
    ("member_ids", "field"),
    [
        ((), "member_ids"),
        (tuple(f"m-{i}" for i in range(501)), "member_ids"),
        (("m-1", " "), "member_ids[1]"),
        (("m-1", "m-2", " m-1 "), "member_ids[2]"),
    ],
    ids=["empty", "over 500", "blank id", "a member twice"],
)
def test_a_bad_list_is_refused_naming_the_place(uow, member_ids, field):
    with pytest.raises(InvalidArgument) as refused:
        award(uow, member_ids)
    assert refused.value.field == field
    assert written(uow) == (0, [], {})


def test_five_hundred_members_are_allowed(uow):
    assert len(bulk_awards.valid_member_ids(tuple(f"m-{i}" for i in range(500)))) == 500


@pytest.mark.parametrize(("points", "reason", "field"), [(0, "x", "points"), (10, " ", "reason")])
def test_points_and_reason_are_checked_as_for_one_award(uow, points, reason, field):
    ids = crowd(uow, 2)
    with pytest.raises(InvalidArgument) as refused:
        award(uow, ids, points=points, reason=reason)
    assert refused.value.field == field


def commend(uow, member_ids, name="优秀志愿者", request_id="c1", actor=STREET_ADMIN):
    cmd = BulkAwardCommendation(request_id, actor, tuple(member_ids), name, "2026年度")
    return bulk_awards.bulk_award_commendation(cmd, uow, Clock())


def home_rules_with(*commendations: Commendation) -> FixedRules:
    rules = replace(DEFAULT_RULES, commendations=commendations)
    since = NOW - timedelta(days=30)
    return FixedRules(RuleVersion("rv-home", HOME.id, "", since, rules, title="张苏滩社区积分办法"))


def test_a_bulk_commendation_gives_each_member_the_points_of_their_own_communitys_rules(uow):
    uow.rules = home_rules_with(Commendation("优秀志愿者", 300))
    home = crowd(uow, 2)
    other = crowd(uow, 1, OTHER)

    done = commend(uow, [*home, *other])

    assert [d.entry.amount for d in done] == [300, 300, 200]
    assert {d.entry.reason for d in done} == {"表彰：优秀志愿者（2026年度）"}
    since = "2026年10月21日起施行"
    assert done[0].entry.calculation == f"「优秀志愿者」按「张苏滩社区积分办法」（{since}）计 300 分"
    assert done[2].entry.calculation == "「优秀志愿者」按「内置默认积分规则」计 200 分"
    assert uow.event_types == ["points.awarded"] * 3
    assert [d.entry.id for d in commend(uow, [*home, *other])] == [d.entry.id for d in done]


def test_a_member_whose_rules_lack_the_commendation_fails_the_whole_list(uow):
    uow.rules = home_rules_with(Commendation("社区之星", 100))
    other = crowd(uow, 1, OTHER)
    home = crowd(uow, 2)

    # The home members are posted first (id order); the member of OTHER, whose rules have no
    # 社区之星, then undoes them.
    with pytest.raises(FailedPrecondition) as refused:
        commend(uow, [*other, *home], name="社区之星")

    assert refused.value.field == "member_ids[0]"
    assert other[0] in refused.value.zh and "社区之星" in refused.value.zh
    assert uow.ledger.entry_rows == [] and uow.event_types == []
    assert all(uow.ledger.accounts[m].available == 0 for m in home)
