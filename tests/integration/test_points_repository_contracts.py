"""The points repositories' contract: what the use cases rely on, answered alike by the in-memory fakes
(tests/unit/points) and the SQL repositories on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from jifen.errors import Conflict
from services.points import bootstrap as points_bootstrap
from services.points.adapters.unit_of_work import PointsUnitOfWork
from services.points.domain.activity import SIGNED_UP, WITHDRAWN, Activity, Participant
from services.points.domain.audit_trail import (
    ADJUSTMENT,
    AWARD,
    COMMENDATION,
    RULE_PUBLICATION,
    AuditEvent,
    AuditFilter,
)
from services.points.domain.certificate import Certificate, CertifiedActivity
from services.points.domain.hours import APPROVED, PENDING, REJECTED, HourRecord
from services.points.domain.ledger import ACTIVE, CAPTURED, FROZEN, HELD, Account, Entry, Hold, Lot
from services.points.domain.need import Need, Resource
from services.points.domain.people import CommunityCopy, MemberCopy
from services.points.domain.rules import (
    BUILT_IN_TITLE,
    BUILT_IN_VERSION_ID,
    DEFAULT_RULES,
    LOCAL,
    RuleVersion,
)
from tests.integration.points_places import HOME, OTHER
from tests.integration.repository_backends import (
    BACKENDS,
    FAKE,
    check_idempotency_records,
    committed,
    units_of_work,
)

# The filters and rows the ports define, taken where the fakes take them from: the ports' modules move
# with the services' layout, the fakes follow them.
from tests.unit.points.fake_activities import ActivityFilter, HourFilter, PointsUow, Visibility
from tests.unit.points.fake_rules import ApprovedHourRow, EarnedRow, FakeLeaderboardSums, FakeRules, HoursRow
from tests.unit.points.fakes import EntryFilter

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def points_units(backend, tmp_path, fake):
    return units_of_work(backend, tmp_path, "points", points_bootstrap.MIGRATIONS, PointsUnitOfWork, fake)


@pytest.fixture(params=BACKENDS)
def uow(request, tmp_path):
    with points_units(request.param, tmp_path, PointsUow) as factory:
        yield factory


def member(member_id: str, community: CommunityCopy = HOME, **changes) -> MemberCopy:
    return replace(
        MemberCopy(member_id, f"成员{member_id}", community.id, community.street_id, "", ACTIVE, NOW),
        **changes,
    )


def opened(uow, *member_ids: str) -> None:
    with committed(uow) as tx:
        for member_id in member_ids:
            tx.people.put_member(member(member_id))
            tx.ledger.open(Account(member_id, HOME.id), NOW)


def earning(member_id: str, seq: int, amount: int, at: datetime, kind: str = "award", expires=None):
    """An entry and its lot, as Account.earn leaves them for save()."""
    entry = Entry(
        id=f"e-{member_id}-{seq}",
        member_id=member_id,
        seq=seq,
        community_id=HOME.id,
        kind=kind,
        amount=amount,
        held_change=0,
        balance_after=amount * seq,
        held_after=0,
        reason="河道清理",
        source_type="admin",
        source_id=f"s-{seq}",
        created_at=at,
        lot_expires_at=expires,
        created_by="admin-a",
    )
    lot = Lot(f"lot-{member_id}-{seq}", member_id, entry.id, amount, amount, at, expires)
    return entry, lot


def earn(uow, member_id: str, *amounts: int, expires=None) -> None:
    with committed(uow) as tx:
        account = tx.ledger.lock(member_id)
        for amount in amounts:
            seq = account.last_seq + len(account.new_entries) + 1
            entry, lot = earning(member_id, seq, amount, NOW + timedelta(minutes=seq), expires=expires)
            account.new_entries.append(entry)
            account.new_lots.append(lot)
            account.available += amount
        tx.ledger.save(account, NOW)


# --- the unit of work ---
# The copy of members and communities has its own contract: test_member_copy_contract.py.


def test_what_is_not_committed_leaves_no_trace(uow):
    with uow() as tx:
        tx.people.put_member(member("m-1"))
        tx.ledger.open(Account("m-1", HOME.id), NOW)
    with uow() as tx:
        assert tx.people.member("m-1") is None
        assert tx.ledger.account("m-1") is None


# --- the ledger ---


def test_an_account_opens_once_and_loads_with_its_open_lots_oldest_first(uow):
    with committed(uow) as tx:
        assert tx.ledger.open(Account("m-1", HOME.id), NOW) is True
        assert tx.ledger.open(Account("m-1", OTHER.id), NOW) is False
    earn(uow, "m-1", 30, 20)
    with uow() as tx:
        account = tx.ledger.account("m-1")
        assert (account.community_id, account.available, account.status) == (HOME.id, 50, ACTIVE)
        assert account.last_seq == 2
        assert [(lot.id, lot.remaining) for lot in account.lots] == [("lot-m-1-1", 30), ("lot-m-1-2", 20)]
        assert account.new_entries == [] and account.new_lots == [] and account.changed_lots == {}
        assert tx.ledger.lock("m-1").available == 50
        assert tx.ledger.account("nobody") is None and tx.ledger.lock("nobody") is None


def test_a_save_moves_the_version_and_a_stale_one_is_refused(uow):
    opened(uow, "m-1")
    with committed(uow) as tx:
        first = tx.ledger.lock("m-1")
        version = first.version
        first.available = 5
        tx.ledger.save(first, NOW)
        assert first.version == version + 1
    with uow() as tx:
        stale = tx.ledger.account("m-1")
        stale.version = version
        with pytest.raises(Conflict):
            tx.ledger.save(stale, NOW)
    with uow() as tx:
        assert tx.ledger.account("m-1").available == 5


def test_spent_lots_are_no_longer_loaded_and_changed_lots_are_kept(uow):
    opened(uow, "m-1")
    earn(uow, "m-1", 30, 20)
    with committed(uow) as tx:
        account = tx.ledger.lock("m-1")
        first, second = account.lots
        account.changed_lots = {
            first.id: replace(first, remaining=0),
            second.id: replace(second, remaining=5),
        }
        account.available = 5
        tx.ledger.save(account, NOW)
    with uow() as tx:
        assert [(lot.id, lot.remaining) for lot in tx.ledger.account("m-1").lots] == [("lot-m-1-2", 5)]
        # In no particular order: the use cases look lots up by id.
        found = tx.ledger.lots(["lot-m-1-2", "lot-m-1-1", "none"])
        assert sorted((lot.id, lot.remaining) for lot in found) == [("lot-m-1-1", 0), ("lot-m-1-2", 5)]
        assert tx.ledger.lots([]) == []


def test_status_and_community_change_and_the_version_moves(uow):
    opened(uow, "m-1")
    with uow() as tx:
        version = tx.ledger.account("m-1").version
    with committed(uow) as tx:
        tx.ledger.set_status("m-1", FROZEN, NOW)
    with committed(uow) as tx:
        tx.ledger.move("m-1", OTHER.id, NOW)
    with uow() as tx:
        account = tx.ledger.account("m-1")
        assert (account.status, account.community_id, account.version) == (FROZEN, OTHER.id, version + 2)
    with committed(uow) as tx:
        # A save writes the balances, never the status set meanwhile.
        account = tx.ledger.lock("m-1")
        account.status = ACTIVE
        tx.ledger.save(account, NOW)
    with uow() as tx:
        assert tx.ledger.account("m-1").status == FROZEN


def test_entries_are_found_by_id_and_listed_newest_first_by_kind_and_time(uow):
    opened(uow, "m-1", "m-2")
    earn(uow, "m-1", 10, 20, 30)
    earn(uow, "m-2", 40)
    with uow() as tx:
        assert tx.ledger.entry("e-m-1-2").amount == 20
        assert tx.ledger.entry("none") is None
        listed = tx.ledger.entries(EntryFilter("m-1"), 0, 10)
        assert [e.seq for e in listed] == [3, 2, 1]
        assert listed[-1] == earning("m-1", 1, 10, NOW + timedelta(minutes=1))[0]
        assert [e.seq for e in tx.ledger.entries(EntryFilter("m-1"), 1, 1)] == [2]
        assert tx.ledger.entries(EntryFilter("m-1", kinds=("accrual",)), 0, 10) == []
        after = NOW + timedelta(minutes=2)
        assert [e.seq for e in tx.ledger.entries(EntryFilter("m-1", created_after=after), 0, 10)] == [3, 2]
        assert [e.seq for e in tx.ledger.entries(EntryFilter("m-1", created_before=after), 0, 10)] == [1]


def test_members_with_due_lots_are_listed_once_each(uow):
    opened(uow, "m-1", "m-2", "m-3")
    earn(uow, "m-2", 10, 20, expires=NOW + timedelta(days=1))
    earn(uow, "m-1", 10, expires=NOW + timedelta(days=1))
    earn(uow, "m-3", 10, expires=NOW + timedelta(days=30))
    with uow() as tx:
        assert tx.ledger.members_with_due_lots(NOW, 10) == []
        later = NOW + timedelta(days=2)
        assert tx.ledger.members_with_due_lots(later, 10) == ["m-1", "m-2"]
        assert tx.ledger.members_with_due_lots(later, 1) == ["m-1"]


def hold(hold_id: str, member_id: str = "m-1", days: int = 7, **changes) -> Hold:
    found = Hold(hold_id, member_id, 10, HELD, NOW + timedelta(days=days), "兑换 毛巾", NOW)
    return replace(found, **changes)


def test_a_hold_is_added_once_resolved_once_and_found_overdue_while_held(uow):
    opened(uow, "m-1")
    earn(uow, "m-1", 30)
    with committed(uow) as tx:
        tx.ledger.add_hold(hold("h-1", allocations={"lot-m-1-1": 10}))
        tx.ledger.add_hold(hold("h-2", days=2))
        tx.ledger.add_hold(hold("h-3", days=1))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.ledger.add_hold(hold("h-1"))
    with committed(uow) as tx:
        assert tx.ledger.hold("h-1") == hold("h-1", allocations={"lot-m-1-1": 10})
        assert tx.ledger.hold("none") is None
        tx.ledger.save_hold(replace(tx.ledger.hold("h-1"), state=CAPTURED, resolved_at=NOW))
    with uow() as tx:
        assert tx.ledger.hold("h-1").state == CAPTURED
        with pytest.raises(Conflict):
            tx.ledger.save_hold(replace(tx.ledger.hold("h-1"), state=CAPTURED, resolved_at=NOW))
        assert tx.ledger.overdue_holds(NOW, 10) == []
        assert [h.id for h in tx.ledger.overdue_holds(NOW + timedelta(days=30), 10)] == ["h-3", "h-2"]
        assert [h.id for h in tx.ledger.overdue_holds(NOW + timedelta(days=30), 1)] == ["h-3"]


# --- the idempotency records every use case keeps ---


def test_an_idempotency_record_is_found_by_operation_and_request_and_written_once(uow):
    check_idempotency_records(uow, "points.Hold", "points.Capture", {"hold_id": "h-1", "points": 10})


# --- activities and their participants ---


def activity(activity_id: str = "a-1", days: int = 1, **changes) -> Activity:
    start = NOW + timedelta(days=days)
    found = Activity(
        id=activity_id,
        community_id=HOME.id,
        title="环境卫生整治",
        description="清理楼道",
        category="environment",
        difficulty=2,
        start_time=start,
        end_time=start + timedelta(hours=3),
        place="3 号楼前",
        capacity=2,
        organiser_id="org-1",
        check_in_secret="secret",
        created_by="admin-a",
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(found, **changes)


def joined(activity_id: str, member_id: str, status: str = SIGNED_UP, minutes: int = 0) -> Participant:
    return Participant(activity_id, member_id, status, NOW + timedelta(minutes=minutes))


def test_activities_are_added_read_and_saved_without_touching_the_count(uow):
    with committed(uow) as tx:
        tx.activities.add(activity("a-1"))
        tx.activities.add(activity("a-2", days=2, capacity=0))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.activities.add(activity("a-1"))
    with committed(uow) as tx:
        assert tx.activities.get("a-1") == activity("a-1")
        assert tx.activities.get("a-1", lock=True) == activity("a-1")
        assert tx.activities.get("none") is None
        assert set(tx.activities.many(["a-1", "a-2", "none"])) == {"a-1", "a-2"}
        assert tx.activities.many([]) == {}
        assert tx.activities.take_place("a-1") is True
        assert tx.activities.save(activity("a-1", title="河道清理", signed_up_count=0)) is True
    with uow() as tx:
        saved = tx.activities.get("a-1")
        assert (saved.title, saved.signed_up_count) == ("河道清理", 1)


def test_places_are_taken_up_to_the_capacity_forced_beyond_it_and_freed(uow):
    with committed(uow) as tx:
        tx.activities.add(activity("a-1", capacity=2))
        tx.activities.add(activity("a-2", capacity=0))
        tx.activities.add(activity("a-3", cancelled=True, cancel_reason="下雨"))
    with committed(uow) as tx:
        assert [tx.activities.take_place("a-1") for _ in range(3)] == [True, True, False]
        assert tx.activities.take_place("a-2") is True
        assert tx.activities.take_place("a-3") is False
        # A smaller capacity than those signed up is refused.
        assert tx.activities.save(activity("a-1", capacity=1)) is False
        tx.activities.force_place("a-1")
        tx.activities.force_place("a-2")
    with committed(uow) as tx:
        full, open_ = tx.activities.get("a-1"), tx.activities.get("a-2")
        assert (full.signed_up_count, full.capacity) == (3, 3)
        assert (open_.signed_up_count, open_.capacity) == (2, 0)
        tx.activities.free_place("a-3")
        tx.activities.free_place("a-1")
    with uow() as tx:
        assert tx.activities.get("a-1").signed_up_count == 2
        assert tx.activities.get("a-3").signed_up_count == 0


def test_activities_are_listed_by_start_with_their_filters(uow):
    with committed(uow) as tx:
        tx.activities.add(activity("a-3", days=3, title="助老送餐"))
        tx.activities.add(activity("a-1", days=1))
        tx.activities.add(activity("a-2", days=2, community_id=OTHER.id, organiser_id="org-2"))
        tx.activities.add(activity("a-0", days=-1))
        tx.activities.add(activity("a-4", days=4, cancelled=True, cancel_reason="下雨"))
        tx.activities.add_participant(joined("a-1", "m-1"))
        tx.activities.add_participant(joined("a-3", "m-1", WITHDRAWN))

    def listed(offset=0, limit=10, **where):
        return [a.id for a in tx.activities.list(ActivityFilter(**where), offset, limit)]

    with uow() as tx:
        assert listed() == ["a-0", "a-1", "a-2", "a-3", "a-4"]
        assert listed(1, 2) == ["a-1", "a-2"]
        assert listed(community_id=OTHER.id) == ["a-2"]
        assert listed(organiser_id="org-2") == ["a-2"]
        assert listed(query="送餐") == ["a-3"]
        assert listed(signed_up_member_id="m-1") == ["a-1"]
        assert listed(starts_after=NOW + timedelta(days=2), starts_before=NOW + timedelta(days=4)) == [
            "a-2",
            "a-3",
        ]
        assert listed(status="scheduled", now=NOW) == ["a-1", "a-2", "a-3"]
        assert listed(status="ended", now=NOW) == ["a-0"]
        assert listed(status="cancelled", now=NOW) == ["a-4"]
        assert listed(status="in_progress", now=NOW + timedelta(days=1, hours=1)) == ["a-1"]


def test_participants_join_once_and_change_only_from_the_status_read(uow):
    with committed(uow) as tx:
        tx.activities.add(activity("a-1"))
        tx.activities.add(activity("a-2"))
        tx.activities.add_participant(joined("a-1", "m-2", minutes=1))
        tx.activities.add_participant(joined("a-1", "m-1", minutes=1))
        tx.activities.add_participant(joined("a-1", "m-3", minutes=0))
        tx.activities.add_participant(joined("a-2", "m-1", WITHDRAWN))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.activities.add_participant(joined("a-1", "m-1"))
    with committed(uow) as tx:
        assert tx.activities.participant("a-1", "m-1") == joined("a-1", "m-1", minutes=1)
        assert tx.activities.participant("a-1", "nobody") is None
        withdrawn = joined("a-1", "m-1", WITHDRAWN, minutes=1)
        assert tx.activities.save_participant(withdrawn, was=SIGNED_UP) is True
        assert tx.activities.save_participant(withdrawn, was=SIGNED_UP) is False
        assert tx.activities.save_participant(joined("a-1", "nobody"), was=SIGNED_UP) is False
    with uow() as tx:
        assert [p.member_id for p in tx.activities.participants("a-1", (SIGNED_UP,), 0, 10)] == ["m-3", "m-2"]
        assert [p.member_id for p in tx.activities.participants("a-1", (SIGNED_UP, WITHDRAWN), 1, 2)] == [
            "m-1",
            "m-2",
        ]
        assert tx.activities.signed_up(["a-1", "a-2", "none"], "m-2") == {"a-1"}
        assert tx.activities.signed_up(["a-1", "a-2"], "m-1") == set()
        assert tx.activities.signed_up([], "m-2") == set()


# --- hour records ---


def record(record_id: str, member_id: str = "m-1", activity_id: str = "a-1", hours_from: int = 0, **changes):
    start = NOW + timedelta(days=1, hours=hours_from)
    found = HourRecord(
        id=record_id,
        activity_id=activity_id,
        community_id=HOME.id,
        member_id=member_id,
        minutes=60,
        check_in_time=start,
        check_out_time=start + timedelta(hours=1),
        source="recorded",
        recorded_by="org-1",
        created_at=NOW + timedelta(minutes=hours_from),
        updated_at=NOW,
    )
    return replace(found, **changes)


def test_hour_records_are_added_read_and_decided_once(uow):
    with committed(uow) as tx:
        tx.people.put_community(HOME)
        tx.activities.add(activity("a-1"))
        tx.hours.add(record("h-1"))
        tx.hours.add(record("h-2", "m-2", hours_from=1, flags=("overlap",)))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.hours.add(record("h-1"))
    with committed(uow) as tx:
        assert tx.hours.get("h-1") == record("h-1")
        assert tx.hours.get("h-2", lock=True) == record("h-2", "m-2", hours_from=1, flags=("overlap",))
        assert tx.hours.get("none") is None
        assert set(tx.hours.many(["h-1", "h-2", "none"])) == {"h-1", "h-2"}
        approved = replace(
            record("h-1"), status=APPROVED, decided_by="admin-a", decided_at=NOW, points_accrued=12
        )
        assert tx.hours.save(approved, was=PENDING) is True
        assert tx.hours.save(replace(approved, status=REJECTED), was=PENDING) is False
    with uow() as tx:
        assert tx.hours.get("h-1").status == APPROVED and tx.hours.get("h-1").points_accrued == 12


def test_hour_records_are_summed_found_around_a_time_and_the_current_one_per_member(uow):
    with committed(uow) as tx:
        tx.people.put_community(HOME)
        tx.activities.add(activity("a-1"))
        tx.hours.add(record("h-1", status=REJECTED))
        tx.hours.add(record("h-2", hours_from=1))
        tx.hours.add(record("h-3", "m-2", hours_from=2, status=APPROVED))
    with uow() as tx:
        assert tx.hours.current("a-1", "m-1").id == "h-2"
        assert tx.hours.current("a-1", "nobody") is None
        assert tx.hours.total_minutes("a-1", (PENDING, APPROVED)) == 120
        assert tx.hours.total_minutes("a-1", (APPROVED,)) == 60
        day = NOW + timedelta(days=1)
        assert [r.id for r in tx.hours.around("m-1", day, day + timedelta(hours=5))] == ["h-2"]
        assert tx.hours.around("m-1", day + timedelta(hours=2), day + timedelta(hours=5)) == []


def test_hour_records_are_listed_newest_served_first_for_whom_may_see_them(uow):
    with committed(uow) as tx:
        tx.people.put_community(HOME)
        tx.people.put_community(OTHER)
        tx.activities.add(activity("a-1"))
        tx.activities.add(activity("a-2", community_id=OTHER.id, organiser_id="org-2"))
        tx.hours.add(record("h-1"))
        tx.hours.add(record("h-2", "m-2", hours_from=1, flags=("overlap",)))
        tx.hours.add(record("h-3", "m-3", "a-2", hours_from=2, community_id=OTHER.id, status=APPROVED))

    def listed(visible, offset=0, limit=10, **where):
        return [r.id for r in tx.hours.list(HourFilter(visible, **where), offset, limit)]

    with uow() as tx:
        assert listed(Visibility(member_id="m-1")) == ["h-1"]
        assert listed(Visibility(organiser_id="org-1")) == ["h-2", "h-1"]
        assert listed(Visibility(community_ids=(OTHER.id,))) == ["h-3"]
        assert listed(Visibility(street_ids=(HOME.street_id,))) == ["h-3", "h-2", "h-1"]
        assert listed(Visibility(street_ids=("st-none",))) == []
        everyone = Visibility(street_ids=(HOME.street_id,))
        assert listed(everyone, 1, 1) == ["h-2"]
        assert listed(everyone, activity_id="a-2") == ["h-3"]
        assert listed(everyone, member_id="m-2") == ["h-2"]
        assert listed(everyone, community_id=HOME.id) == ["h-2", "h-1"]
        assert listed(everyone, status=APPROVED) == ["h-3"]
        assert listed(everyone, flagged_only=True) == ["h-2"]
        second = NOW + timedelta(days=1, hours=1)
        assert listed(everyone, served_after=second) == ["h-3", "h-2"]
        assert listed(everyone, served_before=second) == ["h-1"]


# --- rule versions ---


def fake_with_rule_scopes() -> PointsUow:
    uow = PointsUow(rules=FakeRules())
    # FakeRules answers for the communities table through `communities`: the rows the people write.
    uow.rules.communities = uow.people.community_rows
    return uow


@pytest.fixture(params=BACKENDS)
def rules_uow(request, tmp_path):
    with points_units(request.param, tmp_path, fake_with_rule_scopes) as factory:
        yield factory


@pytest.fixture(params=[*BACKENDS, "fixed-rules"])
def in_force_uow(request, tmp_path):
    """Also over FixedRules, the simpler fake most points unit tests use: it answers add, get and in_force."""
    backend, fake = (
        (FAKE, PointsUow) if request.param == "fixed-rules" else (request.param, fake_with_rule_scopes)
    )
    with points_units(backend, tmp_path, fake) as factory:
        yield factory


def version(version_id: str, community_id: str = "", street_id: str = "", days: int = 0, **changes):
    found = RuleVersion(
        version_id,
        community_id,
        street_id,
        NOW + timedelta(days=days),
        replace(DEFAULT_RULES, points_per_hour=12),
        note="多劳多得",
        published_by="admin-a",
        published_at=NOW - timedelta(days=1),
        title=f"积分办法 {version_id}",
    )
    return replace(found, **changes)


def test_the_built_in_version_is_in_force_everywhere_until_another_starts(in_force_uow):
    with in_force_uow() as tx:
        built_in = tx.rules.in_force(HOME.id, HOME.street_id, NOW)
        assert (built_in.id, built_in.scope, built_in.title) == (
            BUILT_IN_VERSION_ID,
            "default",
            BUILT_IN_TITLE,
        )
        assert built_in.rules == DEFAULT_RULES
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        assert (built_in.effective_from, built_in.published_at) == (epoch, epoch)
        assert tx.rules.in_force("", "", NOW).id == BUILT_IN_VERSION_ID
        assert tx.rules.get(BUILT_IN_VERSION_ID) == built_in


def test_the_narrowest_scope_with_a_started_version_is_in_force(in_force_uow):
    with committed(in_force_uow) as tx:
        tx.rules.add(version("street-1", street_id="st-1", days=-10))
        tx.rules.add(version("street-2", street_id="st-1", days=-2))
        tx.rules.add(version("home-1", community_id=HOME.id, days=-5))
        tx.rules.add(version("home-2", community_id=HOME.id, days=5))
    with in_force_uow() as tx:
        assert tx.rules.get("home-1") == version("home-1", community_id=HOME.id, days=-5)
        assert tx.rules.get("none") is None
        assert tx.rules.in_force(HOME.id, "st-1", NOW).id == "home-1"
        assert tx.rules.in_force(HOME.id, "st-1", NOW + timedelta(days=6)).id == "home-2"
        assert tx.rules.in_force(HOME.id, "st-1", NOW - timedelta(days=6)).id == "street-1"
        assert tx.rules.in_force(OTHER.id, "st-1", NOW).id == "street-2"
        assert tx.rules.in_force(OTHER.id, "", NOW).id == BUILT_IN_VERSION_ID
        assert tx.rules.in_force("", "st-1", NOW).id == "street-2"
        assert tx.rules.in_force("", "st-2", NOW).id == BUILT_IN_VERSION_ID


def test_one_version_per_scope_and_start_and_per_id(in_force_uow):
    with committed(in_force_uow) as tx:
        tx.rules.add(version("home-1", community_id=HOME.id))
    with pytest.raises(Conflict), committed(in_force_uow) as tx:
        tx.rules.add(version("home-2", community_id=HOME.id))
    with pytest.raises(Conflict), committed(in_force_uow) as tx:
        tx.rules.add(version("home-1", community_id=OTHER.id))
    with in_force_uow() as tx:
        assert tx.rules.get("home-1") == version("home-1", community_id=HOME.id)
        assert tx.rules.get("home-2") is None


def test_a_scopes_versions_are_listed_latest_start_first_and_found_by_start(rules_uow):
    with committed(rules_uow) as tx:
        tx.rules.add(version("home-1", community_id=HOME.id, days=-5))
        tx.rules.add(version("home-3", community_id=HOME.id, days=5))
        tx.rules.add(version("home-2", community_id=HOME.id, days=0))
        tx.rules.add(version("other-1", community_id=OTHER.id, days=-1))
        tx.rules.add(version("street-1", street_id="st-1", days=-3))
    with rules_uow() as tx:
        assert [v.id for v in tx.rules.of_scope(HOME.id, "", 0, 10)] == ["home-3", "home-2", "home-1"]
        assert [v.id for v in tx.rules.of_scope(HOME.id, "", 1, 1)] == ["home-2"]
        assert [v.id for v in tx.rules.of_scope("", "st-1", 0, 10)] == ["street-1"]
        assert [v.id for v in tx.rules.of_scope("", "", 0, 10)] == [BUILT_IN_VERSION_ID]
        assert tx.rules.at_scope_from(HOME.id, "", NOW).id == "home-2"
        assert tx.rules.at_scope_from(OTHER.id, "", NOW) is None
        assert tx.rules.first_community_versions([HOME.id, OTHER.id, "co-none"]) == {
            HOME.id: NOW - timedelta(days=5),
            OTHER.id: NOW - timedelta(days=1),
        }
        assert tx.rules.first_community_versions([]) == {}


def test_a_street_is_known_by_the_communities_announced_in_it(rules_uow):
    with committed(rules_uow) as tx:
        tx.people.put_community(OTHER)
        tx.people.put_community(HOME)
        tx.people.put_community(CommunityCopy("co-z", "st-2", "别处社区"))
    with rules_uow() as tx:
        assert tx.rules.street_known("st-1") is True
        assert tx.rules.street_known("st-none") is False
        assert tx.rules.street_communities("st-1") == [HOME, OTHER]
        assert tx.rules.street_communities("st-none") == []


# --- the audit trail: what admins did, over the entries and the rule versions ---


def test_the_audit_trail_lists_awards_commendations_adjustments_and_publications_newest_first(rules_uow):
    uow = rules_uow
    opened(uow, "m-1", "m-2")
    with committed(uow) as tx:
        account = tx.ledger.lock("m-1")
        for seq, kind, amount, rule_version_id in (
            (1, "award", 30, ""),
            (2, "award", 50, "home-1"),
            (3, "adjustment", -5, ""),
            (4, "accrual", 12, ""),
        ):
            entry, _ = earning("m-1", seq, amount, NOW + timedelta(minutes=seq), kind=kind)
            account.new_entries.append(replace(entry, rule_version_id=rule_version_id))
        tx.ledger.save(account, NOW)
        away = tx.ledger.lock("m-2")
        entry, _ = earning("m-2", 1, 10, NOW + timedelta(minutes=5))
        away.new_entries.append(replace(entry, community_id=OTHER.id))
        tx.ledger.save(away, NOW)
        tx.rules.add(version("home-1", community_id=HOME.id, published_at=NOW + timedelta(minutes=6)))
        tx.rules.add(version("street-1", street_id="st-1", published_at=NOW + timedelta(minutes=7), note=""))
        tx.rules.add(version("other-1", community_id=OTHER.id, published_at=NOW + timedelta(minutes=8)))

    def trail(offset=0, limit=10, **where):
        found = tx.audit_trail.events(AuditFilter(HOME.id, "st-1", **where), offset, limit)
        return [(e.id, e.kind) for e in found]

    with uow() as tx:
        assert trail() == [
            ("street-1", RULE_PUBLICATION),
            ("home-1", RULE_PUBLICATION),
            ("e-m-1-3", ADJUSTMENT),
            ("e-m-1-2", COMMENDATION),
            ("e-m-1-1", AWARD),
        ]
        assert trail(1, 2) == [("home-1", RULE_PUBLICATION), ("e-m-1-3", ADJUSTMENT)]
        assert trail(kinds=(AWARD,)) == [("e-m-1-1", AWARD)]
        assert trail(kinds=(COMMENDATION, ADJUSTMENT)) == [("e-m-1-3", ADJUSTMENT), ("e-m-1-2", COMMENDATION)]
        assert trail(kinds=()) == []
        between = dict(created_after=NOW + timedelta(minutes=2), created_before=NOW + timedelta(minutes=7))
        assert trail(**between) == [
            ("home-1", RULE_PUBLICATION),
            ("e-m-1-3", ADJUSTMENT),
            ("e-m-1-2", COMMENDATION),
        ]
        published, _, commended, awarded = tx.audit_trail.events(AuditFilter(HOME.id, "st-1"), 1, 5)
        assert published == AuditEvent(
            "home-1",
            RULE_PUBLICATION,
            "admin-a",
            NOW + timedelta(minutes=6),
            "积分办法 home-1：多劳多得",
            "",
            0,
            "home-1",
            "home-1",
        )
        assert commended == AuditEvent(
            "e-m-1-2",
            COMMENDATION,
            "admin-a",
            NOW + timedelta(minutes=2),
            "河道清理",
            "m-1",
            50,
            "s-2",
            "home-1",
        )
        assert awarded.points == 30 and awarded.rule_version_id == ""


# --- the sums leaderboards are made of ---
# The fake keeps the rows the sums read (tests/unit/points/fake_rules.py): each backend is given the same
# accounts, entries and hour records its own way, and must sum them alike.


def fake_with_sums() -> PointsUow:
    uow = PointsUow()
    uow.leaderboard_sums = FakeLeaderboardSums()
    return uow


@pytest.fixture(params=BACKENDS)
def sums_uow(request, tmp_path):
    with points_units(request.param, tmp_path, fake_with_sums) as factory:
        yield factory


def write_account(tx, member_id: str, community: CommunityCopy) -> None:
    if isinstance(tx.leaderboard_sums, FakeLeaderboardSums):
        tx.leaderboard_sums.accounts[member_id] = community.id
    else:
        tx.ledger.open(Account(member_id, community.id), NOW)


def write_entries(tx, member_id: str, *rows: tuple[str, int, datetime, CommunityCopy]) -> None:
    if isinstance(tx.leaderboard_sums, FakeLeaderboardSums):
        for kind, amount, at, community in rows:
            tx.leaderboard_sums.earned.append(EarnedRow(member_id, community.id, kind, amount, at))
        return
    account = tx.ledger.lock(member_id)
    for seq, (kind, amount, at, community) in enumerate(rows, start=account.last_seq + 1):
        entry, _ = earning(member_id, seq, amount, at, kind=kind)
        account.new_entries.append(replace(entry, community_id=community.id))
    tx.ledger.save(account, NOW)


def write_hours(tx, member_id: str, *rows: tuple[int, str, datetime]) -> None:
    for n, (minutes, status, decided_at) in enumerate(rows):
        if isinstance(tx.leaderboard_sums, FakeLeaderboardSums):
            tx.leaderboard_sums.hours.append(HoursRow(member_id, minutes, status, decided_at))
        else:
            decided = dict(decided_by="admin-a", decided_at=decided_at) if status != PENDING else {}
            tx.hours.add(record(f"h-{member_id}-{n}", member_id, minutes=minutes, status=status, **decided))


@pytest.fixture
def earners(sums_uow):
    """m-1 earns in the home community and moved there from the other; m-2 lives in the other."""
    day = timedelta(days=1)
    with committed(sums_uow) as tx:
        write_account(tx, "m-1", HOME)
        write_account(tx, "m-2", OTHER)
        write_entries(
            tx,
            "m-1",
            ("award", 30, NOW - 10 * day, HOME),
            ("accrual", 12, NOW - day, HOME),
            ("adjustment", -2, NOW, HOME),
            ("hold", -10, NOW, HOME),
            ("expiry", -5, NOW, HOME),
            ("award", 100, NOW - day, OTHER),
        )
        write_entries(tx, "m-2", ("accrual", 7, NOW - day, OTHER))
        write_hours(
            tx,
            "m-1",
            (60, APPROVED, NOW - 10 * day),
            (90, APPROVED, NOW - day),
            (600, PENDING, NOW),
            (45, REJECTED, NOW - day),
        )
        write_hours(tx, "m-2", (30, APPROVED, NOW))
    return sums_uow


def test_a_members_points_and_minutes_are_summed_per_window(earners):
    day = timedelta(days=1)
    windows = [(None, None), (NOW - 2 * day, None), (NOW - 20 * day, NOW - 5 * day), (NOW + day, None)]
    with earners() as tx:
        assert tx.leaderboard_sums.account_community("m-1") == HOME.id
        assert tx.leaderboard_sums.account_community("nobody") is None
        assert tx.leaderboard_sums.member_points("m-1", HOME.id, windows) == [40, 10, 30, 0]
        assert tx.leaderboard_sums.member_points("m-1", OTHER.id, windows) == [100, 100, 0, 0]
        assert tx.leaderboard_sums.member_points("nobody", HOME.id, windows) == [0, 0, 0, 0]
        assert tx.leaderboard_sums.member_minutes("m-1", windows) == [150, 90, 60, 0]
        assert tx.leaderboard_sums.member_minutes("nobody", windows) == [0, 0, 0, 0]


def test_the_rebuild_streams_earnings_and_minutes_of_each_members_own_community(earners):
    day = timedelta(days=1)
    with earners() as tx:
        assert sorted(tx.leaderboard_sums.earned_points()) == sorted(
            [
                (HOME.id, "m-1", 30, NOW - 10 * day),
                (HOME.id, "m-1", 12, NOW - day),
                (HOME.id, "m-1", -2, NOW),
                (OTHER.id, "m-2", 7, NOW - day),
            ]
        )
        assert sorted(tx.leaderboard_sums.certified_minutes()) == sorted(
            [
                (HOME.id, "m-1", 60, NOW - 10 * day),
                (HOME.id, "m-1", 90, NOW - day),
                (OTHER.id, "m-2", 30, NOW),
            ]
        )


def write_served(tx, record_id, member_id, community, start, status=APPROVED, minutes=90, accrued=22):
    """An hour record of an activity of difficulty 3 in cleanup that started at `start`."""
    if isinstance(tx.rules, FakeRules):
        row = ApprovedHourRow(record_id, member_id, community.id, minutes, accrued, start, 3, "cleanup")
        tx.rules.hour_rows.append((row, status))
        return
    activity_id = f"a-{record_id}"
    tx.activities.add(
        activity(activity_id, community_id=community.id, difficulty=3, category="cleanup", start_time=start)
    )
    served = record(record_id, member_id, activity_id, community_id=community.id, minutes=minutes)
    tx.hours.add(replace(served, status=status, points_accrued=accrued))


def test_approved_hours_of_communities_are_read_by_when_their_activity_started(rules_uow):
    day = timedelta(days=1)
    with committed(rules_uow) as tx:
        write_served(tx, "h-3", "m-2", HOME, NOW - 3 * day)
        write_served(tx, "h-1", "m-2", HOME, NOW - 2 * day, minutes=60, accrued=10)
        write_served(tx, "h-2", "m-1", OTHER, NOW - 2 * day)
        write_served(tx, "h-4", "m-1", HOME, NOW - 2 * day, status=PENDING)
        write_served(tx, "h-5", "m-1", HOME, NOW - 20 * day)
        write_served(tx, "h-6", "m-1", HOME, NOW)
        write_served(tx, "h-7", "m-3", CommunityCopy("co-z", "st-2"), NOW - day)
    with rules_uow() as tx:
        found = tx.rules.approved_hours([HOME.id, OTHER.id], NOW - 10 * day, NOW)
        assert [r.hour_record_id for r in found] == ["h-2", "h-1", "h-3"]
        assert found[1] == ApprovedHourRow("h-1", "m-2", HOME.id, 60, 10, NOW - 2 * day, 3, "cleanup")
        assert [r.hour_record_id for r in tx.rules.approved_hours([HOME.id], NOW - 30 * day, NOW + day)] == [
            "h-5",
            "h-6",
            "h-1",
            "h-3",
        ]
        assert tx.rules.approved_hours([], NOW - 30 * day, NOW) == []


# --- the needs list and the resource list ---


def a_need(need_id: str, community: CommunityCopy = HOME, grid: str = "gr-1", minutes: int = 0):

    return Need(
        id=need_id,
        community_id=community.id,
        grid_id=grid,
        place="3 号楼",
        title="楼道堆物清理",
        description="",
        category="environment",
        points=20,
        wanted=2,
        deadline=None,
        posted_by="admin-a",
        posted_at=NOW + timedelta(minutes=minutes),
    )


def test_a_need_keeps_its_claims_notes_close_and_awards(uow):
    with committed(uow) as tx:
        tx.needs.add(a_need("n-1"))
        tx.needs.add(a_need("n-2", OTHER, minutes=1))
    with committed(uow) as tx:
        need = tx.needs.get("n-1", lock=True)
        need.claim("c-1", "m-1", "", "", NOW + timedelta(minutes=2))
        need.claim("c-2", "m-2", "org-1", "安居供热站", NOW + timedelta(minutes=3))
        need.note("x-1", "m-1", "已联系物业", NOW + timedelta(minutes=4))
        tx.needs.save(need)
    with committed(uow) as tx:
        need = tx.needs.get("n-1", lock=True)
        assert [(c.id, c.organization_name, c.active) for c in need.claims] == [
            ("c-1", "", True),
            ("c-2", "安居供热站", True),
        ]
        assert [n.text for n in need.notes] == ["已联系物业"]
        need.reject("c-1")
        need.close("已清理", ("m-2",), NOW + timedelta(minutes=5))
        tx.needs.save(need)
        tx.needs.note_award("n-1", "m-2", "e-1", NOW)
    with uow() as tx:
        need = tx.needs.get("n-1")
        assert need.closed and need.result == "已清理" and need.closed_at == NOW + timedelta(minutes=5)
        assert [c.member_id for c in need.active_claims] == ["m-2"]
        assert tx.needs.awarded("n-1") == {"m-2"} and tx.needs.awarded("n-2") == set()
        assert [n.id for n in tx.needs.list(HOME.id)] == ["n-1"]
        assert tx.needs.list(HOME.id, "gr-other") == []
        assert [n.id for n in tx.needs.posted_between(OTHER.id, NOW, NOW + timedelta(minutes=2))] == ["n-2"]
        assert tx.needs.get("n-none") is None


def test_a_resource_is_put_changed_listed_and_deleted(uow):

    first = Resource("r-1", HOME.id, "安居供热站", "暖气检修", "", "", NOW)
    with committed(uow) as tx:
        tx.resources.put(first)
        tx.resources.put(Resource("r-2", OTHER.id, "兰房物业", "公共设施维修", "", "", NOW))
    with committed(uow) as tx:
        tx.resources.put(replace(first, title="冬季暖气检修", contact="8888"))
    with committed(uow) as tx:
        assert [(r.id, r.title, r.contact) for r in tx.resources.of_community(HOME.id)] == [
            ("r-1", "冬季暖气检修", "8888")
        ]
        tx.resources.delete("r-2")
    with uow() as tx:
        assert tx.resources.of_community(OTHER.id) == [] and tx.resources.get("r-2") is None


# --- Certificates of service ---


def certificate(serial: str, certificate_id: str = "c-1") -> Certificate:
    return Certificate(
        id=certificate_id,
        serial=serial,
        member_id="m-1",
        member_name="张三丰",
        community_id=HOME.id,
        community_name="张苏滩社区",
        from_date=date(2026, 1, 1),
        to_date=date(2026, 12, 31),
        activities=(CertifiedActivity("a-1", "环境卫生整治", date(2026, 3, 3), 90),),
        total_minutes=90,
        issued_by="admin-a",
        issued_at=NOW,
    )


def test_certificates_are_written_once_and_read_by_serial(uow):
    with committed(uow) as tx:
        tx.certificates.add(certificate("ZM2026-AAAA-BBBB-CCCC"))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.certificates.add(certificate("ZM2026-AAAA-BBBB-CCCC", "c-2"))
    with uow() as tx:
        assert tx.certificates.by_serial("ZM2026-AAAA-BBBB-CCCC") == certificate("ZM2026-AAAA-BBBB-CCCC")
        assert tx.certificates.by_serial("ZM2026-AAAA-BBBB-CCCD") is None


def test_certified_minutes_are_the_approved_ones_of_the_community_in_the_period_per_activity(uow):
    day = NOW + timedelta(days=1)
    with committed(uow) as tx:
        tx.people.put_community(HOME)
        tx.activities.add(activity("a-1"))
        tx.activities.add(activity("a-2", days=2, title="助老送餐"))
        tx.activities.add(activity("a-3", community_id=OTHER.id))
        tx.hours.add(record("h-1", status=APPROVED))
        tx.hours.add(record("h-2", hours_from=2, status=APPROVED, minutes=30))
        tx.hours.add(record("h-3", hours_from=4))
        tx.hours.add(record("h-4", hours_from=5, status=REJECTED))
        tx.hours.add(record("h-5", "m-2", status=APPROVED))
        tx.hours.add(record("h-6", activity_id="a-2", hours_from=24, status=APPROVED, minutes=45))
        tx.hours.add(record("h-7", activity_id="a-3", community_id=OTHER.id, hours_from=6, status=APPROVED))
    with uow() as tx:
        found = tx.certificates.certified("m-1", HOME.id, day - timedelta(hours=1), day + timedelta(days=2))
        assert [(c.activity_id, c.title, c.minutes) for c in found] == [
            ("a-1", "环境卫生整治", 90),
            ("a-2", "助老送餐", 45),
        ]
        assert found[0].day == (NOW + timedelta(days=1)).astimezone(LOCAL).date()
        # The period holds the service's start: a day later leaves the first activity out.
        later = tx.certificates.certified("m-1", HOME.id, day + timedelta(hours=12), day + timedelta(days=2))
        assert [c.activity_id for c in later] == ["a-2"]
        assert tx.certificates.certified("m-1", OTHER.id, day, day + timedelta(days=2))[0].minutes == 60
