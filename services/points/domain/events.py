"""What points records happened: plain events an Account or an HourRecord records as it changes.

The outbox adapter (adapters/outbox_messages.py) turns each into its jifen.events.v1 message; the
entry carries the amounts, signed as on the statement, and the moment it was posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only named in annotations: the ledger records these events, so it imports this module.
    from .ledger import Entry


@dataclass(frozen=True)
class PointsAccrued:
    entry: Entry
    hour_record_id: str
    activity_id: str


@dataclass(frozen=True)
class PointsAwarded:
    entry: Entry
    # The commendation's name; empty for a plain award.
    commendation: str = ""


@dataclass(frozen=True)
class PointsAdjusted:
    entry: Entry


@dataclass(frozen=True)
class PointsExpired:
    entry: Entry


@dataclass(frozen=True)
class PointsHeld:
    entry: Entry
    hold_id: str
    reason: str
    deadline: datetime


@dataclass(frozen=True)
class PointsCaptured:
    entry: Entry
    hold_id: str
    points_spent: int


@dataclass(frozen=True)
class PointsReleased:
    entry: Entry
    hold_id: str
    reason: str
    deadline_passed: bool


@dataclass(frozen=True)
class HoursApproved:
    """An hour record certified: its minutes now count, and the member's totals after them."""

    hour_record_id: str
    activity_id: str
    activity_title: str
    community_id: str
    member_id: str
    minutes: int
    check_in_time: datetime
    check_out_time: datetime
    certified_minutes_total: int
    star_level: int
    star_level_changed: bool
    overridden: bool
    approved_by: str
    approved_at: datetime


@dataclass(frozen=True)
class NeedPosted:
    need_id: str
    community_id: str
    grid_id: str
    title: str
    points: int
    wanted: int
    posted_at: datetime


@dataclass(frozen=True)
class NeedClaimed:
    need_id: str
    community_id: str
    claim_id: str
    member_id: str
    organization_id: str
    claimed_at: datetime


@dataclass(frozen=True)
class NeedClosed:
    need_id: str
    community_id: str
    result: str
    awarded_member_ids: tuple[str, ...]
    points_each: int
    closed_at: datetime


@dataclass(frozen=True)
class CertificateIssued:
    """A certificate of service was issued; it never changes afterwards."""

    serial: str
    member_id: str
    community_id: str
    from_date: date
    to_date: date
    total_minutes: int
    issued_by: str
    issued_at: datetime
