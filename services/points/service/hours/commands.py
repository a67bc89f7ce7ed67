"""Commands and queries of the hours use cases; mutating ones carry their idempotency key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Caller


@dataclass(frozen=True)
class HoursEntry:
    member_id: str
    minutes: int
    check_in_time: datetime | None = None
    check_out_time: datetime | None = None


@dataclass(frozen=True)
class RecordHours:
    request_id: str
    actor: Caller
    activity_id: str
    entries: tuple[HoursEntry, ...]


@dataclass(frozen=True)
class ListHourRecords:
    actor: Caller
    activity_id: str = ""
    member_id: str = ""
    community_id: str = ""
    status: str = ""
    flagged_only: bool = False
    served_after: datetime | None = None
    served_before: datetime | None = None
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class ApproveHours:
    request_id: str
    actor: Caller
    hour_record_ids: tuple[str, ...]
    override: bool = False
    override_reason: str = ""


@dataclass(frozen=True)
class RejectHours:
    request_id: str
    actor: Caller
    hour_record_ids: tuple[str, ...]
    reason: str = ""
