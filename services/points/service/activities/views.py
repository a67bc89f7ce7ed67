"""What the activity use cases return: domain objects with the names and states a reader needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Caller
from jifen.clock import Clock

from ...domain.activity import Activity, Participant
from ..hours.views import HourRecordView, records
from ..lookups import known_activity
from ..ports import UnitOfWork


@dataclass(frozen=True)
class ActivityView:
    activity: Activity
    status: str
    caller_signed_up: bool


@dataclass(frozen=True)
class ParticipantView:
    participant: Participant
    member_name: str


def activities(uow: UnitOfWork, found: list[Activity], actor: Caller, now: datetime) -> list[ActivityView]:
    mine = uow.activities.signed_up([a.id for a in found], actor.member_id) if actor.member_id else set()
    return [ActivityView(a, a.status(now), a.id in mine) for a in found]


def activity(uow: UnitOfWork, found: Activity, actor: Caller, now: datetime) -> ActivityView:
    return activities(uow, [found], actor, now)[0]


def participants(uow: UnitOfWork, found: list[Participant]) -> list[ParticipantView]:
    people = uow.people.members([p.member_id for p in found])
    return [ParticipantView(p, people[p.member_id].name if p.member_id in people else "") for p in found]


def as_seen_by(actor: Caller, clock: Clock) -> Callable[[UnitOfWork, dict], ActivityView]:
    """The view of the activity a result names, read in the use case's own transaction (also what
    a replay returns), as `actor` sees it at `clock`'s moment."""

    def view(uow: UnitOfWork, ref: dict) -> ActivityView:
        return activity(uow, known_activity(uow, ref["activity_id"]), actor, clock())

    return view


def participation(
    actor: Caller, clock: Clock
) -> Callable[[UnitOfWork, dict], tuple[ParticipantView, ActivityView]]:
    """The view of the participant and activity a result names, in the use case's own transaction."""

    def view(uow: UnitOfWork, ref: dict) -> tuple[ParticipantView, ActivityView]:
        found = known_activity(uow, ref["activity_id"])
        participant = uow.activities.participant(found.id, ref["member_id"])
        return participants(uow, [participant])[0], activity(uow, found, actor, clock())

    return view


def participant_of(uow: UnitOfWork, ref: dict) -> ParticipantView:
    """The participant a result names, in the use case's own transaction."""
    return participants(uow, [uow.activities.participant(ref["activity_id"], ref["member_id"])])[0]


def checked_out(uow: UnitOfWork, ref: dict) -> tuple[ParticipantView, HourRecordView]:
    """The participant and the hour record a check-out names, in the use case's own transaction."""
    participant = uow.activities.participant(ref["activity_id"], ref["member_id"])
    record = uow.hours.get(ref["hour_record_id"])
    return participants(uow, [participant])[0], records(uow, [record])[0]
