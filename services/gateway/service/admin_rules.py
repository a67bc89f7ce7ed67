"""The rule editor: the version in force for a community and its history, a draft of the next version,
its preview on last month's hours beside the version in force, and publishing it once that preview
was shown for exactly this draft."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Protocol

from jifen.caller import ADMIN
from jifen.points.v1 import rules_pb2 as rpb
from jifen.proto_enums import enum_names
from jifen.timestamps import to_timestamp

from . import admin_scope, views_points
from .calendar import LOCAL, month_of
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session
from .translate import when

ROUNDING_MODES, ROUNDING_MODE_NAMES = enum_names(rpb.RoundingMode, "ROUNDING_MODE_")
EXPIRY_POLICIES, EXPIRY_POLICY_NAMES = enum_names(rpb.ExpiryPolicy, "EXPIRY_POLICY_")
# The categories activities use; the editor offers a multiplier for each, and for any other a version has.
CATEGORIES = ("environment", "elderly_care", "traffic", "emergency", "publicity", "education", "health")
# Empty commendation rows the editor adds after the version's own, for new ones.
SPARE_COMMENDATIONS = 2
LARGEST = 10**9

# 星级门槛 of the national community-volunteer rules: the default (Beijing's are 100/200/500/800/1000).
NATIONAL_STAR_HOURS = (100, 300, 600, 1000, 1500)


class Previews(Protocol):
    """Where previews shown are remembered (adapters/rule_previews.py): remember and digest_of."""

    def remember(self, member_id: str, draft_digest: str) -> str: ...

    def digest_of(self, member_id: str, token: str) -> str: ...


def rules(services: Services, session: Session, community_id: str) -> views_points.Rules:
    """The version in force for the community (its own, or the street's or default one it inherits),
    and the versions published for the community itself, latest effective first."""
    mine, chosen = admin_scope.chosen(services, session, community_id)
    who = session.credentials
    now = services.clock()
    return views_points.Rules(
        communities=mine,
        community_id=chosen,
        in_force=version(services.points.rule_in_force(who, chosen)),
        history=[version(v, now) for v in services.points.rule_versions(who, chosen)],
    )


def preview(
    services: Services, session: Session, previews: Previews, community_id: str, draft: views_points.RuleDraft
) -> views_points.RulePreview:
    """What the draft would have given for last month's approved hours of the community, member by
    member, beside what the versions in force gave; remembers that this draft was previewed."""
    chosen = admin_scope.chosen(services, session, community_id)[1]
    _check_effective_date(services, session, draft)
    who = session.credentials
    start, end = last_month(services)
    in_force = services.points.rule_in_force(who, chosen)
    answer = _with_draft_fields(
        lambda: services.points.preview_rules(who, chosen, rule_set(draft), start, end)
    )
    token = previews.remember(session.member_id, digest(chosen, draft))
    return views_points.RulePreview(
        community_id=chosen,
        month=month_of(start),
        period_start=start,
        period_end=end,
        in_force_title=in_force.title,
        draft=draft,
        rows=[
            views_points.PreviewRow(
                member_id=r.member_id,
                member_name=r.member_name,
                hour_record_count=r.hour_record_count,
                minutes=r.minutes,
                current_points=r.current_points,
                draft_points=r.draft_points,
                difference=r.difference,
            )
            for r in answer.rows
        ],
        more=bool(answer.next_page_token),
        member_count=answer.member_count,
        total_current_points=answer.total_current_points,
        total_draft_points=answer.total_draft_points,
        total_difference=answer.total_draft_points - answer.total_current_points,
        preview_token=token,
    )


def publish(
    services: Services,
    session: Session,
    previews: Previews,
    community_id: str,
    draft: views_points.RuleDraft,
    preview_token: str,
    request_id: str,
) -> views_points.RuleVersion:
    """Publishes the draft for the community, only when its preview was shown to this admin for
    exactly this draft: a draft changed after its preview, or never previewed, is refused."""
    _ = session.gettext
    chosen = admin_scope.chosen(services, session, community_id)[1]
    shown = previews.digest_of(session.member_id, (preview_token or "").strip())
    if not shown:
        raise ActionError(Kind.CONFLICT, _("请先预览这份规则草稿，看过前后对比后再发布"), "preview_token")
    if shown != digest(chosen, draft):
        raise ActionError(Kind.CONFLICT, _("草稿在预览之后改动过，请重新预览后再发布"), "preview_token")
    if not (request_id or "").strip() or len(request_id) > 100:
        raise ActionError(Kind.INVALID, _("页面已过期，请刷新后再提交"), "request_id")
    effective = _check_effective_date(services, session, draft)
    request = rpb.PublishRuleVersionRequest(
        request_id=request_id,
        rules=rule_set(draft),
        note=draft.note.strip(),
        title=draft.title.strip(),
    )
    if draft.for_street:
        request.street_id = own_street(session)
    else:
        request.community_id = chosen
    if effective is not None:
        request.effective_from.CopyFrom(to_timestamp(effective))
    return version(_with_draft_fields(lambda: services.points.publish_rules(session.credentials, request)))


def last_month(services: Services) -> tuple[datetime, datetime]:
    """The calendar month before today's, in Asia/Shanghai: [its first instant, this month's first)."""
    now = services.clock().astimezone(LOCAL)
    end = datetime(now.year, now.month, 1, tzinfo=LOCAL)
    start = datetime(end.year - (end.month == 1), (end.month - 2) % 12 + 1, 1, tzinfo=LOCAL)
    return start, end


def digest(community_id: str, draft: views_points.RuleDraft) -> str:
    """Names exactly one draft for one community: any changed parameter gives another digest."""
    body = {"community_id": community_id, "draft": draft.model_dump(mode="json")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def version(value: rpb.RuleVersion, now: datetime | None = None) -> views_points.RuleVersion:
    scope = "community" if value.community_id else "street" if value.street_id else "default"
    effective_from = when(value, "effective_from")
    return views_points.RuleVersion(
        rule_version_id=value.rule_version_id,
        title=value.title,
        scope=scope,
        effective_from=effective_from,
        published_at=when(value, "published_at"),
        note=value.note,
        rules=draft_of(value),
        upcoming=bool(now and effective_from and effective_from > now),
    )


def draft_of(value: rpb.RuleVersion) -> views_points.RuleDraft:
    """A version's parameters as a draft to start from (no date, title or note: those are the new one's)."""
    rules = value.rules
    return views_points.RuleDraft(
        points_per_hour=rules.points_per_hour,
        difficulty_multipliers=list(rules.difficulty_multipliers),
        category_multipliers=dict(sorted(rules.category_multipliers.items())),
        rounding_minutes=rules.rounding_minutes,
        rounding_mode=ROUNDING_MODE_NAMES.get(rules.rounding_mode, "down"),
        daily_hour_cap_minutes=rules.daily_hour_cap_minutes,
        commendations={c.name: c.points for c in rules.commendations},
        expiry_policy=EXPIRY_POLICY_NAMES.get(rules.expiry_policy, "never"),
        expiry_value=rules.expiry_value,
        star_hours=list(rules.star_hours) or list(NATIONAL_STAR_HOURS),
    )


def rule_set(draft: views_points.RuleDraft) -> rpb.RuleSet:
    return rpb.RuleSet(
        points_per_hour=draft.points_per_hour,
        difficulty_multipliers=draft.difficulty_multipliers,
        category_multipliers=draft.category_multipliers,
        rounding_minutes=draft.rounding_minutes,
        rounding_mode=ROUNDING_MODES.get(draft.rounding_mode, rpb.ROUNDING_MODE_UNSPECIFIED),
        daily_hour_cap_minutes=draft.daily_hour_cap_minutes,
        commendations=[
            rpb.Commendation(name=name.strip(), points=points) for name, points in draft.commendations.items()
        ],
        expiry_policy=EXPIRY_POLICIES.get(draft.expiry_policy, rpb.EXPIRY_POLICY_UNSPECIFIED),
        expiry_value=draft.expiry_value,
        star_hours=draft.star_hours,
    )


# --- The editor's form: plain text fields in, a draft out (and back, to fill the form again). ---


def categories_of(form: dict[str, str]) -> list[str]:
    """The categories the editor offers a multiplier for: the usual ones and any other the draft has."""
    others = {key.removeprefix("category_") for key in form if key.startswith("category_")}
    return list(CATEGORIES) + sorted(others - set(CATEGORIES))


def form_of(draft: views_points.RuleDraft) -> dict[str, str]:
    """The editor's fields filled from a draft; multipliers as decimals (1.2), the daily cap in hours."""
    form = {
        "points_per_hour": str(draft.points_per_hour),
        "rounding_minutes": str(draft.rounding_minutes),
        "rounding_mode": draft.rounding_mode,
        "daily_cap_hours": _decimal(draft.daily_hour_cap_minutes, 60),
        "expiry_policy": draft.expiry_policy,
        "expiry_value": str(draft.expiry_value),
        "effective_date": draft.effective_date.isoformat() if draft.effective_date else "",
        "title": draft.title,
        "note": draft.note,
        "for_street": "1" if draft.for_street else "",
    }
    for number, value in enumerate(draft.difficulty_multipliers, start=1):
        form[f"difficulty_{number}"] = _decimal(value, 100)
    for code, value in draft.category_multipliers.items():
        form[f"category_{code}"] = _decimal(value, 100)
    for number, hours in enumerate(draft.star_hours, start=1):
        form[f"star_{number}"] = str(hours)
    for index, (name, points) in enumerate(draft.commendations.items()):
        form[f"commendation_name_{index}"] = name
        form[f"commendation_points_{index}"] = str(points)
    return form


