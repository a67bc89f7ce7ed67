"""The dashboard's redemption figures on the real PostgreSQL, from orders placed and handed over by the
use cases on known days (against the real points api), checked against numbers worked out by hand.

The points api takes holds only for deadlines of the next 90 days, so the orders fall in the next
two calendar months, whatever day the test runs; an order of this month is outside the range. Each
step runs at its moment through the use case's clock. Months are Asia/Shanghai ones: an order handed
over at 00:30 on the 1st of SECOND in Shanghai (16:30 UTC the day before) is SECOND's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

import grpc
import pytest
import redis

from jifen.caller import ADMIN, Caller, Grant
from jifen.clock import utcnow
from jifen.ids import new_id
from jifen.market.v1 import reports_pb2 as pb
from jifen.market.v1 import reports_pb2_grpc
from jifen.months import LOCAL
from jifen.rate_limit import FailureLimiter
from services.market import bootstrap as market_bootstrap
from services.market.adapters.unit_of_work import MarketUnitOfWork
from services.market.service.redemptions import commands as c
from services.market.service.redemptions import pickup, placing
from services.market.service.redemptions.ports import PickupLimits
from tests.integration.market_town import MarketTown
from tests.integration.points_town import HOME, OTHER, STREET
from tests.servers import REDIS_URL


def _month_after(months: int) -> tuple[int, int]:
    now = utcnow().astimezone(LOCAL)
    index = now.year * 12 + now.month - 1 + months
    return index // 12, index % 12 + 1


FIRST, SECOND = _month_after(1), _month_after(2)
LABELS = tuple(f"{y:04d}-{m:02d}" for y, m in (FIRST, SECOND))
LAST_OF_FIRST = (datetime(*SECOND, 1) - timedelta(days=1)).day


def at(month: tuple[int, int], day, hour=12, minute=0) -> datetime:
    return datetime(*month, day, hour, minute, tzinfo=LOCAL)


class Counter:
    """Places an order as the volunteer at one moment and hands it over at the counter at another."""

    def __init__(self, town: MarketTown):
        settings = town.settings
        self.uow = partial(MarketUnitOfWork, town.engine, pickup_keys=market_bootstrap.pickup_keys(settings))
        self.points = market_bootstrap.points_client(settings)
        self.saga = market_bootstrap.saga_settings(settings)
        client = redis.Redis.from_url(REDIS_URL)
        prefix = f"{settings.redis_namespace}:reports"
        self.limits = PickupLimits(
            staff=FailureLimiter(client, f"{prefix}:staff", 100, 60),
            shop=FailureLimiter(client, f"{prefix}:shop", 100, 60),
        )

    def place(self, when, member: Caller, item_id: str, quantity: int) -> str:
        cmd = c.PlaceRedemption(new_id(), member, item_id, quantity)
        return placing.place_redemption(cmd, self.uow(), self.points, self.saga, lambda: when).pickup_code

    def redeem(self, when, member: Caller, item_id: str, quantity: int, staff: Caller, handed=None):
        code = self.place(when, member, item_id, quantity)
        cmd = c.ConfirmRedemption(new_id(), staff, pickup_code=code)
        pickup.confirm(cmd, self.uow(), self.points, self.limits, lambda: handed or when + timedelta(hours=1))


@pytest.fixture
def seeded(market_town: MarketTown):
    town = market_town
    admin = town.points.admin("m-admin")
    street_admin = town.points.register("m-street", OTHER, "", Grant(ADMIN, street_id=STREET))
    shop_a = town.shop(admin, "张苏滩积分超市").shop_id
    shop_b = town.shop(admin, "张苏滩二店").shop_id
    shop_c = town.shop(street_admin, "天庆嘉园积分超市", community=OTHER).shop_id
    rice = town.item(admin, shop_a, 30, 10, name="大米 5kg").item_id
    towel = town.item(admin, shop_a, 5, 20, name="毛巾").item_id
    paste = town.item(admin, shop_b, 3, 20, name="牙膏").item_id
    oil = town.item(street_admin, shop_c, 20, 10, name="食用油").item_id
    staff_a, staff_b = town.staff("m-staff-a", shop_a), town.staff("m-staff-b", shop_b)
    staff_c = town.staff("m-staff-c", shop_c, community=OTHER)
    v1, v2, v4 = town.volunteer("m-v1"), town.volunteer("m-v2"), town.volunteer("m-v4", OTHER)
    for member in (v1, v2, v4):
        town.fund(member, 1000)

    counter = Counter(town)
    counter.redeem(at(FIRST, 10), v1, rice, 1, staff_a)
    counter.redeem(at(FIRST, 12), v2, towel, 3, staff_a)
    counter.redeem(at(FIRST, 15), v1, paste, 2, staff_b)
    counter.redeem(at(FIRST, 20), v4, oil, 1, staff_c)  # OTHER: the street's figures only
    # Placed on FIRST's last evening, handed over at 00:30 on the 1st of SECOND (the day before in UTC).
    counter.redeem(at(FIRST, LAST_OF_FIRST, 23), v2, towel, 2, staff_a, handed=at(SECOND, 1, 0, 30))
    counter.place(at(SECOND, 5), v1, rice, 1)  # never collected: counted nowhere
    now = utcnow()
    # This month: before the range.
    counter.redeem(now, v1, towel, 1, staff_a, handed=now + timedelta(minutes=1))
    counter.points.close()
    ids = {"A": shop_a, "B": shop_b, "C": shop_c, "rice": rice, "towel": towel, "paste": paste, "oil": oil}
    stub = reports_pb2_grpc.MarketReportsServiceStub(town.channel)
    return stub, ids, {"admin": town.token(admin), "street": town.token(street_admin)}


def summary(stub, token, top_n=0, **scope):
    request = pb.GetRedemptionSummaryRequest(from_month=LABELS[0], to_month=LABELS[1], top_n=top_n, **scope)
    found = stub.GetRedemptionSummary(request, metadata=token)
    shops = [(s.month, s.shop_id, s.shop_name, s.collected, s.units, s.points) for s in found.shop_months]
    goods = [(g.item_id, g.item_name, g.shop_id, g.units, g.points) for g in found.top_goods]
    return shops, goods


def test_a_community_dashboard_shows_each_shops_redemptions_per_month_and_the_top_goods(seeded):
    stub, ids, tokens = seeded
    shops, goods = summary(stub, tokens["admin"], top_n=2, community_id=HOME)
    assert shops == [
        # month, shop, name (in code-point order: 二 before 积), collected, units, points
        (LABELS[0], ids["B"], "张苏滩二店", 1, 2, 2 * 3),
        (LABELS[0], ids["A"], "张苏滩积分超市", 2, 4, 30 + 3 * 5),
        (LABELS[1], ids["A"], "张苏滩积分超市", 1, 2, 2 * 5),
    ]
    assert goods == [(ids["towel"], "毛巾", ids["A"], 5, 25), (ids["paste"], "牙膏", ids["B"], 2, 6)]


def test_a_street_admin_sees_every_shop_of_the_street_and_a_community_admin_only_their_own(seeded):
    stub, ids, tokens = seeded
    shops, goods = summary(stub, tokens["street"], street_id=STREET)
    assert (LABELS[0], ids["C"], "天庆嘉园积分超市", 1, 1, 20) in shops
    assert len(shops) == 4
    # 大米 and 食用油 sold one each: the dearer first.
    assert [(g[0], g[3], g[4]) for g in goods] == [
        (ids["towel"], 5, 25),
        (ids["paste"], 2, 6),
        (ids["rice"], 1, 30),
        (ids["oil"], 1, 20),
    ]
    for scope in ({"community_id": OTHER}, {"street_id": STREET}):
        with pytest.raises(grpc.RpcError) as err:
            summary(stub, tokens["admin"], **scope)
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
