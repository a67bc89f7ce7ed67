"""A thousand guessed check-in codes against the real Redis limiter: throttled long before success
(issue 15, item 5). The QR's signed token still lets members in once typing is throttled."""

from __future__ import annotations

import uuid
from datetime import timedelta

import grpc

from jifen.clock import utcnow
from jifen.points.v1 import activities_pb2 as ap
from jifen.timestamps import to_timestamp
from tests.integration.points_town import HOME


def live_activity(town, admin) -> str:
    now = utcnow()
    return town.activities.CreateActivity(
        ap.CreateActivityRequest(
            request_id=uuid.uuid4().hex,
            community_id=HOME,
            title="垃圾分类督导",
            category="environment",
            difficulty=1,
            start_time=to_timestamp(now - timedelta(minutes=10)),
            end_time=to_timestamp(now + timedelta(hours=2)),
        ),
        metadata=admin,
    ).activity.activity_id


def guess(town, token, activity_id: str, code: str = "", qr_token: str = "") -> grpc.StatusCode:
    try:
        town.activities.CheckIn(
            ap.CheckInRequest(
                request_id=uuid.uuid4().hex, activity_id=activity_id, code=code, qr_token=qr_token
            ),
            metadata=token,
        )
        return grpc.StatusCode.OK
    except grpc.RpcError as err:
        return err.code()


def shown(town, organiser, activity_id: str) -> ap.GetCheckInCodeResponse:
    request = ap.GetCheckInCodeRequest(activity_id=activity_id)
    return town.activities.GetCheckInCode(request, metadata=organiser)


def signed_up(town, member_id: str, activity_id: str):
    token = town.token(town.register(member_id))
    town.activities.SignUp(
        ap.SignUpRequest(request_id=uuid.uuid4().hex, activity_id=activity_id), metadata=token
    )
    return token


def test_a_thousand_wrong_codes_from_one_member_are_throttled_after_five(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    activity_id = live_activity(town, admin)
    member = signed_up(town, "m-guesser", activity_id)
    outcomes = [guess(town, member, activity_id, f"{n:06d}") for n in range(1000)]
    checked = [o for o in outcomes if o != grpc.StatusCode.RESOURCE_EXHAUSTED]
    assert grpc.StatusCode.OK not in outcomes
    assert len(checked) <= 5 and set(checked) == {grpc.StatusCode.FAILED_PRECONDITION}
    # The first five were looked at; every one after them was stopped before it was.
    assert outcomes[5:] == [grpc.StatusCode.RESOURCE_EXHAUSTED] * 995
    # Even the right code is refused now; the on-site QR is not guessable and still works.
    current = shown(town, admin, activity_id)
    assert guess(town, member, activity_id, current.code) == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert guess(town, member, activity_id, qr_token=current.qr_payload) == grpc.StatusCode.OK


def test_a_thousand_wrong_codes_from_many_accounts_are_throttled_per_activity(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    activity_id = live_activity(town, admin)
    accounts = [signed_up(town, f"m-sock-{i}", activity_id) for i in range(20)]
    outcomes = [
        guess(town, accounts[n % 20], activity_id, f"{n:06d}") for n in range(1000)
    ]
    checked = [o for o in outcomes if o != grpc.StatusCode.RESOURCE_EXHAUSTED]
    assert grpc.StatusCode.OK not in outcomes
    # Twenty accounts × five each would be 100: the activity's own limit stops them at 30.
    assert len(checked) == town.settings.check_in_code_max_failures_per_activity == 30
    # Someone who signs up now and types the right code is stopped too, but scanning lets them in.
    latecomer = signed_up(town, "m-latecomer", activity_id)
    current = shown(town, admin, activity_id)
    assert guess(town, latecomer, activity_id, current.code) == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert guess(town, latecomer, activity_id, qr_token=current.qr_payload) == grpc.StatusCode.OK


def test_alternating_wrong_codes_with_a_valid_one_does_not_reset_the_limiter(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    activities = [live_activity(town, admin) for _ in range(3)]
    member = town.token(town.register("m-alternating"))
    for activity_id in activities:
        town.activities.SignUp(
            ap.SignUpRequest(request_id=uuid.uuid4().hex, activity_id=activity_id), metadata=member
        )
    target = activities[0]
    outcomes = []
    # Two wrong, then the right code of another activity, again and again: the count keeps growing.
    for round_ in range(2):
        for n in range(2):
            outcomes.append(guess(town, member, target, f"{round_ * 10 + n:06d}"))
        known = activities[1 + round_]
        outcomes.append(guess(town, member, known, shown(town, admin, known).code))
    assert outcomes == [
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.OK,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.OK,
    ]
    assert guess(town, member, target, "000099") == grpc.StatusCode.FAILED_PRECONDITION
    assert guess(town, member, target, "000098") == grpc.StatusCode.RESOURCE_EXHAUSTED