def commendation_rows(form: dict[str, str]) -> int:
    """How many commendation rows the editor shows: the filled ones and a few empty ones."""
    filled = [
        i for i in range(50) if form.get(f"commendation_name_{i}") or form.get(f"commendation_points_{i}")
    ]
    return (max(filled) + 1 if filled else 0) + SPARE_COMMENDATIONS


def draft_from_form(session: Session, form: dict[str, str]) -> views_points.RuleDraft:
    """The draft the editor's fields describe; a field that is not a number is named in Chinese."""
    _ = session.gettext
    categories = {}
    for key, value in form.items():
        if key.startswith("category_") and value.strip():
            categories[key.removeprefix("category_")[:40]] = _hundredths(
                session, value, key, _("类别系数请填写如 1.2 这样的数，最多两位小数")
            )
    commendations: dict[str, int] = {}
    for index in range(50):
        name = form.get(f"commendation_name_{index}", "").strip()
        points = form.get(f"commendation_points_{index}", "").strip()
        if not name and not points:
            continue
        if not name:
            raise ActionError(
                Kind.INVALID, _("请填写表彰名称，或把这一行的积分也清空"), f"commendation_name_{index}"
            )
        if name[:40] in commendations:
            raise ActionError(Kind.INVALID, _("表彰名称不能重复"), f"commendation_name_{index}")
        commendations[name[:40]] = _integer(
            session, points, f"commendation_points_{index}", _("表彰积分请填写整数")
        )
    return views_points.RuleDraft(
        points_per_hour=_integer(
            session, form.get("points_per_hour", ""), "points_per_hour", _("每小时积分请填写整数")
        ),
        difficulty_multipliers=[
            _hundredths(
                session,
                form.get(f"difficulty_{n}", ""),
                f"difficulty_{n}",
                _("难度系数请填写如 1.2 这样的数，最多两位小数"),
            )
            for n in range(1, 6)
        ],
        category_multipliers=categories,
        rounding_minutes=_integer(
            session, form.get("rounding_minutes", ""), "rounding_minutes", _("取整分钟数请填写整数")
        ),
        rounding_mode=form.get("rounding_mode", "")[:20],
        daily_hour_cap_minutes=_daily_cap(session, form.get("daily_cap_hours", "")),
        commendations=commendations,
        expiry_policy=form.get("expiry_policy", "")[:30],
        expiry_value=_integer(
            session, form.get("expiry_value", "") or "0", "expiry_value", _("有效期请填写整数"), 10**6
        ),
        star_hours=_star_hours(session, form),
        for_street=form.get("for_street", "") == "1",
        effective_date=_date(session, form.get("effective_date", "")),
        title=form.get("title", "").strip()[:60],
        note=form.get("note", "").strip()[:500],
    )


