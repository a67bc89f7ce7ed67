"""The points unit tests' shared fixtures: the unit of work in memory and the small town the stories start in.

A module that needs another unit of work overrides `uow` with a variant from here (or seeds its own data
on top of one), so each fixture is written once.
"""

from __future__ import annotations

import pytest

from .fake_activities import PointsUow, Town, plan
from .fake_rules import rules_uow as uow_over_rule_scopes


@pytest.fixture
def uow() -> PointsUow:
    """The whole points unit of work in memory, the activity and hour repositories plugged in."""
    return PointsUow()


@pytest.fixture
def rules_uow():
    """The variant for rule versions: scopes with the community → street → default fallback, and the
    street's two communities and one elsewhere known."""
    return uow_over_rule_scopes()


@pytest.fixture
def town(uow) -> Town:
    return Town(uow)


@pytest.fixture
def activity(uow, town):
    """环境卫生整治 tomorrow, run by the town's organiser."""
    return plan(uow, town)
