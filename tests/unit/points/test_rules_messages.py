"""The rules contract's enums and messages map onto the domain and back without loss."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jifen.errors import InvalidArgument
from jifen.points.v1 import rules_pb2 as pb
from services.points.domain.rules import DEFAULT_RULES, Commendation, RuleSet, RuleVersion
from services.points.entrypoints import rule_messages as messages

EVERYTHING = RuleSet(
    points_per_hour=12,
    difficulty_multipliers=(100, 110, 120, 130, 140),
    category_multipliers={"elderly": 150, "cleanup": 90},
    rounding_minutes=15,
    rounding_mode="nearest",
    daily_hour_cap_minutes=600,
    commendations=(Commendation("优秀志愿者", 300),),
    expiry_policy="months_after_accrual",
    expiry_value=12,
)


@pytest.mark.parametrize("rule_set", [DEFAULT_RULES, EVERYTHING], ids=["default", "everything"])
def test_a_rule_set_survives_the_round_trip(rule_set):
    request = pb.PublishRuleVersionRequest(rules=messages.rule_set(rule_set))

    assert messages.rule_set_of(request) == rule_set


@pytest.mark.parametrize(
    ("mode", "name"),
    [(pb.ROUNDING_MODE_DOWN, "down"), (pb.ROUNDING_MODE_NEAREST, "nearest"), (pb.ROUNDING_MODE_UP, "up")],
)
def test_rounding_modes(mode, name):
    request = pb.PublishRuleVersionRequest(rules=pb.RuleSet(rounding_mode=mode))
    assert messages.rule_set_of(request).rounding_mode == name


@pytest.mark.parametrize(
    ("policy", "name"),
    [
        (pb.EXPIRY_POLICY_NEVER, "never"),
        (pb.EXPIRY_POLICY_MONTHS_AFTER_ACCRUAL, "months_after_accrual"),
        (pb.EXPIRY_POLICY_END_OF_YEAR, "end_of_year"),
    ],
)
def test_expiry_policies(policy, name):
    request = pb.PublishRuleVersionRequest(rules=pb.RuleSet(expiry_policy=policy))
    assert messages.rule_set_of(request).expiry_policy == name


def test_unspecified_enums_are_refused_by_validation_naming_the_field():
    message = messages.rule_set(DEFAULT_RULES)
    message.rounding_mode = pb.ROUNDING_MODE_UNSPECIFIED
    draft = messages.rule_set_of(pb.PublishRuleVersionRequest(rules=message))

    with pytest.raises(InvalidArgument) as raised:
        draft.validated()
    assert raised.value.field == "rules.rounding_mode"


def test_missing_rules_are_refused():
    with pytest.raises(InvalidArgument) as raised:
        messages.rule_set_of(pb.PublishRuleVersionRequest(request_id="r1"))
    assert raised.value.field == "rules"


def test_a_version_carries_scope_times_rules_and_title():
    when = datetime(2026, 12, 1, tzinfo=UTC)
    version = RuleVersion("v1", "co-a", "", when, EVERYTHING, "说明", "admin-1", when, "冬季积分办法")

    message = messages.rule_version(version)

    assert message.rule_version_id == "v1" and message.community_id == "co-a" and message.street_id == ""
    assert message.effective_from.ToDatetime(tzinfo=UTC) == when
    assert message.rules.rounding_mode == pb.ROUNDING_MODE_NEAREST
    assert dict(message.rules.category_multipliers) == {"elderly": 150, "cleanup": 90}
    assert message.note == "说明" and message.published_by == "admin-1"
    assert message.title == "冬季积分办法"
