"""Commands and queries the redemption use cases take: plain data built by the gRPC servicer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Caller


@dataclass(frozen=True)
class PlaceRedemption:
    request_id: str
    actor: Caller
    item_id: str
    quantity: int
    # 代兑换: a grid worker redeems for a volunteer of their grid; "" for oneself.
    on_behalf_of_member_id: str = ""
    # A service is booked by naming one of its time slots.
    slot_id: str = ""


@dataclass(frozen=True)
class ConfirmRedemption:
    request_id: str
    actor: Caller
    pickup_code: str = ""
    qr_payload: str = ""


@dataclass(frozen=True)
class FindPickup:
    actor: Caller
    pickup_code: str = ""
    qr_payload: str = ""


@dataclass(frozen=True)
class CancelRedemption:
    request_id: str
    actor: Caller
    redemption_id: str
    reason: str


@dataclass(frozen=True)
class ReissuePickupCode:
    request_id: str
    actor: Caller
    redemption_id: str


@dataclass(frozen=True)
class ListRedemptions:
    actor: Caller
    member_id: str = ""
    shop_id: str = ""
    community_id: str = ""
    statuses: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    placed_by: str = ""
    page_size: int = 0
    page_token: str = ""
