"""The audit trail: what an admin did to points, as the console lists it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

AWARD = "award"
COMMENDATION = "commendation"
ADJUSTMENT = "adjustment"
RULE_PUBLICATION = "rule_publication"
AUDIT_KINDS = (AWARD, COMMENDATION, ADJUSTMENT, RULE_PUBLICATION)


@dataclass(frozen=True)
class AuditEvent:
    id: str
    kind: str
    actor_id: str
    occurred_at: datetime
    reason: str
    member_id: str = ""
    points: int = 0
    source_id: str = ""
    rule_version_id: str = ""


@dataclass(frozen=True)
class AuditFilter:
    community_id: str
    street_id: str
    kinds: tuple[str, ...] = AUDIT_KINDS
    created_after: datetime | None = None
    created_before: datetime | None = None
