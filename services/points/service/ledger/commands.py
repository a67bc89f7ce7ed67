"""Commands and queries of the ledger, with the idempotency key where they change something."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Caller


@dataclass(frozen=True)
class GetBalance:
    actor: Caller
    member_id: str = ""


@dataclass(frozen=True)
class ListEntries:
    actor: Caller
    member_id: str = ""
    kinds: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class Award:
    request_id: str
    actor: Caller
    member_id: str
    points: int
    reason: str


@dataclass(frozen=True)
class AwardCommendation:
    request_id: str
    actor: Caller
    member_id: str
    commendation: str
    citation: str = ""


@dataclass(frozen=True)
class BulkAward:
    request_id: str
    actor: Caller
    member_ids: tuple[str, ...]
    points: int
    reason: str


@dataclass(frozen=True)
class BulkAwardCommendation:
    request_id: str
    actor: Caller
    member_ids: tuple[str, ...]
    commendation: str
    citation: str = ""


@dataclass(frozen=True)
class Adjust:
    request_id: str
    actor: Caller
    member_id: str
    points: int
    reason: str


@dataclass(frozen=True)
class PlaceHold:
    request_id: str
    actor: Caller
    hold_id: str
    member_id: str
    amount: int
    deadline: datetime | None
    reason: str = ""


@dataclass(frozen=True)
class CaptureHold:
    request_id: str
    actor: Caller
    hold_id: str


@dataclass(frozen=True)
class ReleaseHold:
    request_id: str
    actor: Caller
    hold_id: str
    reason: str
