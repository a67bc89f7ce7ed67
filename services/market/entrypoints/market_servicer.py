"""The MarketService servicer: the catalog and redemption halves, over one set of collaborators."""

from __future__ import annotations

from collections.abc import Callable

from jifen.clock import Clock, utcnow
from jifen.market.v1 import market_pb2_grpc as pb_grpc

from ..service.ports import PickupLimits, Points, UnitOfWork
from ..service.saga import SagaSettings
from .catalog_rpcs import CatalogRpcs
from .redemption_rpcs import RedemptionRpcs


class MarketServicer(CatalogRpcs, RedemptionRpcs, pb_grpc.MarketServiceServicer):
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        points: Points,
        limits: PickupLimits,
        saga: SagaSettings,
        render_qr: Callable[[str, str], bytes],
        clock: Clock = utcnow,
    ):
        self.uow = uow
        self.points = points
        self.limits = limits
        self.saga = saga
        self.render_qr = render_qr
        self.clock = clock
