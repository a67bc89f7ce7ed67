"""What the certificate pages show: a certificate to print, and the public check of a serial."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel


def hours_text(minutes: int) -> str:
    """Minutes as hours with at most one decimal: 90 -> "1.5", 120 -> "2"."""
    tenths = round(minutes / 6)
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


class CertifiedActivity(BaseModel):
    title: str
    date: date
    minutes: int

    @property
    def hours(self) -> str:
        return hours_text(self.minutes)


class Certificate(BaseModel):
    serial: str
    member_id: str
    member_name: str
    community_name: str
    from_date: date
    to_date: date
    activities: list[CertifiedActivity]
    total_minutes: int
    issued_at: datetime | None

    @property
    def hours(self) -> str:
        return hours_text(self.total_minutes)


class Verification(BaseModel):
    """Genuine or not; a genuine one shows only the masked name, the period, hours and community."""

    serial: str
    genuine: bool
    masked_name: str = ""
    community_name: str = ""
    from_date: date | None = None
    to_date: date | None = None
    total_minutes: int = 0
    issued_at: datetime | None = None

    @property
    def hours(self) -> str:
        return hours_text(self.total_minutes)


class PeriodForm(BaseModel):
    """The period a certificate is asked for: this year so far unless told."""

    from_date: str
    to_date: str
