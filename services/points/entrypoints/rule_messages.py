"""Translation between the rules contract (jifen.points.v1 rules.proto) and the rules domain."""

from __future__ import annotations

from jifen.errors import InvalidArgument
from jifen.points.v1 import rules_pb2 as pb
from jifen.proto_enums import enum_names
from jifen.timestamps import to_timestamp

from ..domain.rules import (
    STAR_HOURS_NATIONAL,
    Commendation,
    RuleSet,
    RuleVersion,
)
from ..service.rules.views import Preview, PreviewRow

ROUNDING_MODES, ROUNDING_MODE_NAMES = enum_names(pb.RoundingMode, "ROUNDING_MODE_")
EXPIRY_POLICIES, EXPIRY_POLICY_NAMES = enum_names(pb.ExpiryPolicy, "EXPIRY_POLICY_")


def rule_set_of(request, field: str = "rules") -> RuleSet:
    """The RuleSet a request carries; unset or unknown enums become "" so validated() names the field."""
    if not request.HasField(field):
        raise InvalidArgument(field, "请填写规则参数", "is required")
    message: pb.RuleSet = getattr(request, field)
    return RuleSet(
        points_per_hour=message.points_per_hour,
        difficulty_multipliers=tuple(message.difficulty_multipliers),
        # Sorted, so the idempotency fingerprint does not depend on the map's wire order.
        category_multipliers=dict(sorted(message.category_multipliers.items())),
        rounding_minutes=message.rounding_minutes,
        rounding_mode=ROUNDING_MODE_NAMES.get(message.rounding_mode, ""),
        daily_hour_cap_minutes=message.daily_hour_cap_minutes,
        commendations=tuple(Commendation(c.name.strip(), c.points) for c in message.commendations),
        expiry_policy=EXPIRY_POLICY_NAMES.get(message.expiry_policy, ""),
        expiry_value=message.expiry_value,
        # None given: the national thresholds.
        star_hours=tuple(message.star_hours) or STAR_HOURS_NATIONAL,
    )


def rule_set(value: RuleSet) -> pb.RuleSet:
    return pb.RuleSet(
        points_per_hour=value.points_per_hour,
        difficulty_multipliers=list(value.difficulty_multipliers),
        category_multipliers=dict(value.category_multipliers),
        rounding_minutes=value.rounding_minutes,
        rounding_mode=ROUNDING_MODES.get(value.rounding_mode, pb.ROUNDING_MODE_UNSPECIFIED),
        daily_hour_cap_minutes=value.daily_hour_cap_minutes,
        commendations=[pb.Commendation(name=c.name, points=c.points) for c in value.commendations],
        expiry_policy=EXPIRY_POLICIES.get(value.expiry_policy, pb.EXPIRY_POLICY_UNSPECIFIED),
        expiry_value=value.expiry_value,
        star_hours=list(value.star_hours),
    )


def rule_version(value: RuleVersion) -> pb.RuleVersion:
    return pb.RuleVersion(
        rule_version_id=value.id,
        community_id=value.community_id,
        street_id=value.street_id,
        effective_from=to_timestamp(value.effective_from),
        rules=rule_set(value.rules),
        note=value.note,
        published_by=value.published_by,
        published_at=to_timestamp(value.published_at),
        title=value.title,
    )


def preview_row(row: PreviewRow) -> pb.PreviewMemberRow:
    return pb.PreviewMemberRow(
        member_id=row.member_id,
        member_name=row.member_name,
        community_id=row.community_id,
        hour_record_count=row.hour_record_count,
        minutes=row.minutes,
        current_points=row.current_points,
        draft_points=row.draft_points,
        difference=row.difference,
    )


def preview_response(preview: Preview) -> pb.PreviewRuleVersionResponse:
    return pb.PreviewRuleVersionResponse(
        rows=[preview_row(r) for r in preview.rows],
        next_page_token=preview.next_page_token,
        total_current_points=preview.total_current_points,
        total_draft_points=preview.total_draft_points,
        member_count=preview.member_count,
    )
