"""Activities and hours on the real PostgreSQL: capacity under concurrency, approval via the real ledger."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import sqlalchemy as sa

from jifen.caller import ADMIN, VOLUNTEER, Caller, Grant
from jifen.errors import FailedPrecondition, NotFound
from services.points.adapters import tables
from services.points.adapters.unit_of_work import PointsUnitOfWork
from services.points.domain.activity import CANCELLED, ENDED, SCHEDULED
from services.points.domain.hours import APPROVED, LONGER_THAN_ACTIVITY, OVERLAP
from services.points.domain.ledger import Account
from services.points.domain.people import ACTIVE, CommunityCopy, MemberCopy
from services.points.domain.rules import BUILT_IN_VERSION_ID
from services.points.service.activities import planning as activities
from services.points.service.activities import sign_ups
from services.points.service.activities.commands import CancelActivity, CreateActivity, ListActivities, SignUp
from services.points.service.hours import decisions as hour_decisions
from services.points.service.hours import recording as hours
from services.points.service.hours.commands import ApproveHours, HoursEntry, ListHourRecords, RecordHours
from tests.integration.points_places import ADMIN_HOME, HOME, OTHER, STREET, STREET_ADMIN

NOW = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)

pytestmark = pytest.mark.postgres


@pytest.fixture
def uow(engine):
    return partial(PointsUnitOfWork, engine)


def member(uow, member_id: str, community: CommunityCopy = HOME) -> Caller:
    with uow() as tx:
        tx.people.put_member(MemberCopy(member_id, f"成员{member_id}", community.id, STREET, "", ACTIVE, NOW))
        tx.ledger.open(Account(member_id, community.id), NOW)
        tx.commit()
    return Caller(member_id=member_id, grants=(Grant(VOLUNTEER, community_id=community.id),))


@pytest.fixture
def town(uow):
    with uow() as tx:
        tx.people.put_community(HOME)
        tx.people.put_community(OTHER)
        tx.commit()
    for admin in (ADMIN_HOME, STREET_ADMIN):
        member(uow, admin.member_id)
    return member(uow, "org-1")


def plan(uow, organiser: Caller, request_id="plan-1", capacity=10, start=NOW + timedelta(days=1), **changes):
    fields = dict(
        request_id=request_id,
        actor=ADMIN_HOME,
        community_id=HOME.id,
        title="环境卫生整治",
        category="environment",
        difficulty=2,
        start_time=start,
        end_time=start + timedelta(hours=3),
        capacity=capacity,
        organiser_id=organiser.member_id,
    )
    fields.update(changes)
    return activities.create_activity(CreateActivity(**fields), uow(), lambda: NOW).activity


def test_fifty_members_race_for_ten_places_and_exactly_ten_get_one(uow, town):
    activity = plan(uow, town, capacity=10)
    racers = [member(uow, f"vol-{i:02d}") for i in range(50)]

    def race(racer: Caller) -> str:
        try:
            sign_ups.sign_up(SignUp(f"su-{racer.member_id}", racer, activity.id), uow(), lambda: NOW)
            return "in"
        except FailedPrecondition as full:
            assert full.zh == "名额已满"
            return "full"

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(race, racers))
    assert outcomes.count("in") == 10 and outcomes.count("full") == 40
    with uow() as tx:
        assert tx.activities.get(activity.id).signed_up_count == 10
        signed = tx.connection.execute(
            sa.select(sa.func.count())
            .select_from(tables.participants)
            .where(tables.participants.c.status == "signed_up")
        ).scalar_one()
    assert signed == 10


def test_one_member_signing_up_many_times_at_once_counts_once(uow, town):
    activity = plan(uow, town, capacity=5)
    eager = member(uow, "vol-eager")

    def sign(attempt: int):
        return sign_ups.sign_up(SignUp(f"su-{attempt}", eager, activity.id), uow(), lambda: NOW)

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(sign, range(10)))
    assert {r[0].participant.status for r in results} == {"signed_up"}
    with uow() as tx:
        assert tx.activities.get(activity.id).signed_up_count == 1


def test_approval_posts_the_accrual_through_the_real_ledger(uow, town):
    activity = plan(uow, town, start=NOW - timedelta(days=7))
    member(uow, "vol-1")
    later = NOW + timedelta(hours=1)
    (recorded,) = hours.record_hours(
        RecordHours("rec-1", ADMIN_HOME, activity.id, (HoursEntry("vol-1", 150),)), uow(), lambda: later
    )
    # Recorded by the admin, certified by someone else: the organiser.
    (approved,) = hour_decisions.approve_hours(
        ApproveHours("ap-1", town, (recorded.record.id,)), uow(), lambda: later
    )
    assert approved.record.status == APPROVED
    assert approved.record.points_accrued == 30
    assert approved.record.rule_version_id == BUILT_IN_VERSION_ID
    with uow() as tx:
        account = tx.ledger.account("vol-1")
        assert (account.available, account.certified_minutes) == (30, 150)
        entry = tx.connection.execute(sa.select(tables.entries)).one()
        assert (entry.kind, entry.amount, entry.source_id) == ("accrual", 30, recorded.record.id)
        assert entry.rule_version_id == BUILT_IN_VERSION_ID
        assert entry.calculation == approved.record.calculation
        events = [
            row.type for row in tx.connection.execute(sa.text("SELECT type FROM outbox ORDER BY occurred_at"))
        ]
    assert sorted(events) == ["hours.approved", "points.accrued"]


def test_a_batch_with_an_unknown_member_writes_nothing(uow, town):
    activity = plan(uow, town, start=NOW - timedelta(days=1))
    member(uow, "vol-1")
    with pytest.raises(NotFound):
        hours.record_hours(
            RecordHours("rec-1", ADMIN_HOME, activity.id, (HoursEntry("vol-1", 60), HoursEntry("ghost", 60))),
            uow(),
            lambda: NOW,
        )
    with uow() as tx:
        assert (
            tx.connection.execute(sa.select(sa.func.count()).select_from(tables.hour_records)).scalar_one()
            == 0
        )
        assert tx.activities.get(activity.id).signed_up_count == 0


def test_statuses_flags_and_scopes_are_decided_in_sql(uow, town):
    past = plan(uow, town, "p1", title="上周的活动", start=NOW - timedelta(days=7))
    overlapping = plan(uow, town, "p2", title="同时的活动", start=NOW - timedelta(days=7, hours=-1))
    plan(uow, town, "p3", title="明天的活动")
    gone = plan(uow, town, "p4", title="取消的活动", start=NOW + timedelta(days=2))
    activities.cancel_activity(CancelActivity("c", ADMIN_HOME, gone.id, "暴雨"), uow(), lambda: NOW)

    def titles(status):
        found, _ = activities.list_activities(ListActivities(actor=town, status=status), uow(), lambda: NOW)
        return [v.activity.title for v in found]

    assert titles(ENDED) == ["上周的活动", "同时的活动"]
    assert titles(SCHEDULED) == ["明天的活动"]
    assert titles(CANCELLED) == ["取消的活动"]

    member(uow, "vol-1")
    hours.record_hours(
        RecordHours("r1", ADMIN_HOME, past.id, (HoursEntry("vol-1", 240),)), uow(), lambda: NOW
    )
    hours.record_hours(
        RecordHours("r2", ADMIN_HOME, overlapping.id, (HoursEntry("vol-1", 60),)), uow(), lambda: NOW
    )
    found, _ = hours.list_hour_records(ListHourRecords(actor=STREET_ADMIN, flagged_only=True), uow())
    assert {v.activity_title: v.record.flags for v in found} == {
        "上周的活动": (OVERLAP, LONGER_THAN_ACTIVITY),
        "同时的活动": (OVERLAP,),
    }
    other_admin = Caller(member_id="admin-b", grants=(Grant(ADMIN, community_id=OTHER.id),))
    assert hours.list_hour_records(ListHourRecords(actor=other_admin), uow())[0] == []
    mine, _ = hours.list_hour_records(ListHourRecords(actor=Caller(member_id="vol-1")), uow())
    assert len(mine) == 2


def test_the_queue_shows_what_approval_then_posts_to_the_ledger(uow, town):
    activity = plan(uow, town, start=NOW - timedelta(days=2), difficulty=4)
    member(uow, "vol-1")
    member(uow, "vol-2")
    later = NOW + timedelta(hours=1)
    entries = (HoursEntry("vol-1", 100), HoursEntry("vol-2", 45))
    hours.record_hours(RecordHours("rec-1", ADMIN_HOME, activity.id, entries), uow(), lambda: later)
    queue, _ = hours.list_hour_records(
        ListHourRecords(STREET_ADMIN, community_id=HOME.id, status="pending"), uow()
    )
    shown = {v.record.id: v.preview for v in queue}
    # 100 minutes round down to 90: 1.5 h × 10 × 1.8 (difficulty 4) = 27; 45 → 30 minutes: 9.
    assert sorted(p.points for p in shown.values()) == [9, 27]
    hour_decisions.approve_hours(ApproveHours("ap-1", town, tuple(shown)), uow(), lambda: later)
    with uow() as tx:
        posted = {row.source_id: row for row in tx.connection.execute(sa.select(tables.entries))}
    assert {i: (e.amount, e.calculation, e.rule_version_id) for i, e in posted.items()} == {
        i: (p.points, p.calculation, p.version.id) for i, p in shown.items()
    }
