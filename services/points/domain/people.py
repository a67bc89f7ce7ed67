"""What the points service knows of members and communities: copies kept from members' events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class CommunityCopy:
    id: str
    street_id: str
    name: str = ""
