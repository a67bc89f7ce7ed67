"""Per-member limits: the period a limit counts over, in local (Asia/Shanghai) calendar terms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")

NONE = "none"
DAY = "day"
WEEK = "week"
MONTH = "month"
YEAR = "year"
LIFETIME = "lifetime"
PERIODS = (NONE, DAY, WEEK, MONTH, YEAR, LIFETIME)

# How a volunteer reads the limit: "每月限兑 1 件".
PERIOD_ZH = {DAY: "每天", WEEK: "每周", MONTH: "每月", YEAR: "每年", LIFETIME: "每人"}
PERIOD_EN = {DAY: "per day", WEEK: "per week", MONTH: "per month", YEAR: "per year", LIFETIME: "in total"}


def period_start(period: str, now: datetime) -> datetime | None:
    """The UTC instant the local day, week (from Monday), month or year holding `now` began.

    None for a lifetime count. Stored times are UTC, so the start is handed on in UTC too: a local
    wall-clock midnight compared with them would leave the first eight hours of a period uncounted.
    """
    local = now.astimezone(LOCAL)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == DAY:
        start = midnight
    elif period == WEEK:
        start = midnight - timedelta(days=local.weekday())
    elif period == MONTH:
        start = midnight.replace(day=1)
    elif period == YEAR:
        start = midnight.replace(month=1, day=1)
    else:
        return None
    return start.astimezone(UTC)
