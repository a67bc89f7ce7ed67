"""Hour records (服务时长记录): minutes one member served at one activity, pending until decided.

Flags mark what fraud looks like in practice (overlapping claims, impossible days, inflated
hours). They are recomputed while a record is pending, because other records of the member
come and go, and frozen when it is approved or rejected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .rules import local_day

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"

OVERLAP = "overlap"
DAILY_CAP_EXCEEDED = "daily_cap_exceeded"
LONGER_THAN_ACTIVITY = "longer_than_activity"
FLAGS = (OVERLAP, DAILY_CAP_EXCEEDED, LONGER_THAN_ACTIVITY)
FLAGS_ZH = {OVERLAP: "时间重叠", DAILY_CAP_EXCEEDED: "超过每日时长上限", LONGER_THAN_ACTIVITY: "长于活动时长"}

# Sources.
FROM_CHECK_IN = "check_in"
RECORDED = "recorded"

# A day has 1440 minutes: more in one entry is a typing mistake, not service.
MAX_RECORDED_MINUTES = 24 * 60
MAX_REASON = 200
# How far past the server's clock a record may end: the organiser's device clock may run a little fast.
DEFAULT_CLOCK_SKEW = timedelta(minutes=5)


def served_minutes(check_in: datetime, check_out: datetime) -> int:
    """Whole minutes between check-in and check-out, rounded down."""
    return int((check_out - check_in) // timedelta(minutes=1))


def not_yet_served(check_out: datetime, now: datetime, clock_skew: timedelta) -> bool:
    """Whether service ending at `check_out` lies in the future, beyond the tolerated clock skew."""
    return check_out > now + clock_skew


@dataclass(frozen=True)
class HourRecord:
    id: str
    activity_id: str
    community_id: str
    member_id: str
    minutes: int
    check_in_time: datetime
    check_out_time: datetime
    source: str
    recorded_by: str
    created_at: datetime
    updated_at: datetime
    status: str = PENDING
    flags: tuple[str, ...] = ()
    reject_reason: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None
    overridden: bool = False
    override_reason: str = ""
    points_accrued: int = 0
    rule_version_id: str = ""
    calculation: str = ""

    @property
    def pending(self) -> bool:
        return self.status == PENDING

    def overlaps(self, other: HourRecord) -> bool:
        return self.check_in_time < other.check_out_time and other.check_in_time < self.check_out_time

    def replaced(
        self, minutes: int, check_in: datetime, check_out: datetime, by: str, now: datetime
    ) -> HourRecord:
        """The organiser's new entry for a pending record: new minutes and interval, same id."""
        return replace(
            self,
            minutes=minutes,
            check_in_time=check_in,
            check_out_time=check_out,
            source=RECORDED,
            recorded_by=by,
            updated_at=now,
        )

    def flagged(self, flags: tuple[str, ...], now: datetime) -> HourRecord:
        return self if flags == self.flags else replace(self, flags=flags, updated_at=now)

    def approve(
        self,
        by: str,
        now: datetime,
        points: int,
        rule_version_id: str,
        calculation: str,
        override_reason: str,
    ) -> HourRecord:
        overridden = bool(self.flags)
        return replace(
            self,
            status=APPROVED,
            decided_by=by,
            decided_at=now,
            overridden=overridden,
            override_reason=override_reason if overridden else "",
            points_accrued=points,
            rule_version_id=rule_version_id,
            calculation=calculation,
            updated_at=now,
        )

    def reject(self, by: str, now: datetime, reason: str) -> HourRecord:
        return replace(
            self, status=REJECTED, decided_by=by, decided_at=now, reject_reason=reason, updated_at=now
        )


def cap_exceeded(total: int, cap: int) -> tuple[str, str]:
    """The message for recording or approving past an activity's total (Activity.total_minutes_cap)."""
    return (
        f"本活动的服务时长合计不能超过 {cap} 分钟（人数上限 × 活动时长），现为 {total} 分钟",
        f"the activity's hours may total at most {cap} minutes (capacity x duration); this makes {total}",
    )


def flags_for(
    record: HourRecord,
    others: Iterable[HourRecord],
    activity_minutes: int,
    daily_cap_minutes: int,
) -> tuple[str, ...]:
    """The flags of `record` given the member's other records (rejected ones are ignored).

    The daily cap counts the records whose check-in falls on the same Asia/Shanghai calendar
    day as this one's; a cap of 0 means no cap.
    """
    rivals = [
        o for o in others if o.id != record.id and o.member_id == record.member_id and o.status != REJECTED
    ]
    flags = []
    if any(record.overlaps(o) for o in rivals):
        flags.append(OVERLAP)
    day = local_day(record.check_in_time)
    that_day = record.minutes + sum(o.minutes for o in rivals if local_day(o.check_in_time) == day)
    if daily_cap_minutes and that_day > daily_cap_minutes:
        flags.append(DAILY_CAP_EXCEEDED)
    if record.minutes > activity_minutes:
        flags.append(LONGER_THAN_ACTIVITY)
    return tuple(flags)


def describe(flags: Iterable[str]) -> tuple[str, str]:
    """The flags in Chinese and English, for messages."""
    flags = list(flags)
    return "、".join(FLAGS_ZH[f] for f in flags), ", ".join(flags)
