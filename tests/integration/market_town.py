"""The market api on the real PostgreSQL and Redis, beside the real points api it calls over gRPC.

Members are announced once to both services' consumers, exactly as the members worker's events
would reach them; the market reaches points with its own service token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import grpc
import pytest

from jifen import migrations
from jifen.caller import STAFF, VOLUNTEER, Caller, Grant
from jifen.db import make_engine
from jifen.events.v1 import members_pb2 as member_events
from jifen.ids import new_id
from jifen.market.v1 import market_pb2 as mk
from jifen.market.v1 import market_pb2_grpc
from jifen.points.v1 import ledger_pb2 as lg
from jifen.redis_client import connect
from jifen.settings import Settings
from services.market import bootstrap as market_bootstrap
from services.market.adapters.unit_of_work import MarketUnitOfWork
from tests.conftest import free_port
from tests.integration.points_town import HOME, OTHER, STREET, PointsTown
from tests.servers import drop_database, fresh_database


@dataclass
class MarketTown:
    points: PointsTown
    settings: Settings
    channel: grpc.Channel
    parts: object
    engine: object

    @property
    def market(self) -> market_pb2_grpc.MarketServiceStub:
        return market_pb2_grpc.MarketServiceStub(self.channel)

    def uow(self) -> MarketUnitOfWork:
        return MarketUnitOfWork(self.engine)

    def token(self, caller: Caller) -> list[tuple[str, str]]:
        return self.points.token(caller)

    def volunteer(self, member_id: str, community: str = HOME, grid: str = "") -> Caller:
        return self.points.register(member_id, community, grid, Grant(VOLUNTEER))

    def staff(self, member_id: str, shop_id: str, community: str = HOME) -> Caller:
        return self.points.register(member_id, community, "", Grant(VOLUNTEER), Grant(STAFF, shop_id=shop_id))

    def shop(self, admin: Caller, name: str = "张苏滩积分超市", community: str = HOME) -> mk.Shop:
        return self.market.CreateShop(
            mk.CreateShopRequest(
                request_id=new_id(), community_id=community, name=name, address="张苏滩社区服务中心一楼"
            ),
            metadata=self.token(admin),
        ).shop

    def item(self, admin: Caller, shop_id: str, price: int, stock: int, **details) -> mk.Item:
        return self.market.CreateItem(
            mk.CreateItemRequest(
                request_id=new_id(),
                shop_id=shop_id,
                name=details.pop("name", "大米 5kg"),
                points_price=price,
                initial_stock=stock,
                **details,
            ),
            metadata=self.token(admin),
        ).item

    def service(
        self, admin: Caller, shop_id: str, price: int, unit: str = "红星理发店", **details
    ) -> mk.Item:
        """A partner unit's service (its places come from its slots)."""
        return self.item(
            admin,
            shop_id,
            price,
            0,
            name=details.pop("name", "理发"),
            kind=mk.ITEM_KIND_SERVICE,
            provider_organization_id=details.pop("provider_organization_id", "org-barber"),
            provider_name=unit,
            **details,
        )

    def slot(
        self,
        keeper: Caller,
        item_id: str,
        starts_at,
        hours: int = 1,
        capacity: int = 5,
        place: str = "社区广场",
    ) -> mk.ServiceSlot:
        request = mk.AddServiceSlotRequest(
            request_id=new_id(), item_id=item_id, place=place, capacity=capacity
        )
        request.starts_at.FromDatetime(starts_at)
        request.ends_at.FromDatetime(starts_at + timedelta(hours=hours))
        return self.market.AddServiceSlot(request, metadata=self.token(keeper)).slot

    def fund(self, member: Caller, points: int) -> None:
        """Awards points by an admin of the member's community, as a commendation would."""
        funder = self.points.admin(f"funder-{member.community_id}", member.community_id)
        self.points.ledger.Award(
            lg.AwardRequest(
                request_id=new_id(), member_id=member.member_id, points=points, reason="测试积分"
            ),
            metadata=self.token(funder),
        )

    def balance(self, member: Caller) -> lg.Balance:
        return self.points.ledger.GetBalance(
            lg.GetBalanceRequest(member_id=member.member_id), metadata=self.points.market
        ).balance

    def get_item(self, item_id: str, reader: Caller) -> mk.Item:
        return self.market.GetItem(mk.GetItemRequest(item_id=item_id), metadata=self.token(reader)).item

    def place(self, member: Caller, item_id: str, quantity: int = 1, **extra) -> mk.Redemption:
        return self.market.PlaceRedemption(
            mk.PlaceRedemptionRequest(request_id=new_id(), item_id=item_id, quantity=quantity, **extra),
            metadata=self.token(member),
        ).redemption

    def confirm(self, staff: Caller, **presented) -> mk.Redemption:
        return self.market.ConfirmRedemption(
            mk.ConfirmRedemptionRequest(request_id=new_id(), **presented), metadata=self.token(staff)
        ).redemption

    def cancel(self, member: Caller, redemption_id: str, reason: str = "不需要了") -> mk.Redemption:
        return self.market.CancelRedemption(
            mk.CancelRedemptionRequest(request_id=new_id(), redemption_id=redemption_id, reason=reason),
            metadata=self.token(member),
        ).redemption

    def audit(self) -> list[str]:
        return market_bootstrap.audit(self.settings)

    def jobs_with(self, settings: Settings):
        """The worker's job functions over this market's database and the given settings' points."""
        uow = partial(MarketUnitOfWork, self.engine, pickup_keys=market_bootstrap.pickup_keys(self.settings))
        return uow, market_bootstrap.points_client(settings)


@pytest.fixture
def market_town(points_town: PointsTown, members_api):
    # members_api: the real members api at settings.members_target, which the market reads through
    # to for communities and asks in its audit.
    url = fresh_database("market")
    migrations.upgrade(market_bootstrap.MIGRATIONS, url)
    port = free_port()
    settings = points_town.settings.model_copy(
        update={
            "market_db_url": url,
            "market_bind": f"127.0.0.1:{port}",
            "market_target": f"127.0.0.1:{port}",
        }
    )
    app = market_bootstrap.build_api(settings, connect(settings.redis_url))
    app.start()
    parts = market_bootstrap.build_events(settings)
    points_town.listeners.append(parts.consumer)
    for community in (HOME, OTHER):
        points_town.announce(
            "community.created",
            member_events.CommunityCreated(community_id=community, street_id=STREET, name=community),
        )
    engine = make_engine(url, pool_size=4)
    channel = grpc.insecure_channel(settings.market_target)
    yield MarketTown(points_town, settings, channel, parts, engine)
    channel.close()
    app.stop(0)
    parts.close()
    engine.dispose()
    drop_database(url)
