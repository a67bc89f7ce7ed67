"""The commands the certificate use cases take."""

from __future__ import annotations

from dataclasses import dataclass

from jifen.caller import Caller


@dataclass(frozen=True)
class IssueCertificate:
    actor: Caller
    request_id: str
    # Empty: the caller.
    member_id: str
    # Empty: the volunteer's own community.
    community_id: str
    from_date: str
    to_date: str


@dataclass(frozen=True)
class GetCertificate:
    actor: Caller
    serial: str


@dataclass(frozen=True)
class VerifyCertificate:
    serial: str
