"""What the market knows of members and communities: copies kept from the members service's events."""

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
    # The shop a staff member works at (their ROLE_STAFF grant); "" for everyone else.
    staff_shop_id: str = ""
    # The roles members last announced for them; None for a copy kept before copies held roles.
    grants: tuple[Grant, ...] | None = None
    # The member switched 代兑换 off: no grid worker may redeem for them.
    proxy_redemption_refused: bool = False

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class CommunityCopy:
    id: str
    street_id: str
    name: str = ""
