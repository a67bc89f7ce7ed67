"""Hour records (服务时长记录): minutes one member served at one activity, pending until decided.

Flags mark what fraud looks like in practice (overlapping claims, impossible days, inflated
hours). They are recomputed while a record is pending, because other records of the member
come and go, and frozen when it is approved or rejected.

A record is decided by someone other than its member (记录谁记录谁证明) and approved by someone
other than whoever recorded it; approving it records HoursApproved for the outbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from jifen.domain_events import Aggregate
from jifen.errors import FailedPrecondition, PermissionDenied

from .activity import Activity
from .events import HoursApproved
from .rules import LOCAL, RuleVersion, local_day

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


def not_served_yet(check_out: datetime, field: str) -> FailedPrecondition:
    """Hours that end in the future are not served yet: nobody may record or certify them."""
    ends = check_out.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")
    return FailedPrecondition(
        f"服务结束时间不能晚于现在（该时长到 {ends} 才结束）",
        f"the service ends in the future ({check_out.isoformat()}); record it once it is served",
        field,
    )


@dataclass(frozen=True)
class Earning:
    """The points an hour record earns under one rule version, and how they were worked out."""

    version: RuleVersion
    points: int
    calculation: str


class Certification(Protocol):
    """The member's certified totals once an approval's minutes are posted (the ledger's answer)."""

    certified_minutes: int
    star_level: int
    star_level_changed: bool


@dataclass(frozen=True)
class HourRecord(Aggregate):
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

    def require_decidable_by(self, member_id: str, field: str) -> None:
        """Only a pending record is decided, and never by the member who served it."""
        if self.member_id == member_id:
            # 记录谁记录谁证明: someone else must certify one's own hours.
            raise PermissionDenied("不能审核自己的服务时长", "you may not decide your own hour record", field)
        if self.status != PENDING:
            raise FailedPrecondition(
                f"记录 {self.id} 已审核，不能再次审核", f"record {self.id} is not pending", field
            )

    def require_certifiable_by(self, member_id: str, field: str) -> None:
        """Whoever wrote the hours does not certify them, so one person with a second account cannot
        both record and approve."""
        if self.recorded_by == member_id:
            raise PermissionDenied(
                "不能审核自己记录的服务时长，须由其他组织者或管理员审核",
                "you recorded these hours; someone else must decide them",
                field,
            )

    def earning(self, version: RuleVersion, activity: Activity) -> Earning:
        """What approving it earns under `version` (the one in force at the activity's start)."""
        points, calculation = version.rules.points_for(self.minutes, activity.difficulty, activity.category)
        return Earning(version, points, calculation)

    def approve(
        self,
        by: str,
        now: datetime,
        earned: Earning,
        override_reason: str,
        activity: Activity,
        certified: Certification,
    ) -> HourRecord:
        """The record certified with the points it earned; records HoursApproved with the member's
        totals after it (`certified`, what the ledger answered for these minutes)."""
        self.require_decidable_by(by, "hour_record_ids")
        self.require_certifiable_by(by, "hour_record_ids")
        overridden = bool(self.flags)
        approved = replace(
            self,
            status=APPROVED,
            decided_by=by,
            decided_at=now,
            overridden=overridden,
            override_reason=override_reason if overridden else "",
            points_accrued=earned.points,
            rule_version_id=earned.version.id,
            calculation=earned.calculation,
            updated_at=now,
        )
        approved.record(
            HoursApproved(
                hour_record_id=approved.id,
                activity_id=activity.id,
                activity_title=activity.title,
                community_id=activity.community_id,
                member_id=approved.member_id,
                minutes=approved.minutes,
                check_in_time=approved.check_in_time,
                check_out_time=approved.check_out_time,
                certified_minutes_total=certified.certified_minutes,
                star_level=certified.star_level,
                star_level_changed=certified.star_level_changed,
                overridden=approved.overridden,
                approved_by=approved.decided_by,
                approved_at=approved.decided_at,
            )
        )
        return approved

    def reject(self, by: str, now: datetime, reason: str) -> HourRecord:
        self.require_decidable_by(by, "hour_record_ids")
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
