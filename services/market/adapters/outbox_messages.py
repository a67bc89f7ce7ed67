"""The events a redemption's moves send out (jifen.events.v1, producer "market")."""

from __future__ import annotations

from jifen.events.v1 import market_pb2 as events
from jifen.timestamps import to_timestamp

from ..domain.redemption import Redemption


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
