"""Certificates of service over SQLAlchemy Core: inserted once, never updated."""

from __future__ import annotations

import json
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc

from ..domain.certificate import Certificate, CertifiedActivity
from ..domain.hours import APPROVED
from ..domain.rules import LOCAL
from .tables import activities, certificates, hour_records


class SqlCertificates:
    def __init__(self, connection: Connection, seen: list | None = None):
        self.connection = connection
        self.seen = seen if seen is not None else []

    def add(self, certificate: Certificate) -> None:
        # The serial is unique: a collision fails the transaction (Conflict), and nothing is overwritten.
        self.connection.execute(certificates.insert().values(**_row(certificate)))
        self.seen.append(certificate)

    def by_serial(self, serial: str) -> Certificate | None:
        row = self.connection.execute(sa.select(certificates).where(certificates.c.serial == serial)).first()
        return _certificate(row) if row else None

    def certified(
        self, member_id: str, community_id: str, start: datetime, end: datetime
    ) -> list[CertifiedActivity]:
        minutes = sa.func.sum(hour_records.c.minutes).label("minutes")
        rows = self.connection.execute(
            sa.select(activities.c.id, activities.c.title, activities.c.start_time, minutes)
            .join(activities, activities.c.id == hour_records.c.activity_id)
            .where(
                hour_records.c.member_id == member_id,
                hour_records.c.community_id == community_id,
                hour_records.c.status == APPROVED,
                hour_records.c.check_in_time >= start,
                hour_records.c.check_in_time < end,
            )
            .group_by(activities.c.id, activities.c.title, activities.c.start_time)
            .order_by(activities.c.start_time, activities.c.id)
        )
        return [
            CertifiedActivity(
                activity_id=row.id,
                title=row.title,
                day=as_utc(row.start_time).astimezone(LOCAL).date(),
                minutes=int(row.minutes),
            )
            for row in rows
        ]


def _row(certificate: Certificate) -> dict:
    return {
        "id": certificate.id,
        "serial": certificate.serial,
        "member_id": certificate.member_id,
        "member_name": certificate.member_name,
        "community_id": certificate.community_id,
        "community_name": certificate.community_name,
        "from_date": certificate.from_date,
        "to_date": certificate.to_date,
        "activities": json.dumps(
            [
                {
                    "activity_id": a.activity_id,
                    "title": a.title,
                    "day": a.day.isoformat(),
                    "minutes": a.minutes,
                }
                for a in certificate.activities
            ],
            ensure_ascii=False,
        ),
        "total_minutes": certificate.total_minutes,
        "issued_by": certificate.issued_by,
        "issued_at": certificate.issued_at,
    }


def _certificate(row) -> Certificate:
    lines = tuple(
        CertifiedActivity(
            activity_id=line["activity_id"],
            title=line["title"],
            day=date.fromisoformat(line["day"]),
            minutes=int(line["minutes"]),
        )
        for line in json.loads(row.activities)
    )
    return Certificate(
        id=row.id,
        serial=row.serial,
        member_id=row.member_id,
        member_name=row.member_name,
        community_id=row.community_id,
        community_name=row.community_name,
        from_date=row.from_date,
        to_date=row.to_date,
        activities=lines,
        total_minutes=int(row.total_minutes),
        issued_by=row.issued_by,
        issued_at=as_utc(row.issued_at),
    )
