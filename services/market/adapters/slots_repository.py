"""A service's time slots over SQLAlchemy Core. Places move only by conditional UPDATEs."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc

from ..domain.slots import ServiceSlot
from .tables import service_slots


class SqlServiceSlots:
    def __init__(self, connection: Connection):
        self.connection = connection

    def add(self, slot: ServiceSlot) -> None:
        self.connection.execute(service_slots.insert().values(**asdict(slot)))

    def get(self, slot_id: str) -> ServiceSlot | None:
        row = self.connection.execute(sa.select(service_slots).where(service_slots.c.id == slot_id)).first()
        return _slot(row) if row else None

    def of_item(self, item_id: str, ending_after: datetime | None, limit: int) -> list[ServiceSlot]:
        query = sa.select(service_slots).where(service_slots.c.item_id == item_id)
        if ending_after is not None:
            query = query.where(service_slots.c.ends_at > ending_after)
        query = query.order_by(service_slots.c.starts_at, service_slots.c.id).limit(limit)
        return [_slot(row) for row in self.connection.execute(query)]

    def book(self, slot_id: str) -> int | None:
        """Takes one place; the places left after, or None when the slot is full."""
        row = self.connection.execute(
            service_slots.update()
            .where(service_slots.c.id == slot_id, service_slots.c.booked < service_slots.c.capacity)
            .values(booked=service_slots.c.booked + 1)
            .returning(service_slots.c.capacity - service_slots.c.booked)
        ).first()
        return None if row is None else int(row[0])

    def release(self, slot_id: str) -> int:
        """Gives one place back; the places left after."""
        row = self.connection.execute(
            service_slots.update()
            .where(service_slots.c.id == slot_id, service_slots.c.booked > 0)
            .values(booked=service_slots.c.booked - 1)
            .returning(service_slots.c.capacity - service_slots.c.booked)
        ).first()
        if row is None:
            raise RuntimeError(f"slot {slot_id}: no place booked to give back")
        return int(row[0])


def _slot(row) -> ServiceSlot:
    values = dict(row._mapping)
    for name in ("starts_at", "ends_at", "created_at"):
        values[name] = as_utc(values[name])
    return ServiceSlot(**values)
