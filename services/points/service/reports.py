"""The dashboard's monthly figures of a community or a street, summed by the database (report_sums).

Active volunteers of a month: members with at least one hour record approved in it (by approval
time, in the activity's community) or one accrual entry posted in it. Held points at a month's end:
the running sum of every hold entry's held_change up to that end, so it is exact for past months.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from jifen.caller import Caller
from jifen.errors import InvalidArgument
from jifen.months import Month, month_range

from .lookups import known_community
from .ports import UnitOfWork
from .scope import refused, require_admin_of


@dataclass(frozen=True)
class Scope:
    """Exactly one is set: one community, or every community of a street."""

    community_id: str = ""
    street_id: str = ""


@dataclass(frozen=True)
class LedgerMonth:
    issued: int = 0
    taken_back: int = 0
    spent: int = 0
    held_change: int = 0
    expired: int = 0


@dataclass(frozen=True)
class MonthlySummary:
    month: str
    points_issued: int
    points_taken_back: int
    points_spent: int
    points_held: int
    points_expired: int
    certified_minutes: int
    active_volunteers: int


class ReportSums(Protocol):
    """Sums per month (index into the months given) over a scope (uow.report_sums)."""

    def held_before(self, scope: Scope, start) -> int: ...
    def ledger_months(self, scope: Scope, months: list[Month]) -> dict[int, LedgerMonth]: ...
    def certified_minutes(self, scope: Scope, months: list[Month]) -> dict[int, int]: ...
    def active_volunteers(self, scope: Scope, months: list[Month]) -> dict[int, int]: ...


@dataclass(frozen=True)
class GetMonthlySummary:
    actor: Caller
    community_id: str
    street_id: str
    from_month: str
    to_month: str


def checked_scope(actor: Caller, community_id: str, street_id: str, uow: UnitOfWork) -> Scope:
    if bool(community_id) == bool(street_id):
        raise InvalidArgument(
            "community_id",
            "请指定一个社区或一个街道（只能选其一）",
            "give exactly one of community_id and street_id",
        )
    if street_id:
        if not actor.administers_street(street_id):
            raise refused()
        return Scope(street_id=street_id)
    require_admin_of(actor, known_community(uow, community_id))
    return Scope(community_id=community_id)


def monthly_summary(query: GetMonthlySummary, uow: UnitOfWork) -> list[MonthlySummary]:
    months = month_range(query.from_month, query.to_month)
    with uow:
        scope = checked_scope(query.actor, query.community_id, query.street_id, uow)
        sums: ReportSums = uow.report_sums
        held = sums.held_before(scope, months[0].start)
        ledger = sums.ledger_months(scope, months)
        minutes = sums.certified_minutes(scope, months)
        active = sums.active_volunteers(scope, months)
    found = []
    for index, month in enumerate(months):
        figures = ledger.get(index, LedgerMonth())
        held += figures.held_change
        found.append(
            MonthlySummary(
                month=month.label,
                points_issued=figures.issued,
                points_taken_back=figures.taken_back,
                points_spent=figures.spent,
                points_held=held,
                points_expired=figures.expired,
                certified_minutes=minutes.get(index, 0),
                active_volunteers=active.get(index, 0),
            )
        )
    return found
