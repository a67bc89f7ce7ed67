"""What the admin console's activity and hour pages show and its JSON API returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from .views import Community


class AdminActivity(BaseModel):
    activity_id: str
    community_id: str
    title: str
    description: str
    category: str
    difficulty: int
    place: str
    start_time: datetime | None
    end_time: datetime | None
    capacity: int
    signed_up_count: int
    status: str
    organiser_id: str
    cancel_reason: str = ""


class Activities(BaseModel):
    communities: list[Community]
    community_id: str
    upcoming: list[AdminActivity]
    past: list[AdminActivity]
    cancelled: list[AdminActivity]
    # Past and cancelled ones go back this many days.
    recent_days: int
    # Some list was longer than one page (100) and shows its first page only.
    more: bool


class Participant(BaseModel):
    member_id: str
    member_name: str
    status: str
    check_in_time: datetime | None
    check_out_time: datetime | None
    hour_record_id: str


class QueuedRecord(BaseModel):
    """An hour record as its admin decides it: who, where, how long, why it is flagged, what it earns."""

    hour_record_id: str
    activity_id: str
    activity_title: str
    member_id: str
    member_name: str
    minutes: int
    check_in_time: datetime | None
    check_out_time: datetime | None
    status: str
    flags: list[str]
    # Pending: what approval would accrue now; decided: what it accrued.
    points: int
    calculation: str
    reject_reason: str = ""
    # Who recorded it: they may not approve it themselves.
    recorded_by: str = ""


class ActivityRecord(BaseModel):
    activity: AdminActivity
    participants: list[Participant]
    hour_records: list[QueuedRecord]
    # Whether the organiser's check-in screen can still show a code.
    check_in_open: bool


class HourQueue(BaseModel):
    communities: list[Community]
    community_id: str
    records: list[QueuedRecord]
    more: bool


class Recorded(BaseModel):
    """Hours recorded one volunteer at a time: who got a pending record, and who not and why."""

    recorded: list[QueuedRecord]
    refused: list[str]


class Decided(BaseModel):
    """An approval: the records approved, and those left pending: flagged ones without the override,
    and ones the admin recorded or served, which someone else must certify."""

    approved: list[QueuedRecord]
    held_back: list[QueuedRecord]
