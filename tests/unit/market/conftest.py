"""The market unit tests' shared fixtures: the unit of work in memory, a stopped clock and the points service.

A module that starts from more (shops, members, points to spend) overrides a fixture and builds on the one
here, so each is written once.
"""

from __future__ import annotations

import pytest

from .fakes import NOW, Clock, FakePoints, FakeUnitOfWork, town


@pytest.fixture
def uow() -> FakeUnitOfWork:
    """The market unit of work in memory, knowing the street's two communities and one elsewhere."""
    return town()


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def points() -> FakePoints:
    """The points service as the market sees it: nobody has points yet."""
    return FakePoints()
