"""Guessing check-in codes: six digits are counted per member and per activity; the QR's signed token
is not guessable and is not counted (issue 15, item 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jifen.errors import FailedPrecondition, InvalidArgument, ResourceExhausted
from services.points.domain import check_in_code as codes
from services.points.domain.activity import CHECKED_IN, CHECKED_OUT, SIGNED_UP
from services.points.service.activities import check_in, sign_ups
from services.points.service.activities.commands import CheckIn, CheckOut, SignUp

from .fake_activities import MONDAY, at, code_limits, plan


@pytest.fixture
def activity(uow, town):
    return plan(uow, town, capacity=0)


@pytest.fixture
def limits():
    return code_limits(per_member=5, per_activity=30)


def signed_up(uow, activity, *members):
    for member in members:
        sign_ups.sign_up(SignUp(f"su-{member.member_id}", member, activity.id), uow, at(MONDAY))


def shown(uow, town, activity, now):
    return check_in.get_check_in_code(town.organiser, activity.id, uow, at(now))


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def come(uow, limits, member, activity, now, code="", token="", request_id="in"):
    cmd = CheckIn(request_id, member, activity.id, code, qr_token=token)
    return check_in.check_in(cmd, uow, limits, at(now))


def leave(uow, limits, member, activity, now, code="", token="", request_id="out"):
    cmd = CheckOut(request_id, member, activity.id, code, qr_token=token)
    return check_in.check_out(cmd, uow, limits, at(now))


def status(uow, activity, member):
    return uow.activities.participant(activity.id, member.member_id).status


def test_a_member_guessing_codes_is_stopped_after_five_even_with_the_right_one(uow, town, activity, limits):
    (member,) = town.volunteers(1)
    signed_up(uow, activity, member)
    now = activity.start_time
    right = shown(uow, town, activity, now).code
    for attempt in range(5):
        with pytest.raises(FailedPrecondition):
            come(uow, limits, member, activity, now, wrong(right), request_id=f"g{attempt}")
    with pytest.raises(ResourceExhausted) as stopped:
        come(uow, limits, member, activity, now, right, request_id="right")
    assert stopped.value.zh.startswith("签到码错误次数过多，请稍后再试")
    assert status(uow, activity, member) == SIGNED_UP


def test_a_right_code_between_guesses_does_not_reset_the_count(uow, town, activity, limits):
    (member,) = town.volunteers(1)
    signed_up(uow, activity, member)
    now = activity.start_time
    right = shown(uow, town, activity, now).code
    for attempt in range(4):
        with pytest.raises(FailedPrecondition):
            come(uow, limits, member, activity, now, wrong(right), request_id=f"g{attempt}")
    assert come(uow, limits, member, activity, now, right).participant.status == CHECKED_IN
    # Four failures still stand: one more wrong code is allowed, the next is not.
    later = now + timedelta(minutes=30)
    right = shown(uow, town, activity, later).code
    with pytest.raises(FailedPrecondition):
        leave(uow, limits, member, activity, later, wrong(right), request_id="g4")
    with pytest.raises(ResourceExhausted):
        leave(uow, limits, member, activity, later, wrong(right), request_id="g5")


def test_right_codes_are_not_counted_so_a_busy_activity_is_never_throttled(uow, town, activity, limits):
    members = town.volunteers(40)
    signed_up(uow, activity, *members)
    now = activity.start_time
    right = shown(uow, town, activity, now).code
    for member in members:
        came = come(uow, limits, member, activity, now, right, request_id=member.member_id)
        assert came.participant.status == CHECKED_IN


def test_many_accounts_guessing_one_activity_are_stopped_at_the_activitys_limit(uow, town, activity, limits):
    members = town.volunteers(12)
    signed_up(uow, activity, *members)
    now = activity.start_time
    right = shown(uow, town, activity, now).code
    refused = {FailedPrecondition: 0, ResourceExhausted: 0}
    for index, member in enumerate(members):
        for attempt in range(4):
            with pytest.raises((FailedPrecondition, ResourceExhausted)) as err:
                come(uow, limits, member, activity, now, wrong(right), request_id=f"g{index}-{attempt}")
            refused[type(err.value)] += 1
    # 12 members × 4 guesses, each under the member limit: the activity's 30 stop the rest.
    assert refused == {FailedPrecondition: 30, ResourceExhausted: 18}
    # A member who never guessed is stopped too when typing, but the QR still lets them in.
    late = town.add_member("late", "迟到者")
    signed_up(uow, activity, late)
    with pytest.raises(ResourceExhausted):
        come(uow, limits, late, activity, now, right, request_id="late-typed")
    token = shown(uow, town, activity, now).qr_payload
    assert come(uow, limits, late, activity, now, token=token, request_id="late-qr").participant.status == (
        CHECKED_IN
    )


def test_the_qr_token_checks_a_member_in_and_out_past_the_limit(uow, town, activity, limits):
    (member,) = town.volunteers(1)
    signed_up(uow, activity, member)
    now = activity.start_time
    for attempt in range(6):
        with pytest.raises((FailedPrecondition, ResourceExhausted)):
            come(uow, limits, member, activity, now, "000000", request_id=f"g{attempt}")
    came = come(uow, limits, member, activity, now, token=shown(uow, town, activity, now).qr_payload)
    assert came.participant.status == CHECKED_IN
    later = now + timedelta(hours=1)
    token = shown(uow, town, activity, later).qr_payload
    left, record = leave(uow, limits, member, activity, later, token=token)
    assert left.participant.status == CHECKED_OUT and record.record.minutes == 60


def test_an_old_or_foreign_or_forged_token_is_refused_and_nothing_changes(uow, town, activity, limits):
    (member,) = town.volunteers(1)
    signed_up(uow, activity, member)
    other = plan(uow, town, "plan-2", title="另一个活动")
    now = activity.start_time
    token = shown(uow, town, activity, now).qr_payload
    prefix, _, signature = token.rpartition(":")
    for bad, when in (
        (token, now + timedelta(minutes=2)),
        (shown(uow, town, other, now).qr_payload, now),
        (f"{prefix}:{signature[::-1]}", now),
        (f"{codes.QR_PREFIX}{activity.id}:{shown(uow, town, activity, now).code}", now),
    ):
        with pytest.raises(FailedPrecondition) as refused:
            come(uow, limits, member, activity, when, token=bad, request_id=bad)
        assert refused.value.field == "qr_token" and "二维码" in refused.value.zh
    assert status(uow, activity, member) == SIGNED_UP


def test_a_code_and_a_token_together_or_a_token_that_is_no_token_are_bad_input(uow, town, activity, limits):
    (member,) = town.volunteers(1)
    signed_up(uow, activity, member)
    now = activity.start_time
    current = shown(uow, town, activity, now)
    with pytest.raises(InvalidArgument) as both:
        come(uow, limits, member, activity, now, current.code, current.qr_payload)
    assert both.value.field == "code"
    with pytest.raises(InvalidArgument) as junk:
        come(uow, limits, member, activity, now, token="https://example.com/")
    assert junk.value.field == "qr_token"
    assert status(uow, activity, member) == SIGNED_UP