def own_street(session: Session) -> str:
    """The street a street admin publishes street-wide rules for; FORBIDDEN for anyone else."""
    found = next((g.street_id for g in session.caller.grants if g.role == ADMIN and g.street_id), "")
    if not found:
        raise ActionError(Kind.FORBIDDEN, session.gettext("只有街道管理员可以发布街道统一规则"), "for_street")
    return found


def _star_hours(session: Session, form: dict[str, str]) -> list[int]:
    """The five star thresholds in hours; all five left empty means the national ones."""
    texts = [form.get(f"star_{n}", "").strip() for n in range(1, 6)]
    if not any(texts):
        return list(NATIONAL_STAR_HOURS)
    message = session.gettext("星级门槛请填写整数小时数")
    return [_integer(session, text, f"star_{n}", message, 10**5) for n, text in enumerate(texts, start=1)]


def draft_from_json(session: Session, text: str) -> views_points.RuleDraft:
    """The draft a preview page carries to its publish and edit forms."""
    try:
        return views_points.RuleDraft.model_validate_json(text or "")
    except ValueError:
        raise ActionError(
            Kind.INVALID, session.gettext("规则草稿不完整，请重新填写并预览"), "draft"
        ) from None


def _check_effective_date(
    services: Services, session: Session, draft: views_points.RuleDraft
) -> datetime | None:
    """The instant the draft takes effect: None for today (as soon as it is published), else the
    first instant of its day; a day already past is refused."""
    if draft.effective_date is None:
        return None
    today = services.clock().astimezone(LOCAL).date()
    if draft.effective_date < today:
        raise ActionError(Kind.INVALID, session.gettext("生效日期不能早于今天"), "effective_date")
    if draft.effective_date == today:
        return None
    day = draft.effective_date
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL)


