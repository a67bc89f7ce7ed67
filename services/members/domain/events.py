"""What the members register announces: recorded by Member, Community and Grid as they change.

Each event carries what its consumers keep (the points and market copies of a member, the places
they list), so the outbox adapter can build the contract message from the event alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Grant


@dataclass(frozen=True)
class MemberRegistered:
    member_id: str
    name: str
    community_id: str
    street_id: str
    grid_id: str
    grants: tuple[Grant, ...]
    registered_at: datetime


@dataclass(frozen=True)
class MemberUpdated:
    """Their profile, place or roles changed (one event for all: consumers replace their copy)."""

    member_id: str
    name: str
    community_id: str
    street_id: str
    grid_id: str
    grants: tuple[Grant, ...]
    status: str
    proxy_redemption_refused: bool
    updated_at: datetime


@dataclass(frozen=True)
class MemberDeactivated:
    member_id: str
    reason: str
    deactivated_at: datetime


@dataclass(frozen=True)
class MemberReactivated:
    member_id: str
    reactivated_at: datetime


@dataclass(frozen=True)
class CommunityCreated:
    community_id: str
    street_id: str
    name: str
    created_at: datetime | None


@dataclass(frozen=True)
class GridCreated:
    grid_id: str
    community_id: str
    name: str
    created_at: datetime | None
