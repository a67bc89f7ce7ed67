"""Signing up for activities and withdrawing: the capacity holds however many sign up at once.

The count of members signed up is never read and written back: taking a place is one
conditional UPDATE that succeeds only while there is room, so the database decides races.
Both answer with the activity as their caller sees it, so the handler's view is bound per call.
"""

from __future__ import annotations

from datetime import datetime

from jifen import paging
from jifen.clock import Clock, utcnow
from jifen.errors import Conflict, FailedPrecondition, InvalidArgument
from jifen.idempotency import idempotent

from ...domain.activity import CHECKED_IN, CHECKED_OUT, SIGNED_UP, WITHDRAWN, Activity, Participant
from .. import scope
from ..lookups import known_active_member, known_activity
from ..ports import UnitOfWork
from ..scope import refused
from . import views
from .commands import ListParticipants, SignUp, Withdraw
from .views import ActivityView, ParticipantView

FULL = ("名额已满", "the activity is full")
PARTICIPANT_STATUSES = (SIGNED_UP, CHECKED_IN, CHECKED_OUT, WITHDRAWN)


def sign_up(cmd: SignUp, uow: UnitOfWork, clock: Clock = utcnow) -> tuple[ParticipantView, ActivityView]:
    shown = idempotent("points.SignUp", view=views.participation(cmd.actor, clock))
    return shown(_sign_up)(cmd, uow, clock)


def _sign_up(cmd: SignUp, uow: UnitOfWork, clock: Clock) -> dict:
    activity = known_activity(uow, cmd.activity_id)
    member_id = _acting_for(uow, cmd.actor, cmd.member_id, activity, adding=True)
    member = known_active_member(uow, member_id)
    now = clock()
    activity.require_sign_up_open(now)
    join(uow, activity, member.id, now)
    return {"activity_id": activity.id, "member_id": member.id}


def withdraw(cmd: Withdraw, uow: UnitOfWork, clock: Clock = utcnow) -> tuple[ParticipantView, ActivityView]:
    shown = idempotent("points.Withdraw", view=views.participation(cmd.actor, clock))
    return shown(_withdraw)(cmd, uow, clock)


def _withdraw(cmd: Withdraw, uow: UnitOfWork, clock: Clock) -> dict:
    activity = known_activity(uow, cmd.activity_id)
    member_id = _acting_for(uow, cmd.actor, cmd.member_id, activity)
    existing = uow.activities.participant(activity.id, member_id)
    if existing is None:
        raise FailedPrecondition("尚未报名该活动", "the member is not signed up for this activity")
    ref = {"activity_id": activity.id, "member_id": member_id}
    if existing.status == WITHDRAWN:
        return ref
    if existing.status != SIGNED_UP:
        raise FailedPrecondition("已签到，不能取消报名", "the member has already checked in")
    if clock() >= activity.end_time:
        raise FailedPrecondition("活动已结束，不能取消报名", "the activity has ended")
    if not uow.activities.save_participant(existing.withdraw(), was=SIGNED_UP):
        raise Conflict("participant changed concurrently")
    uow.activities.free_place(activity.id)
    return ref


def list_participants(query: ListParticipants, uow: UnitOfWork) -> tuple[list[ParticipantView], str]:
    page = paging.page(query.page_size, query.page_token)
    if query.status and query.status not in PARTICIPANT_STATUSES:
        raise InvalidArgument("status", "未知的报名状态", f"must be one of {', '.join(PARTICIPANT_STATUSES)}")
    statuses = (query.status,) if query.status else (SIGNED_UP, CHECKED_IN, CHECKED_OUT)
    with uow:
        activity = known_activity(uow, query.activity_id)
        scope.require_runs(uow, query.actor, activity)
        found = uow.activities.participants(activity.id, statuses, page.offset, page.size)
        shown = views.participants(uow, found)
    return shown, page.next_token(len(found))


def join(uow: UnitOfWork, activity: Activity, member_id: str, now: datetime, within_capacity: bool = True):
    """Signs the member up (again, after a withdrawal) and takes a place; returns their participant.

    Signing up twice returns the existing participant and counts once. Without `within_capacity`
    the place is taken even when the activity is full (hours already served are a fact).
    """
    existing = uow.activities.participant(activity.id, member_id)
    if existing is not None and existing.signed_up:
        return existing
    member = uow.people.member(member_id)
    if member is None or member.community_id != activity.community_id:
        # Hours count only for the community's own members: an outsider is where minted hours hide.
        raise FailedPrecondition(
            "只有本社区的成员可以参加该活动",
            "only members of the activity's community may take part",
            "member_id",
        )
    if existing is None:
        # A twin inserting the same participant at once loses on the primary key and retries.
        joined = Participant(activity.id, member_id, SIGNED_UP, now)
        uow.activities.add_participant(joined)
    else:
        joined = existing.rejoin(now)
        if not uow.activities.save_participant(joined, was=WITHDRAWN):
            raise Conflict("participant changed concurrently")
    if not within_capacity:
        uow.activities.force_place(activity.id)
    elif not uow.activities.take_place(activity.id):
        raise FailedPrecondition(*FULL)
    return joined


def _acting_for(uow: UnitOfWork, actor, member_id: str, activity: Activity, adding: bool = False) -> str:
    """The member a sign-up or withdrawal is for: the caller, or another member when the caller runs
    the activity. Only an admin adds someone else: a participant is who may be given hours."""
    target = scope.target_member(actor, member_id)
    if target != actor.member_id:
        if adding and not scope.administers_activity(uow, actor, activity):
            raise refused()
        scope.require_runs(uow, actor, activity)
    return target
