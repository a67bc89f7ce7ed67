"""Months and hours as a volunteer reads them: local (Asia/Shanghai) months, hours to one decimal."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from .errors import ActionError, Kind

LOCAL = ZoneInfo("Asia/Shanghai")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_of(moment: datetime) -> str:
    local = moment.astimezone(LOCAL)
    return f"{local.year:04d}-{local.month:02d}"


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of a "YYYY-MM" month in local time."""
    found = MONTH.match(month or "")
    if not found or not 1 <= int(found.group(2)) <= 12 or not 2000 <= int(found.group(1)) <= 2100:
        raise ActionError(Kind.INVALID, "月份格式应为 2026-03 这样的年-月", "month")
    year, number = int(found.group(1)), int(found.group(2))
    start = datetime(year, number, 1, tzinfo=LOCAL)
    end = datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=LOCAL)
    return start, end


def shift_month(month: str, by: int) -> str:
    start, _ = month_bounds(month)
    index = start.year * 12 + start.month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def hours(minutes: int) -> float:
    return round(minutes / 60, 1)
