"""Every market command answers from what its own transaction wrote: the database going away right
after the commit cannot turn a done change into an error (and the client's retry into a refusal)."""

from __future__ import annotations

from datetime import timedelta

from services.market.domain.catalog import ItemDetails
from services.market.domain.redemption import CANCELLED, COLLECTED
from services.market.service.catalogue import items, shops
from services.market.service.catalogue.commands import CreateItem, CreateShop, Restock, UpdateItem, UpdateShop
from services.market.service.redemptions import cancelling, pickup, placing
from services.market.service.redemptions.commands import (
    CancelRedemption,
    ConfirmRedemption,
    PlaceRedemption,
    ReissuePickupCode,
)
from services.market.service.redemptions.placing import SagaSettings
from tests.unit.runtime_fakes import GoneAfterCommit

from .fakes import HOME, NOW, Clock, FakePoints, admin_of, member, pickup_limits, staff, town, volunteer

ADMIN = admin_of(HOME)
RICE = ItemDetails(name="大米 5kg", points_price=40)
SAGA = SagaSettings(pickup_window=timedelta(days=7))


def test_the_catalog_answers_from_what_it_committed():
    uow, clock = town(), Clock(NOW)
    create = CreateShop("s1", ADMIN, HOME.id, "张苏滩积分超市", "一楼", "")
    shop = shops.create_shop(create, GoneAfterCommit(uow), clock)
    assert shop.name == "张苏滩积分超市" and uow.shops.get(shop.id) is not None

    renamed = UpdateShop("s2", ADMIN, shop.id, fields=("name",), name="社区积分超市")
    assert shops.update_shop(renamed, GoneAfterCommit(uow), clock).name == "社区积分超市"

    item = items.create_item(CreateItem("i1", ADMIN, shop.id, RICE, 10), GoneAfterCommit(uow), clock)
    assert (item.details.name, item.stock) == ("大米 5kg", 10)

    priced = UpdateItem("i2", ADMIN, item.id, ("points_price",), ItemDetails(name="", points_price=50))
    assert items.update_item(priced, GoneAfterCommit(uow), clock).details.points_price == 50

    after, change = items.restock(Restock("r1", ADMIN, item.id, 5, "捐赠"), GoneAfterCommit(uow), clock)
    assert (after.stock, change.delta, change.stock_after) == (15, 5, 15)


def test_orders_at_the_counter_answer_from_what_they_committed():
    uow, clock, points = town(), Clock(NOW), FakePoints()
    shop = shops.create_shop(CreateShop("s1", ADMIN, HOME.id, "张苏滩积分超市", "一楼", ""), uow, clock)
    item = items.create_item(CreateItem("i1", ADMIN, shop.id, RICE, 10), uow, clock)
    member(uow, "v1")
    member(uow, "clerk", staff_shop_id=shop.id)
    points.give("v1", 200)
    v1, clerk = volunteer("v1"), staff("clerk", shop.id)

    def place(request_id):
        return placing.place_redemption(PlaceRedemption(request_id, v1, item.id, 1), uow, points, SAGA, clock)

    first, second = place("p1"), place("p2")
    fresh = pickup.reissue_code(
        ReissuePickupCode("rc", v1, first.redemption.id), GoneAfterCommit(uow), clock
    )
    assert fresh.redemption.id == first.redemption.id and fresh.pickup_code

    confirm = ConfirmRedemption("c1", clerk, pickup_code=fresh.pickup_code)
    done = pickup.confirm(confirm, GoneAfterCommit(uow), points, pickup_limits(), clock)
    assert done.status == COLLECTED

    cancel = CancelRedemption("x1", v1, second.redemption.id, "不需要了")
    assert cancelling.cancel(cancel, GoneAfterCommit(uow), points, clock).status == CANCELLED
