"""Times as people in the community read them: local (Asia/Shanghai) wall-clock time."""

from __future__ import annotations

from datetime import datetime

from ..service.calendar import LOCAL


def local_time(value: datetime | None) -> str:
    return value.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") if value else ""


def local_clock(value: datetime | None) -> str:
    return value.astimezone(LOCAL).strftime("%H:%M") if value else ""


def local_date(value: datetime | None) -> str:
    return value.astimezone(LOCAL).strftime("%Y-%m-%d") if value else ""
