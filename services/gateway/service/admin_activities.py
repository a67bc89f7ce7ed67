"""What a community or street admin does with activities: list, plan, edit and cancel them, see who
took part, and record hours for several volunteers at once. Every call carries the admin's own token
and names only activities of a community the admin looks after."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from google.protobuf.field_mask_pb2 import FieldMask

from jifen.points.v1 import activities_pb2 as apb
from jifen.timestamps import to_timestamp

from . import admin_hours, admin_scope, translate
from . import views_activities as views
from .calendar import LOCAL
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session

# The categories the rules know (RuleSet.category_multipliers' keys), in the order the form offers them.
CATEGORIES = ("environment", "elderly_care", "traffic", "emergency", "publicity", "education", "health")
MAX_CAPACITY = 10000
MAX_PHONES = 50
RECENT_DAYS = 90
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
EDITABLE = ("title", "description", "category", "difficulty", "start_time", "end_time", "place", "capacity")


@dataclass(frozen=True)
class ActivityInput:
    """An activity as the form gives it: text as typed, times as a datetime-local input sends them."""

    title: str = ""
    description: str = ""
    category: str = ""
    difficulty: str = ""
    place: str = ""
    capacity: str = ""
    start_time: str = ""
    end_time: str = ""

    @classmethod
    def of(cls, form: dict) -> ActivityInput:
        return cls(**{name: str(form.get(name, "")).strip() for name in cls.__dataclass_fields__})

    @classmethod
    def showing(cls, activity: views.AdminActivity) -> ActivityInput:
        return cls(
            title=activity.title,
            description=activity.description,
            category=activity.category,
            difficulty=str(activity.difficulty),
            place=activity.place,
            capacity=str(activity.capacity),
            start_time=local_input(activity.start_time),
            end_time=local_input(activity.end_time),
        )


def local_input(moment: datetime | None) -> str:
    """A time as a datetime-local input shows it: Asia/Shanghai wall-clock time."""
    return moment.astimezone(LOCAL).strftime(DATETIME_LOCAL) if moment else ""


def activities(services: Services, session: Session, community_id: str) -> views.Activities:
    """The community's activities: upcoming and under way (soonest first), and those that ended or were
    cancelled in the last RECENT_DAYS (latest first)."""
    mine, chosen = admin_scope.chosen(services, session, community_id)
    since = services.clock() - timedelta(days=RECENT_DAYS)

    def listed(status: int, starts_after=None) -> tuple[list[views.AdminActivity], bool]:
        answer = services.points.community_activities(session.credentials, chosen, status, starts_after)
        return [admin_activity(a) for a in answer.activities], bool(answer.next_page_token)

    under_way, more_under_way = listed(apb.ACTIVITY_STATUS_IN_PROGRESS)
    scheduled, more_scheduled = listed(apb.ACTIVITY_STATUS_SCHEDULED)
    ended, more_ended = listed(apb.ACTIVITY_STATUS_ENDED, since)
    cancelled, more_cancelled = listed(apb.ACTIVITY_STATUS_CANCELLED, since)
    return views.Activities(
        communities=mine,
        community_id=chosen,
        upcoming=under_way + scheduled,
        past=ended[::-1],
        cancelled=cancelled[::-1],
        recent_days=RECENT_DAYS,
        more=more_under_way or more_scheduled or more_ended or more_cancelled,
    )


def activity(services: Services, session: Session, activity_id: str) -> views.AdminActivity:
    """One activity of a community the admin looks after; FORBIDDEN for any other."""
    found = admin_activity(services.points.activity(session.credentials, activity_id))
    admin_scope.chosen(services, session, found.community_id)
    return found


def activity_record(services: Services, session: Session, activity_id: str) -> views.ActivityRecord:
    """An activity with its participants' check-in and check-out times and its hour records."""
    found = activity(services, session, activity_id)
    who = session.credentials
    participants = [
        views.Participant(
            member_id=p.member_id,
            member_name=p.member_name,
            status=translate.PARTICIPANT_STATUS.get(p.status, ""),
            check_in_time=translate.when(p, "check_in_time"),
            check_out_time=translate.when(p, "check_out_time"),
            hour_record_id=p.hour_record_id,
        )
        for p in services.points.participants(who, activity_id)
    ]
    records = services.points.community_hour_records(who, activity_id=activity_id).hour_records
    return views.ActivityRecord(
        activity=found,
        participants=participants,
        hour_records=[admin_hours.queued(r) for r in records],
        check_in_open=found.status in ("scheduled", "in_progress"),
    )


def create(
    services: Services, session: Session, community_id: str, given: ActivityInput, request_id: str
) -> views.AdminActivity:
    _, chosen = admin_scope.chosen(services, session, community_id)
    fields = _checked(session, given)
    request = apb.CreateActivityRequest(
        request_id=admin_hours.request_key(session, request_id), community_id=chosen, **fields
    )
    return admin_activity(services.points.create_activity(session.credentials, request))


def update(
    services: Services, session: Session, activity_id: str, given: ActivityInput, request_id: str
) -> views.AdminActivity:
    activity(services, session, activity_id)
    fields = _checked(session, given)
    request = apb.UpdateActivityRequest(
        request_id=admin_hours.request_key(session, request_id),
        activity_id=activity_id,
        update_mask=FieldMask(paths=list(EDITABLE)),
        **fields,
    )
    return admin_activity(services.points.update_activity(session.credentials, request))


