"""Activities (志愿活动): admins plan them; organisers and admins change or cancel them; all read them.

Each change answers with the activity as its caller sees it at that moment (its status, whether
they are signed up), so the idempotent handler's view is bound to the caller and clock per call;
bad input is refused before any transaction starts.
"""

from __future__ import annotations

from dataclasses import replace

from jifen import paging
from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import FailedPrecondition, InvalidArgument, PermissionDenied, bounded
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain import check_in_code
from ...domain.activity import CANCELLED_REFUSAL, EDITABLE, MAX_CANCEL_REASON, STATUSES, Activity, Details
from .. import scope
from ..lookups import known_active_member, known_activity, known_community, known_member
from ..ports import UnitOfWork
from ..scope import refused, require_admin_of
from . import views
from .commands import CancelActivity, CreateActivity, ListActivities, UpdateActivity
from .ports import ActivityFilter
from .views import ActivityView

UPDATABLE = EDITABLE | {"organiser_id"}


def create_activity(cmd: CreateActivity, uow: UnitOfWork, clock: Clock = utcnow) -> ActivityView:
    details = Details(
        cmd.title,
        cmd.description,
        cmd.category,
        cmd.difficulty,
        cmd.start_time,
        cmd.end_time,
        cmd.place,
        cmd.capacity,
    ).validated()
    shown = idempotent("points.CreateActivity", view=views.as_seen_by(cmd.actor, clock))
    return shown(_plan)(cmd, uow, details, clock)


def _plan(cmd: CreateActivity, uow: UnitOfWork, details: Details, clock: Clock) -> dict:
    community = known_community(uow, cmd.community_id)
    require_admin_of(cmd.actor, community)
    organiser = known_active_member(uow, scope.target_member(cmd.actor, cmd.organiser_id), "organiser_id")
    planned = Activity.plan(
        new_id(),
        community.id,
        details,
        organiser.id,
        check_in_code.new_secret(),
        cmd.actor.member_id,
        clock(),
    )
    uow.activities.add(planned)
    return {"activity_id": planned.id}


def update_activity(cmd: UpdateActivity, uow: UnitOfWork, clock: Clock = utcnow) -> ActivityView:
    fields = set(cmd.fields)
    if not fields:
        raise InvalidArgument("update_mask", "请指定要修改的字段", "name the fields to change")
    unknown = fields - UPDATABLE
    if unknown:
        raise InvalidArgument(
            "update_mask",
            f"不能修改：{', '.join(sorted(unknown))}",
            f"cannot change {', '.join(sorted(unknown))}",
        )
    shown = idempotent("points.UpdateActivity", view=views.as_seen_by(cmd.actor, clock))
    return shown(_revise)(cmd, uow, fields, clock)


def _revise(cmd: UpdateActivity, uow: UnitOfWork, fields: set[str], clock: Clock) -> dict:
    current = known_activity(uow, cmd.activity_id, lock=True)
    scope.require_runs(uow, cmd.actor, current)
    if current.cancelled:
        raise FailedPrecondition(*CANCELLED_REFUSAL)
    asked = {name: getattr(cmd, name) for name in fields & EDITABLE}
    details = replace(current.details, **asked).validated()
    organiser_id = current.organiser_id
    if "organiser_id" in fields:
        # An organiser who could hand the role on could hand it to a second account of their own.
        if not scope.administers_activity(uow, cmd.actor, current):
            raise PermissionDenied(
                "只有管理员可以更换活动组织者", "only an admin may change the organiser", "organiser_id"
            )
        organiser_id = known_active_member(uow, cmd.organiser_id, "organiser_id").id
    if not uow.activities.save(current.revised(details, organiser_id, clock())):
        raise FailedPrecondition(
            "人数上限不能少于已报名人数",
            "capacity may not drop below signed_up_count",
            "capacity",
        )
    return {"activity_id": current.id}


def cancel_activity(cmd: CancelActivity, uow: UnitOfWork, clock: Clock = utcnow) -> ActivityView:
    reason = bounded("reason", cmd.reason, MAX_CANCEL_REASON, "取消原因", optional=False)
    shown = idempotent("points.CancelActivity", view=views.as_seen_by(cmd.actor, clock))
    return shown(_cancel)(cmd, uow, reason, clock)


def _cancel(cmd: CancelActivity, uow: UnitOfWork, reason: str, clock: Clock) -> dict:
    current = known_activity(uow, cmd.activity_id, lock=True)
    scope.require_runs(uow, cmd.actor, current)
    uow.activities.save(current.cancel(reason, clock()))
    return {"activity_id": current.id}


def get_activity(actor: Caller, activity_id: str, uow: UnitOfWork, clock: Clock = utcnow) -> ActivityView:
    with uow:
        return views.activity(uow, known_activity(uow, activity_id), actor, clock())


def list_activities(
    query: ListActivities, uow: UnitOfWork, clock: Clock = utcnow
) -> tuple[list[ActivityView], str]:
    page = paging.page(query.page_size, query.page_token)
    if query.status and query.status not in STATUSES:
        raise InvalidArgument("status", "未知的活动状态", f"must be one of {', '.join(STATUSES)}")
    member_id = query.signed_up_member_id.strip()
    now = clock()
    where = ActivityFilter(
        community_id=query.community_id.strip(),
        status=query.status,
        now=now,
        organiser_id=query.organiser_id.strip(),
        signed_up_member_id=member_id,
        starts_after=query.starts_after,
        starts_before=query.starts_before,
        query=query.query.strip(),
    )
    with uow:
        # "My activities" are the member's own business, and their admins'.
        if member_id and member_id != query.actor.member_id:
            target = known_member(uow, member_id, "signed_up_member_id")
            if not query.actor.administers(target.community_id, target.street_id):
                raise refused()
        found = uow.activities.list(where, page.offset, page.size)
        shown = views.activities(uow, found, query.actor, now)
    return shown, page.next_token(len(found))
