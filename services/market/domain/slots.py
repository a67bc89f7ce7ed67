"""Services as rewards (服务类商品): a partner unit's service is booked by time slot (时段).

A slot is a date, a start and an end, the place, and how many people it takes. Its places work
like stock: a booking takes one by a conditional UPDATE (booked < capacity), a cancellation or an
expiry gives it back, and a confirmed booking keeps it. A shared-market day (共享集市) is simply many
slots on one date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from jifen.errors import FailedPrecondition, InvalidArgument, bounded

LOCAL = ZoneInfo("Asia/Shanghai")
MAX_CAPACITY = 1_000
MAX_SLOT_LENGTH = timedelta(hours=24)


def slot_fields(starts_at: datetime | None, ends_at: datetime | None, place: str, capacity: int) -> str:
    """Checks what a new slot is given; answers the place, trimmed."""
    if starts_at is None:
        raise InvalidArgument("starts_at", "请填写时段开始时间", "the slot's start is required")
    if ends_at is None:
        raise InvalidArgument("ends_at", "请填写时段结束时间", "the slot's end is required")
    if ends_at <= starts_at:
        raise InvalidArgument("ends_at", "时段结束时间须晚于开始时间", "must be after starts_at")
    if ends_at - starts_at > MAX_SLOT_LENGTH:
        raise InvalidArgument("ends_at", "一个时段不能超过 24 小时", "a slot lasts at most 24 hours")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidArgument(
            "capacity",
            f"每个时段的名额须在 1 到 {MAX_CAPACITY} 之间",
            f"must be between 1 and {MAX_CAPACITY}",
        )
    return bounded("place", place, 200, "服务地点", optional=False)


@dataclass(frozen=True)
class ServiceSlot:
    id: str
    item_id: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    # Places taken by open or confirmed bookings.
    booked: int
    created_by: str
    created_at: datetime

    @property
    def free(self) -> int:
        return self.capacity - self.booked

    @property
    def local_date(self) -> str:
        return self.starts_at.astimezone(LOCAL).date().isoformat()

    @property
    def local_times(self) -> str:
        start, end = self.starts_at.astimezone(LOCAL), self.ends_at.astimezone(LOCAL)
        return f"{start:%H:%M}–{end:%H:%M}"

    def check_bookable(self, item_id: str, now: datetime) -> None:
        """A volunteer may book a slot of this item that has not begun and has a place free."""
        if self.item_id != item_id:
            raise InvalidArgument("slot_id", "该时段不属于这项服务", "the slot belongs to another item")
        if now >= self.starts_at:
            raise FailedPrecondition(
                f"{self.local_date} {self.local_times} 的时段已开始或已结束，请选择其他时段",
                "the slot has begun or is over; choose another",
            )
        self.check_free()

    def check_free(self) -> None:
        if self.free <= 0:
            raise FailedPrecondition(
                f"{self.local_date} {self.local_times} 的时段已约满，请选择其他时段",
                "the slot is fully booked; choose another",
            )
