"""The MarketReportsService servicer: the dashboard's redemption figures."""

from __future__ import annotations

from collections.abc import Callable

from jifen.grpc_server import current_caller
from jifen.market.v1 import reports_pb2 as pb
from jifen.market.v1 import reports_pb2_grpc as pb_grpc

from ..service import reports
from ..service.ports import UnitOfWork


class MarketReportsServicer(pb_grpc.MarketReportsServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork]):
        self.uow = uow

    def GetRedemptionSummary(self, request, context):
        query = reports.GetRedemptionSummary(
            actor=current_caller(),
            community_id=request.community_id,
            street_id=request.street_id,
            from_month=request.from_month,
            to_month=request.to_month,
            top_n=request.top_n,
        )
        shop_months, top_goods = reports.redemption_summary(query, self.uow())
        return pb.GetRedemptionSummaryResponse(
            shop_months=[
                pb.ShopMonth(
                    shop_id=s.shop_id,
                    shop_name=s.shop_name,
                    month=s.month,
                    collected=s.collected,
                    units=s.units,
                    points=s.points,
                )
                for s in shop_months
            ],
            top_goods=[
                pb.TopGood(
                    item_id=g.item_id,
                    item_name=g.item_name,
                    shop_id=g.shop_id,
                    units=g.units,
                    points=g.points,
                )
                for g in top_goods
            ],
        )
