"""Redemptions over SQLAlchemy Core."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc

from ..domain.pickup import LEGACY_KEY_ID, KeyRing, PickupKey
from ..domain.redemption import AWAITING_PICKUP, COUNTED, FAILED, RESERVING, Redemption
from ..service.redemptions.ports import RedemptionFilter
from .tables import redemptions, secrets

TIMES = (
    "collected_at",
    "closed_at",
    "expires_at",
    "created_at",
    "updated_at",
    "slot_starts_at",
    "slot_ends_at",
)


class SqlRedemptions:
    def __init__(self, connection: Connection, seen: list):
        self.connection = connection
        # The unit of work's aggregates: what is written here is noted for the events it recorded.
        self.seen = seen

    def add(self, redemption: Redemption) -> None:
        self.connection.execute(redemptions.insert().values(**asdict(redemption)))
        self.seen.append(redemption)

    def get(self, redemption_id: str, lock: bool = False) -> Redemption | None:
        query = sa.select(redemptions).where(redemptions.c.id == redemption_id)
        row = self.connection.execute(query.with_for_update() if lock else query).first()
        return _redemption(row) if row else None

    def save(self, redemption: Redemption) -> None:
        values = asdict(redemption)
        self.connection.execute(
            redemptions.update().where(redemptions.c.id == values.pop("id")).values(**values)
        )
        self.seen.append(redemption)

    def units_since(self, member_id: str, item_id: str, since: datetime | None) -> int:
        query = sa.select(sa.func.coalesce(sa.func.sum(redemptions.c.quantity), 0)).where(
            redemptions.c.member_id == member_id,
            redemptions.c.item_id == item_id,
            redemptions.c.status.in_(COUNTED),
        )
        if since is not None:
            query = query.where(redemptions.c.created_at >= since)
        return int(self.connection.scalar(query))

    def proxy_orders_since(self, member_id: str, since: datetime) -> int:
        query = sa.select(sa.func.count()).where(
            redemptions.c.member_id == member_id,
            redemptions.c.placed_by != member_id,
            redemptions.c.status != FAILED,
            redemptions.c.created_at >= since,
        )
        return int(self.connection.scalar(query))

    def with_code(self, shop_id: str, code_hash: str) -> list[Redemption]:
        rows = self.connection.execute(
            sa.select(redemptions)
            .where(redemptions.c.shop_id == shop_id, redemptions.c.code_hash == code_hash)
            # The live order first; older ones only explain why a code no longer works.
            .order_by((redemptions.c.status == AWAITING_PICKUP).desc(), redemptions.c.created_at.desc())
            .limit(5)
        )
        return [_redemption(row) for row in rows]

    def list(self, where: RedemptionFilter, offset: int, limit: int) -> list[Redemption]:
        c = redemptions.c
        query = sa.select(redemptions)
        if where.member_id:
            query = query.where(c.member_id == where.member_id)
        if where.placed_by:
            query = query.where(c.placed_by == where.placed_by)
        if where.shop_id:
            query = query.where(c.shop_id == where.shop_id)
        if where.community_ids:
            query = query.where(c.community_id.in_(where.community_ids))
        if where.statuses:
            query = query.where(c.status.in_(where.statuses))
        if where.created_after:
            query = query.where(c.created_at >= where.created_after)
        if where.created_before:
            query = query.where(c.created_at < where.created_before)
        if where.placed_by_or_grids is not None:
            placed_by, grid_ids = where.placed_by_or_grids
            query = query.where(sa.or_(c.placed_by == placed_by, c.grid_id.in_(grid_ids)))
        query = query.order_by(c.created_at.desc(), c.id.desc()).offset(offset).limit(limit)
        return [_redemption(row) for row in self.connection.execute(query)]

    def reserving_before(self, before: datetime, limit: int) -> list[Redemption]:
        return self._where(
            sa.and_(redemptions.c.status == RESERVING, redemptions.c.created_at < before),
            redemptions.c.created_at,
            limit,
        )

    def uncollected_by(self, now: datetime, limit: int) -> list[Redemption]:
        return self._where(
            sa.and_(redemptions.c.status == AWAITING_PICKUP, redemptions.c.expires_at <= now),
            redemptions.c.expires_at,
            limit,
        )

    def _where(self, condition, order, limit: int) -> list[Redemption]:
        rows = self.connection.execute(sa.select(redemptions).where(condition).order_by(order).limit(limit))
        return [_redemption(row) for row in rows]


def _redemption(row) -> Redemption:
    values = dict(row._mapping)
    for name in TIMES:
        values[name] = as_utc(values[name])
    return Redemption(**values)


# The key the market once kept in its database (migration 0003 renamed it): it only verifies the
# codes of orders placed before the upgrade, and is deleted once none of them is open.
LEGACY_KEY = "pickup-legacy"


class SqlSecrets:
    def __init__(self, connection: Connection, keys: tuple[PickupKey, ...]):
        self.connection = connection
        self.keys = keys

    def ring(self) -> KeyRing:
        legacy = self.connection.scalar(sa.select(secrets.c.value).where(secrets.c.name == LEGACY_KEY))
        extra = (PickupKey(LEGACY_KEY_ID, bytes.fromhex(legacy)),) if legacy else ()
        return KeyRing(self.keys + extra)

    def forget_legacy_key(self) -> bool:
        """Deletes the database's old key once no open order has a code made with it; True if deleted."""
        open_legacy = self.connection.scalar(
            sa.select(sa.func.count())
            .select_from(redemptions)
            .where(
                redemptions.c.status.in_((RESERVING, AWAITING_PICKUP)),
                redemptions.c.code_hash != "",
                redemptions.c.code_hash.not_like("%:%"),
            )
        )
        if open_legacy:
            return False
        return bool(self.connection.execute(secrets.delete().where(secrets.c.name == LEGACY_KEY)).rowcount)
