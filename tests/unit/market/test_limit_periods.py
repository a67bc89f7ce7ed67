"""The period a per-member limit counts over: the community's local calendar, handed on as UTC instants."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.market.domain.limits import DAY, LIFETIME, MONTH, WEEK, YEAR, period_start

# 06:30 on Friday 1 January 2027 in Asia/Shanghai: still 31 December in UTC.
MORNING = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("period", "local_start_in_utc"),
    [
        (DAY, datetime(2026, 12, 31, 16, 0, tzinfo=UTC)),  # 1 January 00:00 local
        (WEEK, datetime(2026, 12, 27, 16, 0, tzinfo=UTC)),  # Monday 28 December 00:00 local
        (MONTH, datetime(2026, 12, 31, 16, 0, tzinfo=UTC)),
        (YEAR, datetime(2026, 12, 31, 16, 0, tzinfo=UTC)),
    ],
)
def test_a_period_starts_at_local_midnight_given_as_a_utc_instant(period, local_start_in_utc):
    start = period_start(period, MORNING)

    assert start == local_start_in_utc
    # The stored times it is compared with are UTC: a local wall-clock here would be misread by SQLite.
    assert start.utcoffset().total_seconds() == 0


def test_a_lifetime_limit_counts_from_the_beginning():
    assert period_start(LIFETIME, MORNING) is None
