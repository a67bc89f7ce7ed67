"""The points an hour record earns: under the rule version in force at its activity's start.

Approval posts these points and the approval queue shows them beforehand, both through `earning`
under `rules_in_force`, so what an admin is shown before approving is what the volunteer is paid.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.activity import Activity
from ..domain.hours import HourRecord
from ..domain.rules import RuleVersion
from . import activity_scope
from .ports import UnitOfWork


@dataclass(frozen=True)
class Earning:
    version: RuleVersion
    points: int
    calculation: str


def rules_in_force(uow: UnitOfWork, activity: Activity) -> RuleVersion:
    """The version in force at the activity's start: one published later never changes what it earns."""
    community = activity_scope.community_of(uow, activity)
    return uow.rules.in_force(activity.community_id, community.street_id, activity.start_time)


def earning(version: RuleVersion, record: HourRecord, activity: Activity) -> Earning:
    points, calculation = version.rules.points_for(record.minutes, activity.difficulty, activity.category)
    return Earning(version, points, calculation)
