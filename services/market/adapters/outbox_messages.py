"""The market's outbox adapter: each domain event -> its jifen.events.v1 message (producer "market").

The one place that builds jifen.events.v1 protobufs for the outbox; the unit of work calls it at commit.
"""

from __future__ import annotations

from datetime import datetime

from jifen.events.v1 import market_pb2 as events
from jifen.timestamps import to_timestamp

from ..domain.events import (
    ItemLowStock,
    RedemptionCancelled,
    RedemptionConfirmed,
    RedemptionExpired,
    RedemptionPlaced,
)
from ..domain.redemption import Redemption


def to_message(event: object) -> tuple[str, object, datetime | None]:
    match event:
        case RedemptionPlaced(redemption=r, at=at):
            return "redemption.placed", placed(r), at
        case RedemptionConfirmed(redemption=r, at=at):
            return "redemption.confirmed", confirmed(r), at
        case RedemptionCancelled(redemption=r, at=at):
            return "redemption.cancelled", cancelled(r), at
        case RedemptionExpired(redemption=r, at=at):
            return "redemption.expired", expired(r), at
        case ItemLowStock():
            return "item.low_stock", low_stock(event), event.at
    raise TypeError(f"the market announces no {type(event).__name__}")


def _common(r: Redemption) -> dict:
    return {
        "redemption_id": r.id,
        "member_id": r.member_id,
        "placed_by": r.placed_by,
        "community_id": r.community_id,
        "shop_id": r.shop_id,
        "item_id": r.item_id,
        "item_name": r.item_name,
        "quantity": r.quantity,
        "points_total": r.points_total,
    }


def placed(r: Redemption) -> events.RedemptionPlaced:
    return events.RedemptionPlaced(
        **_common(r), expires_at=to_timestamp(r.expires_at), placed_at=to_timestamp(r.created_at)
    )


def confirmed(r: Redemption) -> events.RedemptionConfirmed:
    return events.RedemptionConfirmed(
        **_common(r), confirmed_by=r.confirmed_by, confirmed_at=to_timestamp(r.collected_at)
    )


def cancelled(r: Redemption) -> events.RedemptionCancelled:
    return events.RedemptionCancelled(
        **_common(r),
        cancelled_by=r.cancelled_by,
        reason=r.cancel_reason,
        cancelled_at=to_timestamp(r.closed_at),
    )


def expired(r: Redemption) -> events.RedemptionExpired:
    return events.RedemptionExpired(
        **_common(r), expires_at=to_timestamp(r.expires_at), expired_at=to_timestamp(r.closed_at)
    )


def low_stock(e: ItemLowStock) -> events.ItemLowStock:
    return events.ItemLowStock(
        item_id=e.item_id,
        item_name=e.item_name,
        shop_id=e.shop_id,
        community_id=e.community_id,
        stock=e.stock,
        reserved=e.reserved,
        low_stock_threshold=e.low_stock_threshold,
        detected_at=to_timestamp(e.at),
    )
