"""Commands and queries of the activity use cases; mutating ones carry their idempotency key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Caller


@dataclass(frozen=True)
class CreateActivity:
    request_id: str
    actor: Caller
    community_id: str
    title: str
    category: str
    difficulty: int
    start_time: datetime | None
    end_time: datetime | None
    description: str = ""
    place: str = ""
    capacity: int = 0
    # Empty means the caller.
    organiser_id: str = ""


@dataclass(frozen=True)
class UpdateActivity:
    request_id: str
    actor: Caller
    activity_id: str
    # The update_mask paths.
    fields: tuple[str, ...]
    title: str = ""
    description: str = ""
    category: str = ""
    difficulty: int = 0
    start_time: datetime | None = None
    end_time: datetime | None = None
    place: str = ""
    capacity: int = 0
    organiser_id: str = ""


@dataclass(frozen=True)
class CancelActivity:
    request_id: str
    actor: Caller
    activity_id: str
    reason: str


@dataclass(frozen=True)
class ListActivities:
    actor: Caller
    community_id: str = ""
    status: str = ""
    organiser_id: str = ""
    signed_up_member_id: str = ""
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    query: str = ""
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class SignUp:
    request_id: str
    actor: Caller
    activity_id: str
    # Empty means the caller.
    member_id: str = ""


@dataclass(frozen=True)
class Withdraw:
    request_id: str
    actor: Caller
    activity_id: str
    member_id: str = ""


@dataclass(frozen=True)
class ListParticipants:
    actor: Caller
    activity_id: str
    # "" means all but withdrawn.
    status: str = ""
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class CheckIn:
    request_id: str
    actor: Caller
    activity_id: str
    code: str = ""
    member_id: str = ""
    # The on-site QR's signed token, instead of the code.
    qr_token: str = ""


@dataclass(frozen=True)
class CheckOut:
    request_id: str
    actor: Caller
    activity_id: str
    code: str = ""
    member_id: str = ""
    # The on-site QR's signed token, instead of the code.
    qr_token: str = ""
