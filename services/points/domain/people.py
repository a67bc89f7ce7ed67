"""What the points service knows of members and communities: copies kept from members' events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Grant

ACTIVE = "active"
DEACTIVATED = "deactivated"


@dataclass(frozen=True)
class MemberCopy:
    id: str
    name: str
    community_id: str
    street_id: str
    grid_id: str
    status: str
    updated_at: datetime
    # The roles members last announced for them; None for a copy kept before copies held roles.
    grants: tuple[Grant, ...] | None = None

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class CommunityCopy:
    id: str
    street_id: str
    name: str = ""
