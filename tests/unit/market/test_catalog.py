"""Shops, goods and stock as admins, staff and volunteers meet them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from jifen.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unavailable,
)
from jifen.grpc_server import _CALLER
from jifen.market.v1 import market_pb2 as pb
from jifen.timestamps import to_timestamp
from services.market.domain.catalog import INITIAL, OFF_SALE, RESTOCK, ItemDetails
from services.market.domain.limits import MONTH
from services.market.domain.redemption import AWAITING_PICKUP, Redemption
from services.market.entrypoints import catalog_messages as messages
from services.market.entrypoints.market_servicer import MarketServicer
from services.market.service.catalogue import items, shops
from services.market.service.catalogue.commands import (
    CreateItem,
    CreateShop,
    ListItems,
    ListShops,
    ListStockChanges,
    Restock,
    UpdateItem,
    UpdateShop,
)

from .fakes import (
    ELSEWHERE,
    HOME,
    NOW,
    OTHER,
    admin_of,
    grid_worker,
    member,
    staff,
    street_admin,
    volunteer,
)

RICE = ItemDetails(name="大米 5kg", description="东北大米", points_price=200, low_stock_threshold=5)


def open_shop(uow, clock, name="张苏滩积分超市", community=HOME, request_id=None, actor=None):
    cmd = CreateShop(
        request_id=request_id or f"shop-{community.id}-{name}",
        actor=actor or admin_of(community),
        community_id=community.id,
        name=name,
        address="张苏滩路 1 号",
        opening_hours="周一至周五 9:00–17:00",
    )
    return shops.create_shop(cmd, uow, clock)


def list_item(uow, clock, shop, details=RICE, stock=20, request_id=None, actor=None):
    cmd = CreateItem(
        request_id=request_id or f"item-{details.name}-{shop.id}",
        actor=actor or admin_of(HOME if shop.community_id == HOME.id else OTHER),
        shop_id=shop.id,
        details=details,
        initial_stock=stock,
    )
    return items.create_item(cmd, uow, clock)


def restock(uow, clock, item, delta, actor, request_id=None, reason="社区捐赠"):
    cmd = Restock(request_id or f"rs-{delta}-{clock()}", actor, item.id, delta, reason)
    return items.restock(cmd, uow, clock)


def browse(uow, clock, points, actor, **asked):
    found, _ = items.list_items(ListItems(actor=actor, **asked), uow, points, clock)
    return [i.name for i in found]


# --- Shops ---


def test_an_admin_opens_a_shop_in_their_community(uow, clock):
    shop = open_shop(uow, clock, name="  张苏滩积分超市  ")

    assert shop.community_id == HOME.id and shop.name == "张苏滩积分超市"
    assert shop.status == "open" and shop.staff_ids == ()
    assert shop.created_at == shop.updated_at == NOW
    assert uow.shops.get(shop.id).name == "张苏滩积分超市"


def test_a_street_admin_opens_a_shop_in_a_community_of_their_street(uow, clock):
    assert open_shop(uow, clock, community=OTHER, actor=street_admin("st-1")).community_id == OTHER.id


@pytest.mark.parametrize(
    "actor",
    [admin_of(OTHER), street_admin("st-2"), volunteer("v1"), staff("s1", "any-shop")],
    ids=["admin-of-another-community", "admin-of-another-street", "volunteer", "staff"],
)
def test_only_admins_of_the_community_open_a_shop_there(uow, clock, actor):
    with pytest.raises(PermissionDenied):
        open_shop(uow, clock, actor=actor)
    assert uow.shops.rows == {} and uow.idempotency.rows == {}


def test_a_shop_needs_a_community_the_market_knows(uow, clock):
    nowhere = replace(HOME, id="co-nowhere")
    with pytest.raises(NotFound) as raised:
        open_shop(uow, clock, community=nowhere, actor=admin_of(nowhere))
    assert raised.value.field == "community_id" and raised.value.zh == "社区不存在"


def test_a_second_shop_with_the_same_name_in_the_community_is_refused(uow, clock):
    open_shop(uow, clock, request_id="a")
    with pytest.raises(AlreadyExists) as raised:
        open_shop(uow, clock, request_id="b")
    assert raised.value.field == "name" and "同名门店" in raised.value.zh
    # The same name in another community is fine.
    assert open_shop(uow, clock, community=OTHER).name == "张苏滩积分超市"


def test_a_name_clash_that_slips_past_the_check_is_decided_by_the_unique_constraint(uow, clock, monkeypatch):
    open_shop(uow, clock, request_id="a")
    # A twin committed between our check and our insert: the constraint raises Conflict, the
    # retry sees the twin's shop and answers AlreadyExists, not an internal error.
    real = shops._require_free_name
    checked = []

    def blind_first_time(*args):
        checked.append(args)
        if len(checked) > 1:
            real(*args)

    monkeypatch.setattr(shops, "_require_free_name", blind_first_time)
    with pytest.raises(AlreadyExists) as raised:
        open_shop(uow, clock, request_id="b")
    assert raised.value.field == "name" and len(checked) == 2
    assert len(uow.shops.rows) == 1


def test_a_replayed_create_shop_returns_the_first_shop(uow, clock):
    first = open_shop(uow, clock, request_id="same")
    again = open_shop(uow, clock, request_id="same")

    assert again == first and len(uow.shops.rows) == 1
    with pytest.raises(AlreadyExists) as raised:
        open_shop(uow, clock, request_id="same", name="另一家")
    assert raised.value.field == "request_id"


def update_shop(uow, clock, shop, fields, actor=None, request_id="u1", **values):
    cmd = UpdateShop(request_id, actor or admin_of(HOME), shop.id, tuple(fields), **values)
    return shops.update_shop(cmd, uow, clock)


def test_an_admin_closes_a_shop_and_renames_it(uow, clock):
    shop = open_shop(uow, clock)
    clock.advance(hours=1)

    changed = update_shop(uow, clock, shop, ["status", "name"], status="closed", name="新名字", address="x")

    assert changed.status == "closed" and changed.name == "新名字"
    assert changed.address == shop.address  # not in the mask
    assert changed.updated_at == NOW + timedelta(hours=1) and changed.created_at == NOW


@pytest.mark.parametrize(
    ("fields", "values", "field"),
    [
        ([], {}, "update_mask"),
        (["community_id"], {}, "update_mask"),
        (["status"], {"status": ""}, "status"),
        (["status"], {"status": "demolished"}, "status"),
        (["name"], {"name": "  "}, "name"),
        (["address"], {"address": "长" * 201}, "address"),
    ],
    ids=["empty-mask", "unknown-field", "status-unspecified", "unknown-status", "blank-name", "long-address"],
)
def test_bad_shop_updates_name_the_field(uow, clock, fields, values, field):
    shop = open_shop(uow, clock)
    with pytest.raises(InvalidArgument) as raised:
        update_shop(uow, clock, shop, fields, **values)
    assert raised.value.field == field
    assert uow.shops.get(shop.id) == shop


def test_renaming_onto_another_shops_name_is_refused_and_an_admin_elsewhere_cannot_edit(uow, clock):
    open_shop(uow, clock, name="一号店")
    second = open_shop(uow, clock, name="二号店")

    with pytest.raises(AlreadyExists):
        update_shop(uow, clock, second, ["name"], name="一号店")
    with pytest.raises(PermissionDenied):
        update_shop(uow, clock, second, ["name"], actor=admin_of(OTHER), request_id="u2", name="三号店")
    assert update_shop(uow, clock, second, ["name"], request_id="u3", name="二号店").name == "二号店"


def test_shops_list_their_active_staff_and_default_to_the_callers_community(uow, clock):
    home = open_shop(uow, clock)
    other = open_shop(uow, clock, community=OTHER, name="天庆积分超市")
    member(uow, "s2", staff_shop_id=home.id)
    member(uow, "s1", staff_shop_id=home.id)
    member(uow, "s3", staff_shop_id=home.id, status="deactivated")
    member(uow, "s4", OTHER, staff_shop_id=other.id)

    listed, token = shops.list_shops(ListShops(actor=volunteer("v1")), uow)

    assert [(s.id, s.staff_ids) for s in listed] == [(home.id, ("s1", "s2"))]
    assert token == ""
    assert shops.get_shop(other.id, uow).staff_ids == ("s4",)
    asked = shops.list_shops(ListShops(actor=volunteer("v1"), community_id=OTHER.id), uow)[0]
    assert [s.id for s in asked] == [other.id]
    with pytest.raises(NotFound):
        shops.get_shop("nope", uow)


def test_shops_page(uow, clock):
    for n in range(3):
        clock.advance(minutes=1)
        open_shop(uow, clock, name=f"店{n}")

    first, token = shops.list_shops(ListShops(actor=volunteer("v1"), page_size=2), uow)
    second, last = shops.list_shops(ListShops(actor=volunteer("v1"), page_size=2, page_token=token), uow)

    assert [s.name for s in first + second] == ["店0", "店1", "店2"] and last == ""


# --- Items ---


def test_an_admin_lists_an_item_with_its_initial_stock_recorded(uow, clock):
    shop = open_shop(uow, clock)
    item = list_item(uow, clock, shop, stock=20)

    assert (item.shop_id, item.community_id) == (shop.id, HOME.id)
    assert (item.stock, item.reserved) == (20, 0)
    assert item.details == RICE
    [change] = uow.stock_changes.rows
    assert (change.kind, change.delta, change.stock_after, change.reason) == (INITIAL, 20, 20, "上架")
    assert change.changed_by == admin_of(HOME).member_id and change.shop_id == shop.id


def test_a_replayed_create_item_returns_the_same_item(uow, clock):
    shop = open_shop(uow, clock)
    first = list_item(uow, clock, shop, request_id="i1")
    clock.advance(minutes=5)
    again = list_item(uow, clock, shop, request_id="i1")

    assert again == first
    assert len(uow.items.rows) == 1 and len(uow.stock_changes.rows) == 1
    with pytest.raises(AlreadyExists):
        list_item(uow, clock, shop, request_id="i1", stock=21)


def test_an_admin_of_another_community_cannot_list_goods_in_the_shop(uow, clock):
    shop = open_shop(uow, clock)
    with pytest.raises(PermissionDenied):
        list_item(uow, clock, shop, actor=admin_of(OTHER))
    with pytest.raises(PermissionDenied):
        list_item(uow, clock, shop, actor=staff("s1", shop.id))
    assert uow.items.rows == {} and uow.stock_changes.rows == []


@pytest.mark.parametrize(
    ("details", "stock", "field"),
    [
        (RICE, -1, "initial_stock"),
        (RICE, 1_000_001, "initial_stock"),
        (replace(RICE, points_price=0), 1, "points_price"),
        (replace(RICE, name=""), 1, "name"),
        (replace(RICE, per_member_limit=1), 1, "limit_period"),
        (replace(RICE, sale_starts_at=NOW, sale_ends_at=NOW), 1, "sale_ends_at"),
        (replace(RICE, image_url="javascript:alert(1)"), 1, "image_url"),
    ],
    ids=[
        "negative-stock",
        "too-much-stock",
        "free",
        "nameless",
        "limit-without-period",
        "empty-window",
        "url",
    ],
)
def test_bad_items_name_the_field_and_write_nothing(uow, clock, details, stock, field):
    shop = open_shop(uow, clock)
    with pytest.raises(InvalidArgument) as raised:
        list_item(uow, clock, shop, details=details, stock=stock)
    assert raised.value.field == field
    assert uow.items.rows == {}


def test_a_listed_item_in_an_unknown_shop_is_not_found(uow, clock):
    with pytest.raises(NotFound) as raised:
        items.create_item(CreateItem("i", admin_of(HOME), "nope", RICE, 1), uow, clock)
    assert raised.value.field == "shop_id"


def update_item(uow, clock, item, fields, details, actor=None, request_id="ui1"):
    cmd = UpdateItem(request_id, actor or admin_of(HOME), item.id, tuple(fields), details)
    return items.update_item(cmd, uow, clock)


def test_updating_an_item_changes_only_the_masked_fields_and_not_open_orders(uow, clock):
    shop = open_shop(uow, clock)
    item = list_item(uow, clock, shop)
    order = Redemption(
        "r1", "v1", "v1", item.id, item.name, shop.id, HOME.id, "gr-1", 1, 200, AWAITING_PICKUP,
        NOW + timedelta(days=7), NOW, NOW,
    )  # fmt: skip
    uow.redemptions.add(order)
    clock.advance(hours=1)

    asked = ItemDetails(name="ignored", points_price=300, per_member_limit=2, limit_period=MONTH)
    changed = update_item(uow, clock, item, ["points_price", "per_member_limit", "limit_period"], asked)

    assert changed.details == replace(RICE, points_price=300, per_member_limit=2, limit_period=MONTH)
    assert changed.stock == 20 and changed.updated_at == clock()
    assert uow.redemptions.get("r1").unit_points == 200


@pytest.mark.parametrize(
    ("fields", "details", "field"),
    [
        ([], RICE, "update_mask"),
        (["stock"], RICE, "update_mask"),
        (["points_price"], replace(RICE, points_price=-5), "points_price"),
        (["status"], replace(RICE, status=""), "status"),
    ],
    ids=["empty-mask", "stock-is-not-a-detail", "negative-price", "status-unspecified"],
)
def test_bad_item_updates_name_the_field(uow, clock, fields, details, field):
    shop = open_shop(uow, clock)
    item = list_item(uow, clock, shop)
    with pytest.raises(InvalidArgument) as raised:
        update_item(uow, clock, item, fields, details)
    assert raised.value.field == field
    assert uow.items.get(item.id) == item


def test_an_admin_of_another_community_cannot_update_an_item(uow, clock):
    item = list_item(uow, clock, open_shop(uow, clock))
    with pytest.raises(PermissionDenied):
        update_item(uow, clock, item, ["name"], replace(RICE, name="x"), actor=admin_of(OTHER))


# --- Restock ---


@pytest.fixture
def shop(uow, clock):
    return open_shop(uow, clock)


@pytest.fixture
def rice(uow, clock, shop):
    return list_item(uow, clock, shop, stock=20)


def test_staff_of_the_shop_restock_and_the_change_says_who_and_why(uow, clock, shop, rice):
    clock.advance(hours=1)
    item, change = restock(uow, clock, rice, 10, staff("s1", shop.id), reason="  安居供热站捐赠 ")

    assert item.stock == 30
    assert (change.kind, change.delta, change.stock_after) == (RESTOCK, 10, 30)
    assert (change.reason, change.changed_by, change.created_at) == ("安居供热站捐赠", "s1", clock())
    assert uow.event_types == []


def test_an_admin_of_the_community_or_street_restocks_too(uow, clock, shop, rice):
    assert restock(uow, clock, rice, -2, admin_of(HOME), reason="破损报废")[0].stock == 18
    assert restock(uow, clock, rice, 1, street_admin("st-1"), request_id="r2")[0].stock == 19


@pytest.mark.parametrize(
    "actor_at",
    [
        lambda shop: staff("s9", "another-shop"),
        # The token claims this shop, but the member lives in another community: members grants
        # staff roles without knowing shops, so the claim is worth nothing here.
        lambda shop: staff("s8", shop.id, community=OTHER),
        lambda shop: admin_of(OTHER),
        lambda shop: street_admin("st-2"),
        lambda shop: volunteer("v1"),
    ],
    ids=[
        "staff-of-another-shop",
        "staff-claim-from-another-community",
        "admin-elsewhere",
        "street-2",
        "volunteer",
    ],
)
def test_only_keepers_of_the_shop_restock(uow, clock, shop, rice, actor_at):
    with pytest.raises(PermissionDenied):
        restock(uow, clock, rice, 5, actor_at(shop))
    assert uow.items.get(rice.id).stock == 20 and len(uow.stock_changes.rows) == 1


def test_removing_more_than_is_in_stock_is_refused_and_nothing_is_recorded(uow, clock, shop, rice):
    with pytest.raises(FailedPrecondition) as raised:
        restock(uow, clock, rice, -21, staff("s1", shop.id), reason="盘点更正")

    assert raised.value.zh == "库存不足，不能减少 21 件（现有 20 件）"
    assert uow.items.get(rice.id).stock == 20
    assert len(uow.stock_changes.rows) == 1 and uow.event_types == []
    assert not any(operation == "market.Restock" for operation, _ in uow.idempotency.rows)
    # Down to exactly zero is fine.
    assert restock(uow, clock, rice, -20, staff("s1", shop.id), reason="盘点更正")[0].stock == 0


@pytest.mark.parametrize(
    ("delta", "reason", "field"),
    [
        (0, "x", "quantity_delta"),
        (1_000_001, "x", "quantity_delta"),
        (5, "  ", "reason"),
        (5, "因" * 201, "reason"),
    ],
)
def test_a_restock_needs_a_non_zero_delta_and_a_reason(uow, clock, shop, rice, delta, reason, field):
    with pytest.raises(InvalidArgument) as raised:
        restock(uow, clock, rice, delta, staff("s1", shop.id), reason=reason)
    assert raised.value.field == field


def test_low_stock_is_announced_when_stock_crosses_the_threshold_only(uow, clock, shop, rice):
    keeper = staff("s1", shop.id)

    restock(uow, clock, rice, -14, keeper, request_id="a")  # 20 -> 6: above the threshold of 5
    assert uow.event_types == []
    restock(uow, clock, rice, -1, keeper, request_id="b")  # 6 -> 5: crosses
    assert uow.event_types == ["item.low_stock"]
    restock(uow, clock, rice, -2, keeper, request_id="c")  # 5 -> 3: already low
    restock(uow, clock, rice, 1, keeper, request_id="d")  # 3 -> 4: still low
    assert uow.event_types == ["item.low_stock"]
    restock(uow, clock, rice, 10, keeper, request_id="e")  # 4 -> 14
    restock(uow, clock, rice, -12, keeper, request_id="f")  # 14 -> 2: crosses again
    assert uow.event_types == ["item.low_stock", "item.low_stock"]

    event = uow.outbox.events[0][1]
    assert (event.item_id, event.item_name, event.shop_id, event.community_id) == (
        rice.id,
        "大米 5kg",
        shop.id,
        HOME.id,
    )
    assert (event.stock, event.reserved, event.low_stock_threshold) == (5, 0, 5)
    assert event.detected_at.ToDatetime().replace(tzinfo=NOW.tzinfo) == NOW


def test_no_low_stock_warning_without_a_threshold(uow, clock, shop):
    item = list_item(uow, clock, shop, details=replace(RICE, name="油", low_stock_threshold=0), stock=3)
    restock(uow, clock, item, -3, staff("s1", shop.id))
    assert uow.event_types == []


def test_a_replayed_restock_moves_stock_once_and_returns_the_same_change(uow, clock, shop, rice):
    first = restock(uow, clock, rice, 5, staff("s1", shop.id), request_id="same")
    for n in range(3):
        restock(uow, clock, rice, 1, staff("s1", shop.id), request_id=f"later-{n}")
    item, change = restock(uow, clock, rice, 5, staff("s1", shop.id), request_id="same")

    assert change == first[1] and item.stock == 28


# --- Browsing ---


def stock_the_shelves(uow, clock, shop):
    on_sale = list_item(uow, clock, shop, details=replace(RICE, name="大米", points_price=200))
    oil = list_item(uow, clock, shop, details=replace(RICE, name="花生油", description="5L", points_price=80))
    list_item(uow, clock, shop, details=replace(RICE, name="已下架毛巾", status=OFF_SALE))
    list_item(
        uow, clock, shop, details=replace(RICE, name="明天开卖月饼", sale_starts_at=NOW + timedelta(days=1))
    )
    list_item(uow, clock, shop, details=replace(RICE, name="过期年货", sale_ends_at=NOW))
    list_item(uow, clock, shop, details=replace(RICE, name="缺货牙膏", points_price=10), stock=0)
    return on_sale, oil


def test_volunteers_see_only_what_is_on_sale_now_in_their_community(uow, clock, points, shop):
    stock_the_shelves(uow, clock, shop)
    list_item(
        uow,
        clock,
        open_shop(uow, clock, community=OTHER, name="别处"),
        details=replace(RICE, name="别处大米"),
    )

    assert browse(uow, clock, points, volunteer("v1")) == ["缺货牙膏", "花生油", "大米"]
    assert browse(uow, clock, points, volunteer("v1"), in_stock_only=True) == ["花生油", "大米"]
    assert browse(uow, clock, points, volunteer("v1"), query="5l") == ["花生油"]
    assert browse(uow, clock, points, volunteer("v1"), community_id=OTHER.id) == ["别处大米"]
    clock.advance(days=1)
    assert "明天开卖月饼" in browse(uow, clock, points, volunteer("v1"), shop_id=shop.id)


def test_off_sale_goods_are_for_the_shops_keepers_only(uow, clock, points, shop):
    stock_the_shelves(uow, clock, shop)

    assert len(browse(uow, clock, points, admin_of(HOME), include_off_sale=True)) == 6
    assert len(browse(uow, clock, points, staff("s1", shop.id), shop_id=shop.id, include_off_sale=True)) == 6
    for actor, asked in [
        (volunteer("v1"), {}),
        (volunteer("v1"), {"shop_id": shop.id}),
        (admin_of(OTHER), {"shop_id": shop.id}),
        # Staff manage their shop, not the whole community.
        (staff("s1", shop.id), {}),
        (staff("s1", shop.id, community=OTHER), {"shop_id": shop.id}),
    ]:
        with pytest.raises(PermissionDenied):
            browse(uow, clock, points, actor, include_off_sale=True, **asked)


def test_affordable_only_counts_the_callers_available_points(uow, clock, points, shop):
    stock_the_shelves(uow, clock, shop)
    points.give("v1", 100)

    assert browse(uow, clock, points, volunteer("v1"), affordable_only=True) == ["缺货牙膏", "花生油"]
    points.frozen.add("v1")
    assert browse(uow, clock, points, volunteer("v1"), affordable_only=True) == []


def test_a_grid_worker_or_admin_sees_what_a_member_of_theirs_can_afford(uow, clock, points, shop):
    stock_the_shelves(uow, clock, shop)
    member(uow, "v2", grid_id="gr-7")
    points.give("v2", 80)
    points.give("gw", 1000)

    for actor in (grid_worker("gw", "gr-7"), admin_of(HOME), street_admin("st-1")):
        assert browse(uow, clock, points, actor, affordable_only=True, member_id="v2") == [
            "缺货牙膏",
            "花生油",
        ]
    for actor in (grid_worker("gw", "gr-8"), volunteer("v1"), admin_of(OTHER), staff("s1", shop.id)):
        with pytest.raises(PermissionDenied):
            browse(uow, clock, points, actor, affordable_only=True, member_id="v2")
    # Points is asked only for callers allowed to know.
    assert points.calls.count(("balance", "v2")) == 3
    with pytest.raises(NotFound):
        browse(uow, clock, points, admin_of(HOME), affordable_only=True, member_id="v-unknown")


def test_affordable_only_when_points_does_not_answer_is_unavailable(uow, clock, points, shop):
    stock_the_shelves(uow, clock, shop)
    points.down = True

    with pytest.raises(Unavailable):
        browse(uow, clock, points, volunteer("v1"), affordable_only=True)
    # Without affordable_only, points is not asked.
    assert len(browse(uow, clock, points, volunteer("v1"))) == 3


def test_a_search_longer_than_50_characters_is_refused(uow, clock, points):
    with pytest.raises(InvalidArgument) as raised:
        browse(uow, clock, points, volunteer("v1"), query="米" * 51)
    assert raised.value.field == "query"


def test_items_are_read_by_anyone_and_unknown_ones_are_not_found(uow, clock, rice):
    assert items.get_item(rice.id, uow) == rice
    with pytest.raises(NotFound) as raised:
        items.get_item("nope", uow)
    assert raised.value.field == "item_id"


# --- Stock history ---


def changes(uow, actor, **asked):
    found, token = items.list_stock_changes(ListStockChanges(actor=actor, **asked), uow)
    return [(c.kind, c.delta) for c in found], token


def test_keepers_read_the_stock_history_newest_first(uow, clock, shop, rice):
    clock.advance(seconds=10)
    oil = list_item(uow, clock, shop, details=replace(RICE, name="油"), stock=3)
    clock.advance(minutes=1)
    restock(uow, clock, rice, 4, staff("s1", shop.id))
    clock.advance(minutes=1)
    restock(uow, clock, oil, -1, staff("s1", shop.id))

    assert changes(uow, staff("s1", shop.id), item_id=rice.id) == ([(RESTOCK, 4), (INITIAL, 20)], "")
    by_shop, _ = changes(uow, admin_of(HOME), shop_id=shop.id)
    assert by_shop == [(RESTOCK, -1), (RESTOCK, 4), (INITIAL, 3), (INITIAL, 20)]
    since, _ = changes(uow, admin_of(HOME), shop_id=shop.id, created_after=NOW + timedelta(seconds=30))
    assert since == [(RESTOCK, -1), (RESTOCK, 4)]
    page, token = changes(uow, admin_of(HOME), shop_id=shop.id, page_size=2)
    assert len(page) == 2 and token


def test_the_stock_history_needs_one_of_item_and_shop_and_a_keeper(uow, clock, shop, rice):
    with pytest.raises(InvalidArgument):
        changes(uow, admin_of(HOME))
    with pytest.raises(InvalidArgument):
        changes(uow, admin_of(HOME), item_id=rice.id, shop_id=shop.id)
    for actor in (volunteer("v1"), staff("s9", "another-shop"), admin_of(ELSEWHERE)):
        with pytest.raises(PermissionDenied):
            changes(uow, actor, item_id=rice.id)


# --- The servicer translates ---


class Servicer(MarketServicer):
    def __init__(self, uow, points, clock):
        super().__init__(lambda: uow, points, limits=None, saga=None, render_qr=None, clock=clock)


def call(method, request, caller):
    token = _CALLER.set(caller)
    try:
        return method(request, None)
    finally:
        _CALLER.reset(token)


def test_the_servicer_creates_lists_and_restocks_through_the_use_cases(uow, clock, points):
    api = Servicer(uow, points, clock)
    admin = admin_of(HOME)
    shop = call(
        api.CreateShop,
        pb.CreateShopRequest(request_id="s", community_id=HOME.id, name="超市", address="路 1 号"),
        admin,
    ).shop
    assert shop.status == pb.SHOP_STATUS_OPEN and shop.created_at == to_timestamp(NOW)

    item = call(
        api.CreateItem,
        pb.CreateItemRequest(
            request_id="i", shop_id=shop.shop_id, name="大米", points_price=50, initial_stock=3,
            sale_ends_at=to_timestamp(NOW + timedelta(days=30)),
        ),
        admin,
    ).item  # fmt: skip
    assert item.status == pb.ITEM_STATUS_ON_SALE and item.limit_period == pb.LIMIT_PERIOD_NONE
    assert item.sale_ends_at == to_timestamp(NOW + timedelta(days=30)) and not item.HasField("sale_starts_at")

    restocked = call(
        api.Restock,
        pb.RestockRequest(request_id="r", item_id=item.item_id, quantity_delta=2, reason="捐赠"),
        admin,
    )
    assert restocked.item.stock == 5 and restocked.stock_change.kind == pb.STOCK_CHANGE_KIND_RESTOCK

    closed = call(
        api.UpdateShop,
        pb.UpdateShopRequest(
            request_id="u",
            shop_id=shop.shop_id,
            status=pb.SHOP_STATUS_CLOSED,
            update_mask=FieldMask(paths=["status"]),
        ),
        admin,
    ).shop
    assert closed.status == pb.SHOP_STATUS_CLOSED

    listed = call(api.ListItems, pb.ListItemsRequest(), volunteer("v1"))
    assert [i.name for i in listed.items] == ["大米"] and listed.next_page_token == ""
    history = call(api.ListStockChanges, pb.ListStockChangesRequest(item_id=item.item_id), admin)
    assert [c.kind for c in history.stock_changes] == [
        pb.STOCK_CHANGE_KIND_RESTOCK,
        pb.STOCK_CHANGE_KIND_INITIAL,
    ]
    assert call(api.GetItem, pb.GetItemRequest(item_id=item.item_id), volunteer("v1")).item == restocked.item
    assert call(api.ListShops, pb.ListShopsRequest(), volunteer("v1")).shops == [closed]


def test_an_update_request_with_status_unspecified_is_refused_only_when_masked(uow, clock, points, rice):
    api = Servicer(uow, points, clock)
    request = pb.UpdateItemRequest(
        request_id="u", item_id=rice.id, name="新大米", update_mask=FieldMask(paths=["name"])
    )
    assert call(api.UpdateItem, request, admin_of(HOME)).item.status == pb.ITEM_STATUS_ON_SALE

    request.update_mask.paths.append("status")
    request.request_id = "u2"
    with pytest.raises(InvalidArgument) as raised:
        call(api.UpdateItem, request, admin_of(HOME))
    assert raised.value.field == "status"


def test_item_details_read_from_a_request_round_trip():
    request = pb.CreateItemRequest(
        name="月饼",
        points_price=120,
        per_member_limit=2,
        limit_period=pb.LIMIT_PERIOD_WEEK,
        sale_starts_at=to_timestamp(NOW),
        status=pb.ITEM_STATUS_OFF_SALE,
        low_stock_threshold=3,
        donor_organization_id="org-1",
    )
    details = messages.item_details(request)

    assert details == ItemDetails(
        name="月饼",
        points_price=120,
        per_member_limit=2,
        limit_period="week",
        sale_starts_at=NOW,
        status=OFF_SALE,
        low_stock_threshold=3,
        donor_organization_id="org-1",
    )
    assert messages.item_details(pb.CreateItemRequest(status=99, limit_period=99)).status == ""
    assert messages.item_details(pb.CreateItemRequest(limit_period=99)).limit_period == ""


def test_the_community_audit_lists_restocks_of_every_shop_of_the_community_and_nothing_else(
    uow, clock, shop, rice
):
    second = open_shop(uow, clock, name="张苏滩二号店")
    oil = list_item(uow, clock, second, replace(RICE, name="食用油"), request_id="oil")
    elsewhere = list_item(uow, clock, open_shop(uow, clock, community=OTHER), request_id="far")
    clock.advance(hours=1)
    restock(uow, clock, rice, 10, staff("s1", shop.id), reason="安居供热站捐赠")
    clock.advance(hours=1)
    restock(uow, clock, oil, -1, admin_of(HOME), reason="破损报废")
    restock(uow, clock, elsewhere, 3, admin_of(OTHER), reason="天庆嘉园自购")

    query = ListStockChanges(actor=admin_of(HOME), community_id=HOME.id, kinds=(RESTOCK,))
    found, _ = items.list_stock_changes(query, uow)

    assert [(c.item_id, c.delta, c.changed_by, c.reason) for c in found] == [
        (oil.id, -1, admin_of(HOME).member_id, "破损报废"),
        (rice.id, 10, "s1", "安居供热站捐赠"),
    ]
    with pytest.raises(PermissionDenied):
        items.list_stock_changes(ListStockChanges(actor=staff("s1", shop.id), community_id=HOME.id), uow)
    with pytest.raises(PermissionDenied):
        items.list_stock_changes(ListStockChanges(actor=admin_of(OTHER), community_id=HOME.id), uow)
