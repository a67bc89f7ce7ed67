"""A service's time slots (domain/slots.py): the shop's keepers add them, every member sees them.

A slot's places are also the item's stock: adding a slot restocks the item by its capacity (kept
as a stock change), a booking reserves one unit and one place, and a cancellation or an expiry
gives both back (redemptions/placing.py give_back). So no place is made or lost outside a slot.
"""

from __future__ import annotations

from jifen.clock import Clock, utcnow
from jifen.errors import FailedPrecondition, InvalidArgument, denied
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain.catalog import RESTOCK
from ...domain.slots import ServiceSlot, slot_fields
from ..lookups import known_item, known_shop, known_slot
from ..ports import UnitOfWork
from ..scope import manages_shop
from .commands import AddServiceSlot, ListServiceSlots

MAX_LISTED = 200


def add_service_slot(cmd: AddServiceSlot, uow: UnitOfWork, clock: Clock = utcnow) -> ServiceSlot:
    place = slot_fields(cmd.starts_at, cmd.ends_at, cmd.place, cmd.capacity)
    if cmd.ends_at is not None and cmd.ends_at <= clock():
        raise InvalidArgument("ends_at", "不能添加已经结束的时段", "the slot is already over")
    return _add(cmd, uow, place, clock)


def _added(uow: UnitOfWork, ref: dict) -> ServiceSlot:
    return known_slot(uow, ref["slot_id"])


@idempotent("market.AddServiceSlot", view=_added)
def _add(cmd: AddServiceSlot, uow: UnitOfWork, place: str, clock: Clock) -> dict:
    item = known_item(uow, cmd.item_id)
    if not manages_shop(cmd.actor, uow, known_shop(uow, item.shop_id)):
        raise denied()
    if not item.details.is_service:
        raise FailedPrecondition(
            f"{item.name}不是服务类商品，不能添加预约时段", "the item is goods, not a service"
        )
    now = clock()
    slot = ServiceSlot(
        id=new_id(),
        item_id=item.id,
        starts_at=cmd.starts_at,
        ends_at=cmd.ends_at,
        place=place,
        capacity=cmd.capacity,
        booked=0,
        created_by=cmd.actor.member_id,
        created_at=now,
    )
    uow.service_slots.add(slot)
    after = uow.items.restock(item.id, slot.capacity, now)
    if after is None:  # pragma: no cover - adding places is never refused by the guard
        raise RuntimeError(f"item {item.id}: adding a slot's places was refused")
    item.check_cap(slot.capacity, after)
    reason = f"新增时段 {slot.local_date} {slot.local_times}"
    uow.stock_changes.add(
        item.moved(new_id(), RESTOCK, slot.capacity, after, now, reason, changed_by=cmd.actor.member_id)
    )
    return {"slot_id": slot.id}


def list_service_slots(query: ListServiceSlots, uow: UnitOfWork, clock: Clock = utcnow) -> list[ServiceSlot]:
    with uow:
        item = known_item(uow, query.item_id)
        if query.include_past and not manages_shop(query.actor, uow, known_shop(uow, item.shop_id)):
            raise denied()
        return uow.service_slots.of_item(item.id, None if query.include_past else clock(), MAX_LISTED)
