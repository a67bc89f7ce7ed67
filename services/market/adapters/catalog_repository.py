"""Shops, items and stock changes over SQLAlchemy Core. Stock only moves by conditional UPDATEs."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc

from ..domain.catalog import ON_SALE, Item, ItemDetails, Shop, StockChange
from ..service.catalogue.ports import ItemFilter, StockChangeFilter
from .tables import items, shops, stock_changes

DETAIL_FIELDS = tuple(f.name for f in fields(ItemDetails))


class SqlShops:
    def __init__(self, connection: Connection):
        self.connection = connection

    def add(self, shop: Shop) -> None:
        values = asdict(shop)
        values.pop("staff_ids")
        self.connection.execute(shops.insert().values(**values))

    def get(self, shop_id: str) -> Shop | None:
        row = self.connection.execute(sa.select(shops).where(shops.c.id == shop_id)).first()
        return _shop(row) if row else None

    def named(self, community_id: str, name: str) -> Shop | None:
        row = self.connection.execute(
            sa.select(shops).where(shops.c.community_id == community_id, shops.c.name == name)
        ).first()
        return _shop(row) if row else None

    def save(self, shop: Shop) -> None:
        values = asdict(shop)
        values.pop("staff_ids")
        self.connection.execute(shops.update().where(shops.c.id == shop.id).values(**values))

    def of_community(self, community_id: str, offset: int, limit: int) -> list[Shop]:
        query = sa.select(shops).order_by(shops.c.created_at, shops.c.id).offset(offset).limit(limit)
        if community_id:
            query = query.where(shops.c.community_id == community_id)
        return [_shop(row) for row in self.connection.execute(query)]


def _shop(row) -> Shop:
    values = dict(row._mapping)
    values["created_at"] = as_utc(values["created_at"])
    values["updated_at"] = as_utc(values["updated_at"])
    return Shop(**values)


class SqlItems:
    def __init__(self, connection: Connection):
        self.connection = connection

    def add(self, item: Item) -> None:
        self.connection.execute(
            items.insert().values(
                id=item.id,
                shop_id=item.shop_id,
                community_id=item.community_id,
                stock=item.stock,
                reserved=item.reserved,
                created_at=item.created_at,
                updated_at=item.updated_at,
                **asdict(item.details),
            )
        )

    def get(self, item_id: str) -> Item | None:
        row = self.connection.execute(sa.select(items).where(items.c.id == item_id)).first()
        return _item(row) if row else None

    def save_details(self, item_id: str, details: ItemDetails, now: datetime) -> None:
        self.connection.execute(
            items.update().where(items.c.id == item_id).values(updated_at=now, **asdict(details))
        )

    def search(self, where: ItemFilter, offset: int, limit: int) -> list[Item]:
        query = sa.select(items)
        if where.shop_id:
            query = query.where(items.c.shop_id == where.shop_id)
        if where.community_id:
            query = query.where(items.c.community_id == where.community_id)
        if where.query:
            needle = where.query.lower()
            query = query.where(
                sa.or_(
                    sa.func.lower(items.c.name).contains(needle, autoescape=True),
                    sa.func.lower(items.c.description).contains(needle, autoescape=True),
                )
            )
        if where.on_sale_at is not None:
            at = where.on_sale_at
            query = query.where(
                items.c.status == ON_SALE,
                sa.or_(items.c.sale_starts_at.is_(None), items.c.sale_starts_at <= at),
                sa.or_(items.c.sale_ends_at.is_(None), items.c.sale_ends_at > at),
            )
        if where.in_stock_only:
            query = query.where(items.c.stock > 0)
        if where.max_price is not None:
            query = query.where(items.c.points_price <= where.max_price)
        query = query.order_by(items.c.points_price, items.c.name, items.c.id).offset(offset).limit(limit)
        return [_item(row) for row in self.connection.execute(query)]

    def reserve(self, item_id: str, quantity: int, now: datetime) -> int | None:
        return self._move(
            item_id,
            items.c.stock >= quantity,
            stock=items.c.stock - quantity,
            reserved=items.c.reserved + quantity,
            updated_at=now,
        )

    def unreserve(self, item_id: str, quantity: int, now: datetime) -> int:
        stock = self._move(
            item_id,
            items.c.reserved >= quantity,
            stock=items.c.stock + quantity,
            reserved=items.c.reserved - quantity,
            updated_at=now,
        )
        if stock is None:
            raise RuntimeError(f"item {item_id}: fewer than {quantity} units reserved to give back")
        return stock

    def hand_over(self, item_id: str, quantity: int, now: datetime) -> None:
        if (
            self._move(
                item_id, items.c.reserved >= quantity, reserved=items.c.reserved - quantity, updated_at=now
            )
            is None
        ):
            raise RuntimeError(f"item {item_id}: fewer than {quantity} units reserved to hand over")

    def restock(self, item_id: str, delta: int, now: datetime) -> int | None:
        return self._move(item_id, items.c.stock + delta >= 0, stock=items.c.stock + delta, updated_at=now)

    def _move(self, item_id: str, guard, **values) -> int | None:
        row = self.connection.execute(
            items.update().where(items.c.id == item_id, guard).values(**values).returning(items.c.stock)
        ).first()
        return None if row is None else int(row.stock)


def _item(row) -> Item:
    values = dict(row._mapping)
    for name in ("sale_starts_at", "sale_ends_at", "created_at", "updated_at"):
        values[name] = as_utc(values[name])
    details = ItemDetails(**{name: values.pop(name) for name in DETAIL_FIELDS})
    return Item(details=details, **values)


class SqlStockChanges:
    def __init__(self, connection: Connection, seen: list):
        self.connection = connection
        # The unit of work's aggregates: a change carries its item's low-stock warning.
        self.seen = seen

    def add(self, change: StockChange) -> None:
        self.connection.execute(stock_changes.insert().values(**asdict(change)))
        self.seen.append(change)

    def get(self, change_id: str) -> StockChange | None:
        row = self.connection.execute(sa.select(stock_changes).where(stock_changes.c.id == change_id)).first()
        return _stock_change(row) if row else None

    def list(self, where: StockChangeFilter, offset: int, limit: int) -> list[StockChange]:
        query = sa.select(stock_changes)
        if where.item_id:
            query = query.where(stock_changes.c.item_id == where.item_id)
        if where.shop_id:
            query = query.where(stock_changes.c.shop_id == where.shop_id)
        if where.community_id:
            of_community = sa.select(shops.c.id).where(shops.c.community_id == where.community_id)
            query = query.where(stock_changes.c.shop_id.in_(of_community))
        if where.kinds:
            query = query.where(stock_changes.c.kind.in_(where.kinds))
        if where.created_after:
            query = query.where(stock_changes.c.created_at >= where.created_after)
        if where.created_before:
            query = query.where(stock_changes.c.created_at < where.created_before)
        query = query.order_by(stock_changes.c.created_at.desc(), stock_changes.c.id.desc())
        rows = self.connection.execute(query.offset(offset).limit(limit))
        return [_stock_change(row) for row in rows]


def _stock_change(row) -> StockChange:
    return StockChange(**{**row._mapping, "created_at": as_utc(row.created_at)})