def _with_draft_fields(call):
    """The service names a parameter rules.<field> (the date: effective_from); the draft says <field>."""
    try:
        return call()
    except ActionError as error:
        if error.field.startswith("rules."):
            error.field = error.field.removeprefix("rules.")
        elif error.field == "effective_from":
            error.field = "effective_date"
        raise


def _integer(session: Session, text: str, field: str, message: str, largest: int = LARGEST) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise ActionError(Kind.INVALID, message, field) from None
    if abs(value) > largest:
        raise ActionError(Kind.INVALID, message, field)
    return value


def _hundredths(session: Session, text: str, field: str, message: str) -> int:
    try:
        value = Decimal(str(text).strip()) * 100
    except InvalidOperation:
        raise ActionError(Kind.INVALID, message, field) from None
    if not value.is_finite() or value != value.to_integral_value() or abs(value) > LARGEST:
        raise ActionError(Kind.INVALID, message, field)
    return int(value)


def _daily_cap(session: Session, text: str) -> int:
    message = session.gettext("每日时长上限请填写小时数，如 8 或 7.5；不设上限填 0")
    try:
        minutes = Decimal(str(text).strip() or "0") * 60
    except InvalidOperation:
        raise ActionError(Kind.INVALID, message, "daily_cap_hours") from None
    if not minutes.is_finite() or minutes != minutes.to_integral_value() or abs(minutes) > LARGEST:
        raise ActionError(Kind.INVALID, message, "daily_cap_hours")
    return int(minutes)


def _date(session: Session, text: str) -> date | None:
    if not (text or "").strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ActionError(
            Kind.INVALID, session.gettext("生效日期请按 2026-03-01 的格式填写"), "effective_date"
        ) from None


def _decimal(numerator: int, denominator: int) -> str:
    """120/100 → "1.2", 480/60 → "8": exact, without trailing zeros."""
    value = Decimal(numerator) / Decimal(denominator)
    text = format(value.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
