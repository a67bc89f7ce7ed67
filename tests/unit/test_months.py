"""Report months: "YYYY-MM" in Asia/Shanghai, cut into UTC windows; bad ranges name their field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jifen.errors import InvalidArgument
from jifen.months import MAX_MONTHS, month_range


def test_a_shanghai_month_starts_at_four_in_the_afternoon_utc_the_day_before():
    months = month_range("2026-12", "2027-01")
    assert [m.label for m in months] == ["2026-12", "2027-01"]
    assert months[0].start == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert months[0].end == months[1].start == datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert months[1].end == datetime(2027, 1, 31, 16, tzinfo=UTC)


def test_the_longest_range_is_accepted_and_one_month_more_is_not():
    assert len(month_range("2024-01", "2026-12")) == MAX_MONTHS
    with pytest.raises(InvalidArgument) as err:
        month_range("2023-12", "2026-12")
    assert err.value.field == "to_month"


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        ("2026-1", "2026-02", "from_month"),
        ("2026-00", "2026-02", "from_month"),
        ("", "2026-02", "from_month"),
        ("2026-01", "2026-13", "to_month"),
        ("2026-01", "1999-12", "to_month"),
        ("2026-03", "2026-02", "to_month"),
    ],
)
def test_a_bad_month_or_a_backwards_range_names_the_field_in_chinese(first, last, field):
    with pytest.raises(InvalidArgument) as err:
        month_range(first, last)
    assert err.value.field == field
    assert not err.value.zh.isascii()
