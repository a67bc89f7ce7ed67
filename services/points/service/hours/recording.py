"""Hours the organiser records for many volunteers at once, and reading hour records.

Recording is all or nothing: every entry is checked before anything is written, and any
error leaves the transaction uncommitted.
"""

from __future__ import annotations

from datetime import timedelta

from jifen import paging
from jifen.caller import ADMIN, Caller
from jifen.clock import Clock, utcnow
from jifen.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, required
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain.activity import Activity
from ...domain.hours import (
    APPROVED,
    DEFAULT_CLOCK_SKEW,
    MAX_RECORDED_MINUTES,
    PENDING,
    RECORDED,
    REJECTED,
    HourRecord,
    cap_exceeded,
    not_served_yet,
    not_yet_served,
    served_minutes,
)
from .. import scope
from ..activities import sign_ups
from ..lookups import known_activity, known_community
from ..ports import UnitOfWork
from ..scope import refused
from . import views
from .commands import HoursEntry, ListHourRecords, RecordHours
from .flags import Flagger
from .ports import HourFilter, Visibility
from .views import HourRecordView, records_of

MAX_ENTRIES = 200
RECORD_STATUSES = (PENDING, APPROVED, REJECTED)


def record_hours(
    cmd: RecordHours, uow: UnitOfWork, clock: Clock = utcnow, clock_skew: timedelta = DEFAULT_CLOCK_SKEW
) -> list[HourRecordView]:
    entries = valid_entries(cmd.entries)
    return _record_hours(cmd, uow, entries, clock, clock_skew)


@idempotent("points.RecordHours", view=records_of)
def _record_hours(
    cmd: RecordHours, uow: UnitOfWork, entries: list[HoursEntry], clock: Clock, clock_skew: timedelta
) -> dict:
    activity = known_activity(uow, cmd.activity_id, lock=True)
    scope.require_runs(uow, cmd.actor, activity)
    now = clock()
    activity.require_hours_recordable(now)
    _require_members(uow, entries, activity, scope.administers_activity(uow, cmd.actor, activity))
    flagger = Flagger(uow, now)
    flagger.remember(activity)
    ids = []
    for index, entry in enumerate(entries):
        check_in = entry.check_in_time or activity.start_time
        check_out = entry.check_out_time or check_in + timedelta(minutes=entry.minutes)
        if not_yet_served(check_out, now, clock_skew):
            given = "check_out_time" if entry.check_out_time else "minutes"
            raise not_served_yet(check_out, f"entries[{index}].{given}")
        existing = uow.hours.current(activity.id, entry.member_id)
        if existing is not None and existing.status == APPROVED:
            raise FailedPrecondition(
                "该成员本活动的服务时长已审核通过，不能再记录",
                "the member's hours for this activity are already approved",
                f"entries[{index}].member_id",
            )
        if existing is None:
            record = HourRecord(
                id=new_id(),
                activity_id=activity.id,
                community_id=activity.community_id,
                member_id=entry.member_id,
                minutes=entry.minutes,
                check_in_time=check_in,
                check_out_time=check_out,
                source=RECORDED,
                recorded_by=cmd.actor.member_id,
                created_at=now,
                updated_at=now,
            )
            record = flagger.refreshed(record)
            uow.hours.add(record)
        else:
            record = flagger.refreshed(
                existing.replaced(entry.minutes, check_in, check_out, cmd.actor.member_id, now)
            )
            if not uow.hours.save(record, was=PENDING):
                raise FailedPrecondition(
                    "该记录刚被审核，请刷新后重试", "the record was just decided", f"entries[{index}]"
                )
            flagger.refresh_around(existing)
        flagger.refresh_around(record)
        _mark_served(uow, activity, record, now)
        ids.append(record.id)
    require_within_cap(uow, activity.id, "entries")
    return {"hour_record_ids": ids}


