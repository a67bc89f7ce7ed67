"""What the activity use cases need from their repository (SqlActivities) and the check-in limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ...domain.activity import Activity, Participant


@dataclass(frozen=True)
class ActivityFilter:
    community_id: str = ""
    # One of domain.activity.STATUSES or "" for all; derived statuses are compared with `now`.
    status: str = ""
    now: datetime | None = None
    organiser_id: str = ""
    signed_up_member_id: str = ""
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    # A part of the title.
    query: str = ""


class AttemptLimiter(Protocol):
    """Counts attempts per subject in a window (jifen.rate_limit.FailureLimiter over Redis)."""

    def attempt(self, subject: str) -> bool:
        """Counts one attempt; False once the subject has used up the window's attempts."""
        ...

    def refund(self, subject: str) -> None:
        """Takes back the attempt a success counted: only failures stay on the count."""
        ...


class ActivityRepository(Protocol):
    def add(self, activity: Activity) -> None: ...
    def get(self, activity_id: str, lock: bool = False) -> Activity | None: ...
    def many(self, activity_ids: list[str]) -> dict[str, Activity]: ...
    def save(self, activity: Activity) -> bool:
        """Writes everything but signed_up_count; False (nothing written) when the new capacity
        is below the count at that moment, decided in the same UPDATE."""
        ...

    def list(self, where: ActivityFilter, offset: int, limit: int) -> list[Activity]: ...

    # The count of members signed up changes only by conditional updates, never read-then-write.
    def take_place(self, activity_id: str) -> bool:
        """+1 if the activity is not cancelled and has room (capacity 0 = no limit)."""
        ...

    def force_place(self, activity_id: str) -> None:
        """+1 regardless of room, raising the capacity to the count if needed: hours served are a fact."""
        ...

    def free_place(self, activity_id: str) -> bool: ...

    def participant(self, activity_id: str, member_id: str) -> Participant | None: ...
    def add_participant(self, participant: Participant) -> None: ...
    def save_participant(self, participant: Participant, was: str) -> bool:
        """Writes the participant only if its status is still `was` (two requests cannot both move it)."""
        ...

    def participants(
        self, activity_id: str, statuses: tuple[str, ...], offset: int, limit: int
    ) -> list[Participant]: ...
    def signed_up(self, activity_ids: list[str], member_id: str) -> set[str]:
        """Which of the activities the member is signed up for (not withdrawn)."""
        ...
