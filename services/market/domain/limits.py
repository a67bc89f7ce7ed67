"""Per-member limits: the period a limit counts over, in local (Asia/Shanghai) calendar terms."""

from __future__ import annotations

from datetime import datetime, timedelta
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
    """Start of the period holding `now` (UTC-aware), or None for a lifetime count."""
    local = now.astimezone(LOCAL)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == DAY:
        return midnight
    if period == WEEK:
        return midnight - timedelta(days=local.weekday())
    if period == MONTH:
        return midnight.replace(day=1)
    if period == YEAR:
        return midnight.replace(month=1, day=1)
    return None
