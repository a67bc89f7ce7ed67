"""What the certificate use cases need from their repository (SqlCertificates)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ...domain.certificate import Certificate, CertifiedActivity


class CertificateRepository(Protocol):
    def add(self, certificate: Certificate) -> None:
        """Writes a new certificate; a serial already used raises Conflict (never overwritten)."""
        ...

    def by_serial(self, serial: str) -> Certificate | None: ...

    def certified(
        self, member_id: str, community_id: str, start: datetime, end: datetime
    ) -> list[CertifiedActivity]:
        """The member's approved minutes at the community's activities, per activity, for records
        whose service began in [start, end)."""
        ...
