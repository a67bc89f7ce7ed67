"""The ActivitiesService servicer: build the command, call the use case, build the response."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from jifen.clock import Clock, utcnow
from jifen.grpc_server import current_caller
from jifen.points.v1 import activities_pb2 as pb
from jifen.points.v1 import activities_pb2_grpc as pb_grpc
from jifen.timestamps import field_time

from ..domain.check_in_code import DEFAULT_WINDOW_SECONDS
from ..domain.hours import DEFAULT_CLOCK_SKEW
from ..service.activities import check_in, planning, sign_ups
from ..service.activities import commands as activity_commands
from ..service.activities.check_in import CodeLimits
from ..service.hours import commands as hour_commands
from ..service.hours import decisions, recording
from ..service.ports import UnitOfWork
from . import activity_messages as messages


class ActivitiesServicer(pb_grpc.ActivitiesServiceServicer):
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        code_limits: CodeLimits,
        clock: Clock = utcnow,
        code_window_seconds: int = DEFAULT_WINDOW_SECONDS,
        hours_clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
    ):
        self.uow = uow_factory
        self.limits = code_limits
        self.clock = clock
        self.window = code_window_seconds
        self.skew = hours_clock_skew

    def CreateActivity(self, request, context):
        cmd = activity_commands.CreateActivity(
            request_id=request.request_id,
            actor=current_caller(),
            community_id=request.community_id,
            **_details(request),
        )
        view = planning.create_activity(cmd, self.uow(), self.clock)
        return pb.CreateActivityResponse(activity=messages.activity(view))

    def UpdateActivity(self, request, context):
        cmd = activity_commands.UpdateActivity(
            request_id=request.request_id,
            actor=current_caller(),
            activity_id=request.activity_id,
            fields=tuple(sorted(request.update_mask.paths)),
            **_details(request),
        )
        view = planning.update_activity(cmd, self.uow(), self.clock)
        return pb.UpdateActivityResponse(activity=messages.activity(view))

    def CancelActivity(self, request, context):
        cmd = activity_commands.CancelActivity(
            request_id=request.request_id,
            actor=current_caller(),
            activity_id=request.activity_id,
            reason=request.reason,
        )
        view = planning.cancel_activity(cmd, self.uow(), self.clock)
        return pb.CancelActivityResponse(activity=messages.activity(view))

    def GetActivity(self, request, context):
        view = planning.get_activity(current_caller(), request.activity_id, self.uow(), self.clock)
        return pb.GetActivityResponse(activity=messages.activity(view))

    def ListActivities(self, request, context):
        query = activity_commands.ListActivities(
            actor=current_caller(),
            community_id=request.community_id,
            status=messages.status_name(request.status, messages.ACTIVITY_STATUS_NAME),
            organiser_id=request.organiser_id,
            signed_up_member_id=request.signed_up_member_id,
            starts_after=field_time(request, "starts_after"),
            starts_before=field_time(request, "starts_before"),
            query=request.query,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, token = planning.list_activities(query, self.uow(), self.clock)
        return pb.ListActivitiesResponse(
            activities=[messages.activity(v) for v in found], next_page_token=token
        )

    def SignUp(self, request, context):
        cmd = activity_commands.SignUp(
            request_id=request.request_id,
            actor=current_caller(),
            activity_id=request.activity_id,
            member_id=request.member_id,
        )
        participant, activity = sign_ups.sign_up(cmd, self.uow(), self.clock)
        return pb.SignUpResponse(
            participant=messages.participant(participant), activity=messages.activity(activity)
        )

    def Withdraw(self, request, context):
        cmd = activity_commands.Withdraw(
            request_id=request.request_id,
            actor=current_caller(),
            activity_id=request.activity_id,
            member_id=request.member_id,
        )
        participant, activity = sign_ups.withdraw(cmd, self.uow(), self.clock)
        return pb.WithdrawResponse(
            participant=messages.participant(participant), activity=messages.activity(activity)
        )

    def ListParticipants(self, request, context):
        query = activity_commands.ListParticipants(
            actor=current_caller(),
            activity_id=request.activity_id,
            status=messages.status_name(request.status, messages.PARTICIPANT_STATUS_NAME),
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, token = sign_ups.list_participants(query, self.uow())
        return pb.ListParticipantsResponse(
            participants=[messages.participant(p) for p in found], next_page_token=token
        )

    def GetCheckInCode(self, request, context):
        code = check_in.get_check_in_code(
            current_caller(), request.activity_id, self.uow(), self.clock, self.window
        )
        return messages.check_in_code(code)

    def CheckIn(self, request, context):
        cmd = activity_commands.CheckIn(
            request_id=request.request_id,
            actor=current_caller(),
            activity_id=request.activity_id,
            code=request.code,
            member_id=request.member_id,
            qr_token=request.qr_token,
        )
        participant = check_in.check_in(cmd, self.uow(), self.limits, self.clock, self.window)
        return pb.CheckInResponse(participant=messages.participant(participant))

    def CheckOut(self, request, context):
        cmd = activity_commands.CheckOut(
            request_id=request.request_id,
            actor=current_caller(),
            activity_id=request.activity_id,
            code=request.code,
            member_id=request.member_id,
            qr_token=request.qr_token,
        )
        participant, record = check_in.check_out(cmd, self.uow(), self.limits, self.clock, self.window)
        return pb.CheckOutResponse(
            participant=messages.participant(participant), hour_record=messages.hour_record(record)
        )

    def RecordHours(self, request, context):
        cmd = hour_commands.RecordHours(
            request_id=request.request_id,
            actor=current_caller(),
            activity_id=request.activity_id,
            entries=tuple(messages.entry(e) for e in request.entries),
        )
        found = recording.record_hours(cmd, self.uow(), self.clock, self.skew)
        return pb.RecordHoursResponse(hour_records=[messages.hour_record(r) for r in found])

    def ListHourRecords(self, request, context):
        query = hour_commands.ListHourRecords(
            actor=current_caller(),
            activity_id=request.activity_id,
            member_id=request.member_id,
            community_id=request.community_id,
            status=messages.status_name(request.status, messages.RECORD_STATUS_NAME),
            flagged_only=request.flagged_only,
            served_after=field_time(request, "served_after"),
            served_before=field_time(request, "served_before"),
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, token = recording.list_hour_records(query, self.uow())
        return pb.ListHourRecordsResponse(
            hour_records=[messages.hour_record(r) for r in found], next_page_token=token
        )

    def ApproveHours(self, request, context):
        cmd = hour_commands.ApproveHours(
            request_id=request.request_id,
            actor=current_caller(),
            hour_record_ids=tuple(request.hour_record_ids),
            override=request.override,
            override_reason=request.override_reason,
        )
        found = decisions.approve_hours(cmd, self.uow(), self.clock, self.skew)
        return pb.ApproveHoursResponse(hour_records=[messages.hour_record(r) for r in found])

    def RejectHours(self, request, context):
        cmd = hour_commands.RejectHours(
            request_id=request.request_id,
            actor=current_caller(),
            hour_record_ids=tuple(request.hour_record_ids),
            reason=request.reason,
        )
        found = decisions.reject_hours(cmd, self.uow(), self.clock)
        return pb.RejectHoursResponse(hour_records=[messages.hour_record(r) for r in found])


def _details(request) -> dict:
    """What an activity is, as CreateActivity and UpdateActivity both carry it."""
    return {
        "title": request.title,
        "description": request.description,
        "category": request.category,
        "difficulty": request.difficulty,
        "start_time": field_time(request, "start_time"),
        "end_time": field_time(request, "end_time"),
        "place": request.place,
        "capacity": request.capacity,
        "organiser_id": request.organiser_id,
    }
