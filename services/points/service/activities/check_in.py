"""On-site check-in and check-out with the organiser's rotating code; check-out makes the hour record.

A member checks themselves in and out with the code shown on site (签到码). The organiser or an
admin may check a member in or out without it: they are there and vouch for the attendance.

A code that is not six digits is bad input (INVALID_ARGUMENT, field "code"); a well-formed code
that is not the current one (mistyped, or read from an old photo) is FAILED_PRECONDITION, because
whether it is right depends on the moment, not on the request.

Six digits, two of them valid at a time, fall to guessing: wrong codes are counted per member and
per activity, and past the limit every typed code is RESOURCE_EXHAUSTED for a while. A right code
takes back its own count but does not wipe earlier failures, so mixing in a known code does not
reset the count. The QR's signed token (qr_token) cannot be guessed and is not counted: with the
limit reached, members still check in by scanning.
"""

from __future__ import annotations

from dataclasses import dataclass

from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import Conflict, FailedPrecondition, InvalidArgument, ResourceExhausted
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain import check_in_code
from ...domain.activity import CANCELLED_REFUSAL, CHECKED_IN, CHECKED_OUT, SIGNED_UP, Activity
from ...domain.check_in_code import DEFAULT_WINDOW_SECONDS, CheckInCode
from ...domain.hours import FROM_CHECK_IN, HourRecord, served_minutes
from .. import scope
from ..hours.flags import Flagger
from ..hours.recording import require_within_cap
from ..hours.views import HourRecordView
from ..lookups import known_active_member, known_activity
from ..ports import UnitOfWork
from ..scope import refused
from . import sign_ups, views
from .commands import CheckIn, CheckOut
from .ports import AttemptLimiter
from .views import ParticipantView

TOO_MANY = (
    "签到码错误次数过多，请稍后再试，或扫描现场的签到二维码",
    "too many wrong check-in codes; wait a while, or scan the QR shown on site",
)


@dataclass(frozen=True)
class CodeLimits:
    """Wrong typed codes counted per member (across activities) and per activity (across members)."""

    per_member: AttemptLimiter
    per_activity: AttemptLimiter


def get_check_in_code(
    actor: Caller,
    activity_id: str,
    uow: UnitOfWork,
    clock: Clock = utcnow,
    window_seconds: int = DEFAULT_WINDOW_SECONDS,
) -> CheckInCode:
    with uow:
        activity = known_activity(uow, activity_id)
        scope.require_runs(uow, actor, activity)
    if activity.cancelled:
        raise FailedPrecondition(*CANCELLED_REFUSAL)
    return check_in_code.current(activity.id, activity.check_in_secret, clock(), window_seconds)


def check_in(
    cmd: CheckIn,
    uow: UnitOfWork,
    limits: CodeLimits,
    clock: Clock = utcnow,
    window_seconds: int = DEFAULT_WINDOW_SECONDS,
) -> ParticipantView:
    _proof_shape(cmd.code, cmd.qr_token)
    return _check_in(cmd, uow, limits, clock, window_seconds)


@idempotent("points.CheckIn", view=views.participant_of)
def _check_in(cmd: CheckIn, uow: UnitOfWork, limits: CodeLimits, clock: Clock, window_seconds: int) -> dict:
    activity = known_activity(uow, cmd.activity_id)
    member_id, vouched = _who(uow, cmd.actor, cmd.member_id, activity)
    member = known_active_member(uow, member_id)
    now = clock()
    activity.require_check_in_open(now)
    if not vouched:
        _require_proof(activity, member_id, cmd, now, window_seconds, limits)
    participant = uow.activities.participant(activity.id, member.id)
    if participant is None or not participant.signed_up:
        if not vouched:
            raise FailedPrecondition("请先报名该活动", "sign up for the activity first")
        # Someone who turned up unannounced takes a place if there is one; only an admin adds them,
        # since whoever is added can be given hours.
        if not scope.administers_activity(uow, cmd.actor, activity):
            raise FailedPrecondition(
                "该成员未报名本活动，须本人报名或由管理员添加",
                "the member has not signed up; they sign up themselves or an admin adds them",
                "member_id",
            )
        participant = sign_ups.join(uow, activity, member.id, now)
    if participant.status == CHECKED_OUT:
        raise FailedPrecondition("已经签退", "the member has already checked out")
    if participant.status == SIGNED_UP and not uow.activities.save_participant(
        participant.check_in(now), was=SIGNED_UP
    ):
        raise Conflict("participant changed concurrently")
    return {"activity_id": activity.id, "member_id": member.id}


