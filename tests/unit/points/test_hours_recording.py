"""The organiser records hours for many volunteers at once; flags mark what needs a second look."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from jifen.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.points.domain.activity import CHECKED_OUT
from services.points.domain.hours import (
    DAILY_CAP_EXCEEDED,
    LONGER_THAN_ACTIVITY,
    OVERLAP,
    PENDING,
    RECORDED,
    REJECTED,
)
from services.points.service.activities import sign_ups
from services.points.service.activities.commands import SignUp
from services.points.service.hours import decisions as hour_decisions
from services.points.service.hours import recording as hours
from services.points.service.hours.commands import (
    ApproveHours,
    HoursEntry,
    ListHourRecords,
    RecordHours,
    RejectHours,
)

from .fake_activities import (
    MONDAY,
    PointsUow,
    Town,
    at,
    plan,
    signed_up_for_hours,
    street_admin,
    street_rules,
)
from .fakes import FixedRules

AFTER = MONDAY + timedelta(days=2)


def record(uow, actor, activity, *entries, request_id="rec-1", now=AFTER):
    signed_up_for_hours(uow, actor, activity, [e.member_id for e in entries])
    cmd = RecordHours(request_id, actor, activity.id, tuple(entries))
    return hours.record_hours(cmd, uow, at(now))


def test_the_organiser_records_hours_for_several_volunteers(uow, town, activity):
    town.volunteers(2)
    found = record(uow, town.organiser, activity, HoursEntry("vol-0", 120), HoursEntry("vol-1", 90))
    assert [(r.record.member_id, r.record.minutes, r.member_name) for r in found] == [
        ("vol-0", 120, "王秀兰"),
        ("vol-1", 90, "李明"),
    ]
    rec = found[0].record
    assert rec.status == PENDING and rec.source == RECORDED and rec.recorded_by == town.organiser.member_id
    # No times given: the interval starts at the activity's start.
    assert (rec.check_in_time, rec.check_out_time) == (
        activity.start_time,
        activity.start_time + timedelta(hours=2),
    )
    assert found[0].activity_title == "环境卫生整治"
    participant = uow.activities.participant(activity.id, "vol-0")
    assert participant.status == CHECKED_OUT and participant.hour_record_id == rec.id
    assert uow.activities.rows[activity.id].signed_up_count == 2


def test_members_an_admin_records_beyond_capacity_still_count(uow, town):
    small = plan(uow, town, capacity=1)
    town.volunteers(3)
    record(uow, town.admin, small, *(HoursEntry(f"vol-{i}", 60) for i in range(3)))
    stored = uow.activities.rows[small.id]
    assert stored.signed_up_count == 3 and stored.capacity == 3


def test_given_times_must_match_the_minutes(uow, town, activity):
    town.volunteers(1)
    start = activity.start_time + timedelta(minutes=15)
    good = HoursEntry("vol-0", 45, start, start + timedelta(minutes=45))
    assert record(uow, town.organiser, activity, good)[0].record.check_in_time == start
    with pytest.raises(InvalidArgument) as refused:
        record(uow, town.organiser, activity, replace(good, minutes=50), request_id="rec-2")
    assert refused.value.field == "entries[0].minutes"
    with pytest.raises(InvalidArgument) as refused:
        record(uow, town.organiser, activity, HoursEntry("vol-0", 45, start), request_id="rec-3")
    assert refused.value.field == "entries[0].check_out_time"


@pytest.mark.parametrize(
    ("entries", "field"),
    [
        ((), "entries"),
        (tuple(HoursEntry(f"m{i}", 60) for i in range(201)), "entries"),
        ((HoursEntry("vol-0", 60), HoursEntry("vol-1", -30)), "entries[1].minutes"),
        ((HoursEntry("vol-0", 0),), "entries[0].minutes"),
        ((HoursEntry("vol-0", 1441),), "entries[0].minutes"),
        ((HoursEntry("vol-0", 10**9),), "entries[0].minutes"),
        ((HoursEntry("vol-0", 60), HoursEntry("vol-0", 30)), "entries[1].member_id"),
        ((HoursEntry("", 60),), "entries[0].member_id"),
    ],
)
def test_bad_entries_are_refused_naming_the_entry_and_nothing_is_written(uow, town, activity, entries, field):
    town.volunteers(2)
    with pytest.raises(InvalidArgument) as refused:
        record(uow, town.organiser, activity, *entries)
    assert refused.value.field == field
    assert uow.hours.rows == {}


def test_an_unknown_member_fails_the_whole_batch(uow, town, activity):
    town.volunteers(1)
    with pytest.raises(NotFound) as refused:
        record(uow, town.admin, activity, HoursEntry("vol-0", 60), HoursEntry("ghost", 60))
    assert refused.value.field == "entries[1].member_id"
    assert uow.hours.rows == {}
    assert uow.activities.participant(activity.id, "vol-0") is None
    assert uow.activities.rows[activity.id].signed_up_count == 0


def test_only_the_organiser_or_an_admin_records_and_only_after_the_start(uow, town, activity):
    (member,) = town.volunteers(1)
    for actor in (member, town.other_admin):
        with pytest.raises(PermissionDenied):
            record(uow, actor, activity, HoursEntry("vol-0", 60))
    with pytest.raises(FailedPrecondition):
        record(
            uow, town.admin, activity, HoursEntry("vol-0", 60), now=activity.start_time - timedelta(minutes=1)
        )
    with pytest.raises(NotFound):
        hours.record_hours(RecordHours("r", town.admin, "nope", (HoursEntry("vol-0", 60),)), uow, at(AFTER))
    assert record(uow, street_admin(), activity, HoursEntry("vol-0", 60))[0].record.minutes == 60


def test_recording_again_replaces_the_pending_record(uow, town, activity):
    town.volunteers(1)
    first = record(uow, town.organiser, activity, HoursEntry("vol-0", 60))[0].record
    second = record(uow, town.organiser, activity, HoursEntry("vol-0", 150), request_id="rec-2")[0].record
    assert second.id == first.id and second.minutes == 150
    assert len(uow.hours.rows) == 1
    assert uow.activities.rows[activity.id].signed_up_count == 1


def test_an_approved_record_cannot_be_recorded_over(uow, town, activity):
    town.volunteers(1)
    rec = record(uow, town.organiser, activity, HoursEntry("vol-0", 60))[0].record
    hour_decisions.approve_hours(ApproveHours("ap", town.admin, (rec.id,)), uow, at(AFTER))
    with pytest.raises(FailedPrecondition) as refused:
        record(uow, town.organiser, activity, HoursEntry("vol-0", 90), request_id="rec-2")
    assert refused.value.field == "entries[0].member_id"
    assert uow.hours.rows[rec.id].minutes == 60


def test_more_minutes_than_the_activity_lasts_are_flagged(uow, town, activity):
    town.volunteers(2)
    found = record(uow, town.organiser, activity, HoursEntry("vol-0", 180), HoursEntry("vol-1", 181))
    assert [r.record.flags for r in found] == [(), (LONGER_THAN_ACTIVITY,)]


def test_overlapping_records_of_one_member_are_both_flagged_until_one_is_rejected(uow, town, activity):
    town.volunteers(1)
    other = plan(uow, town, "plan-2", title="助老送餐", start_time=activity.start_time + timedelta(hours=1))
    first = record(uow, town.organiser, activity, HoursEntry("vol-0", 120))[0].record
    assert first.flags == ()
    second = record(uow, town.organiser, other, HoursEntry("vol-0", 60), request_id="rec-2")[0].record
    assert second.flags == (OVERLAP,)
    # The earlier record is flagged afresh now that it has company.
    assert uow.hours.rows[first.id].flags == (OVERLAP,)
    hour_decisions.reject_hours(RejectHours("rj", town.admin, (second.id,), "重复申报"), uow, at(AFTER))
    assert uow.hours.rows[second.id].status == REJECTED
    assert uow.hours.rows[second.id].flags == (OVERLAP,)  # frozen at the decision
    assert uow.hours.rows[first.id].flags == ()


def test_passing_the_daily_cap_of_the_rules_in_force_at_the_activity_is_flagged():
    rules = FixedRules(
        street_rules("v-street", daily_hour_cap_minutes=240),
        # Published later: does not apply to an activity that started before it.
        street_rules("v-later", MONDAY + timedelta(days=1, hours=1), daily_hour_cap_minutes=600),
    )
    uow = PointsUow(rules=rules)
    town = Town(uow)
    town.volunteers(1)
    start = MONDAY + timedelta(days=1)
    morning = plan(uow, town, "p1", title="上午", start_time=start, end_time=start + timedelta(hours=3))
    evening = plan(
        uow,
        town,
        "p2",
        title="晚上",
        start_time=start + timedelta(hours=8),
        end_time=start + timedelta(hours=11),
    )
    record(uow, town.organiser, morning, HoursEntry("vol-0", 150))
    found = record(uow, town.organiser, evening, HoursEntry("vol-0", 120), request_id="rec-2")
    # 150 + 120 = 270 minutes that day, over the 240 in force when the morning activity started;
    # the evening one started under the 600-minute version, so only the morning record passes its cap.
    assert found[0].record.flags == ()
    assert [r.flags for r in uow.hours.rows.values() if r.activity_id == morning.id] == [
        (DAILY_CAP_EXCEEDED,)
    ]


def test_the_daily_cap_counts_the_shanghai_calendar_day():
    uow = PointsUow(rules=FixedRules(street_rules(daily_hour_cap_minutes=240)))
    town = Town(uow)
    town.volunteers(1)
    # 23:00 and 01:00 Shanghai time: two different days.
    late = MONDAY + timedelta(hours=14)
    night = plan(uow, town, "p1", title="防汛值守一", start_time=late, end_time=late + timedelta(hours=3))
    next_day = plan(
        uow,
        town,
        "p2",
        title="防汛值守二",
        start_time=late + timedelta(hours=3),
        end_time=late + timedelta(hours=6),
    )
    record(uow, town.organiser, night, HoursEntry("vol-0", 180), now=late + timedelta(days=1))
    found = record(
        uow, town.organiser, next_day, HoursEntry("vol-0", 180), request_id="r2", now=late + timedelta(days=1)
    )
    assert found[0].record.flags == ()


def list_records(uow, actor, **filters):
    found, _ = hours.list_hour_records(ListHourRecords(actor=actor, **filters), uow)
    return [(r.record.member_id, r.activity_title) for r in found]


@pytest.fixture
def two_communities(uow, town, activity):
    """vol-0 served in the home community's activity, vol-9 in the other community's."""
    town.volunteers(1)
    town.add_member("vol-9", "郑强", community_id=town.OTHER)
    town.add_member("org-b", "天庆组织者", community_id=town.OTHER)
    away = plan(
        uow,
        town,
        "plan-b",
        actor=town.other_admin,
        community_id=town.OTHER,
        title="文明交通劝导",
        organiser_id="org-b",
    )
    record(uow, town.organiser, activity, HoursEntry("vol-0", 60))
    record(uow, town.other_admin, away, HoursEntry("vol-9", 60), request_id="rec-b")
    return away


def test_a_volunteer_sees_only_their_own_records(uow, town, two_communities):
    member = town.add_member("vol-0", "王秀兰")
    assert list_records(uow, member) == [("vol-0", "环境卫生整治")]
    assert list_records(uow, member, community_id=town.OTHER) == []
    with pytest.raises(PermissionDenied):
        list_records(uow, member, member_id="vol-9")


def test_an_organiser_sees_the_records_of_their_activities(uow, town, activity, two_communities):
    assert list_records(uow, town.organiser, activity_id=activity.id) == [("vol-0", "环境卫生整治")]
    assert list_records(uow, town.organiser, activity_id=two_communities.id) == []


def test_admins_see_their_communities_and_street_admins_the_street(uow, town, two_communities):
    assert list_records(uow, town.admin) == [("vol-0", "环境卫生整治")]
    assert list_records(uow, town.other_admin) == [("vol-9", "文明交通劝导")]
    assert list_records(uow, town.admin, member_id="vol-9") == []
    assert sorted(list_records(uow, street_admin())) == [("vol-0", "环境卫生整治"), ("vol-9", "文明交通劝导")]


def test_listing_filters_flags_and_status(uow, town, activity):
    town.volunteers(2)
    record(uow, town.organiser, activity, HoursEntry("vol-0", 60), HoursEntry("vol-1", 200))
    assert list_records(uow, town.admin, flagged_only=True) == [("vol-1", "环境卫生整治")]
    assert len(list_records(uow, town.admin, status=PENDING)) == 2
    assert list_records(uow, town.admin, status=REJECTED) == []
    with pytest.raises(InvalidArgument):
        list_records(uow, town.admin, status="lost")
    with pytest.raises(NotFound):
        list_records(uow, town.admin, activity_id="nope")


def test_signed_up_volunteers_recorded_become_checked_out(uow, town, activity):
    (member,) = town.volunteers(1)
    sign_ups.sign_up(SignUp("su", member, activity.id), uow, at(MONDAY))
    record(uow, town.organiser, activity, HoursEntry("vol-0", 60))
    assert uow.activities.participant(activity.id, "vol-0").status == CHECKED_OUT
    assert uow.activities.rows[activity.id].signed_up_count == 1


def test_hours_that_end_in_the_future_are_refused_and_nothing_is_written(uow, town, activity):
    town.volunteers(2)
    an_hour_in = activity.start_time + timedelta(hours=1)
    with pytest.raises(FailedPrecondition) as refused:
        # No times given: two hours from the start end an hour from now.
        entries = (HoursEntry("vol-0", 60), HoursEntry("vol-1", 120))
        record(uow, town.organiser, activity, *entries, now=an_hour_in)
    assert refused.value.field == "entries[1].minutes"
    assert "服务结束时间不能晚于现在" in refused.value.zh
    assert uow.hours.rows == {}
    start = activity.start_time
    with pytest.raises(FailedPrecondition) as refused:
        served = HoursEntry("vol-0", 120, start, start + timedelta(hours=2))
        record(uow, town.organiser, activity, served, now=an_hour_in)
    assert refused.value.field == "entries[0].check_out_time"
    assert uow.hours.rows == {}


def test_a_device_clock_a_few_minutes_fast_is_tolerated(uow, town, activity):
    town.volunteers(1)
    start = activity.start_time
    now = start + timedelta(hours=2) - timedelta(minutes=5)
    (found,) = record(uow, town.organiser, activity, HoursEntry("vol-0", 120), now=now)
    assert found.record.check_out_time == now + timedelta(minutes=5)
    late = HoursEntry("vol-0", 121, start, start + timedelta(minutes=121))
    with pytest.raises(FailedPrecondition):
        record(uow, town.organiser, activity, late, request_id="rec-2", now=now)
    assert uow.hours.rows[found.record.id].minutes == 120
