"""Approving and rejecting hour records: the organiser or an admin certifies, never their own record,
nor one they recorded; flagged records only an admin may approve, and never past the activity's cap.

Approval accrues points under the rule version in force at the activity's start, so a version
published later never changes what an activity held earlier earns. A batch is all or nothing:
every record is checked (scope, state, flags) before anything is posted. Bad input is refused
before a transaction starts; the idempotent handler does the rest.
"""

from __future__ import annotations

from datetime import timedelta

from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, bounded
from jifen.idempotency import idempotent

from ...domain.activity import Activity
from ...domain.hours import (
    APPROVED,
    DEFAULT_CLOCK_SKEW,
    MAX_REASON,
    PENDING,
    HourRecord,
    cap_exceeded,
    describe,
    not_served_yet,
    not_yet_served,
)
from .. import scope
from ..ledger.posting import ApprovedHours, post_approved_hours
from ..ports import UnitOfWork
from ..scope import refused
from .commands import ApproveHours, RejectHours
from .flags import Flagger, rules_in_force
from .views import HourRecordView, records_of

MAX_RECORDS = 200


def approve_hours(
    cmd: ApproveHours, uow: UnitOfWork, clock: Clock = utcnow, clock_skew: timedelta = DEFAULT_CLOCK_SKEW
) -> list[HourRecordView]:
    ids = _valid_ids(cmd.hour_record_ids)
    override_reason = bounded("override_reason", cmd.override_reason, MAX_REASON, "特批理由")
    return _approve_hours(cmd, uow, ids, override_reason, clock, clock_skew)


@idempotent("points.ApproveHours", view=records_of)
def _approve_hours(
    cmd: ApproveHours,
    uow: UnitOfWork,
    ids: list[str],
    override_reason: str,
    clock: Clock,
    clock_skew: timedelta,
) -> dict:
    now = clock()
    flagger = Flagger(uow, now)
    decided = []
    approved_minutes: dict[str, int] = {}
    # Rows are locked in id order, so two overlapping batches never wait on each other in a circle.
    for index, record_id in sorted(enumerate(ids), key=lambda pair: pair[1]):
        field = f"hour_record_ids[{index}]"
        record, activity = _decidable(uow, cmd.actor, flagger, record_id, index)
        record.require_certifiable_by(cmd.actor.member_id, field)
        # A record written before future ends were refused must not pay for time not yet served.
        if not_yet_served(record.check_out_time, now, clock_skew):
            raise not_served_yet(record.check_out_time, field)
        # Flags are computed afresh here: other records of the member may have come or gone.
        record = flagger.refreshed(record)
        if record.flags and not scope.administers_activity(uow, cmd.actor, activity):
            zh, en = describe(record.flags)
            raise PermissionDenied(
                f"记录 {record.id} 有异常标记（{zh}），只有管理员可以特批",
                f"record {record.id} is flagged ({en}): only an admin may approve it with override",
                field,
            )
        total = approved_minutes.get(activity.id)
        if total is None:
            total = uow.hours.total_minutes(activity.id, (APPROVED,))
        total += record.minutes
        if total > activity.total_minutes_cap:
            raise FailedPrecondition(*cap_exceeded(total, activity.total_minutes_cap), field)
        approved_minutes[activity.id] = total
        if record.flags and not (cmd.override and override_reason):
            zh, en = describe(record.flags)
            raise FailedPrecondition(
                f"记录 {record.id} 有异常标记（{zh}），须勾选特批并填写理由",
                f"record {record.id} is flagged ({en}): approve with override and override_reason",
                field,
            )
        decided.append((record, activity))
    for record, activity in decided:
        _approve_one(uow, cmd.actor, record, activity, override_reason, now)
    return {"hour_record_ids": ids}


def _approve_one(
    uow: UnitOfWork, actor: Caller, record: HourRecord, activity: Activity, override_reason: str, now
) -> None:
    earned = record.earning(rules_in_force(uow, activity), activity)
    version = earned.version
    certified = post_approved_hours(
        uow,
        ApprovedHours(
            member_id=record.member_id,
            hour_record_id=record.id,
            activity_id=activity.id,
            minutes=record.minutes,
            points=earned.points,
            rule_version_id=version.id,
            calculation=earned.calculation,
            lot_expires_at=version.rules.lot_expiry(now),
            reason=f"{activity.title} 服务 {record.minutes} 分钟",
            approved_by=actor.member_id,
        ),
        now,
    )
    approved = record.approve(actor.member_id, now, earned, override_reason, activity, certified)
    if not uow.hours.save(approved, was=PENDING):
        raise FailedPrecondition(
            f"记录 {record.id} 刚被审核过", f"record {record.id} was just decided", "hour_record_ids"
        )


def reject_hours(cmd: RejectHours, uow: UnitOfWork, clock: Clock = utcnow) -> list[HourRecordView]:
    ids = _valid_ids(cmd.hour_record_ids)
    reason = bounded("reason", cmd.reason, MAX_REASON, "驳回原因", optional=False)
    return _reject_hours(cmd, uow, ids, reason, clock)


@idempotent("points.RejectHours", view=records_of)
def _reject_hours(cmd: RejectHours, uow: UnitOfWork, ids: list[str], reason: str, clock: Clock) -> dict:
    now = clock()
    flagger = Flagger(uow, now)
    decided = [
        _decidable(uow, cmd.actor, flagger, record_id, i)[0]
        for i, record_id in sorted(enumerate(ids), key=lambda pair: pair[1])
    ]
    for record in decided:
        rejected = flagger.refreshed(record).reject(cmd.actor.member_id, now, reason)
        if not uow.hours.save(rejected, was=PENDING):
            raise FailedPrecondition(
                f"记录 {record.id} 刚被审核过", f"record {record.id} was just decided", "hour_record_ids"
            )
    # A rejected record no longer counts against the member's other records.
    for record in decided:
        flagger.refresh_around(record)
    return {"hour_record_ids": ids}


def _valid_ids(record_ids: tuple[str, ...]) -> list[str]:
    ids = [i.strip() for i in record_ids]
    if not 1 <= len(ids) <= MAX_RECORDS:
        raise InvalidArgument(
            "hour_record_ids", f"请选择 1 到 {MAX_RECORDS} 条记录", f"must name 1 to {MAX_RECORDS} records"
        )
    for index, record_id in enumerate(ids):
        if not record_id:
            raise InvalidArgument(f"hour_record_ids[{index}]", "记录编号不能为空", "is empty")
        if record_id in ids[:index]:
            raise InvalidArgument(f"hour_record_ids[{index}]", "同一记录只能出现一次", "is named twice")
    return ids


def _decidable(
    uow: UnitOfWork, actor: Caller, flagger: Flagger, record_id: str, index: int
) -> tuple[HourRecord, Activity]:
    """The pending record, locked, if the caller may decide it."""
    field = f"hour_record_ids[{index}]"
    record = uow.hours.get(record_id, lock=True)
    if record is None:
        raise NotFound("找不到该服务时长记录", f"hour record {record_id!r} not found", field)
    activity = flagger.activity(record.activity_id)
    if not scope.runs(uow, actor, activity):
        raise refused()
    record.require_decidable_by(actor.member_id, field)
    return record, activity
