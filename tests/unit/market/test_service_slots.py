"""Services as rewards: a partner unit's service booked by time slot, over in-memory fakes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

import pytest

from jifen.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.market.domain.catalog import SERVICE, ItemDetails, Shop
from services.market.domain.redemption import AWAITING_PICKUP, CANCELLED, COLLECTED, EXPIRED
from services.market.service.catalogue import items, slots
from services.market.service.catalogue.commands import (
    AddServiceSlot,
    CreateItem,
    ListServiceSlots,
    Restock,
    UpdateItem,
)
from services.market.service.redemptions import cancelling, jobs, pickup, placing
from services.market.service.redemptions.commands import (
    CancelRedemption,
    ConfirmRedemption,
    PlaceRedemption,
)
from services.market.service.redemptions.placing import SagaSettings

from .fakes import HOME, NOW, admin_of, member, pickup_limits, staff, volunteer


@contextmanager
def refused(kind: type, zh: str) -> Iterator[None]:
    """The use case refuses with `kind`, telling the volunteer (in Chinese) what `zh` matches."""
    with pytest.raises(kind) as caught:
        yield
    assert re.search(zh, caught.value.zh), caught.value.zh


SAGA = SagaSettings(pickup_window=timedelta(days=7))
# The partner unit's own shop: its staff confirm its services.
UNIT_SHOP = Shop("shop-barber", HOME.id, "红星理发店", "张苏滩社区广场", "", "open", NOW, NOW)
HAIRCUT = ItemDetails(
    name="理发", points_price=30, kind=SERVICE, provider_organization_id="org-1", provider_name="红星理发店"
)
ADMIN = admin_of(HOME)
BARBER = staff("barber", UNIT_SHOP.id)
V1, V2 = volunteer("v1"), volunteer("v2")
DAY = NOW + timedelta(days=3)


@pytest.fixture
def uow(uow):
    uow.shops.add(UNIT_SHOP)
    for who in ("v1", "v2", "v3"):
        member(uow, who)
    member(uow, "barber", staff_shop_id=UNIT_SHOP.id)
    return uow


@pytest.fixture
def points(points):
    for who in ("v1", "v2", "v3"):
        points.give(who, 100)
    return points


def service(uow, clock, details=HAIRCUT):
    return items.create_item(CreateItem("ci-1", ADMIN, UNIT_SHOP.id, details), uow, clock)


def add_slot(uow, clock, item_id, capacity=2, starts=DAY, actor=BARBER, request_id=None, place="社区广场"):
    cmd = AddServiceSlot(
        request_id or f"s-{len(uow.service_slots.rows)}",
        actor,
        item_id,
        starts,
        starts + timedelta(hours=1),
        place,
        capacity,
    )
    return slots.add_service_slot(cmd, uow, clock)


def book(uow, points, clock, actor, item_id, slot_id, request_id=None, quantity=1):
    cmd = PlaceRedemption(
        request_id or f"p-{len(uow.redemptions.rows)}", actor, item_id, quantity, slot_id=slot_id
    )
    return placing.place_redemption(cmd, uow, points, SAGA, clock)


def test_a_slot_adds_its_places_to_the_service(uow, clock):
    item = service(uow, clock)
    slot = add_slot(uow, clock, item.id, capacity=5)
    assert (slot.capacity, slot.booked) == (5, 0)
    assert uow.items.get(item.id).stock == 5
    assert uow.stock_changes.rows[-1].reason.startswith("新增时段 2026-11-23 10:00–11:00")
    assert slots.list_service_slots(ListServiceSlots(V1, item.id), uow, clock) == [slot]


def test_booking_a_slot_takes_a_place_and_shows_when_and_where(uow, points, clock):
    item = service(uow, clock)
    slot = add_slot(uow, clock, item.id)
    issued = book(uow, points, clock, V1, item.id, slot.id)
    order = issued.redemption
    assert order.status == AWAITING_PICKUP and issued.pickup_code
    assert (order.slot_id, order.slot_place, order.provider_name) == (slot.id, "社区广场", "红星理发店")
    assert order.slot_starts_at == slot.starts_at and order.expires_at == slot.ends_at
    assert uow.service_slots.get(slot.id).booked == 1 and points.available["v1"] == 70


def test_a_full_slot_refuses_the_next_booking(uow, points, clock):
    item = service(uow, clock)
    slot = add_slot(uow, clock, item.id, capacity=1)
    book(uow, points, clock, V1, item.id, slot.id)
    with refused(FailedPrecondition, "已约满"):
        book(uow, points, clock, V2, item.id, slot.id)
    assert uow.service_slots.get(slot.id).booked == 1 and points.available["v2"] == 100


def test_a_cancellation_gives_the_place_back(uow, points, clock):
    item = service(uow, clock)
    slot = add_slot(uow, clock, item.id, capacity=1)
    order = book(uow, points, clock, V1, item.id, slot.id).redemption
    cancelling.cancel(CancelRedemption("x-1", V1, order.id, "临时有事"), uow, points, clock)
    assert uow.redemptions.get(order.id).status == CANCELLED
    assert uow.service_slots.get(slot.id).booked == 0 and uow.items.get(item.id).stock == 1
    assert book(uow, points, clock, V2, item.id, slot.id).redemption.status == AWAITING_PICKUP


def test_an_unconfirmed_booking_expires_after_the_slot_and_releases_its_points(uow, points, clock):
    item = service(uow, clock)
    slot = add_slot(uow, clock, item.id)
    order = book(uow, points, clock, V1, item.id, slot.id).redemption
    clock.now = slot.starts_at + timedelta(minutes=59)
    assert jobs.expire_uncollected(lambda: uow, points, clock) == 0
    clock.now = slot.ends_at
    assert jobs.expire_uncollected(lambda: uow, points, clock) == 1
    assert uow.redemptions.get(order.id).status == EXPIRED
    assert points.available["v1"] == 100 and uow.service_slots.get(slot.id).booked == 0


def test_the_units_staff_confirm_with_the_code_and_the_place_stays_taken(uow, points, clock):
    item = service(uow, clock)
    slot = add_slot(uow, clock, item.id)
    issued = book(uow, points, clock, V1, item.id, slot.id)
    done = pickup.confirm(
        ConfirmRedemption("c-1", BARBER, pickup_code=issued.pickup_code), uow, points, pickup_limits(), clock
    )
    assert done.status == COLLECTED and done.confirmed_by == "barber"
    assert uow.service_slots.get(slot.id).booked == 1 and uow.items.get(item.id).reserved == 0


def test_a_service_needs_a_slot_and_takes_one_place(uow, points, clock):
    item = service(uow, clock)
    slot = add_slot(uow, clock, item.id)
    with refused(InvalidArgument, "请选择预约时段"):
        book(uow, points, clock, V1, item.id, "")
    with refused(InvalidArgument, "一个名额"):
        book(uow, points, clock, V1, item.id, slot.id, quantity=2)
    clock.now = slot.starts_at
    with refused(FailedPrecondition, "已开始"):
        book(uow, points, clock, V1, item.id, slot.id)
    assert uow.service_slots.get(slot.id).booked == 0


def test_goods_take_no_slot_and_services_no_restock(uow, points, clock):
    goods = items.create_item(
        CreateItem("ci-g", ADMIN, UNIT_SHOP.id, ItemDetails(name="毛巾", points_price=5), 3), uow, clock
    )
    item = service(uow, clock)
    slot = add_slot(uow, clock, item.id)
    with refused(InvalidArgument, "无需选择时段"):
        book(uow, points, clock, V1, goods.id, slot.id)
    with refused(FailedPrecondition, "不是服务类商品"):
        add_slot(uow, clock, goods.id)
    with refused(FailedPrecondition, "请添加时段"):
        items.restock(Restock("r-1", BARBER, item.id, 3, "多来几位"), uow, clock)
    with refused(InvalidArgument, "不能修改"):
        items.update_item(UpdateItem("u-1", ADMIN, item.id, ("kind",), HAIRCUT), uow, clock)


def test_goods_name_no_service_provider(uow, clock):
    goods = ItemDetails(name="毛巾", points_price=5, provider_name="红星理发店")
    with refused(InvalidArgument, "实物商品没有服务单位"):
        items.create_item(CreateItem("ci-g", ADMIN, UNIT_SHOP.id, goods), uow, clock)


def test_a_service_is_created_with_its_unit_and_no_stock(uow, clock):
    with refused(InvalidArgument, "共建单位"):
        service(uow, clock, replace(HAIRCUT, provider_name=""))
    with refused(InvalidArgument, "初始库存须为 0"):
        items.create_item(CreateItem("ci-2", ADMIN, UNIT_SHOP.id, HAIRCUT, 4), uow, clock)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": 1001}, "capacity"),
        ({"place": "  "}, "place"),
        ({"ends_at": DAY}, "ends_at"),
        ({"ends_at": DAY + timedelta(hours=25)}, "ends_at"),
        ({"starts_at": None}, "starts_at"),
        ({"starts_at": NOW - timedelta(hours=3), "ends_at": NOW - timedelta(hours=2)}, "ends_at"),
    ],
)
def test_a_slot_is_refused_bad_times_places_and_capacities(uow, clock, change, field):
    item = service(uow, clock)
    values = {
        "request_id": "s-bad",
        "actor": BARBER,
        "item_id": item.id,
        "starts_at": DAY,
        "ends_at": DAY + timedelta(hours=1),
        "place": "社区广场",
        "capacity": 2,
    }
    with pytest.raises(InvalidArgument) as refused:
        slots.add_service_slot(AddServiceSlot(**{**values, **change}), uow, clock)
    assert refused.value.field == field


def test_only_the_shops_keepers_add_slots(uow, clock):
    item = service(uow, clock)
    with pytest.raises(PermissionDenied):
        add_slot(uow, clock, item.id, actor=V1)
    with pytest.raises(PermissionDenied):
        slots.list_service_slots(ListServiceSlots(V1, item.id, include_past=True), uow, clock)
    assert add_slot(uow, clock, item.id, actor=ADMIN).capacity == 2
