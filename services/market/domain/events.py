"""What the market announces: plain events its aggregates record, mapped to jifen.events.v1 at commit
(adapters/outbox_messages.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .redemption import Redemption


@dataclass(frozen=True)
class RedemptionPlaced:
    """Points are held and the order awaits pickup with its code."""

    redemption: Redemption
    at: datetime


@dataclass(frozen=True)
class RedemptionConfirmed:
    """Staff handed the goods over; the points were captured."""

    redemption: Redemption
    at: datetime


@dataclass(frozen=True)
class RedemptionCancelled:
    redemption: Redemption
    at: datetime


@dataclass(frozen=True)
class RedemptionExpired:
    """Not collected in time: the points went back and the units returned to stock."""

    redemption: Redemption
    at: datetime


@dataclass(frozen=True)
class ItemLowStock:
    """A stock move took an item's stock to its warning threshold (not when it was already there)."""

    item_id: str
    item_name: str
    shop_id: str
    community_id: str
    stock: int
    reserved: int
    low_stock_threshold: int
    at: datetime
