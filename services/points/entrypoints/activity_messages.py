"""Translation between jifen.points.v1 activity messages and the activity use cases' results."""

from __future__ import annotations

from jifen.errors import InvalidArgument
from jifen.points.v1 import activities_pb2 as pb
from jifen.proto_enums import enum_names
from jifen.timestamps import field_time, to_timestamp

from ..domain.check_in_code import CheckInCode
from ..service.activities.views import ActivityView, ParticipantView
from ..service.hours.commands import HoursEntry
from ..service.hours.views import HourRecordView

ACTIVITY_STATUS, ACTIVITY_STATUS_NAME = enum_names(pb.ActivityStatus, "ACTIVITY_STATUS_")
PARTICIPANT_STATUS, PARTICIPANT_STATUS_NAME = enum_names(pb.ParticipantStatus, "PARTICIPANT_STATUS_")
RECORD_STATUS, RECORD_STATUS_NAME = enum_names(pb.HourRecordStatus, "HOUR_RECORD_STATUS_")
FLAG, _ = enum_names(pb.HourRecordFlag, "HOUR_RECORD_FLAG_")
SOURCE, _ = enum_names(pb.HourRecordSource, "HOUR_RECORD_SOURCE_")


def status_name(number: int, names: dict[int, str], field: str = "status") -> str:
    """ "" for an UNSPECIFIED status (no filter); an unknown number is bad input."""
    if number == 0:
        return ""
    if number not in names:
        raise InvalidArgument(field, "未知的状态", f"unknown status {number}")
    return names[number]


def entry(message: pb.HoursInput) -> HoursEntry:
    return HoursEntry(
        member_id=message.member_id,
        minutes=message.minutes,
        check_in_time=field_time(message, "check_in_time"),
        check_out_time=field_time(message, "check_out_time"),
    )


def activity(view: ActivityView) -> pb.Activity:
    value = view.activity
    return pb.Activity(
        activity_id=value.id,
        community_id=value.community_id,
        title=value.title,
        description=value.description,
        category=value.category,
        difficulty=value.difficulty,
        start_time=to_timestamp(value.start_time),
        end_time=to_timestamp(value.end_time),
        place=value.place,
        capacity=value.capacity,
        organiser_id=value.organiser_id,
        status=ACTIVITY_STATUS[view.status],
        signed_up_count=value.signed_up_count,
        caller_signed_up=view.caller_signed_up,
        cancel_reason=value.cancel_reason,
        created_by=value.created_by,
        created_at=to_timestamp(value.created_at),
        updated_at=to_timestamp(value.updated_at),
    )


def participant(view: ParticipantView) -> pb.Participant:
    value = view.participant
    return pb.Participant(
        activity_id=value.activity_id,
        member_id=value.member_id,
        member_name=view.member_name,
        status=PARTICIPANT_STATUS[value.status],
        signed_up_at=to_timestamp(value.signed_up_at),
        check_in_time=to_timestamp(value.check_in_time),
        check_out_time=to_timestamp(value.check_out_time),
        hour_record_id=value.hour_record_id,
    )


def hour_record(view: HourRecordView) -> pb.HourRecord:
    value = view.record
    preview = view.preview
    return pb.HourRecord(
        hour_record_id=value.id,
        activity_id=value.activity_id,
        activity_title=view.activity_title,
        community_id=value.community_id,
        member_id=value.member_id,
        member_name=view.member_name,
        minutes=value.minutes,
        check_in_time=to_timestamp(value.check_in_time),
        check_out_time=to_timestamp(value.check_out_time),
        status=RECORD_STATUS[value.status],
        flags=[FLAG[f] for f in value.flags],
        source=SOURCE[value.source],
        recorded_by=value.recorded_by,
        reject_reason=value.reject_reason,
        decided_by=value.decided_by,
        decided_at=to_timestamp(value.decided_at),
        overridden=value.overridden,
        override_reason=value.override_reason,
        points_accrued=value.points_accrued,
        rule_version_id=value.rule_version_id,
        calculation=value.calculation,
        created_at=to_timestamp(value.created_at),
        updated_at=to_timestamp(value.updated_at),
        points_preview=preview.points if preview else 0,
        preview_rule_version_id=preview.version.id if preview else "",
        preview_calculation=preview.calculation if preview else "",
    )


def check_in_code(code: CheckInCode) -> pb.GetCheckInCodeResponse:
    return pb.GetCheckInCodeResponse(
        code=code.code, expires_at=to_timestamp(code.expires_at), qr_payload=code.qr_payload
    )
