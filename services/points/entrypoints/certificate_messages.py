"""Certificates between the domain and jifen.points.v1 (certificates.proto)."""

from __future__ import annotations

from jifen.points.v1 import certificates_pb2 as pb
from jifen.timestamps import to_timestamp

from ..domain.certificate import Certificate
from ..service.certificates.views import Verification


def certificate(found: Certificate) -> pb.Certificate:
    return pb.Certificate(
        serial=found.serial,
        member_id=found.member_id,
        member_name=found.member_name,
        community_id=found.community_id,
        community_name=found.community_name,
        from_date=found.from_date.isoformat(),
        to_date=found.to_date.isoformat(),
        activities=[
            pb.CertifiedActivity(
                activity_id=a.activity_id, title=a.title, date=a.day.isoformat(), minutes=a.minutes
            )
            for a in found.activities
        ],
        total_minutes=found.total_minutes,
        issued_by=found.issued_by,
        issued_at=to_timestamp(found.issued_at),
    )


def verification(found: Verification) -> pb.VerifyCertificateResponse:
    if not found.genuine:
        return pb.VerifyCertificateResponse(genuine=False, serial=found.serial)
    return pb.VerifyCertificateResponse(
        genuine=True,
        serial=found.serial,
        masked_name=found.masked_name,
        community_name=found.community_name,
        from_date=found.from_date.isoformat() if found.from_date else "",
        to_date=found.to_date.isoformat() if found.to_date else "",
        total_minutes=found.total_minutes,
        issued_at=to_timestamp(found.issued_at),
    )