def cancel(
    services: Services, session: Session, activity_id: str, reason: str, request_id: str
) -> views.AdminActivity:
    activity(services, session, activity_id)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(Kind.INVALID, session.gettext("请填写取消原因，报名的志愿者会看到它"), "reason")
    answer = services.points.cancel_activity(
        session.credentials, admin_hours.request_key(session, request_id), activity_id, reason
    )
    return admin_activity(answer)


def record_hours(
    services: Services,
    session: Session,
    activity_id: str,
    minutes: dict[str, str],
    request_id: str,
    phones: str = "",
    phone_minutes: str = "",
) -> views.Recorded:
    """Minutes for each chosen volunteer, and for volunteers named by phone who had not signed up,
    one RecordHours each under its own key: one refusal (say, hours already approved) does not hold
    back the others, and a second submit of the same form records nothing twice."""
    found = activity(services, session, activity_id)
    names = {
        p.member_id: p.member_name for p in services.points.participants(session.credentials, activity_id)
    }
    minutes = {member_id: (typed, f"minutes_{member_id}") for member_id, typed in minutes.items()}
    for member in _members_by_phone(services, session, found.community_id, phones):
        minutes.setdefault(member.member_id, (phone_minutes, "phone_minutes"))
        names[member.member_id] = member.name
    if not minutes:
        raise ActionError(Kind.INVALID, session.gettext("请至少勾选一位志愿者，或填写手机号"), "members")
    entries = []
    for member_id, (typed, field) in minutes.items():
        try:
            value = int(typed)
        except ValueError:
            value = 0
        if not 1 <= value <= 24 * 60:
            raise ActionError(Kind.INVALID, session.gettext("服务时长须为 1 到 1440 之间的整数分钟"), field)
        entries.append((member_id, value))
    base = admin_hours.request_key(session, request_id)
    recorded, refused = [], []
    for member_id, value in entries:
        try:
            answer = services.points.record_hours(
                session.credentials, f"{base}:{member_id}", activity_id, member_id, value
            )
        except ActionError as error:
            if error.kind in (Kind.UNAVAILABLE, Kind.INTERNAL, Kind.UNAUTHENTICATED):
                raise
            refused.append(f"{names.get(member_id, member_id)}：{error.message}")
            continue
        recorded.append(admin_hours.queued(answer))
    return views.Recorded(recorded=recorded, refused=refused)


def _members_by_phone(services: Services, session: Session, community_id: str, phones: str) -> list:
    """The community's members with these phone numbers (one a line), or which number is unknown."""
    listed = list(dict.fromkeys(p for p in re.split(r"[\s,，、;；]+", phones or "") if p))
    if len(listed) > MAX_PHONES:
        raise ActionError(Kind.INVALID, session.gettext("一次最多填写 50 个手机号"), "phones")
    found = []
    for phone in listed:
        answer = services.members.community_members(session.credentials, community_id, phone, 0, 0)
        match = next((m for m in answer.members if m.phone == phone), None)
        if match is None:
            raise ActionError(
                Kind.INVALID,
                session.gettext("本社区没有手机号为 %(phone)s 的成员") % {"phone": phone},
                "phones",
            )
        found.append(match)
    return found


def admin_activity(value: apb.Activity) -> views.AdminActivity:
    return views.AdminActivity(
        activity_id=value.activity_id,
        community_id=value.community_id,
        title=value.title,
        description=value.description,
        category=value.category,
        difficulty=value.difficulty,
        place=value.place,
        start_time=translate.when(value, "start_time"),
        end_time=translate.when(value, "end_time"),
        capacity=value.capacity,
        signed_up_count=value.signed_up_count,
        status=translate.ACTIVITY_STATUS.get(value.status, ""),
        organiser_id=value.organiser_id,
        cancel_reason=value.cancel_reason,
    )


def _checked(session: Session, given: ActivityInput) -> dict:
    """The form's fields as the points service takes them, or the first mistake, named in Chinese."""
    _ = session.gettext
    if not given.title:
        raise ActionError(Kind.INVALID, _("请填写活动名称"), "title")
    if given.category not in CATEGORIES:
        raise ActionError(Kind.INVALID, _("请选择活动类别"), "category")
    if given.difficulty not in ("1", "2", "3", "4", "5"):
        raise ActionError(Kind.INVALID, _("请选择难度（1 到 5）"), "difficulty")
    try:
        capacity = int(given.capacity)
    except ValueError:
        capacity = 0
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ActionError(Kind.INVALID, _("人数上限须为 1 到 10000 之间的整数"), "capacity")
    start = _moment(given.start_time, "start_time", _("请填写开始时间，例如 2026-03-05 09:00"))
    end = _moment(given.end_time, "end_time", _("请填写结束时间，例如 2026-03-05 11:00"))
    if end <= start:
        raise ActionError(Kind.INVALID, _("结束时间须晚于开始时间"), "end_time")
    return {
        "title": given.title,
        "description": given.description,
        "category": given.category,
        "difficulty": int(given.difficulty),
        "place": given.place,
        "capacity": capacity,
        "start_time": to_timestamp(start),
        "end_time": to_timestamp(end),
    }


def _moment(typed: str, field: str, missing: str) -> datetime:
    try:
        local = datetime.strptime(typed, DATETIME_LOCAL)
    except ValueError:
        raise ActionError(Kind.INVALID, missing, field) from None
    return local.replace(tzinfo=LOCAL)
