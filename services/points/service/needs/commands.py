"""Commands and queries of the needs list and the resource list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Caller


@dataclass(frozen=True)
class PostNeed:
    request_id: str
    actor: Caller
    community_id: str
    title: str
    points: int
    wanted: int
    grid_id: str = ""
    place: str = ""
    description: str = ""
    category: str = ""
    deadline: datetime | None = None


@dataclass(frozen=True)
class ListNeeds:
    actor: Caller
    community_id: str
    status: str = ""
    grid_id: str = ""


@dataclass(frozen=True)
class GetNeed:
    actor: Caller
    need_id: str


@dataclass(frozen=True)
class ClaimNeed:
    request_id: str
    actor: Caller
    need_id: str
    organization_id: str = ""


@dataclass(frozen=True)
class RejectClaim:
    request_id: str
    actor: Caller
    need_id: str
    claim_id: str
    reason: str = ""


@dataclass(frozen=True)
class AddNeedNote:
    request_id: str
    actor: Caller
    need_id: str
    text: str


@dataclass(frozen=True)
class CloseNeed:
    request_id: str
    actor: Caller
    need_id: str
    result: str
    member_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReopenNeed:
    request_id: str
    actor: Caller
    need_id: str
    reason: str = ""


@dataclass(frozen=True)
class PutResource:
    request_id: str
    actor: Caller
    community_id: str
    unit_name: str
    title: str
    resource_id: str = ""
    description: str = ""
    contact: str = ""


@dataclass(frozen=True)
class DeleteResource:
    request_id: str
    actor: Caller
    resource_id: str


@dataclass(frozen=True)
class ListResources:
    actor: Caller
    community_id: str


@dataclass(frozen=True)
class GetNeedsReport:
    actor: Caller
    community_id: str
    period_start: datetime | None
    period_end: datetime | None
