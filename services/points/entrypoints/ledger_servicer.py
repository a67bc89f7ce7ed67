"""The LedgerService servicer: build the command, call the use case, build the response."""

from __future__ import annotations

from collections.abc import Callable

from jifen.clock import Clock, utcnow
from jifen.errors import InvalidArgument
from jifen.grpc_server import current_caller
from jifen.points.v1 import ledger_pb2 as pb
from jifen.points.v1 import ledger_pb2_grpc as pb_grpc
from jifen.timestamps import field_time

from ..service import audit_trail
from ..service.ledger import awards, balances, bulk_awards, commands, holds
from ..service.ports import UnitOfWork
from . import audit_messages, leaderboard_messages
from . import ledger_messages as messages


class LedgerServicer(pb_grpc.LedgerServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork], boards, clock: Clock = utcnow):
        self.uow = uow
        self.boards = boards
        self.clock = clock

    def GetBalance(self, request, context):
        query = commands.GetBalance(actor=current_caller(), member_id=request.member_id)
        return pb.GetBalanceResponse(balance=messages.balance(balances.get_balance(query, self.uow())))

    def ListEntries(self, request, context):
        kinds = []
        for number in request.kinds:
            if number not in messages.KIND_NAME:
                raise InvalidArgument("kinds", "未知的记录类型", "holds an unknown entry kind")
            kinds.append(messages.KIND_NAME[number])
        query = commands.ListEntries(
            actor=current_caller(),
            member_id=request.member_id,
            kinds=tuple(kinds),
            created_after=field_time(request, "created_after"),
            created_before=field_time(request, "created_before"),
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, next_token = balances.list_entries(query, self.uow())
        return pb.ListEntriesResponse(entries=[messages.entry(e) for e in found], next_page_token=next_token)

    def ListAuditEvents(self, request, context):
        query = audit_messages.list_query(request, current_caller())
        found, next_token = audit_trail.list_audit_events(query, self.uow())
        return pb.ListAuditEventsResponse(
            events=[audit_messages.event(e) for e in found], next_page_token=next_token
        )

    def Award(self, request, context):
        cmd = commands.Award(
            request_id=request.request_id,
            actor=current_caller(),
            member_id=request.member_id,
            points=request.points,
            reason=request.reason,
        )
        done = awards.award(cmd, self.uow(), self.clock)
        return pb.AwardResponse(entry=messages.entry(done.entry), balance=messages.balance(done.balance))

    def AwardCommendation(self, request, context):
        cmd = commands.AwardCommendation(
            request_id=request.request_id,
            actor=current_caller(),
            member_id=request.member_id,
            commendation=request.commendation,
            citation=request.citation,
        )
        done = awards.award_commendation(cmd, self.uow(), self.clock)
        return pb.AwardCommendationResponse(
            entry=messages.entry(done.entry), balance=messages.balance(done.balance)
        )

    def BulkAward(self, request, context):
        cmd = commands.BulkAward(
            request_id=request.request_id,
            actor=current_caller(),
            member_ids=tuple(request.member_ids),
            points=request.points,
            reason=request.reason,
        )
        done = bulk_awards.bulk_award(cmd, self.uow(), self.clock)
        return pb.BulkAwardResponse(
            entries=[messages.entry(d.entry) for d in done],
            balances=[messages.balance(d.balance) for d in done],
        )

    def BulkAwardCommendation(self, request, context):
        cmd = commands.BulkAwardCommendation(
            request_id=request.request_id,
            actor=current_caller(),
            member_ids=tuple(request.member_ids),
            commendation=request.commendation,
            citation=request.citation,
        )
        done = bulk_awards.bulk_award_commendation(cmd, self.uow(), self.clock)
        return pb.BulkAwardCommendationResponse(
            entries=[messages.entry(d.entry) for d in done],
            balances=[messages.balance(d.balance) for d in done],
        )

    def Adjust(self, request, context):
        cmd = commands.Adjust(
            request_id=request.request_id,
            actor=current_caller(),
            member_id=request.member_id,
            points=request.points,
            reason=request.reason,
        )
        done = awards.adjust(cmd, self.uow(), self.clock)
        return pb.AdjustResponse(entry=messages.entry(done.entry), balance=messages.balance(done.balance))

    def Hold(self, request, context):
        cmd = commands.PlaceHold(
            request_id=request.request_id,
            actor=current_caller(),
            hold_id=request.hold_id,
            member_id=request.member_id,
            amount=request.amount,
            deadline=field_time(request, "deadline"),
            reason=request.reason,
        )
        done = holds.place_hold(cmd, self.uow(), self.clock)
        return pb.HoldResponse(hold=messages.hold(done.hold), balance=messages.balance(done.balance))

    def Capture(self, request, context):
        cmd = commands.CaptureHold(
            request_id=request.request_id, actor=current_caller(), hold_id=request.hold_id
        )
        return pb.CaptureResponse(hold=messages.hold(holds.capture(cmd, self.uow(), self.clock)))

    def Release(self, request, context):
        cmd = commands.ReleaseHold(
            request_id=request.request_id,
            actor=current_caller(),
            hold_id=request.hold_id,
            reason=request.reason,
        )
        return pb.ReleaseResponse(hold=messages.hold(holds.release(cmd, self.uow(), self.clock)))

    def GetHold(self, request, context):
        return pb.GetHoldResponse(hold=messages.hold(holds.get_hold(request.hold_id, self.uow())))

    def GetLeaderboard(self, request, context):
        return leaderboard_messages.get_leaderboard_response(
            request, current_caller(), self.uow(), self.boards, self.clock
        )
