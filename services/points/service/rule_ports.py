"""What the rules use cases need from the rules repository beyond ports.Rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.people import CommunityCopy
from ..domain.rules import RuleVersion
from .ports import Rules


@dataclass(frozen=True)
class ApprovedHourRow:
    """An approved hour record with what the arithmetic of a rule set needs of its activity."""

    hour_record_id: str
    member_id: str
    community_id: str
    minutes: int
    points_accrued: int
    activity_start: datetime
    difficulty: int
    category: str


class RuleRepository(Rules, Protocol):
    def at_scope_from(
        self, community_id: str, street_id: str, effective_from: datetime
    ) -> RuleVersion | None: ...
    def street_known(self, street_id: str) -> bool: ...
    def street_communities(self, street_id: str) -> list[CommunityCopy]: ...
    def first_community_versions(self, community_ids: list[str]) -> dict[str, datetime]: ...
    def approved_hours(
        self, community_ids: list[str], start: datetime, end: datetime
    ) -> list[ApprovedHourRow]: ...
