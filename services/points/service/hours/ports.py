"""What the hour use cases need from their repository (SqlHourRecords)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ...domain.hours import HourRecord


@dataclass(frozen=True)
class Visibility:
    """Whose hour records a caller may read: a record matching any part is visible."""

    member_id: str = ""
    # Records of activities this member organises.
    organiser_id: str = ""
    community_ids: tuple[str, ...] = ()
    # Records in any community of these streets.
    street_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class HourFilter:
    visible: Visibility
    activity_id: str = ""
    member_id: str = ""
    community_id: str = ""
    status: str = ""
    flagged_only: bool = False
    served_after: datetime | None = None
    served_before: datetime | None = None


class HourRecordRepository(Protocol):
    def add(self, record: HourRecord) -> None: ...
    def get(self, record_id: str, lock: bool = False) -> HourRecord | None: ...
    def many(self, record_ids: list[str]) -> dict[str, HourRecord]: ...
    def save(self, record: HourRecord, was: str) -> bool:
        """Writes the record only if its status is still `was`."""
        ...

    def current(self, activity_id: str, member_id: str) -> HourRecord | None:
        """The member's non-rejected record for the activity (there is at most one)."""
        ...

    def total_minutes(self, activity_id: str, statuses: tuple[str, ...]) -> int:
        """The minutes of the activity's records in these statuses, added up."""
        ...

    def around(self, member_id: str, start: datetime, end: datetime) -> list[HourRecord]:
        """The member's non-rejected records whose interval meets [start, end)."""
        ...

    def list(self, where: HourFilter, offset: int, limit: int) -> list[HourRecord]: ...
