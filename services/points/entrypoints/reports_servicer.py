"""The ReportsService servicer: the dashboard's monthly figures."""

from __future__ import annotations

from collections.abc import Callable

from jifen.grpc_server import current_caller
from jifen.points.v1 import reports_pb2 as pb
from jifen.points.v1 import reports_pb2_grpc as pb_grpc

from ..service import reports
from ..service.ports import UnitOfWork


class ReportsServicer(pb_grpc.ReportsServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork]):
        self.uow = uow

    def GetMonthlySummary(self, request, context):
        query = reports.GetMonthlySummary(
            actor=current_caller(),
            community_id=request.community_id,
            street_id=request.street_id,
            from_month=request.from_month,
            to_month=request.to_month,
        )
        found = reports.monthly_summary(query, self.uow())
        return pb.GetMonthlySummaryResponse(
            months=[
                pb.MonthlySummary(
                    month=m.month,
                    points_issued=m.points_issued,
                    points_taken_back=m.points_taken_back,
                    points_spent=m.points_spent,
                    points_held=m.points_held,
                    points_expired=m.points_expired,
                    certified_minutes=m.certified_minutes,
                    active_volunteers=m.active_volunteers,
                )
                for m in found
            ]
        )
