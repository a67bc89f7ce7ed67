"""Moving units between stock and reserved, each move recorded as a StockChange with who and why."""

from __future__ import annotations

from datetime import datetime

from jifen.events.v1 import market_pb2 as events
from jifen.ids import new_id
from jifen.timestamps import to_timestamp

from ..domain.catalog import RESERVED, RETURNED, Item, StockChange
from ..domain.redemption import Redemption
from .ports import UnitOfWork


def record(
    uow: UnitOfWork,
    item: Item,
    kind: str,
    delta: int,
    stock_after: int,
    now: datetime,
    reason: str = "",
    redemption_id: str = "",
    changed_by: str = "",
) -> StockChange:
    """Keeps the change, and warns the shop (item.low_stock) when it takes stock to the threshold."""
    change = StockChange(
        new_id(), item.id, item.shop_id, kind, delta, stock_after, reason, redemption_id, changed_by, now
    )
    uow.stock_changes.add(change)
    if item.low_after(stock_after - delta, stock_after):
        uow.outbox.add(
            "item.low_stock",
            events.ItemLowStock(
                item_id=item.id,
                item_name=item.name,
                shop_id=item.shop_id,
                community_id=item.community_id,
                stock=stock_after,
                reserved=item.reserved - delta if kind == RESERVED else item.reserved,
                low_stock_threshold=item.details.low_stock_threshold,
                detected_at=to_timestamp(now),
            ),
            now,
        )
    return change


def reserve(uow: UnitOfWork, item: Item, redemption: Redemption, now: datetime) -> bool:
    """Moves the order's units from stock to reserved; False when there are not enough."""
    stock_after = uow.items.reserve(item.id, redemption.quantity, now)
    if stock_after is None:
        return False
    record(
        uow,
        item,
        RESERVED,
        -redemption.quantity,
        stock_after,
        now,
        reason=redemption.hold_reason,
        redemption_id=redemption.id,
        changed_by=redemption.placed_by,
    )
    return True


def give_back(uow: UnitOfWork, redemption: Redemption, reason: str, now: datetime, by: str = "") -> None:
    """Returns a cancelled, expired or failed order's units to stock."""
    stock_after = uow.items.unreserve(redemption.item_id, redemption.quantity, now)
    uow.stock_changes.add(
        StockChange(
            new_id(),
            redemption.item_id,
            redemption.shop_id,
            RETURNED,
            redemption.quantity,
            stock_after,
            reason,
            redemption.id,
            by,
            now,
        )
    )
