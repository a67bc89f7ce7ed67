"""Certificates of service (志愿服务证明): the volunteer's and their admins' downloads, the public check.

Points issues the certificate and keeps it; the gateway only asks for it and prints it.
"""

from __future__ import annotations

from datetime import date

from jifen.ids import new_id
from jifen.timestamps import field_time

from ..adapters.grpc_calls import Credentials
from .calendar import LOCAL
from .gateway import Services
from .session import Session
from .views_certificates import Certificate, CertifiedActivity, PeriodForm, Verification


def this_year(services: Services) -> PeriodForm:
    today = services.clock().astimezone(LOCAL).date()
    return PeriodForm(from_date=date(today.year, 1, 1).isoformat(), to_date=today.isoformat())


def issue(services: Services, session: Session, form: dict, member_id: str = "") -> Certificate:
    """Issues a certificate of the member's certified hours (the caller's own unless told)."""
    issued = services.points.issue_certificate(
        session.credentials,
        form.get("request_id", "") or new_id(),
        member_id,
        form.get("from_date", "").strip(),
        form.get("to_date", "").strip(),
    )
    return _certificate(issued)


def certificate(services: Services, session: Session, serial: str) -> Certificate:
    return _certificate(services.points.certificate(session.credentials, serial))


def verify(services: Services, who: Credentials, serial: str) -> Verification:
    found = services.points.verify_certificate(who, serial)
    if not found.genuine:
        return Verification(serial=found.serial or serial, genuine=False)
    return Verification(
        serial=found.serial,
        genuine=True,
        masked_name=found.masked_name,
        community_name=found.community_name,
        from_date=date.fromisoformat(found.from_date),
        to_date=date.fromisoformat(found.to_date),
        total_minutes=found.total_minutes,
        issued_at=field_time(found, "issued_at"),
    )


def _certificate(value) -> Certificate:
    return Certificate(
        serial=value.serial,
        member_id=value.member_id,
        member_name=value.member_name,
        community_name=value.community_name,
        from_date=date.fromisoformat(value.from_date),
        to_date=date.fromisoformat(value.to_date),
        activities=[
            CertifiedActivity(title=a.title, date=date.fromisoformat(a.date), minutes=a.minutes)
            for a in value.activities
        ],
        total_minutes=value.total_minutes,
        issued_at=field_time(value, "issued_at"),
    )
