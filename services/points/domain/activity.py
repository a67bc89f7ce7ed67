"""Volunteer activities (志愿活动) and the members signed up for them.

An activity's status follows from its times unless it was cancelled; the limits below are the
ones the contract promises (jifen.points.v1.Activity).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from jifen.errors import FailedPrecondition, InvalidArgument, bounded

# Activity status.
SCHEDULED = "scheduled"
IN_PROGRESS = "in_progress"
ENDED = "ended"
CANCELLED = "cancelled"
STATUSES = (SCHEDULED, IN_PROGRESS, ENDED, CANCELLED)

# Participant status.
SIGNED_UP = "signed_up"
CHECKED_IN = "checked_in"
CHECKED_OUT = "checked_out"
WITHDRAWN = "withdrawn"

MAX_TITLE = 60
MAX_DESCRIPTION = 2000
MAX_CATEGORY = 40
MAX_PLACE = 200
MAX_CAPACITY = 10_000
MAX_CANCEL_REASON = 200
MAX_DURATION = timedelta(days=7)
# Members arrive early: check-in opens half an hour before the start.
CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
# Check-out stays open a while after the end, for those who help clear up.
CHECK_OUT_CLOSES_AFTER = timedelta(hours=2)

# The refusal of anything that needs the activity to take place.
CANCELLED_REFUSAL = ("活动已取消", "the activity is cancelled")

CATEGORY_PATTERN = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
EDITABLE = frozenset(
    {"title", "description", "category", "difficulty", "start_time", "end_time", "place", "capacity"}
)


@dataclass(frozen=True)
class Details:
    """What the organiser describes; validated as a whole so the times are checked together."""

    title: str
    description: str
    category: str
    difficulty: int
    start_time: datetime | None
    end_time: datetime | None
    place: str
    capacity: int

    def validated(self) -> Details:
        return Details(
            title=bounded("title", self.title, MAX_TITLE, "活动名称", optional=False),
            description=bounded("description", self.description, MAX_DESCRIPTION, "活动介绍"),
            category=valid_category(self.category),
            difficulty=valid_difficulty(self.difficulty),
            start_time=self.start_time,
            end_time=valid_end(self.start_time, self.end_time),
            place=bounded("place", self.place, MAX_PLACE, "集合地点"),
            capacity=valid_capacity(self.capacity),
        )


def valid_category(category: str) -> str:
    category = (category or "").strip()
    if not category or len(category) > MAX_CATEGORY or not CATEGORY_PATTERN.fullmatch(category):
        raise InvalidArgument(
            "category",
            "活动类别须为 1 到 40 个小写字母、数字和下划线，例如 elderly_care",
            "must be lower_snake_case, 1–40 characters (e.g. elderly_care)",
        )
    return category


def valid_difficulty(difficulty: int) -> int:
    if not 1 <= difficulty <= 5:
        raise InvalidArgument("difficulty", "难度须在 1 到 5 之间", "must be between 1 and 5")
    return difficulty


def valid_end(start: datetime | None, end: datetime | None) -> datetime:
    if start is None:
        raise InvalidArgument("start_time", "请填写开始时间", "is required")
    if end is None:
        raise InvalidArgument("end_time", "请填写结束时间", "is required")
    if end <= start:
        raise InvalidArgument("end_time", "结束时间须晚于开始时间", "must be after start_time")
    if end - start > MAX_DURATION:
        raise InvalidArgument("end_time", "活动时长不能超过 7 天", "the activity may last at most 7 days")
    return end


def valid_capacity(capacity: int) -> int:
    if not 0 <= capacity <= MAX_CAPACITY:
        raise InvalidArgument(
            "capacity",
            f"人数上限须在 0 到 {MAX_CAPACITY} 之间（0 表示不限）",
            f"must be between 0 and {MAX_CAPACITY} (0 means no limit)",
        )
    return capacity


@dataclass(frozen=True)
class Activity:
    id: str
    community_id: str
    title: str
    description: str
    category: str
    difficulty: int
    start_time: datetime
    end_time: datetime
    place: str
    capacity: int
    organiser_id: str
    check_in_secret: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    signed_up_count: int = 0
    cancelled: bool = False
    cancel_reason: str = ""

    @classmethod
    def plan(
        cls,
        activity_id: str,
        community_id: str,
        details: Details,
        organiser_id: str,
        secret: str,
        by: str,
        now,
    ) -> Activity:
        return cls(
            id=activity_id,
            community_id=community_id,
            organiser_id=organiser_id,
            check_in_secret=secret,
            created_by=by,
            created_at=now,
            updated_at=now,
            **details.__dict__,
        )

    @property
    def details(self) -> Details:
        return Details(
            self.title,
            self.description,
            self.category,
            self.difficulty,
            self.start_time,
            self.end_time,
            self.place,
            self.capacity,
        )

    @property
    def duration_minutes(self) -> int:
        return int((self.end_time - self.start_time).total_seconds() // 60)

    @property
    def total_minutes_cap(self) -> int:
        """Minutes all its hour records may add up to: one full duration per place.

        The places are the capacity, or the members signed up when the capacity is 0 (no limit).
        More would have someone serving twice at once, which is how minted hours look.
        """
        places = self.capacity or self.signed_up_count
        return places * self.duration_minutes

    def status(self, now: datetime) -> str:
        if self.cancelled:
            return CANCELLED
        if now < self.start_time:
            return SCHEDULED
        return IN_PROGRESS if now < self.end_time else ENDED

    def check_in_open(self, now: datetime) -> bool:
        return self.start_time - CHECK_IN_OPENS_BEFORE <= now <= self.end_time

    def check_out_open(self, now: datetime) -> bool:
        return now <= self.end_time + CHECK_OUT_CLOSES_AFTER

    def require_sign_up_open(self, now: datetime) -> None:
        if self.cancelled:
            raise FailedPrecondition("活动已取消，不能报名", "the activity is cancelled")
        if now >= self.end_time:
            raise FailedPrecondition("活动已结束，不能报名", "the activity has ended")

    def require_check_in_open(self, now: datetime) -> None:
        if self.cancelled:
            raise FailedPrecondition(*CANCELLED_REFUSAL)
        if not self.check_in_open(now):
            raise FailedPrecondition(
                "不在签到时间内（活动开始前 30 分钟至结束）",
                "check-in is open from 30 minutes before the start until the end",
            )

    def require_hours_recordable(self, now: datetime) -> None:
        """Hours are recorded for an activity that takes place, once it has started."""
        if self.cancelled:
            raise FailedPrecondition(*CANCELLED_REFUSAL)
        if now < self.start_time:
            raise FailedPrecondition("活动尚未开始，不能记录服务时长", "the activity has not started yet")

    def revised(self, details: Details, organiser_id: str, now: datetime) -> Activity:
        return replace(self, **details.__dict__, organiser_id=organiser_id, updated_at=now)

    def cancel(self, reason: str, now: datetime) -> Activity:
        if self.cancelled:
            raise FailedPrecondition("活动已经取消", "the activity is already cancelled")
        if now >= self.end_time:
            # It took place: its hours stand, so it is not cancelled after the fact.
            raise FailedPrecondition("活动已结束，不能取消", "the activity has ended and cannot be cancelled")
        return replace(self, cancelled=True, cancel_reason=reason, updated_at=now)


@dataclass(frozen=True)
class Participant:
    activity_id: str
    member_id: str
    status: str
    signed_up_at: datetime
    check_in_time: datetime | None = None
    check_out_time: datetime | None = None
    hour_record_id: str = ""

    @property
    def signed_up(self) -> bool:
        """Counted in the activity's signed_up_count (every state but withdrawn)."""
        return self.status != WITHDRAWN

    def rejoin(self, now: datetime) -> Participant:
        return replace(self, status=SIGNED_UP, signed_up_at=now, check_in_time=None, check_out_time=None)

    def withdraw(self) -> Participant:
        return replace(self, status=WITHDRAWN)

    def check_in(self, now: datetime) -> Participant:
        return replace(self, status=CHECKED_IN, check_in_time=now)

    def check_out(self, now: datetime, hour_record_id: str) -> Participant:
        return replace(self, status=CHECKED_OUT, check_out_time=now, hour_record_id=hour_record_id)

    def served(self, check_in: datetime, check_out: datetime, hour_record_id: str) -> Participant:
        """Hours recorded by the organiser: the member counts as having checked in and out."""
        return replace(
            self,
            status=CHECKED_OUT,
            check_in_time=check_in,
            check_out_time=check_out,
            hour_record_id=hour_record_id,
        )