def valid_entries(entries: tuple[HoursEntry, ...]) -> list[HoursEntry]:
    """The entries with member ids stripped, or InvalidArgument naming the first bad one."""
    if not 1 <= len(entries) <= MAX_ENTRIES:
        raise InvalidArgument(
            "entries", f"请填写 1 到 {MAX_ENTRIES} 位成员的服务时长", f"must hold 1 to {MAX_ENTRIES} entries"
        )
    seen: set[str] = set()
    checked = []
    for index, entry in enumerate(entries):
        at = f"entries[{index}]"
        member_id = required(f"{at}.member_id", entry.member_id, "成员编号")
        if member_id in seen:
            raise InvalidArgument(f"{at}.member_id", "同一成员只能出现一次", "each member may appear once")
        seen.add(member_id)
        if not 0 < entry.minutes <= MAX_RECORDED_MINUTES:
            raise InvalidArgument(
                f"{at}.minutes",
                f"服务时长须在 1 到 {MAX_RECORDED_MINUTES} 分钟之间",
                f"must be between 1 and {MAX_RECORDED_MINUTES}",
            )
        if (entry.check_in_time is None) != (entry.check_out_time is None):
            missing = "check_in_time" if entry.check_in_time is None else "check_out_time"
            raise InvalidArgument(
                f"{at}.{missing}", "签到和签退时间须同时填写或同时留空", "give both times or neither"
            )
        if entry.check_in_time is not None:
            if entry.check_out_time <= entry.check_in_time:
                raise InvalidArgument(
                    f"{at}.check_out_time", "签退时间须晚于签到时间", "must be after check_in_time"
                )
            if served_minutes(entry.check_in_time, entry.check_out_time) != entry.minutes:
                raise InvalidArgument(
                    f"{at}.minutes",
                    "服务时长须等于签退时间减去签到时间",
                    "must equal check_out_time − check_in_time",
                )
        checked.append(HoursEntry(member_id, entry.minutes, entry.check_in_time, entry.check_out_time))
    return checked


def _require_members(uow: UnitOfWork, entries: list[HoursEntry], activity: Activity, admin: bool) -> None:
    """Active members of the activity's community; for an organiser, only those signed up for it.

    An admin recording hours for someone not signed up adds them: an admin's word is what adding is.
    """
    known = uow.people.members([e.member_id for e in entries])
    for index, entry in enumerate(entries):
        field = f"entries[{index}].member_id"
        member = known.get(entry.member_id)
        if member is None:
            raise NotFound("成员不存在", f"member {entry.member_id!r} not found", field)
        if not member.active:
            raise FailedPrecondition("该成员已停用", f"member {entry.member_id!r} is deactivated", field)
        if member.community_id != activity.community_id:
            raise FailedPrecondition(
                "该成员不属于本活动所在社区，不能记录服务时长",
                f"member {entry.member_id!r} is not of the activity's community",
                field,
            )
        participant = uow.activities.participant(activity.id, member.id)
        if not admin and (participant is None or not participant.signed_up):
            raise PermissionDenied(
                "该成员未报名本活动，组织者不能为其记录时长；须本人报名或由管理员添加",
                f"member {entry.member_id!r} has not signed up; only an admin may add them",
                field,
            )


def require_within_cap(uow: UnitOfWork, activity_id: str, field: str) -> None:
    """The activity's pending and approved minutes, this transaction's included, stay within its cap."""
    activity = uow.activities.get(activity_id)
    total = uow.hours.total_minutes(activity_id, (PENDING, APPROVED))
    if total > activity.total_minutes_cap:
        raise FailedPrecondition(*cap_exceeded(total, activity.total_minutes_cap), field)


def _mark_served(uow: UnitOfWork, activity, record: HourRecord, now) -> None:
    """The member counts as checked in and out; signed up first if needed, whatever the capacity."""
    participant = sign_ups.join(uow, activity, record.member_id, now, within_capacity=False)
    served = participant.served(record.check_in_time, record.check_out_time, record.id)
    uow.activities.save_participant(served, was=participant.status)


def list_hour_records(query: ListHourRecords, uow: UnitOfWork) -> tuple[list[HourRecordView], str]:
    page = paging.page(query.page_size, query.page_token)
    if query.status and query.status not in RECORD_STATUSES:
        raise InvalidArgument("status", "未知的记录状态", f"must be one of {', '.join(RECORD_STATUSES)}")
    actor = query.actor
    member_id = query.member_id.strip()
    with uow:
        runs_activity = False
        if query.activity_id:
            runs_activity = scope.runs(uow, actor, known_activity(uow, query.activity_id))
        if query.community_id:
            known_community(uow, query.community_id)
        # Someone else's records: an admin (within their communities) or the organiser of the named activity.
        if member_id and member_id != actor.member_id and not (runs_activity or actor.has(ADMIN)):
            raise refused()
        where = HourFilter(
            visible=visibility(actor),
            activity_id=query.activity_id.strip(),
            member_id=member_id,
            community_id=query.community_id.strip(),
            status=query.status,
            flagged_only=query.flagged_only,
            served_after=query.served_after,
            served_before=query.served_before,
        )
        found = uow.hours.list(where, page.offset, page.size)
        shown = views.records(uow, found)
    return shown, page.next_token(len(found))


def visibility(actor: Caller) -> Visibility:
    """Own records; those of activities one organises; those of the communities one administers."""
    admin = [g for g in actor.grants if g.role == ADMIN]
    return Visibility(
        member_id=actor.member_id,
        organiser_id=actor.member_id,
        community_ids=tuple(g.community_id for g in admin if g.community_id),
        street_ids=tuple(g.street_id for g in admin if g.street_id),
    )