def check_out(
    cmd: CheckOut,
    uow: UnitOfWork,
    limits: CodeLimits,
    clock: Clock = utcnow,
    window_seconds: int = DEFAULT_WINDOW_SECONDS,
) -> tuple[ParticipantView, HourRecordView]:
    _proof_shape(cmd.code, cmd.qr_token)
    return _check_out(cmd, uow, limits, clock, window_seconds)


@idempotent("points.CheckOut", view=views.checked_out)
def _check_out(cmd: CheckOut, uow: UnitOfWork, limits: CodeLimits, clock: Clock, window_seconds: int) -> dict:
    # Locked: hour records of one activity change one transaction at a time.
    activity = known_activity(uow, cmd.activity_id, lock=True)
    member_id, vouched = _who(uow, cmd.actor, cmd.member_id, activity)
    now = clock()
    if activity.cancelled:
        raise FailedPrecondition(*CANCELLED_REFUSAL)
    if not vouched:
        _require_proof(activity, member_id, cmd, now, window_seconds, limits)
    participant = uow.activities.participant(activity.id, member_id)
    if participant is None or participant.status != CHECKED_IN:
        raise FailedPrecondition("尚未签到", "the member has not checked in")
    if not activity.check_out_open(now):
        raise FailedPrecondition("签退已关闭（活动结束 2 小时后）", "check-out closed 2 hours after the end")
    if uow.hours.current(activity.id, member_id) is not None:
        raise FailedPrecondition(
            "该成员已有本活动的服务时长记录", "the member already has an hour record for this activity"
        )
    minutes = served_minutes(participant.check_in_time, now)
    if minutes < 1:
        raise FailedPrecondition("签到不足 1 分钟，不能签退", "less than a minute since check-in")
    flagger = Flagger(uow, now)
    flagger.remember(activity)
    record = HourRecord(
        id=new_id(),
        activity_id=activity.id,
        community_id=activity.community_id,
        member_id=member_id,
        minutes=minutes,
        check_in_time=participant.check_in_time,
        check_out_time=now,
        source=FROM_CHECK_IN,
        recorded_by=cmd.actor.member_id,
        created_at=now,
        updated_at=now,
    )
    record = flagger.refreshed(record)
    uow.hours.add(record)
    require_within_cap(uow, activity.id, "activity_id")
    flagger.refresh_around(record)
    if not uow.activities.save_participant(participant.check_out(now, record.id), was=CHECKED_IN):
        raise Conflict("participant changed concurrently")
    return {"activity_id": activity.id, "member_id": member_id, "hour_record_id": record.id}


def _who(uow: UnitOfWork, actor: Caller, member_id: str, activity: Activity) -> tuple[str, bool]:
    """The member checked in or out, and whether the caller vouches for them (organiser or admin)."""
    target = scope.target_member(actor, member_id)
    vouched = scope.runs(uow, actor, activity)
    if target != actor.member_id and not vouched:
        raise refused()
    return target, vouched


def _proof_shape(code: str, token: str) -> None:
    code, token = (code or "").strip(), (token or "").strip()
    if code and token:
        raise InvalidArgument("code", "请输入签到码或扫描二维码（二选一）", "give code or qr_token, not both")
    if code and not check_in_code.well_formed(code):
        raise InvalidArgument("code", "签到码为 6 位数字", "must be 6 digits")
    if token and not check_in_code.token_well_formed(token):
        raise InvalidArgument(
            "qr_token", "这不是签到二维码，请扫描现场的签到二维码", "is not a check-in QR token"
        )


def _require_proof(
    activity: Activity, member_id: str, cmd: CheckIn | CheckOut, now, window_seconds: int, limits: CodeLimits
) -> None:
    """The member was on site: they give the current QR token, or the current code within the limits."""
    token = (cmd.qr_token or "").strip()
    if token:
        if not check_in_code.accepts_token(activity.id, activity.check_in_secret, token, now, window_seconds):
            raise FailedPrecondition(
                "签到二维码已过期或不属于本活动，请扫描现场最新的二维码",
                "the QR token has expired or is for another activity; scan the QR shown now",
                "qr_token",
            )
        return
    code = (cmd.code or "").strip()
    if not code:
        raise InvalidArgument("code", "请输入现场的签到码", "is required to check yourself in or out")
    # Counted before the code is checked, so parallel guesses cannot slip past the limit.
    counted = ((limits.per_member, f"member:{member_id}"), (limits.per_activity, f"activity:{activity.id}"))
    for limiter, subject in counted:
        if not limiter.attempt(subject):
            raise ResourceExhausted(*TOO_MANY)
    if not check_in_code.accepts(activity.check_in_secret, code, now, window_seconds):
        raise FailedPrecondition(
            "签到码错误或已过期，请扫描现场最新的签到码",
            "the code is wrong or has expired; use the code shown now",
            "code",
        )
    for limiter, subject in counted:
        limiter.refund(subject)
