"""What the activity use cases return: domain objects with the names and states a reader needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Caller

from ..domain.activity import Activity, Participant
from ..domain.hours import HourRecord
from .hour_points import Earning, earning, rules_in_force
from .ports import UnitOfWork


@dataclass(frozen=True)
class ActivityView:
    activity: Activity
    status: str
    caller_signed_up: bool


@dataclass(frozen=True)
class ParticipantView:
    participant: Participant
    member_name: str


@dataclass(frozen=True)
class HourRecordView:
    record: HourRecord
    activity_title: str
    member_name: str
    # For a pending record: what approving it would accrue now.
    preview: Earning | None = None


def activities(uow: UnitOfWork, found: list[Activity], actor: Caller, now: datetime) -> list[ActivityView]:
    mine = uow.activities.signed_up([a.id for a in found], actor.member_id) if actor.member_id else set()
    return [ActivityView(a, a.status(now), a.id in mine) for a in found]


def activity(uow: UnitOfWork, found: Activity, actor: Caller, now: datetime) -> ActivityView:
    return activities(uow, [found], actor, now)[0]


def participants(uow: UnitOfWork, found: list[Participant]) -> list[ParticipantView]:
    people = uow.people.members([p.member_id for p in found])
    return [ParticipantView(p, people[p.member_id].name if p.member_id in people else "") for p in found]


def records(uow: UnitOfWork, found: list[HourRecord]) -> list[HourRecordView]:
    people = uow.people.members([r.member_id for r in found])
    activities = uow.activities.many([r.activity_id for r in found])
    versions = {
        a: rules_in_force(uow, activities[a])
        for a in {r.activity_id for r in found if r.pending and r.activity_id in activities}
    }
    return [
        HourRecordView(
            r,
            activities[r.activity_id].title if r.activity_id in activities else "",
            people[r.member_id].name if r.member_id in people else "",
            earning(versions[r.activity_id], r, activities[r.activity_id])
            if r.activity_id in versions and r.pending
            else None,
        )
        for r in found
    ]
