"""An organiser runs an activity but cannot make points out of nothing: whom they record, what they
override, whom they hand the role to and what they approve are all bounded (issue 15, item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jifen.errors import FailedPrecondition, PermissionDenied
from services.points.domain.hours import APPROVED, LONGER_THAN_ACTIVITY, PENDING
from services.points.service.activities import planning as activities
from services.points.service.activities import sign_ups
from services.points.service.activities.commands import SignUp, UpdateActivity, Withdraw
from services.points.service.hours import decisions as hour_decisions
from services.points.service.hours import recording as hours
from services.points.service.hours.commands import ApproveHours, HoursEntry, RecordHours

from .fake_activities import MONDAY, at, plan, street_admin

AFTER = MONDAY + timedelta(days=2)


def record(uow, actor, activity, *entries, request_id="rec-1"):
    cmd = RecordHours(request_id, actor, activity.id, tuple(entries))
    return [v.record for v in hours.record_hours(cmd, uow, at(AFTER))]


def approve(uow, actor, *ids, request_id="ap-1", override=False, reason=""):
    cmd = ApproveHours(request_id, actor, ids, override, reason)
    return [v.record for v in hour_decisions.approve_hours(cmd, uow, at(AFTER))]


def signs_up(uow, member, activity):
    sign_ups.sign_up(SignUp(f"su-{member.member_id}", member, activity.id), uow, at(MONDAY))


def nothing_written(uow, activity):
    assert uow.hours.rows == {}
    assert uow.ledger.entry_rows == []
    assert uow.activities.rows[activity.id].signed_up_count == 0


def test_an_organiser_cannot_record_hours_for_a_member_who_did_not_sign_up(uow, town):
    activity = plan(uow, town)
    (stranger,) = town.volunteers(1)
    with pytest.raises(PermissionDenied) as refused:
        record(uow, town.organiser, activity, HoursEntry(stranger.member_id, 120))
    assert refused.value.field == "entries[0].member_id" and "未报名" in refused.value.zh
    nothing_written(uow, activity)


def test_an_organiser_cannot_record_hours_for_a_member_who_withdrew(uow, town):
    activity = plan(uow, town)
    (gone,) = town.volunteers(1)
    signs_up(uow, gone, activity)
    sign_ups.withdraw(Withdraw("w", gone, activity.id), uow, at(MONDAY))
    with pytest.raises(PermissionDenied):
        record(uow, town.organiser, activity, HoursEntry(gone.member_id, 120))
    assert uow.hours.rows == {}


def test_an_admin_recording_hours_adds_the_member_to_the_activity(uow, town):
    activity = plan(uow, town)
    (walker,) = town.volunteers(1)
    (pending,) = record(uow, town.admin, activity, HoursEntry(walker.member_id, 120))
    assert pending.status == PENDING
    assert uow.activities.participant(activity.id, walker.member_id).signed_up


def test_nobody_records_hours_for_a_member_of_another_community(uow, town):
    activity = plan(uow, town)
    outsider = town.add_member("vol-out", "外来者", community_id=town.OTHER)
    for who in (town.organiser, town.admin):
        with pytest.raises(FailedPrecondition) as refused:
            record(uow, who, activity, HoursEntry(outsider.member_id, 60))
        assert refused.value.field == "entries[0].member_id" and "社区" in refused.value.zh
    nothing_written(uow, activity)


def test_an_organiser_cannot_override_a_flagged_record_an_admin_can(uow, town):
    activity = plan(uow, town)
    (member,) = town.volunteers(1)
    signs_up(uow, member, activity)
    # Longer than the activity's three hours: flagged.
    (pending,) = record(uow, town.admin, activity, HoursEntry(member.member_id, 200))
    assert pending.flags == (LONGER_THAN_ACTIVITY,)
    with pytest.raises(PermissionDenied) as refused:
        approve(uow, town.organiser, pending.id, override=True, reason="确实待到很晚")
    assert "只有管理员可以特批" in refused.value.zh
    assert uow.hours.rows[pending.id].status == PENDING and uow.ledger.entry_rows == []
    (done,) = approve(uow, street_admin(), pending.id, override=True, reason="确实待到很晚")
    assert done.status == APPROVED and done.overridden


def test_an_organiser_cannot_hand_the_organiser_role_to_anyone(uow, town):
    activity = plan(uow, town)
    (sock_puppet,) = town.volunteers(1)
    handover = UpdateActivity("u1", town.organiser, activity.id, ("organiser_id",), organiser_id="vol-0")
    with pytest.raises(PermissionDenied) as refused:
        activities.update_activity(handover, uow, at(MONDAY))
    assert refused.value.field == "organiser_id"
    assert uow.activities.rows[activity.id].organiser_id == town.organiser.member_id
    by_admin = UpdateActivity("u2", town.admin, activity.id, ("organiser_id",), organiser_id="vol-0")
    changed = activities.update_activity(by_admin, uow, at(MONDAY))
    assert changed.activity.organiser_id == sock_puppet.member_id


def test_a_second_account_does_not_let_the_organiser_approve_hours_they_recorded(uow, town):
    activity = plan(uow, town)
    # The organiser's second, self-registered account signs up like anyone else.
    (second_account,) = town.volunteers(1)
    signs_up(uow, second_account, activity)
    (pending,) = record(uow, town.organiser, activity, HoursEntry(second_account.member_id, 180))
    with pytest.raises(PermissionDenied) as refused:
        approve(uow, town.organiser, pending.id)
    assert "自己记录" in refused.value.zh and refused.value.field == "hour_record_ids[0]"
    assert uow.hours.rows[pending.id].status == PENDING and uow.ledger.entry_rows == []
    # Someone else, here the community's admin, certifies it.
    (done,) = approve(uow, town.admin, pending.id)
    assert done.status == APPROVED


def test_an_admin_does_not_approve_hours_they_recorded_either(uow, town):
    activity = plan(uow, town)
    (member,) = town.volunteers(1)
    (pending,) = record(uow, town.admin, activity, HoursEntry(member.member_id, 120))
    with pytest.raises(PermissionDenied):
        approve(uow, town.admin, pending.id)
    assert approve(uow, town.organiser, pending.id)[0].status == APPROVED


def test_recording_past_capacity_times_duration_is_refused_and_nothing_is_written(uow, town):
    # Two places × three hours: 360 minutes in all.
    activity = plan(uow, town, capacity=2)
    first, second = town.volunteers(2)
    signs_up(uow, first, activity)
    signs_up(uow, second, activity)
    with pytest.raises(FailedPrecondition) as refused:
        record(uow, town.organiser, activity, HoursEntry("vol-0", 240), HoursEntry("vol-1", 240))
    assert refused.value.zh == "本活动的服务时长合计不能超过 360 分钟（人数上限 × 活动时长），现为 480 分钟"
    assert refused.value.field == "entries"
    assert uow.hours.rows == {}
    assert len(record(uow, town.organiser, activity, HoursEntry("vol-0", 180), HoursEntry("vol-1", 180))) == 2


def test_without_a_capacity_the_cap_is_the_members_signed_up_times_the_duration(uow, town):
    activity = plan(uow, town, capacity=0)
    (member,) = town.volunteers(1)
    signs_up(uow, member, activity)
    with pytest.raises(FailedPrecondition) as refused:
        record(uow, town.organiser, activity, HoursEntry("vol-0", 200))
    assert "180 分钟" in refused.value.zh


def test_approving_past_the_cap_is_refused_when_the_capacity_shrank(uow, town):
    activity = plan(uow, town, capacity=3)
    first, second = town.volunteers(2)
    signs_up(uow, first, activity)
    signs_up(uow, second, activity)
    # 2 × 270 = 540 = 3 places × 180 minutes: within the cap when recorded.
    pending = record(uow, town.organiser, activity, HoursEntry("vol-0", 270), HoursEntry("vol-1", 270))
    shrink = UpdateActivity("u1", town.admin, activity.id, ("capacity",), capacity=2)
    activities.update_activity(shrink, uow, at(MONDAY))
    with pytest.raises(FailedPrecondition) as refused:
        approve(uow, town.admin, *(r.id for r in pending), override=True, reason="多出的时间是搬运物资")
    assert "360 分钟" in refused.value.zh
    assert {r.status for r in uow.hours.rows.values()} == {PENDING}
    assert uow.ledger.entry_rows == []
