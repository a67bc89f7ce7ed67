"""A RuleSet as stored JSON: the same shape in the table, the first migration and the tests."""

from __future__ import annotations

import dataclasses
import json

from ..domain.rules import STAR_HOURS_NATIONAL, Commendation, RuleSet


def dumps(rules: RuleSet) -> str:
    return json.dumps(dataclasses.asdict(rules), ensure_ascii=False, sort_keys=True)


def loads(text: str) -> RuleSet:
    data = json.loads(text)
    return RuleSet(
        points_per_hour=data["points_per_hour"],
        difficulty_multipliers=tuple(data["difficulty_multipliers"]),
        category_multipliers=dict(data["category_multipliers"]),
        rounding_minutes=data["rounding_minutes"],
        rounding_mode=data["rounding_mode"],
        daily_hour_cap_minutes=data["daily_hour_cap_minutes"],
        commendations=tuple(Commendation(c["name"], c["points"]) for c in data["commendations"]),
        expiry_policy=data["expiry_policy"],
        expiry_value=data["expiry_value"],
        # Versions stored before stars were a rule count with the national thresholds.
        star_hours=tuple(data.get("star_hours") or STAR_HOURS_NATIONAL),
    )
