"""Calendar months as reports name them ("YYYY-MM", Asia/Shanghai), cut into UTC windows for SQL.

A report's range is inclusive on both ends and at most MAX_MONTHS long, so one request cannot ask
the database for centuries of buckets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from .errors import InvalidArgument

LOCAL = ZoneInfo("Asia/Shanghai")
MAX_MONTHS = 36
_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Month:
    label: str
    # [start, end) in UTC.
    start: datetime
    end: datetime


def _parse(field: str, text: str) -> tuple[int, int]:
    found = _PATTERN.match(text or "")
    if found is None or not 1 <= int(found.group(2)) <= 12 or not 2000 <= int(found.group(1)) <= 2100:
        raise InvalidArgument(
            field, "月份须写作 年-月，例如 2026-03", "must be a month written YYYY-MM, e.g. 2026-03"
        )
    return int(found.group(1)), int(found.group(2))


def _start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=LOCAL).astimezone(UTC)


def month_range(from_month: str, to_month: str) -> list[Month]:
    """The months from_month … to_month; the field names in errors are the request's."""
    first = _parse("from_month", from_month)
    last = _parse("to_month", to_month)
    count = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if count < 1:
        raise InvalidArgument("to_month", "结束月份不能早于开始月份", "must not be before from_month")
    if count > MAX_MONTHS:
        raise InvalidArgument(
            "to_month", f"一次最多查询 {MAX_MONTHS} 个月", f"the range may hold at most {MAX_MONTHS} months"
        )
    months = []
    year, month = first
    for _ in range(count):
        after = (year + month // 12, month % 12 + 1)
        months.append(Month(f"{year:04d}-{month:02d}", _start(year, month), _start(*after)))
        year, month = after
    return months
