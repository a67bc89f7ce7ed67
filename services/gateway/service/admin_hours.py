"""The approval queue (时长审核): a community's pending hour records with their flags and the points
each will earn, approved or rejected in bulk with the admin's own token.

Approving without the override approves the clean records chosen and leaves the flagged ones pending,
named on the page; a flagged record is approved only with the override and its reason. The points
shown come from the points service, computed as approval computes them, so they are what is paid.
"""

from __future__ import annotations

import re

from jifen.points.v1 import activities_pb2 as apb

from . import admin_scope, translate
from . import views_activities as views
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session

MAX_REASON = 200


def flag_names(session: Session) -> dict[str, str]:
    _ = session.gettext
    return {
        "overlap": _("时间重叠"),
        "daily_cap_exceeded": _("超过每日时长上限"),
        "longer_than_activity": _("长于活动时长"),
    }


def queue(services: Services, session: Session, community_id: str) -> views.HourQueue:
    """The community's pending records, newest first."""
    mine, chosen = admin_scope.chosen(services, session, community_id)
    answer = services.points.community_hour_records(
        session.credentials, community_id=chosen, status=apb.HOUR_RECORD_STATUS_PENDING
    )
    return views.HourQueue(
        communities=mine,
        community_id=chosen,
        records=[queued(r) for r in answer.hour_records],
        more=bool(answer.next_page_token),
    )


def approve(
    services: Services,
    session: Session,
    community_id: str,
    record_ids: list[str],
    override: bool,
    override_reason: str,
    request_id: str,
) -> views.Decided:
    _ = session.gettext
    ids, pending = _chosen(services, session, community_id, record_ids, _("请先勾选要通过的记录"))
    override_reason = (override_reason or "").strip()
    if override and not override_reason:
        raise ActionError(Kind.INVALID, _("特批须填写理由：您核实了什么"), "override_reason")
    if len(override_reason) > MAX_REASON:
        raise ActionError(Kind.INVALID, _("理由不能超过 200 个字"), "override_reason")
    key = request_key(session, request_id)
    held_back = [
        pending[i]
        for i in ids
        if i in pending and (_own(session, pending[i]) or (pending[i].flags and not override))
    ]
    sent = [i for i in ids if i not in {r.hour_record_id for r in held_back}]
    if not sent:
        raise ActionError(Kind.CONFLICT, held_back_sentence(session, held_back), "override")
    try:
        approved = services.points.approve_hours(
            session.credentials, key, sent, override, override_reason if override else ""
        )
    except ActionError as error:
        raise ActionError(error.kind, _named(error, sent, pending), "records") from None
    return views.Decided(approved=[queued(r) for r in approved], held_back=held_back)


def reject(
    services: Services,
    session: Session,
    community_id: str,
    record_ids: list[str],
    reason: str,
    request_id: str,
) -> list[views.QueuedRecord]:
    _ = session.gettext
    reason = (reason or "").strip()
    ids, pending = _chosen(services, session, community_id, record_ids, _("请先勾选要驳回的记录"))
    if not reason:
        raise ActionError(Kind.INVALID, _("驳回须填写原因，志愿者会看到它"), "reject_reason")
    if len(reason) > MAX_REASON:
        raise ActionError(Kind.INVALID, _("理由不能超过 200 个字"), "reject_reason")
    try:
        answer = services.points.reject_hours(
            session.credentials, request_key(session, request_id), ids, reason
        )
    except ActionError as error:
        raise ActionError(error.kind, _named(error, ids, pending), "records") from None
    return [queued(r) for r in answer]


def queued(value: apb.HourRecord) -> views.QueuedRecord:
    status = translate.HOUR_STATUS.get(value.status, "")
    pending = status == "pending"
    return views.QueuedRecord(
        hour_record_id=value.hour_record_id,
        activity_id=value.activity_id,
        activity_title=value.activity_title,
        member_id=value.member_id,
        member_name=value.member_name,
        minutes=value.minutes,
        check_in_time=translate.when(value, "check_in_time"),
        check_out_time=translate.when(value, "check_out_time"),
        status=status,
        flags=[translate.HOUR_FLAG.get(f, "") for f in value.flags],
        points=value.points_preview if pending else value.points_accrued,
        calculation=value.preview_calculation if pending else value.calculation,
        reject_reason=value.reject_reason,
        recorded_by=value.recorded_by,
    )


def _chosen(
    services: Services, session: Session, community_id: str, record_ids: list[str], none_chosen: str
) -> tuple[list[str], dict[str, views.QueuedRecord]]:
    """The ids chosen, and the community's pending records by id (the admin's scope checked).

    A chosen record that is no longer pending still goes to the service: a form submitted twice
    repeats its idempotency key and gets the first answer, and a stale page gets the service's
    sentence naming the record that was decided meanwhile."""
    ids = list(dict.fromkeys(i.strip() for i in record_ids if i.strip()))
    if not ids:
        raise ActionError(Kind.INVALID, none_chosen, "records")
    pending = {r.hour_record_id: r for r in queue(services, session, community_id).records}
    return ids, pending


def held_back_sentence(session: Session, records: list[views.QueuedRecord]) -> str:
    return "。".join(held_back_sentences(session, records))


def held_back_sentences(session: Session, records: list[views.QueuedRecord]) -> list[str]:
    """Which records were left pending, and what the admin can do about each kind."""
    names = flag_names(session)

    def listed(chosen: list[views.QueuedRecord]) -> str:
        return "；".join(
            f"{r.member_name} · {r.activity_title}"
            + (f"（{'、'.join(names.get(f, f) for f in r.flags)}）" if r.flags else "")
            for r in chosen
        )

    own = [r for r in records if _own(session, r)]
    flagged = [r for r in records if r not in own]
    sentences = []
    if flagged:
        sentences.append(
            session.gettext(
                "以下记录有异常标记，未通过；如已核实，请勾选“我已核实，仍然通过”并填写理由后再提交："
            )
            + listed(flagged)
        )
    if own:
        sentences.append(
            session.gettext("以下记录是您记录的或您本人的，须由其他管理员或组织者审核，未通过：")
            + listed(own)
        )
    return sentences


def _own(session: Session, record: views.QueuedRecord) -> bool:
    """记录谁记录谁证明, but never one's own: the points service refuses both, so they are not sent."""
    return session.member_id in (record.recorded_by, record.member_id)


FIELD = re.compile(r"^hour_record_ids\[(\d+)\]")


def _named(error: ActionError, sent: list[str], pending: dict[str, views.QueuedRecord]) -> str:
    """The service's refusal with the record it names told by volunteer and activity, not by id."""
    message = error.message
    index = FIELD.match(error.field) or FIELD.match(message)
    message = re.sub(r"^hour_record_ids\[\d+\]: ", "", message)
    record = pending.get(sent[int(index.group(1))]) if index and int(index.group(1)) < len(sent) else None
    for record_id, found in pending.items():
        message = message.replace(f"记录 {record_id}", f"{found.member_name} · {found.activity_title} 的记录")
    if record is not None and record.member_name not in message:
        message = f"{record.member_name} · {record.activity_title}：{message}"
    return message


def request_key(session: Session, request_id: str) -> str:
    """The idempotency key the form was rendered with; without one a repeat could act twice."""
    key = (request_id or "").strip()
    if not key or len(key) > 100:
        raise ActionError(Kind.INVALID, session.gettext("页面已过期，请刷新后重新提交"), "request_id")
    return key
