r"""A redemption (兑换单): one order of one item, and the only moves its status may make.

reserving -> awaiting_pickup -> collected
          \-> failed         \-> cancelled | expired
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from jifen.errors import FailedPrecondition

RESERVING = "reserving"
AWAITING_PICKUP = "awaiting_pickup"
COLLECTED = "collected"
CANCELLED = "cancelled"
EXPIRED = "expired"
FAILED = "failed"
# Redemptions holding stock (reserved) and points (a hold): they count against per-member limits too.
OPEN = (RESERVING, AWAITING_PICKUP)
# What counts against a per-member limit: everything but what was given back or never placed.
COUNTED = (RESERVING, AWAITING_PICKUP, COLLECTED)
# What a list shows unless asked for statuses: real orders. Failed attempts (thirty impatient taps on
# 兑换 leave twenty-seven) stay kept for the audit and are listed when asked for by status.
LISTED_BY_DEFAULT = (RESERVING, AWAITING_PICKUP, COLLECTED, CANCELLED, EXPIRED)

_WHY_NOT = {
    RESERVING: ("该兑换单正在处理中，请稍后再试", "the redemption is still being placed; try again shortly"),
    AWAITING_PICKUP: ("该兑换单正在等待领取", "the redemption is awaiting pickup"),
    COLLECTED: ("该兑换单已核销，物品已领取", "the redemption was already collected"),
    CANCELLED: ("该兑换单已取消", "the redemption was cancelled"),
    EXPIRED: ("该兑换单已超时失效", "the redemption expired uncollected"),
    FAILED: ("该兑换单未成功下单", "the redemption was never placed"),
}


def wrong_status(status: str) -> FailedPrecondition:
    zh, en = _WHY_NOT[status]
    return FailedPrecondition(zh, en)


@dataclass(frozen=True)
class Redemption:
    id: str
    member_id: str
    placed_by: str
    item_id: str
    item_name: str
    shop_id: str
    community_id: str
    # The member's grid when placed, so a grid worker finds the orders of their grid.
    grid_id: str
    quantity: int
    unit_points: int
    status: str
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
    code_hash: str = ""
    failure_reason: str = ""
    failure_reason_en: str = ""
    confirmed_by: str = ""
    collected_at: datetime | None = None
    cancelled_by: str = ""
    cancel_reason: str = ""
    closed_at: datetime | None = None

    @property
    def points_total(self) -> int:
        return self.quantity * self.unit_points

    @property
    def is_proxy(self) -> bool:
        """Placed by a grid worker on the member's behalf (代兑换)."""
        return self.placed_by != self.member_id

    @property
    def hold_reason(self) -> str:
        """The line on the member's points statement."""
        prefix = "代兑换" if self.is_proxy else "兑换"
        return f"{prefix} {self.item_name} ×{self.quantity}"

    def require(self, *statuses: str) -> None:
        if self.status not in statuses:
            raise wrong_status(self.status)

    def awaiting_pickup(self, code_hash: str, now: datetime) -> Redemption:
        self.require(RESERVING)
        return replace(self, status=AWAITING_PICKUP, code_hash=code_hash, updated_at=now)

    def with_new_code(self, code_hash: str, now: datetime) -> Redemption:
        self.require(AWAITING_PICKUP)
        return replace(self, code_hash=code_hash, updated_at=now)

    def collected(self, staff_id: str, now: datetime) -> Redemption:
        self.require(AWAITING_PICKUP)
        return replace(self, status=COLLECTED, confirmed_by=staff_id, collected_at=now, updated_at=now)

    def cancelled(self, by: str, reason: str, now: datetime) -> Redemption:
        self.require(AWAITING_PICKUP)
        return replace(
            self, status=CANCELLED, cancelled_by=by, cancel_reason=reason, closed_at=now, updated_at=now
        )

    def expired(self, now: datetime) -> Redemption:
        self.require(AWAITING_PICKUP)
        return replace(self, status=EXPIRED, closed_at=now, updated_at=now)

    def failed(self, zh: str, en: str, now: datetime) -> Redemption:
        self.require(RESERVING)
        return replace(
            self, status=FAILED, failure_reason=zh, failure_reason_en=en, closed_at=now, updated_at=now
        )
