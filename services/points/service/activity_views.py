"""What the activity use cases return: domain objects with the names and states a reader needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Caller

from ..domain.activity import Activity, Participant
from ..domain.hours import HourRecord
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
    titles = {a.id: a.title for a in uow.activities.many([r.activity_id for r in found]).values()}
    return [
        HourRecordView(
            r,
            titles.get(r.activity_id, ""),
            people[r.member_id].name if r.member_id in people else "",
        )
        for r in found
    ]
