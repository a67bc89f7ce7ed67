"""The NeedsService servicer: the needs list and the resource list."""

from __future__ import annotations

from collections.abc import Callable

from jifen.clock import Clock, utcnow
from jifen.grpc_server import current_caller
from jifen.points.v1 import needs_pb2 as pb
from jifen.points.v1 import needs_pb2_grpc as pb_grpc
from jifen.timestamps import field_time

from ..service.needs import commands, handlers
from ..service.ports import UnitOfWork
from . import need_messages as messages


class NeedsServicer(pb_grpc.NeedsServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork], clock: Clock = utcnow):
        self.uow = uow
        self.clock = clock

    def PostNeed(self, request, context):
        cmd = commands.PostNeed(
            request_id=request.request_id,
            actor=current_caller(),
            community_id=request.community_id,
            title=request.title,
            points=request.points,
            wanted=request.wanted,
            grid_id=request.grid_id,
            place=request.place,
            description=request.description,
            category=request.category,
            deadline=field_time(request, "deadline"),
        )
        return pb.PostNeedResponse(need=messages.need(handlers.post_need(cmd, self.uow(), self.clock)))

    def ListNeeds(self, request, context):
        query = commands.ListNeeds(
            actor=current_caller(),
            community_id=request.community_id,
            status=messages.status_name(request.status),
            grid_id=request.grid_id,
        )
        return pb.ListNeedsResponse(needs=[messages.need(v) for v in handlers.list_needs(query, self.uow())])

    def GetNeed(self, request, context):
        query = commands.GetNeed(actor=current_caller(), need_id=request.need_id)
        return pb.GetNeedResponse(need=messages.need(handlers.get_need(query, self.uow())))

    def ClaimNeed(self, request, context):
        cmd = commands.ClaimNeed(
            request_id=request.request_id,
            actor=current_caller(),
            need_id=request.need_id,
            organization_id=request.organization_id,
        )
        return pb.ClaimNeedResponse(need=messages.need(handlers.claim_need(cmd, self.uow(), self.clock)))

    def RejectClaim(self, request, context):
        cmd = commands.RejectClaim(
            request_id=request.request_id,
            actor=current_caller(),
            need_id=request.need_id,
            claim_id=request.claim_id,
            reason=request.reason,
        )
        return pb.RejectClaimResponse(need=messages.need(handlers.reject_claim(cmd, self.uow(), self.clock)))

    def AddNeedNote(self, request, context):
        cmd = commands.AddNeedNote(
            request_id=request.request_id, actor=current_caller(), need_id=request.need_id, text=request.text
        )
        return pb.AddNeedNoteResponse(need=messages.need(handlers.add_note(cmd, self.uow(), self.clock)))

    def CloseNeed(self, request, context):
        cmd = commands.CloseNeed(
            request_id=request.request_id,
            actor=current_caller(),
            need_id=request.need_id,
            result=request.result,
            member_ids=tuple(request.member_ids),
        )
        view = handlers.close_need(cmd, self.uow(), self.clock)
        return pb.CloseNeedResponse(need=messages.need(view), awarded_member_ids=list(view.awarded))

    def ReopenNeed(self, request, context):
        cmd = commands.ReopenNeed(
            request_id=request.request_id,
            actor=current_caller(),
            need_id=request.need_id,
            reason=request.reason,
        )
        return pb.ReopenNeedResponse(need=messages.need(handlers.reopen_need(cmd, self.uow(), self.clock)))

    def PutResource(self, request, context):
        cmd = commands.PutResource(
            request_id=request.request_id,
            actor=current_caller(),
            community_id=request.community_id,
            unit_name=request.unit_name,
            title=request.title,
            resource_id=request.resource_id,
            description=request.description,
            contact=request.contact,
        )
        found = handlers.put_resource(cmd, self.uow(), self.clock)
        return pb.PutResourceResponse(resource=messages.resource(found))

    def DeleteResource(self, request, context):
        cmd = commands.DeleteResource(
            request_id=request.request_id, actor=current_caller(), resource_id=request.resource_id
        )
        handlers.delete_resource(cmd, self.uow())
        return pb.DeleteResourceResponse()

    def ListResources(self, request, context):
        query = commands.ListResources(actor=current_caller(), community_id=request.community_id)
        found = handlers.list_resources(query, self.uow())
        return pb.ListResourcesResponse(resources=[messages.resource(r) for r in found])

    def GetNeedsReport(self, request, context):
        query = commands.GetNeedsReport(
            actor=current_caller(),
            community_id=request.community_id,
            period_start=field_time(request, "period_start"),
            period_end=field_time(request, "period_end"),
        )
        found = handlers.needs_report(query, self.uow())
        return pb.GetNeedsReportResponse(
            total=messages.count(found.total),
            by_unit=[messages.count(c) for c in found.by_unit],
            by_grid=[messages.count(c) for c in found.by_grid],
        )
