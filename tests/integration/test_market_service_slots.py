"""Partner units' services booked by time slot, on the real PostgreSQL and Redis with the real points api."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import grpc
import pytest

from jifen.caller import Caller
from jifen.clock import utcnow
from jifen.market.v1 import market_pb2 as mk
from services.market.service.redemptions import jobs
from tests.integration.market_town import MarketTown

AWAITING = mk.REDEMPTION_STATUS_AWAITING_PICKUP
SOON = utcnow().replace(microsecond=0) + timedelta(days=2)


@pytest.fixture
def barber(market_town: MarketTown):
    """The partner unit's own shop, its staff member, and its haircut service."""
    town = market_town
    admin = town.points.admin("a-admin")
    shop = town.shop(admin, name="红星理发店")
    staff = town.staff("m-barber", shop.shop_id)
    haircut = town.service(admin, shop.shop_id, price=30)
    return admin, staff, haircut


def _book(town: MarketTown, member: Caller, item_id: str, slot_id: str):
    try:
        return town.place(member, item_id, slot_id=slot_id)
    except grpc.RpcError as exc:
        return exc


def _slot(town: MarketTown, reader: Caller, item_id: str, slot_id: str) -> mk.ServiceSlot:
    found = town.market.ListServiceSlots(
        mk.ListServiceSlotsRequest(item_id=item_id, include_past=True), metadata=town.token(reader)
    ).slots
    return next(s for s in found if s.slot_id == slot_id)


def test_thirty_volunteers_race_for_a_slot_of_five(market_town: MarketTown, barber):
    town = market_town
    admin, staff, haircut = barber
    slot = town.slot(staff, haircut.item_id, SOON, capacity=5)
    # Another slot of the same service keeps its own places.
    later = town.slot(staff, haircut.item_id, SOON + timedelta(hours=1), capacity=5)
    volunteers = [town.volunteer(f"v-{n:03d}") for n in range(30)]
    for volunteer in volunteers:
        town.fund(volunteer, 100)

    with ThreadPoolExecutor(max_workers=15) as pool:
        results = list(pool.map(lambda v: _book(town, v, haircut.item_id, slot.slot_id), volunteers))

    booked = [r for r in results if isinstance(r, mk.Redemption)]
    refused = [r for r in results if isinstance(r, grpc.RpcError)]
    assert len(booked) == 5 and all(r.status == AWAITING and len(r.pickup_code) == 8 for r in booked)
    assert len(refused) == 25
    assert {r.code() for r in refused} == {grpc.StatusCode.FAILED_PRECONDITION}
    assert all("约满" in r.details() or "名额" in r.details() for r in refused), refused[0].details()
    assert (_slot(town, admin, haircut.item_id, slot.slot_id).booked) == 5
    assert (_slot(town, admin, haircut.item_id, later.slot_id).booked) == 0
    after = town.get_item(haircut.item_id, admin)
    assert (after.stock, after.reserved) == (5, 5)
    winners = {r.member_id for r in booked}
    for volunteer in volunteers:
        balance = town.balance(volunteer)
        assert (balance.available, balance.held) == ((70, 30) if volunteer.member_id in winners else (100, 0))
    assert town.audit() == []


def test_the_order_shows_when_and_where_and_the_units_staff_confirm_it(market_town: MarketTown, barber):
    town = market_town
    admin, staff, haircut = barber
    slot = town.slot(staff, haircut.item_id, SOON, capacity=2, place="张苏滩社区广场 3 号摊位")
    volunteer = town.volunteer("v-hair")
    town.fund(volunteer, 50)
    order = town.place(volunteer, haircut.item_id, slot_id=slot.slot_id)
    assert order.slot_id == slot.slot_id and order.slot_place == "张苏滩社区广场 3 号摊位"
    assert order.slot_starts_at == slot.starts_at and order.slot_ends_at == slot.ends_at
    assert order.expires_at == slot.ends_at and order.provider_name == "红星理发店"

    done = town.confirm(staff, pickup_code=order.pickup_code)
    assert done.status == mk.REDEMPTION_STATUS_COLLECTED and done.confirmed_by == "m-barber"
    assert (town.balance(volunteer).available, town.balance(volunteer).held) == (20, 0)
    # A delivered service keeps its place.
    assert _slot(town, admin, haircut.item_id, slot.slot_id).booked == 1
    assert town.audit() == []


def test_a_cancellation_gives_one_place_back(market_town: MarketTown, barber):
    town = market_town
    admin, staff, haircut = barber
    slot = town.slot(staff, haircut.item_id, SOON, capacity=1)
    first, second = town.volunteer("v-first"), town.volunteer("v-second")
    for volunteer in (first, second):
        town.fund(volunteer, 50)
    order = town.place(first, haircut.item_id, slot_id=slot.slot_id)
    assert isinstance(_book(town, second, haircut.item_id, slot.slot_id), grpc.RpcError)

    cancelled = town.cancel(first, order.redemption_id, "临时有事")
    assert cancelled.status == mk.REDEMPTION_STATUS_CANCELLED
    assert _slot(town, admin, haircut.item_id, slot.slot_id).booked == 0
    assert town.balance(first).available == 50
    assert town.place(second, haircut.item_id, slot_id=slot.slot_id).status == AWAITING
    assert _slot(town, admin, haircut.item_id, slot.slot_id).booked == 1
    assert town.audit() == []


def test_an_unconfirmed_booking_expires_after_the_slot_and_releases_its_points(
    market_town: MarketTown, barber
):
    town = market_town
    admin, staff, haircut = barber
    slot = town.slot(staff, haircut.item_id, SOON, capacity=3)
    volunteer = town.volunteer("v-missed")
    town.fund(volunteer, 40)
    order = town.place(volunteer, haircut.item_id, slot_id=slot.slot_id)
    assert (town.balance(volunteer).available, town.balance(volunteer).held) == (10, 30)
    uow, points = town.jobs_with(town.settings)

    during = SOON + timedelta(minutes=30)
    assert jobs.expire_uncollected(uow, points, clock=lambda: during) == 0
    after = SOON + timedelta(hours=1)
    assert jobs.expire_uncollected(uow, points, clock=lambda: after) == 1

    expired = town.market.GetRedemption(
        mk.GetRedemptionRequest(redemption_id=order.redemption_id), metadata=town.token(volunteer)
    ).redemption
    assert expired.status == mk.REDEMPTION_STATUS_EXPIRED
    assert (town.balance(volunteer).available, town.balance(volunteer).held) == (40, 0)
    assert _slot(town, admin, haircut.item_id, slot.slot_id).booked == 0
    assert town.get_item(haircut.item_id, admin).stock == 3
    assert town.audit() == []


def test_volunteers_see_only_slots_not_yet_over(market_town: MarketTown, barber):
    town = market_town
    _, staff, haircut = barber
    first = town.slot(staff, haircut.item_id, SOON + timedelta(hours=2), capacity=2)
    second = town.slot(staff, haircut.item_id, SOON, capacity=3)
    volunteer = town.volunteer("v-look")
    listed = town.market.ListServiceSlots(
        mk.ListServiceSlotsRequest(item_id=haircut.item_id), metadata=town.token(volunteer)
    ).slots
    assert [s.slot_id for s in listed] == [second.slot_id, first.slot_id]
    item = town.get_item(haircut.item_id, volunteer)
    assert (item.kind, item.provider_name, item.stock) == (mk.ITEM_KIND_SERVICE, "红星理发店", 5)
