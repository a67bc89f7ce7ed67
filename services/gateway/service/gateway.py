"""The gateway's composition: the three service clients every action uses."""

from __future__ import annotations

from dataclasses import dataclass

from jifen.clock import Clock, utcnow

from ..adapters.market_client import MarketClient
from ..adapters.members_client import MembersClient
from ..adapters.points_client import PointsClient


@dataclass
class Services:
    members: MembersClient
    points: PointsClient
    market: MarketClient
    clock: Clock = utcnow

    def close(self) -> None:
        for client in (self.members, self.points, self.market):
            client.close()
