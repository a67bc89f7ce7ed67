"""Flagging hour records against the member's other records and the rules in force.

A record's flags depend on its neighbours (same member, same day or overlapping time), so when
a record appears, changes or is rejected, its pending neighbours are flagged afresh too.

The rules are those in force at the activity's start, for the daily cap as for the points: a
version published later never changes what an activity held earlier earns, so what an admin is
shown before approving (the preview) is what the volunteer is paid.
"""

from __future__ import annotations

from datetime import datetime

from ...domain.activity import Activity
from ...domain.hours import PENDING, HourRecord, flags_for
from ...domain.rules import RuleVersion, local_day_bounds
from ..lookups import known_community
from ..ports import UnitOfWork


def rules_in_force(uow: UnitOfWork, activity: Activity) -> RuleVersion:
    """The version in force at the activity's start."""
    community = known_community(uow, activity.community_id)
    return uow.rules.in_force(activity.community_id, community.street_id, activity.start_time)


class Flagger:
    """Computes flags within one transaction, remembering the activities and caps it looked up."""

    def __init__(self, uow: UnitOfWork, now: datetime):
        self.uow = uow
        self.now = now
        self._activities: dict[str, Activity] = {}
        self._caps: dict[str, int] = {}

    def remember(self, activity: Activity) -> None:
        self._activities[activity.id] = activity

    def activity(self, activity_id: str) -> Activity:
        if activity_id not in self._activities:
            self._activities[activity_id] = self.uow.activities.get(activity_id)
        return self._activities[activity_id]

    def daily_cap(self, activity: Activity) -> int:
        """The cap of the rule version in force at the activity's start (0 = none)."""
        if activity.id not in self._caps:
            self._caps[activity.id] = rules_in_force(self.uow, activity).rules.daily_hour_cap_minutes
        return self._caps[activity.id]

    def flags(self, record: HourRecord) -> tuple[str, ...]:
        activity = self.activity(record.activity_id)
        others = self.uow.hours.around(record.member_id, *_neighbourhood(record))
        return flags_for(record, others, activity.duration_minutes, self.daily_cap(activity))

    def refreshed(self, record: HourRecord) -> HourRecord:
        return record.flagged(self.flags(record), self.now)

    def refresh_around(self, record: HourRecord) -> None:
        """Re-flags the member's pending records whose flags `record` may affect."""
        for neighbour in self.uow.hours.around(record.member_id, *_neighbourhood(record)):
            if neighbour.id == record.id or neighbour.status != PENDING:
                continue
            updated = self.refreshed(neighbour)
            if updated is not neighbour:
                self.uow.hours.save(updated, was=PENDING)


def _neighbourhood(record: HourRecord) -> tuple[datetime, datetime]:
    """A span covering every record that can overlap this one or share its (Asia/Shanghai) day."""
    day_start, day_end = local_day_bounds(record.check_in_time)
    return min(day_start, record.check_in_time), max(day_end, record.check_out_time)
