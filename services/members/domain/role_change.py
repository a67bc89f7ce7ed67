"""What an admin did to someone's standing: roles set, deactivated, reactivated. Never changed later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Grant

ROLES_SET = "roles_set"
DEACTIVATED = "deactivated"
REACTIVATED = "reactivated"
ROLE_CHANGE_KINDS = (ROLES_SET, DEACTIVATED, REACTIVATED)


@dataclass(frozen=True)
class RoleChange:
    id: str
    kind: str
    # Whom it was done to, and where they lived then (the audit is read per community).
    member_id: str
    community_id: str
    street_id: str
    actor_id: str
    occurred_at: datetime
    roles_before: tuple[Grant, ...] = ()
    roles_after: tuple[Grant, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class RoleChangeFilter:
    community_id: str
    kinds: tuple[str, ...] = ROLE_CHANGE_KINDS
    created_after: datetime | None = None
    created_before: datetime | None = None
