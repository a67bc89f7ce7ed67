"""Per-member limits count the community's local day, week, month and year, on SQLite and on PostgreSQL.

Orders are stored in UTC; the period starts at local (Asia/Shanghai) midnight, eight hours earlier in
UTC. Each story places orders through the real SQL repositories at chosen local times.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jifen import migrations
from jifen.db import make_engine
from jifen.errors import FailedPrecondition
from services.market import bootstrap as market_bootstrap
from services.market.adapters.unit_of_work import MarketUnitOfWork
from services.market.domain.catalog import Item, ItemDetails, Shop
from services.market.domain.limits import DAY, MONTH, WEEK, YEAR
from services.market.domain.people import ACTIVE, MemberCopy
from services.market.domain.pickup import PickupKey
from services.market.service.redemptions import placing
from services.market.service.redemptions.commands import PlaceRedemption
from services.market.service.redemptions.placing import SagaSettings
from tests.servers import drop_database, fresh_database
from tests.unit.market.fakes import HOME, NOW, Clock, FakePoints, volunteer

SHANGHAI = ZoneInfo("Asia/Shanghai")
SAGA = SagaSettings(pickup_window=timedelta(days=7), abandoned_after=timedelta(seconds=30))
RICE = ItemDetails(name="大米 5kg", points_price=10, per_member_limit=1)
SHOP = Shop("shop-1", HOME.id, "张苏滩积分超市", "服务中心一楼", "", "open", NOW, NOW)
V1 = volunteer("v1")
KEYS = (PickupKey("k-test", bytes(range(32))),)


def local(*moment: int) -> datetime:
    """A local wall-clock time, as the UTC instant the service's clock gives."""
    return datetime(*moment, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    url = f"sqlite:///{tmp_path}/market.db" if request.param == "sqlite" else fresh_database("market")
    migrations.upgrade(market_bootstrap.MIGRATIONS, url)
    engine = make_engine(url)
    with MarketUnitOfWork(engine) as uow:
        uow.people.put_community(HOME)
        uow.people.put_member(MemberCopy("v1", "王秀兰", HOME.id, HOME.street_id, "gr-1", ACTIVE, NOW))
        uow.shops.add(SHOP)
        uow.commit()
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        drop_database(url)


class Counter:
    """Places orders of one item at chosen moments, with points enough for all of them."""

    def __init__(self, engine, period: str):
        self.engine = engine
        self.item_id = f"rice-{period}"
        self.points = FakePoints()
        self.points.give("v1", 1000)
        self.placed = 0
        with MarketUnitOfWork(engine) as uow:
            details = replace(RICE, limit_period=period)
            uow.items.add(Item(self.item_id, SHOP.id, HOME.id, details, 50, 0, NOW, NOW))
            uow.commit()

    def order_at(self, moment: datetime):
        self.placed += 1
        cmd = PlaceRedemption(f"order-{self.item_id}-{self.placed}", V1, self.item_id, 1, "")
        uow = MarketUnitOfWork(self.engine, pickup_keys=KEYS)
        return placing.place_redemption(cmd, uow, self.points, SAGA, Clock(moment))


@pytest.mark.parametrize("period", [DAY, WEEK, MONTH, YEAR])
def test_a_second_rice_bag_the_same_morning_is_refused_at_0630(engine, period):
    # 1 January 2029 is a Monday: the first morning of a day, a week, a month and a year.
    counter = Counter(engine, period)
    counter.order_at(local(2029, 1, 1, 6, 30))

    with pytest.raises(FailedPrecondition) as refused:
        counter.order_at(local(2029, 1, 1, 6, 31))

    assert "限兑 1 件，您已兑换 1 件" in refused.value.message()
    with pytest.raises(FailedPrecondition):
        counter.order_at(local(2029, 1, 1, 7, 59))


def test_the_last_minute_of_a_month_and_the_first_of_the_next_count_in_different_months(engine):
    counter = Counter(engine, MONTH)
    counter.order_at(local(2026, 10, 31, 23, 59))

    counter.order_at(local(2026, 11, 1, 0, 1))

    with pytest.raises(FailedPrecondition):
        counter.order_at(local(2026, 11, 1, 7, 59))


def test_new_year_opens_a_new_yearly_limit_at_local_midnight(engine):
    counter = Counter(engine, YEAR)
    counter.order_at(local(2026, 12, 31, 23, 59))

    counter.order_at(local(2027, 1, 1, 0, 1))

    with pytest.raises(FailedPrecondition):
        counter.order_at(local(2027, 1, 1, 7, 0))


def test_a_daily_limit_opens_again_at_local_midnight_not_at_eight(engine):
    counter = Counter(engine, DAY)
    counter.order_at(local(2026, 12, 31, 23, 30))

    counter.order_at(local(2027, 1, 1, 0, 0))

    with pytest.raises(FailedPrecondition):
        counter.order_at(local(2027, 1, 1, 8, 30))


def test_a_weekly_limit_opens_again_on_monday_at_local_midnight(engine):
    counter = Counter(engine, WEEK)
    counter.order_at(local(2026, 11, 22, 23, 59))  # a Sunday

    counter.order_at(local(2026, 11, 23, 0, 1))  # the Monday after

    with pytest.raises(FailedPrecondition):
        counter.order_at(local(2026, 11, 29, 7, 59))  # that week's Sunday morning
