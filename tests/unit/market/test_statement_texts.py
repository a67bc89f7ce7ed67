"""The lines the market writes on a volunteer's points statement: the goods by name, never an id."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from jifen.ids import new_id
from services.market.domain.catalog import Item, ItemDetails, Shop
from services.market.service.redemptions import cancelling, jobs, placing
from services.market.service.redemptions.commands import CancelRedemption, PlaceRedemption
from services.market.service.redemptions.placing import SagaSettings

from .fakes import HOME, NOW, Clock, FakePoints, grid_worker, member, volunteer

# A ULID as jifen.ids makes them, in either case.
ULID = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}(?![0-9A-Za-z])")
SAGA = SagaSettings(pickup_window=timedelta(days=7), abandoned_after=timedelta(seconds=30))
SHOP = Shop(new_id(), HOME.id, "张苏滩积分超市", "服务中心一楼", "", "open", NOW, NOW)
RICE = ItemDetails(name="大米 5kg", points_price=40)


@pytest.fixture
def uow(uow):
    world = uow
    world.shops.add(SHOP)
    member(world, "v1")
    world.items.add(Item(new_id(), SHOP.id, HOME.id, RICE, 10, 0, NOW, NOW))
    return world


def place(uow, points, clock, actor, on_behalf=""):
    (item_id,) = uow.items.rows
    cmd = PlaceRedemption(new_id(), actor, item_id, 1, on_behalf)
    return placing.place_redemption(cmd, uow, points, SAGA, clock).redemption


def test_hold_and_release_lines_name_the_goods_and_no_id(uow):
    points, clock = FakePoints(), Clock(NOW)
    points.give("v1", 200)

    own = place(uow, points, clock, volunteer("v1"))
    proxy = place(uow, points, clock, grid_worker("gw", "gr-1"), on_behalf="v1")
    cancelling.cancel(CancelRedemption(new_id(), volunteer("v1"), own.id, "不需要了"), uow, points, clock)
    clock.advance(days=7)
    assert jobs.expire_uncollected(lambda: uow, points, clock) == 1

    assert (own.hold_reason, proxy.hold_reason) == ("兑换 大米 5kg ×1", "代兑换 大米 5kg ×1")
    released = [call[2] for call in points.calls if call[0] == "release"]
    assert released == ["取消兑换 大米 5kg：不需要了", "超时未领取 大米 5kg，积分退回"]
    for line in (own.hold_reason, proxy.hold_reason, *released):
        assert not ULID.search(line), line
