r"""A redemption (兑换单): one order of one item, and the only moves its status may make.

reserving -> awaiting_pickup -> collected
          \-> failed         \-> cancelled | expired
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from jifen.domain_events import Aggregate
from jifen.errors import FailedPrecondition, InvalidArgument

from .catalog import RETURNED, Item, Shop, StockChange
from .events import RedemptionCancelled, RedemptionConfirmed, RedemptionExpired, RedemptionPlaced

if TYPE_CHECKING:
    from .people import MemberCopy
    from .slots import ServiceSlot

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


def require_may_redeem(member: MemberCopy) -> None:
    if not member.active:
        raise FailedPrecondition("该账号已停用，不能兑换", "this account is deactivated; it cannot redeem")


def require_proxy_allowed(member: MemberCopy, placed_this_week: int, per_week: int) -> None:
    """The volunteer's consent to 代兑换, and a weekly cap: the code goes to the grid worker, so an
    order placed for someone is one they did not place themselves."""
    if member.proxy_redemption_refused:
        raise FailedPrecondition(
            "该志愿者已关闭代兑换，请由本人兑换", "this volunteer has switched proxy redemption off"
        )
    if placed_this_week >= per_week:
        raise FailedPrecondition(
            f"每位志愿者每周最多代兑换 {per_week} 次，本周已满，请下周再试或由本人兑换",
            f"at most {per_week} proxy orders per volunteer a week; this week's are used",
        )


@dataclass(frozen=True)
class Redemption(Aggregate):
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
    # A service's booking (domain/slots.py): the slot, and its time and place as booked.
    slot_id: str = ""
    slot_starts_at: datetime | None = None
    slot_ends_at: datetime | None = None
    slot_place: str = ""
    provider_name: str = ""

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

    @classmethod
    def reserving(
        cls,
        id: str,
        member: MemberCopy,
        placed_by: str,
        item: Item,
        shop: Shop,
        quantity: int,
        used: int,
        now: datetime,
        pickup_window: timedelta,
        slot: ServiceSlot | None = None,
    ) -> Redemption:
        """A new order, "reserving", once every check a volunteer understands has passed; `used` is
        what the member already redeemed of the item in its limit's window. A service books one
        place of one of its slots, and an unconfirmed booking expires when the slot ends."""
        if member.community_id != item.community_id:
            raise FailedPrecondition(
                f"{shop.name}只为本社区居民兑换", f"{shop.name} serves residents of its own community only"
            )
        shop.check_open()
        item.check_redeemable(now)
        if item.limited:
            item.check_limit(used, quantity)
        booked = {}
        if not item.details.is_service:
            item.check_stock(quantity)
        if item.details.is_service:
            if slot is None:
                raise InvalidArgument("slot_id", "请选择预约时段", "a service is booked by choosing a slot")
            if quantity != 1:
                raise InvalidArgument("quantity", "每次预约一个名额", "a booking takes one place")
            slot.check_bookable(item.id, now)
            booked = {
                "slot_id": slot.id,
                "slot_starts_at": slot.starts_at,
                "slot_ends_at": slot.ends_at,
                "slot_place": slot.place,
                "provider_name": item.details.provider_name,
            }
        elif slot is not None:
            raise InvalidArgument("slot_id", "该商品无需选择时段", "only a service is booked by slot")
        return cls(
            id=id,
            member_id=member.id,
            placed_by=placed_by,
            item_id=item.id,
            item_name=item.name,
            shop_id=item.shop_id,
            community_id=item.community_id,
            grid_id=member.grid_id,
            quantity=quantity,
            unit_points=item.details.points_price,
            status=RESERVING,
            expires_at=slot.ends_at if booked and slot else now + pickup_window,
            created_at=now,
            updated_at=now,
            **booked,
        )

    def require(self, *statuses: str) -> None:
        if self.status not in statuses:
            raise wrong_status(self.status)

    def awaiting_pickup(self, code_hash: str, now: datetime) -> Redemption:
        self.require(RESERVING)
        done = replace(self, status=AWAITING_PICKUP, code_hash=code_hash, updated_at=now)
        done.record(RedemptionPlaced(done, now))
        return done

    def with_new_code(self, code_hash: str, now: datetime) -> Redemption:
        self.require(AWAITING_PICKUP)
        return replace(self, code_hash=code_hash, updated_at=now)

    def collected(self, staff_id: str, now: datetime) -> Redemption:
        self.require(AWAITING_PICKUP)
        done = replace(self, status=COLLECTED, confirmed_by=staff_id, collected_at=now, updated_at=now)
        done.record(RedemptionConfirmed(done, now))
        return done

    def cancelled(self, by: str, reason: str, now: datetime) -> Redemption:
        self.require(AWAITING_PICKUP)
        done = replace(
            self, status=CANCELLED, cancelled_by=by, cancel_reason=reason, closed_at=now, updated_at=now
        )
        done.record(RedemptionCancelled(done, now))
        return done

    def expired(self, now: datetime) -> Redemption:
        self.require(AWAITING_PICKUP)
        done = replace(self, status=EXPIRED, closed_at=now, updated_at=now)
        done.record(RedemptionExpired(done, now))
        return done

    def units_returned(
        self, change_id: str, stock_after: int, reason: str, now: datetime, by: str = ""
    ) -> StockChange:
        """The stock change giving a failed, cancelled or expired order's units back (`stock_after`
        is the repository's answer)."""
        return StockChange(
            change_id,
            self.item_id,
            self.shop_id,
            RETURNED,
            self.quantity,
            stock_after,
            reason,
            self.id,
            by,
            now,
        )

    def failed(self, zh: str, en: str, now: datetime) -> Redemption:
        self.require(RESERVING)
        return replace(
            self, status=FAILED, failure_reason=zh, failure_reason_en=en, closed_at=now, updated_at=now
        )
