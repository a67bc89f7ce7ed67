"""What the certificate use cases answer with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ...domain.certificate import Certificate

__all__ = ["Certificate", "Verification"]


@dataclass(frozen=True)
class Verification:
    """The public page's answer: only what a certificate shows a stranger."""

    genuine: bool
    serial: str
    masked_name: str = ""
    community_name: str = ""
    from_date: date | None = None
    to_date: date | None = None
    total_minutes: int = 0
    issued_at: datetime | None = None
