"""Certificates of service (志愿服务证明): a numbered statement of certified hours, never changed.

Whoever records the service certifies it (谁记录谁证明): a certificate states the approved minutes
of one volunteer at one community's activities over a period, by activity, in that community's
name. Issuing records CertificateIssued; issuing again gives a new certificate with a new serial.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from jifen.domain_events import Aggregate
from jifen.errors import FailedPrecondition, InvalidArgument

from .events import CertificateIssued

# Crockford's base32: no I, L, O or U, so a serial read aloud or typed from paper is not mistaken.
SERIAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SERIAL_PATTERN = re.compile(r"^ZM\d{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
MAX_SERIAL = 40
# A period longer than ten years is a typing mistake.
MAX_PERIOD_DAYS = 3660


def new_serial(issued_on: date) -> str:
    """E.g. ZM2026-7KQ3-M9XD-2HFA: the year issued, then 60 random bits (not guessable)."""
    groups = ["".join(secrets.choice(SERIAL_ALPHABET) for _ in range(4)) for _ in range(3)]
    return f"ZM{issued_on.year:04d}-" + "-".join(groups)


def normal_serial(serial: str) -> str:
    """The serial as typed, upper-cased without spaces; as printed when it is a well-formed one."""
    return re.sub(r"\s+", "", serial or "").upper()


def well_formed(serial: str) -> bool:
    return bool(SERIAL_PATTERN.match(serial))


def mask_name(name: str) -> str:
    """The name as the public page shows it: 张三 -> 张*, 张三丰 -> 张*丰, 欧阳娜娜 -> 欧**娜."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name + "*" if name else "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def parse_day(field: str, value: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidArgument(field, "日期格式应为 YYYY-MM-DD", "must be a date written YYYY-MM-DD") from None


def valid_period(from_date: str, to_date: str, today: date) -> tuple[date, date]:
    first, last = parse_day("from_date", from_date), parse_day("to_date", to_date)
    if last < first:
        raise InvalidArgument("to_date", "结束日期不能早于开始日期", "must not be before from_date")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidArgument(
            "to_date", "证明时段不能超过十年", f"the period is at most {MAX_PERIOD_DAYS} days"
        )
    if first > today:
        raise InvalidArgument("from_date", "开始日期不能晚于今天", "must not be in the future")
    if last > today:
        # A certificate states service done: it cannot vouch for days still to come.
        raise InvalidArgument("to_date", "结束日期不能晚于今天", "must not be in the future")
    return first, last


@dataclass(frozen=True)
class CertifiedActivity:
    activity_id: str
    title: str
    # The activity's first local day.
    day: date
    minutes: int


@dataclass(frozen=True)
class Certificate(Aggregate):
    id: str
    serial: str
    member_id: str
    member_name: str
    community_id: str
    community_name: str
    from_date: date
    to_date: date
    activities: tuple[CertifiedActivity, ...]
    total_minutes: int
    issued_by: str
    issued_at: datetime

    @property
    def masked_name(self) -> str:
        return mask_name(self.member_name)

    @classmethod
    def issue(
        cls,
        *,
        id: str,
        serial: str,
        member_id: str,
        member_name: str,
        community_id: str,
        community_name: str,
        period: tuple[date, date],
        activities: list[CertifiedActivity],
        issued_by: str,
        issued_at: datetime,
    ) -> Certificate:
        """A certificate of the certified minutes given; none at all is nothing to certify."""
        lines = tuple(sorted((a for a in activities if a.minutes > 0), key=lambda a: (a.day, a.title)))
        total = sum(a.minutes for a in lines)
        if total <= 0:
            raise FailedPrecondition(
                "该时段内没有已认证的服务时长，无法出具证明",
                "no certified minutes in this period: there is nothing to certify",
            )
        certificate = cls(
            id=id,
            serial=serial,
            member_id=member_id,
            member_name=member_name,
            community_id=community_id,
            community_name=community_name,
            from_date=period[0],
            to_date=period[1],
            activities=lines,
            total_minutes=total,
            issued_by=issued_by,
            issued_at=issued_at,
        )
        certificate.record(
            CertificateIssued(
                serial=serial,
                member_id=member_id,
                community_id=community_id,
                from_date=period[0],
                to_date=period[1],
                total_minutes=total,
                issued_by=issued_by,
                issued_at=issued_at,
            )
        )
        return certificate


def period_bounds(first: date, last: date, zone) -> tuple[datetime, datetime]:
    """The local days [first, last] as [start, end) moments."""
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    end = datetime(last.year, last.month, last.day, tzinfo=zone) + timedelta(days=1)
    return start, end
