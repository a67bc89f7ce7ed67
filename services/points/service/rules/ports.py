"""What the rules use cases need: rule versions by scope and time, and the hours a preview replays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ...domain.people import CommunityCopy
from ...domain.rules import RuleVersion


class Rules(Protocol):
    """The part every capability reads: a version by id, the one in force."""

    def add(self, version: RuleVersion) -> None: ...
    def get(self, version_id: str) -> RuleVersion | None: ...
    def in_force(self, community_id: str, street_id: str, at: datetime) -> RuleVersion: ...
    def of_scope(self, community_id: str, street_id: str, offset: int, limit: int) -> list[RuleVersion]: ...


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
