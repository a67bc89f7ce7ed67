"""Posting to an account inside a use case's transaction: the one way points and certified minutes change.

Every posting locks the account, first expires lots past their date (so nothing spends expired
points), applies the change and saves it with a conditional update on the account's version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.errors import NotFound
from jifen.ids import new_id

from ...domain.ledger import ACCRUAL, FROM_HOUR_RECORD, Account, Earning, Entry
from ...domain.rules import STAR_HOURS, star_level
from ..ports import UnitOfWork


def no_account(member_id: str) -> NotFound:
    return NotFound("该成员还没有积分账户", f"member {member_id!r} has no points account", "member_id")


def star_hours_of(uow: UnitOfWork, member_id: str, now: datetime) -> tuple[int, ...]:
    """The star thresholds of the rules in force for the member's community (or its street) now."""
    member = uow.people.member(member_id)
    if member is None:
        return STAR_HOURS
    return uow.rules.in_force(member.community_id, member.street_id, now).rules.star_hours


def locked_account(uow: UnitOfWork, member_id: str, now: datetime) -> Account:
    """The member's account, locked for this transaction, with lots past their date expired."""
    account = uow.ledger.lock(member_id)
    if account is None:
        raise no_account(member_id)
    account.expire_due(new_id(), now)
    return account


@dataclass(frozen=True)
class ApprovedHours:
    """An approved hour record, as the ledger needs it."""

    member_id: str
    hour_record_id: str
    activity_id: str
    minutes: int
    points: int
    rule_version_id: str
    calculation: str
    lot_expires_at: datetime | None
    # Statement text, e.g. "环境卫生整治 服务 2.5 小时".
    reason: str
    approved_by: str


@dataclass(frozen=True)
class Certified:
    entry: Entry
    certified_minutes: int
    star_level: int
    star_level_changed: bool


def post_approved_hours(uow: UnitOfWork, approved: ApprovedHours, now: datetime) -> Certified:
    """Certifies the minutes and accrues the points of one approved hour record (maybe 0 points)."""
    account = locked_account(uow, approved.member_id, now)
    thresholds = star_hours_of(uow, approved.member_id, now)
    stars_before = star_level(account.certified_minutes, thresholds)
    entry = account.earn(
        Earning(
            kind=ACCRUAL,
            amount=approved.points,
            reason=approved.reason,
            source_type=FROM_HOUR_RECORD,
            source_id=approved.hour_record_id,
            lot_expires_at=approved.lot_expires_at,
            rule_version_id=approved.rule_version_id,
            calculation=approved.calculation,
            created_by=approved.approved_by,
            activity_id=approved.activity_id,
        ),
        new_id(),
        new_id(),
        now,
    )
    total = account.certify(approved.minutes)
    uow.ledger.save(account, now)
    stars = star_level(total, thresholds)
    return Certified(entry, total, stars, stars != stars_before)
