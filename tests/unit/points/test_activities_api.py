"""The ActivitiesService servicer translates requests and results; the use cases decide."""

from __future__ import annotations

from datetime import timedelta

import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from jifen.errors import InvalidArgument
from jifen.grpc_server import _CALLER
from jifen.points.v1 import activities_pb2 as pb
from jifen.timestamps import to_timestamp
from services.points.entrypoints.activities_servicer import ActivitiesServicer
from services.points.entrypoints.policy import ACTIVITIES

from .fake_activities import MONDAY, at, code_limits

START = MONDAY + timedelta(days=1)


@pytest.fixture
def api(uow):
    return ActivitiesServicer(lambda: uow, code_limits(), clock=at(MONDAY), code_window_seconds=60)


def as_caller(caller):
    return _CALLER.set(caller)


def create(api, town):
    token = as_caller(town.admin)
    try:
        return api.CreateActivity(
            pb.CreateActivityRequest(
                request_id="c1",
                community_id=town.HOME,
                title="助老送餐",
                category="elderly_care",
                difficulty=2,
                start_time=to_timestamp(START),
                end_time=to_timestamp(START + timedelta(hours=2)),
                place="社区食堂",
                capacity=5,
                organiser_id=town.organiser.member_id,
            ),
            None,
        ).activity
    finally:
        _CALLER.reset(token)


def test_every_rpc_of_the_service_is_served(api):
    for method in ACTIVITIES.methods:
        assert callable(getattr(api, method.name))


def test_create_and_read_an_activity_over_the_contract(api, town):
    created = create(api, town)
    assert created.status == pb.ACTIVITY_STATUS_SCHEDULED
    assert (created.title, created.category, created.capacity) == ("助老送餐", "elderly_care", 5)
    assert created.start_time.ToDatetime().replace(tzinfo=START.tzinfo) == START
    token = as_caller(town.organiser)
    try:
        listed = api.ListActivities(pb.ListActivitiesRequest(status=pb.ACTIVITY_STATUS_SCHEDULED), None)
        assert [a.activity_id for a in listed.activities] == [created.activity_id]
        updated = api.UpdateActivity(
            pb.UpdateActivityRequest(
                request_id="u1",
                activity_id=created.activity_id,
                place="活动室",
                update_mask=FieldMask(paths=["place"]),
            ),
            None,
        ).activity
        assert updated.place == "活动室" and updated.title == "助老送餐"
        code = api.GetCheckInCode(pb.GetCheckInCodeRequest(activity_id=created.activity_id), None)
        assert code.qr_payload.startswith(f"jifen:checkin:{created.activity_id}:")
        with pytest.raises(InvalidArgument):
            api.ListActivities(pb.ListActivitiesRequest(status=42), None)
    finally:
        _CALLER.reset(token)


def test_sign_up_record_and_approve_over_the_contract(api, uow, town):
    created = create(api, town)
    (member,) = town.volunteers(1)
    token = as_caller(member)
    try:
        signed = api.SignUp(pb.SignUpRequest(request_id="s1", activity_id=created.activity_id), None)
        assert signed.participant.status == pb.PARTICIPANT_STATUS_SIGNED_UP
        assert signed.activity.signed_up_count == 1 and signed.activity.caller_signed_up
    finally:
        _CALLER.reset(token)
    later = ActivitiesServicer(lambda: uow, code_limits(), clock=at(START + timedelta(days=1)))
    token = as_caller(town.organiser)
    try:
        recorded = later.RecordHours(
            pb.RecordHoursRequest(
                request_id="r1",
                activity_id=created.activity_id,
                entries=[pb.HoursInput(member_id=member.member_id, minutes=150)],
            ),
            None,
        ).hour_records
        assert recorded[0].status == pb.HOUR_RECORD_STATUS_PENDING
        assert list(recorded[0].flags) == [pb.HOUR_RECORD_FLAG_LONGER_THAN_ACTIVITY]
        assert recorded[0].source == pb.HOUR_RECORD_SOURCE_RECORDED
        # The organiser recorded it, and it is flagged: an admin decides it.
        _CALLER.reset(token)
        token = as_caller(town.admin)
        approved = later.ApproveHours(
            pb.ApproveHoursRequest(
                request_id="a1",
                hour_record_ids=[recorded[0].hour_record_id],
                override=True,
                override_reason="送餐路线远",
            ),
            None,
        ).hour_records[0]
        assert approved.status == pb.HOUR_RECORD_STATUS_APPROVED
        assert approved.points_accrued == 30 and approved.overridden
        assert approved.member_name == "王秀兰" and approved.activity_title == "助老送餐"
        listed = later.ListHourRecords(
            pb.ListHourRecordsRequest(activity_id=created.activity_id, status=pb.HOUR_RECORD_STATUS_APPROVED),
            None,
        )
        assert [r.hour_record_id for r in listed.hour_records] == [approved.hour_record_id]
        participants = later.ListParticipants(
            pb.ListParticipantsRequest(activity_id=created.activity_id), None
        )
        assert participants.participants[0].status == pb.PARTICIPANT_STATUS_CHECKED_OUT
    finally:
        _CALLER.reset(token)
