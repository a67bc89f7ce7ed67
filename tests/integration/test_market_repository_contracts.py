"""The market repositories' contract: what the use cases rely on, answered alike by the in-memory fakes
(tests/unit/market/fakes.py) and the SQL repositories on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from jifen.errors import Conflict
from services.market import bootstrap as market_bootstrap
from services.market.adapters.unit_of_work import MarketUnitOfWork
from services.market.domain.catalog import OFF_SALE, RESTOCK, Item, ItemDetails, Shop, StockChange
from services.market.domain.item_image import ItemImage
from services.market.domain.people import CommunityCopy
from services.market.domain.pickup import KeyRing
from services.market.domain.redemption import (
    AWAITING_PICKUP,
    CANCELLED,
    COLLECTED,
    FAILED,
    RESERVING,
    Redemption,
)
from services.market.domain.slots import ServiceSlot
from tests.integration.repository_backends import (
    BACKENDS,
    check_idempotency_records,
    committed,
    units_of_work,
)

# The filters and rows the ports define, taken where the fakes take them from: the ports' modules move
# with the services' layout, the fakes follow them.
from tests.unit.market.fakes import (
    FakeSecrets,
    FakeUnitOfWork,
    ItemFilter,
    RedemptionFilter,
    StockChangeFilter,
)

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
HOME = CommunityCopy("co-a", "st-1", "张苏滩社区")
OTHER = CommunityCopy("co-b", "st-1", "天庆嘉园社区")


@pytest.fixture(params=BACKENDS)
def uow(request, tmp_path):
    with units_of_work(
        request.param, tmp_path, "market", market_bootstrap.MIGRATIONS, MarketUnitOfWork, FakeUnitOfWork
    ) as factory:
        yield factory


def shop(shop_id: str = "shop-1", community: CommunityCopy = HOME, minutes: int = 0, **changes) -> Shop:
    at = NOW + timedelta(minutes=minutes)
    found = Shop(shop_id, community.id, f"超市{shop_id}", "服务中心一楼", "9:00–17:00", "open", at, at)
    return replace(found, **changes)


def item(item_id: str, shop_id: str = "shop-1", stock: int = 10, community=HOME, **details) -> Item:
    described = replace(ItemDetails(name=f"商品{item_id}", description="", points_price=10), **details)
    return Item(item_id, shop_id, community.id, described, stock, 0, NOW, NOW)


# The copy of members and communities has its own contract: test_member_copy_contract.py.


# --- shops ---


def test_shops_are_added_found_by_name_saved_and_listed_oldest_first(uow):
    with committed(uow) as tx:
        tx.shops.add(shop("shop-2", minutes=2))
        tx.shops.add(shop("shop-1", minutes=1, staff_ids=("clerk",)))
        tx.shops.add(shop("shop-3", OTHER, minutes=3))
    with committed(uow) as tx:
        tx.shops.save(shop("shop-2", minutes=2, address="张苏滩路 2 号", status="closed"))
    with uow() as tx:
        # Staff come from the member copies, never from the shop row.
        assert tx.shops.get("shop-1") == shop("shop-1", minutes=1)
        assert tx.shops.get("shop-2").address == "张苏滩路 2 号"
        assert tx.shops.get("none") is None
        assert tx.shops.named(HOME.id, "超市shop-2").id == "shop-2"
        assert tx.shops.named(OTHER.id, "超市shop-2") is None
        assert [s.id for s in tx.shops.of_community(HOME.id, 0, 10)] == ["shop-1", "shop-2"]
        assert [s.id for s in tx.shops.of_community("", 0, 10)] == ["shop-1", "shop-2", "shop-3"]
        assert [s.id for s in tx.shops.of_community("", 1, 1)] == ["shop-2"]


def test_a_shop_name_is_unique_in_its_community(uow):
    with committed(uow) as tx:
        tx.shops.add(shop("shop-1"))
        tx.shops.add(shop("shop-2", OTHER, name="超市shop-1"))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.shops.add(shop("shop-3", name="超市shop-1"))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.shops.add(shop("shop-3"))
        tx.shops.save(shop("shop-3", name="超市shop-1"))
    with uow() as tx:
        assert tx.shops.get("shop-3") is None


# --- items and their stock ---


def test_items_are_added_once_read_and_their_details_saved(uow):
    with committed(uow) as tx:
        tx.shops.add(shop())
        tx.items.add(item("rice", per_member_limit=1, limit_period="month"))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.items.add(item("rice"))
    changed = replace(item("rice").details, name="大米 5kg", status=OFF_SALE, sale_ends_at=NOW)
    with committed(uow) as tx:
        assert tx.items.get("rice") == item("rice", per_member_limit=1, limit_period="month")
        assert tx.items.get("none") is None
        tx.items.save_details("rice", changed, NOW + timedelta(hours=1))
        tx.items.save_details("none", changed, NOW)
    with uow() as tx:
        saved = tx.items.get("rice")
        assert (saved.details, saved.updated_at, saved.stock) == (changed, NOW + timedelta(hours=1), 10)


def test_stock_moves_only_where_the_conditional_updates_allow(uow):
    later = NOW + timedelta(hours=1)
    with committed(uow) as tx:
        tx.shops.add(shop())
        tx.items.add(item("towel", stock=3))
    with committed(uow) as tx:
        assert tx.items.reserve("towel", 2, later) == 1
        assert tx.items.reserve("towel", 2, later) is None
        assert tx.items.reserve("none", 1, later) is None
        assert tx.items.unreserve("towel", 1, later) == 2
        tx.items.hand_over("towel", 1, later)
        assert tx.items.restock("towel", 5, later) == 7
        assert tx.items.restock("towel", -8, later) is None
        assert tx.items.restock("towel", -7, later) == 0
    with uow() as tx:
        moved = tx.items.get("towel")
        assert (moved.stock, moved.reserved, moved.updated_at) == (0, 0, later)
        with pytest.raises(RuntimeError):
            tx.items.unreserve("towel", 1, later)
        with pytest.raises(RuntimeError):
            tx.items.hand_over("towel", 1, later)


def test_items_are_searched_by_price_then_name_with_their_filters(uow):
    with committed(uow) as tx:
        tx.shops.add(shop("shop-1"))
        tx.shops.add(shop("shop-2", OTHER))
        tx.items.add(item("oil", name="花生油", description="5L 压榨", points_price=80))
        tx.items.add(item("rice", name="大米", points_price=200))
        tx.items.add(item("soap", name="Soap 香皂", points_price=80, stock=0))
        tx.items.add(item("towel", name="毛巾", points_price=30, status=OFF_SALE))
        tx.items.add(item("cake", name="月饼", points_price=50, sale_starts_at=NOW + timedelta(days=1)))
        tx.items.add(item("gift", name="年货", points_price=60, sale_ends_at=NOW))
        tx.items.add(item("tea", "shop-2", community=OTHER, name="茶叶", points_price=40))

    def found(offset=0, limit=20, **where):
        return [i.id for i in tx.items.search(ItemFilter(**where), offset, limit)]

    with uow() as tx:
        assert found() == ["towel", "tea", "cake", "gift", "soap", "oil", "rice"]
        assert found(1, 2) == ["tea", "cake"]
        assert found(shop_id="shop-2") == ["tea"]
        assert found(community_id=HOME.id) == ["towel", "cake", "gift", "soap", "oil", "rice"]
        assert found(query="压榨") == ["oil"]
        assert found(query="soap") == ["soap"]
        assert found(on_sale_at=NOW) == ["tea", "soap", "oil", "rice"]
        assert found(in_stock_only=True, max_price=80) == ["towel", "tea", "cake", "gift", "oil"]


def change(change_id: str, item_id: str = "rice", shop_id: str = "shop-1", minutes: int = 0, **changes):
    at = NOW + timedelta(minutes=minutes)
    found = StockChange(change_id, item_id, shop_id, RESTOCK, 5, 15, "社区捐赠", "", "admin-a", at)
    return replace(found, **changes)


def test_stock_changes_are_kept_and_listed_newest_first(uow):
    with committed(uow) as tx:
        tx.shops.add(shop("shop-1"))
        tx.shops.add(shop("shop-2", OTHER))
        tx.items.add(item("rice"))
        tx.items.add(item("oil"))
        tx.items.add(item("tea", "shop-2", community=OTHER))
        tx.stock_changes.add(change("c-1", minutes=1, kind="initial"))
        tx.stock_changes.add(change("c-2", "oil", minutes=2))
        tx.stock_changes.add(change("c-3", "tea", "shop-2", minutes=3))
        tx.stock_changes.add(change("c-4", minutes=4, kind="reserved", delta=-1, redemption_id="r-1"))

    with pytest.raises(Conflict), committed(uow) as tx:
        tx.stock_changes.add(change("c-1"))

    def listed(offset=0, limit=10, **where):
        return [c.id for c in tx.stock_changes.list(StockChangeFilter(**where), offset, limit)]

    with uow() as tx:
        assert tx.stock_changes.get("c-4") == change(
            "c-4", minutes=4, kind="reserved", delta=-1, redemption_id="r-1"
        )
        assert tx.stock_changes.get("none") is None
        assert listed() == ["c-4", "c-3", "c-2", "c-1"]
        assert listed(1, 2) == ["c-3", "c-2"]
        assert listed(item_id="rice") == ["c-4", "c-1"]
        assert listed(shop_id="shop-2") == ["c-3"]
        assert listed(community_id=HOME.id) == ["c-4", "c-2", "c-1"]
        assert listed(kinds=("initial", "reserved")) == ["c-4", "c-1"]
        between = dict(created_after=NOW + timedelta(minutes=2), created_before=NOW + timedelta(minutes=4))
        assert listed(**between) == ["c-3", "c-2"]


def test_an_item_image_is_kept_once_and_read_back(uow):
    image = ItemImage("img-1", "rice", "image/png", b"\x89PNG\r\n", "ab" * 32, "admin-a", NOW)
    with committed(uow) as tx:
        tx.shops.add(shop())
        tx.items.add(item("rice"))
        tx.item_images.add(image)
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.item_images.add(replace(image, data=b"other"))
    with uow() as tx:
        assert tx.item_images.get("img-1") == image
        assert tx.item_images.get("none") is None


# --- redemptions ---


def redemption(redemption_id: str, member_id: str = "v1", minutes: int = 0, **changes) -> Redemption:
    at = NOW + timedelta(minutes=minutes)
    found = Redemption(
        id=redemption_id,
        member_id=member_id,
        placed_by=member_id,
        item_id="rice",
        item_name="大米",
        shop_id="shop-1",
        community_id=HOME.id,
        grid_id="gr-1",
        quantity=1,
        unit_points=10,
        status=AWAITING_PICKUP,
        expires_at=at + timedelta(days=7),
        created_at=at,
        updated_at=at,
    )
    return replace(found, **changes)


@pytest.fixture
def counter(uow):
    with committed(uow) as tx:
        tx.shops.add(shop("shop-1"))
        tx.shops.add(shop("shop-2", OTHER))
        tx.items.add(item("rice"))
        tx.items.add(item("oil"))
        tx.items.add(item("tea", "shop-2", community=OTHER))
    return uow


def slot(slot_id: str, item_id: str = "haircut", hours: int = 24, capacity: int = 2) -> ServiceSlot:
    starts = NOW + timedelta(hours=hours)
    return ServiceSlot(
        slot_id, item_id, starts, starts + timedelta(hours=1), "社区广场", capacity, 0, "clerk", NOW
    )


def test_service_slots_are_kept_listed_by_start_and_booked_only_up_to_capacity(uow):
    with committed(uow) as tx:
        tx.shops.add(shop())
        tx.items.add(item("haircut", stock=0, kind="service", provider_name="红星理发店"))
        tx.service_slots.add(slot("s-late", hours=48))
        tx.service_slots.add(slot("s-early", hours=24))
        tx.service_slots.add(slot("s-past", hours=-5))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.service_slots.add(slot("s-early"))
    with committed(uow) as tx:
        assert tx.items.get("haircut").details.provider_name == "红星理发店"
        assert tx.service_slots.get("s-early") == slot("s-early")
        assert tx.service_slots.get("none") is None
        assert [s.id for s in tx.service_slots.of_item("haircut", NOW, 10)] == ["s-early", "s-late"]
        assert [s.id for s in tx.service_slots.of_item("haircut", None, 10)] == [
            "s-past",
            "s-early",
            "s-late",
        ]
        assert tx.service_slots.of_item("haircut", None, 1)[0].id == "s-past"
        assert tx.service_slots.book("s-early") == 1
        assert tx.service_slots.book("s-early") == 0
        assert tx.service_slots.book("s-early") is None
        assert tx.service_slots.book("none") is None
        assert tx.service_slots.release("s-early") == 1
    with uow() as tx:
        assert tx.service_slots.get("s-early").booked == 1
        with pytest.raises(RuntimeError):
            tx.service_slots.release("s-late")


def test_a_booking_keeps_its_slot_time_and_place(counter):
    uow = counter
    booked = redemption(
        "r-slot",
        slot_id="s-1",
        slot_starts_at=NOW + timedelta(days=1),
        slot_ends_at=NOW + timedelta(days=1, hours=1),
        slot_place="社区广场 3 号摊位",
        provider_name="红星理发店",
    )
    with committed(uow) as tx:
        tx.redemptions.add(booked)
    with uow() as tx:
        assert tx.redemptions.get("r-slot") == booked


def test_a_redemption_is_added_once_read_and_saved(counter):
    uow = counter
    with committed(uow) as tx:
        tx.redemptions.add(redemption("r-1", status=RESERVING))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.redemptions.add(redemption("r-1"))
    collected = redemption("r-1", status=COLLECTED, confirmed_by="clerk", collected_at=NOW, closed_at=NOW)
    with committed(uow) as tx:
        assert tx.redemptions.get("r-1") == redemption("r-1", status=RESERVING)
        assert tx.redemptions.get("r-1", lock=True) == redemption("r-1", status=RESERVING)
        assert tx.redemptions.get("none") is None
        tx.redemptions.save(collected)
    with uow() as tx:
        assert tx.redemptions.get("r-1") == collected


def test_units_and_proxy_orders_are_counted_since_a_moment(counter):
    uow = counter
    with committed(uow) as tx:
        tx.redemptions.add(redemption("r-1", quantity=2, status=RESERVING))
        tx.redemptions.add(redemption("r-2", minutes=10, status=COLLECTED))
        tx.redemptions.add(redemption("r-3", minutes=20, status=CANCELLED))
        tx.redemptions.add(redemption("r-4", minutes=30, placed_by="grid-worker"))
        tx.redemptions.add(redemption("r-5", minutes=40, placed_by="grid-worker", status=FAILED))
        tx.redemptions.add(redemption("r-6", item_id="oil"))
        tx.redemptions.add(redemption("r-7", "v2"))
    with uow() as tx:
        assert tx.redemptions.units_since("v1", "rice", None) == 4
        assert tx.redemptions.units_since("v1", "rice", NOW + timedelta(minutes=10)) == 2
        assert tx.redemptions.units_since("v1", "tea", None) == 0
        assert tx.redemptions.proxy_orders_since("v1", NOW) == 1
        assert tx.redemptions.proxy_orders_since("v1", NOW + timedelta(minutes=31)) == 0


def test_a_pickup_code_finds_the_live_order_first_then_the_newest(counter):
    uow = counter
    with committed(uow) as tx:
        tx.redemptions.add(redemption("r-1", minutes=1, code_hash="k:aaa", status=COLLECTED))
        tx.redemptions.add(redemption("r-2", minutes=2, code_hash="k:aaa", status=CANCELLED))
        tx.redemptions.add(redemption("r-3", minutes=0, code_hash="k:aaa"))
        tx.redemptions.add(redemption("r-4", minutes=3, code_hash="k:bbb"))
        for n in range(5, 10):
            tx.redemptions.add(redemption(f"r-{n}", minutes=n, code_hash="k:ccc", status=CANCELLED))
    with uow() as tx:
        assert [r.id for r in tx.redemptions.with_code("shop-1", "k:aaa")] == ["r-3", "r-2", "r-1"]
        assert tx.redemptions.with_code("shop-2", "k:aaa") == []
        assert [r.id for r in tx.redemptions.with_code("shop-1", "k:ccc")] == [
            "r-9",
            "r-8",
            "r-7",
            "r-6",
            "r-5",
        ]


def test_redemptions_are_listed_newest_first_with_their_filters(counter):
    uow = counter
    with committed(uow) as tx:
        tx.redemptions.add(redemption("r-1", minutes=1))
        tx.redemptions.add(
            redemption("r-2", "v2", minutes=2, placed_by="gw", grid_id="gr-2", status=COLLECTED)
        )
        tx.redemptions.add(
            redemption("r-3", "v3", minutes=3, item_id="tea", shop_id="shop-2", community_id=OTHER.id)
        )
        tx.redemptions.add(redemption("r-4", "v4", minutes=4, grid_id="gr-3", status=FAILED))

    def listed(offset=0, limit=10, **where):
        return [r.id for r in tx.redemptions.list(RedemptionFilter(**where), offset, limit)]

    with uow() as tx:
        assert listed() == ["r-4", "r-3", "r-2", "r-1"]
        assert listed(1, 2) == ["r-3", "r-2"]
        assert listed(member_id="v2") == ["r-2"]
        assert listed(placed_by="gw") == ["r-2"]
        assert listed(shop_id="shop-2") == ["r-3"]
        assert listed(community_ids=(HOME.id,)) == ["r-4", "r-2", "r-1"]
        assert listed(statuses=(AWAITING_PICKUP, COLLECTED)) == ["r-3", "r-2", "r-1"]
        between = dict(created_after=NOW + timedelta(minutes=2), created_before=NOW + timedelta(minutes=4))
        assert listed(**between) == ["r-3", "r-2"]
        assert listed(placed_by_or_grids=("v1", ("gr-3",))) == ["r-4", "r-1"]
        assert listed(placed_by_or_grids=("nobody", ())) == []


def test_interrupted_and_uncollected_orders_are_found_oldest_first(counter):
    uow = counter
    with committed(uow) as tx:
        tx.redemptions.add(redemption("r-1", minutes=5, status=RESERVING))
        tx.redemptions.add(redemption("r-2", minutes=1, status=RESERVING))
        tx.redemptions.add(redemption("r-3", minutes=9, status=RESERVING))
        tx.redemptions.add(redemption("r-4", minutes=2, expires_at=NOW + timedelta(days=2)))
        tx.redemptions.add(redemption("r-5", minutes=1, expires_at=NOW + timedelta(days=1)))
        tx.redemptions.add(redemption("r-6", minutes=1, expires_at=NOW, status=COLLECTED))
    with uow() as tx:
        before = NOW + timedelta(minutes=9)
        assert [r.id for r in tx.redemptions.reserving_before(before, 10)] == ["r-2", "r-1"]
        assert [r.id for r in tx.redemptions.reserving_before(before, 1)] == ["r-2"]
        assert [r.id for r in tx.redemptions.uncollected_by(NOW + timedelta(days=3), 10)] == ["r-5", "r-4"]
        assert tx.redemptions.uncollected_by(NOW, 10) == []


# --- the idempotency records every use case keeps ---


def test_an_idempotency_record_is_found_by_operation_and_request_and_written_once(uow):
    check_idempotency_records(
        uow, "market.PlaceRedemption", "market.CancelRedemption", {"redemption_id": "x"}
    )


# --- the pickup keys ---


@pytest.fixture(params=BACKENDS)
def keyed_uow(request, tmp_path):
    keys = FakeSecrets().keys

    def sql(engine):
        return MarketUnitOfWork(engine, pickup_keys=keys)

    with units_of_work(
        request.param, tmp_path, "market", market_bootstrap.MIGRATIONS, sql, FakeUnitOfWork
    ) as f:
        yield f


def test_once_the_databases_old_key_is_forgotten_the_ring_is_the_key_files(keyed_uow):
    # A database made by the migrations starts with the old key its first version kept; the fake stands
    # for one whose old key is already gone, so the contract starts where both agree.
    with committed(keyed_uow) as tx:
        tx.secrets.forget_legacy_key()
    with committed(keyed_uow) as tx:
        assert tx.secrets.forget_legacy_key() is False
        assert tx.secrets.ring() == KeyRing(FakeSecrets().keys)
        assert tx.secrets.ring().current.id == "k-current"
