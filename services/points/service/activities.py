"""Activities (志愿活动): admins plan them; organisers and admins change or cancel them; all read them."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from jifen import idempotency, paging
from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import FailedPrecondition, InvalidArgument, PermissionDenied, bounded
from jifen.ids import new_id

from ..domain import check_in_code
from ..domain.activity import EDITABLE, MAX_CANCEL_REASON, STATUSES, Activity, Details
from . import access, activity_scope, activity_views
from .activity_commands import CancelActivity, CreateActivity, ListActivities, UpdateActivity
from .activity_ports import ActivityFilter
from .activity_views import ActivityView
from .ports import UnitOfWork

UPDATABLE = EDITABLE | {"organiser_id"}
CANCELLED_ZH = ("活动已取消", "the activity is cancelled")


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

    def execute() -> dict:
        community = access.community(uow, cmd.community_id)
        access.require_admin_of(cmd.actor, community)
        organiser = activity_scope.active_member(
            uow, activity_scope.target_member(cmd.actor, cmd.organiser_id), "organiser_id"
        )
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

    view = partial(produced_activity, uow, cmd.actor, clock)
    return idempotency.run(uow, "points.CreateActivity", cmd, execute, view)


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

    def execute() -> dict:
        current = activity_scope.activity(uow, cmd.activity_id, lock=True)
        activity_scope.require_runs(uow, cmd.actor, current)
        if current.cancelled:
            raise FailedPrecondition(*CANCELLED_ZH)
        asked = {name: getattr(cmd, name) for name in fields & EDITABLE}
        details = replace(current.details, **asked).validated()
        organiser_id = current.organiser_id
        if "organiser_id" in fields:
            # An organiser who could hand the role on could hand it to a second account of their own.
            if not activity_scope.administers(uow, cmd.actor, current):
                raise PermissionDenied(
                    "只有管理员可以更换活动组织者", "only an admin may change the organiser", "organiser_id"
                )
            organiser_id = activity_scope.active_member(uow, cmd.organiser_id, "organiser_id").id
        if not uow.activities.save(current.revised(details, organiser_id, clock())):
            raise FailedPrecondition(
                "人数上限不能少于已报名人数",
                "capacity may not drop below signed_up_count",
                "capacity",
            )
        return {"activity_id": current.id}

    view = partial(produced_activity, uow, cmd.actor, clock)
    return idempotency.run(uow, "points.UpdateActivity", cmd, execute, view)


def cancel_activity(cmd: CancelActivity, uow: UnitOfWork, clock: Clock = utcnow) -> ActivityView:
    reason = bounded("reason", cmd.reason, MAX_CANCEL_REASON, "取消原因", optional=False)

    def execute() -> dict:
        current = activity_scope.activity(uow, cmd.activity_id, lock=True)
        activity_scope.require_runs(uow, cmd.actor, current)
        if current.cancelled:
            raise FailedPrecondition("活动已经取消", "the activity is already cancelled")
        now = clock()
        if now >= current.end_time:
            # It took place: its hours stand, so it is not cancelled after the fact.
            raise FailedPrecondition("活动已结束，不能取消", "the activity has ended and cannot be cancelled")
        uow.activities.save(current.cancel(reason, now))
        return {"activity_id": current.id}

    view = partial(produced_activity, uow, cmd.actor, clock)
    return idempotency.run(uow, "points.CancelActivity", cmd, execute, view)


def get_activity(actor: Caller, activity_id: str, uow: UnitOfWork, clock: Clock = utcnow) -> ActivityView:
    with uow:
        return activity_views.activity(uow, activity_scope.activity(uow, activity_id), actor, clock())


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
            target = access.member(uow, member_id, "signed_up_member_id")
            if not query.actor.administers(target.community_id, target.street_id):
                raise access.deny()
        found = uow.activities.list(where, page.offset, page.size)
        views = activity_views.activities(uow, found, query.actor, now)
    return views, page.next_token(len(found))


def produced_activity(uow: UnitOfWork, actor: Caller, clock: Clock, ref: dict) -> ActivityView:
    """The activity a result names, in the use case's own transaction (also what a replay returns)."""
    return activity_views.activity(uow, activity_scope.activity(uow, ref["activity_id"]), actor, clock())
