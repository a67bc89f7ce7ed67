"""Checking in and out on site with the rotating code; check-out makes a pending hour record."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jifen.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.points.domain import check_in_code as codes
from services.points.domain.activity import CHECKED_IN, CHECKED_OUT
from services.points.domain.hours import FROM_CHECK_IN, LONGER_THAN_ACTIVITY, PENDING
from services.points.service.activities import check_in, sign_ups
from services.points.service.activities import planning as activities
from services.points.service.activities.commands import CancelActivity, CheckIn, CheckOut, SignUp

from .fake_activities import MONDAY, at, code_limits, plan


@pytest.fixture
def member(uow, town, activity):
    joined = town.add_member("vol-1", "王秀兰")
    sign_ups.sign_up(SignUp("su-1", joined, activity.id), uow, at(MONDAY))
    return joined


def shown(uow, town, activity, now):
    return check_in.get_check_in_code(town.organiser, activity.id, uow, at(now)).code


def come(uow, actor, activity, now, code="", member_id="", request_id="in-1"):
    cmd = CheckIn(request_id, actor, activity.id, code, member_id)
    return check_in.check_in(cmd, uow, code_limits(), at(now))


def leave(uow, actor, activity, now, code="", member_id="", request_id="out-1"):
    cmd = CheckOut(request_id, actor, activity.id, code, member_id)
    return check_in.check_out(cmd, uow, code_limits(), at(now))


def test_the_organiser_shows_a_code_members_check_in_and_out_with(uow, town, activity, member):
    arrive = activity.start_time - timedelta(minutes=10)
    came = come(uow, member, activity, arrive, shown(uow, town, activity, arrive))
    assert came.participant.status == CHECKED_IN and came.participant.check_in_time == arrive
    depart = arrive + timedelta(hours=2, minutes=30, seconds=59)
    participant, record = leave(uow, member, activity, depart, shown(uow, town, activity, depart))
    assert participant.participant.status == CHECKED_OUT
    assert participant.participant.hour_record_id == record.record.id
    assert record.record.minutes == 150
    assert record.record.status == PENDING and record.record.source == FROM_CHECK_IN
    assert (record.record.check_in_time, record.record.check_out_time) == (arrive, depart)
    assert record.activity_title == "环境卫生整治" and record.member_name == "王秀兰"
    assert record.record.flags == ()


def test_the_code_qr_payload_is_a_signed_token_naming_the_activity_not_the_digits(uow, town, activity):
    code = check_in.get_check_in_code(town.organiser, activity.id, uow, at(activity.start_time))
    assert code.qr_payload.startswith(f"jifen:checkin:{activity.id}:")
    assert code.code not in code.qr_payload.removeprefix(f"jifen:checkin:{activity.id}:")


def test_only_the_organiser_or_an_admin_sees_the_code(uow, town, activity, member):
    for actor in (member, town.other_admin):
        with pytest.raises(PermissionDenied):
            check_in.get_check_in_code(actor, activity.id, uow, at(activity.start_time))
    assert check_in.get_check_in_code(town.admin, activity.id, uow, at(activity.start_time)).code


def test_the_code_just_before_the_current_one_still_works(uow, town, activity, member):
    code = shown(uow, town, activity, activity.start_time)
    came = come(uow, member, activity, activity.start_time + timedelta(seconds=65), code)
    assert came.participant.status == CHECKED_IN


def test_an_old_code_is_refused_and_nothing_changes(uow, town, activity, member):
    code = shown(uow, town, activity, activity.start_time)
    with pytest.raises(FailedPrecondition) as refused:
        come(uow, member, activity, activity.start_time + timedelta(minutes=3), code)
    assert refused.value.field == "code" and "过期" in refused.value.zh
    assert uow.activities.participant(activity.id, member.member_id).status == "signed_up"


def test_a_wrong_code_is_refused(uow, town, activity, member):
    code = shown(uow, town, activity, activity.start_time)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(FailedPrecondition):
        come(uow, member, activity, activity.start_time, wrong)


def test_a_missing_or_malformed_code_is_bad_input(uow, town, activity, member):
    for code in ("", "12345", "abcdef"):
        with pytest.raises(InvalidArgument) as refused:
            come(uow, member, activity, activity.start_time, code)
        assert refused.value.field == "code"


def test_a_code_of_another_activity_does_not_open_this_one(uow, town, activity, member):
    other = plan(uow, town, "plan-2", title="文明交通劝导")
    code = shown(uow, town, other, activity.start_time)
    with pytest.raises(FailedPrecondition):
        come(uow, member, activity, activity.start_time, code)


def test_check_in_opens_half_an_hour_before_the_start_and_closes_at_the_end(uow, town, activity, member):
    early = activity.start_time - timedelta(minutes=31)
    with pytest.raises(FailedPrecondition):
        come(uow, member, activity, early, shown(uow, town, activity, early))
    late = activity.end_time + timedelta(seconds=1)
    with pytest.raises(FailedPrecondition):
        come(uow, member, activity, late, shown(uow, town, activity, late))


def test_a_member_who_did_not_sign_up_cannot_check_themselves_in(uow, town, activity):
    walker = town.add_member("vol-9", "路人")
    with pytest.raises(FailedPrecondition):
        come(uow, walker, activity, activity.start_time, shown(uow, town, activity, activity.start_time))


def test_an_admin_checks_in_a_member_without_a_code_signing_them_up_if_there_is_room(uow, town):
    activity = plan(uow, town, capacity=1)
    walker, late = town.volunteers(2)
    came = come(uow, town.admin, activity, activity.start_time, member_id=walker.member_id)
    assert came.participant.status == CHECKED_IN
    assert uow.activities.rows[activity.id].signed_up_count == 1
    with pytest.raises(FailedPrecondition) as full:
        come(uow, town.admin, activity, activity.start_time, member_id=late.member_id, request_id="in-2")
    assert full.value.zh == "名额已满"


def test_the_organiser_cannot_check_in_someone_who_did_not_sign_up(uow, town):
    # Whoever is checked in is paid for the time: the organiser would choose who gets hours.
    activity = plan(uow, town)
    (walker,) = town.volunteers(1)
    with pytest.raises(FailedPrecondition) as refused:
        come(uow, town.organiser, activity, activity.start_time, member_id=walker.member_id)
    assert "由管理员添加" in refused.value.zh and refused.value.field == "member_id"
    assert uow.activities.participant(activity.id, walker.member_id) is None


def test_a_volunteer_cannot_check_in_someone_else(uow, town, activity, member):
    other = town.add_member("vol-2", "李明")
    code = shown(uow, town, activity, activity.start_time)
    with pytest.raises(PermissionDenied):
        come(uow, other, activity, activity.start_time, code, member_id=member.member_id)


def test_checking_in_twice_keeps_the_first_time(uow, town, activity, member):
    first = come(uow, town.organiser, activity, activity.start_time, member_id=member.member_id)
    again = come(
        uow,
        town.organiser,
        activity,
        activity.start_time + timedelta(minutes=5),
        member_id="vol-1",
        request_id="in-2",
    )
    assert again.participant.check_in_time == first.participant.check_in_time


def test_check_out_needs_a_check_in_and_closes_two_hours_after_the_end(uow, town, activity, member):
    with pytest.raises(FailedPrecondition):
        leave(uow, town.organiser, activity, activity.start_time, member_id=member.member_id)
    come(uow, town.organiser, activity, activity.start_time, member_id=member.member_id)
    with pytest.raises(FailedPrecondition):
        leave(
            uow,
            town.organiser,
            activity,
            activity.end_time + timedelta(hours=2, seconds=1),
            member_id="vol-1",
        )
    _, record = leave(
        uow, town.organiser, activity, activity.end_time + timedelta(hours=2), member_id="vol-1"
    )
    assert record.record.minutes == 300
    # Five hours at a three-hour activity.
    assert record.record.flags == (LONGER_THAN_ACTIVITY,)


def test_less_than_a_minute_makes_no_record(uow, town, activity, member):
    come(uow, town.organiser, activity, activity.start_time, member_id=member.member_id)
    with pytest.raises(FailedPrecondition):
        leave(uow, town.organiser, activity, activity.start_time + timedelta(seconds=59), member_id="vol-1")
    assert uow.hours.rows == {}
    assert uow.activities.participant(activity.id, "vol-1").status == CHECKED_IN


def test_self_check_out_needs_the_current_code(uow, town, activity, member):
    come(uow, town.organiser, activity, activity.start_time, member_id=member.member_id)
    depart = activity.start_time + timedelta(hours=1)
    with pytest.raises(InvalidArgument):
        leave(uow, member, activity, depart)
    with pytest.raises(FailedPrecondition):
        leave(uow, member, activity, depart, shown(uow, town, activity, depart - timedelta(minutes=5)))
    _, record = leave(
        uow, member, activity, depart, codes.current(activity.id, activity.check_in_secret, depart).code
    )
    assert record.record.minutes == 60


def test_a_cancelled_activity_takes_no_check_ins(uow, town, activity, member):
    activities.cancel_activity(CancelActivity("c", town.admin, activity.id, "暴雨"), uow, at(MONDAY))
    with pytest.raises(FailedPrecondition):
        come(uow, town.organiser, activity, activity.start_time, member_id=member.member_id)
    with pytest.raises(FailedPrecondition):
        check_in.get_check_in_code(town.organiser, activity.id, uow, at(activity.start_time))


def test_check_out_ends_the_record_at_the_servers_clock(uow, town, activity, member):
    come(uow, town.organiser, activity, activity.start_time, member_id=member.member_id)
    departed = activity.start_time + timedelta(minutes=95, seconds=30)
    _, record = leave(uow, town.organiser, activity, departed, member_id="vol-1")
    assert (record.record.check_out_time, record.record.minutes) == (departed, 95)
