"""The dashboard's sums over entries and hour_records (see service/reports.py), one query per figure.

Each row is put in its month by a CASE over the months' UTC edges and grouped on that, so the same
SQL runs on PostgreSQL and on the embedded SQLite and no row leaves the database.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.months import Month

from ..domain.hours import APPROVED
from ..domain.ledger import ACCRUAL, ADJUSTMENT, AWARD, CAPTURE, EXPIRY
from ..service.reports import LedgerMonth, Scope
from .tables import communities, entries, hour_records


def _in_scope(column, scope: Scope):
    if scope.community_id:
        return column == scope.community_id
    return column.in_(sa.select(communities.c.id).where(communities.c.street_id == scope.street_id))


def _month_of(column, months: list[Month]):
    """The index of the month a time falls in; rows outside every month are filtered out first."""
    return sa.case(*[(column < m.end, index) for index, m in enumerate(months)], else_=-1)


def _within(column, months: list[Month]):
    return sa.and_(column >= months[0].start, column < months[-1].end)


def _sum(condition, value):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


class SqlReportSums:
    def __init__(self, connection: Connection):
        self.connection = connection

    def held_before(self, scope: Scope, start: datetime) -> int:
        return int(
            self.connection.execute(
                sa.select(sa.func.coalesce(sa.func.sum(entries.c.held_change), 0)).where(
                    _in_scope(entries.c.community_id, scope), entries.c.created_at < start
                )
            ).scalar()
        )

    def ledger_months(self, scope: Scope, months: list[Month]) -> dict[int, LedgerMonth]:
        month = _month_of(entries.c.created_at, months).label("month")
        kind, amount = entries.c.kind, entries.c.amount
        query = (
            sa.select(
                month,
                _sum(sa.or_(kind.in_((ACCRUAL, AWARD)), sa.and_(kind == ADJUSTMENT, amount > 0)), amount),
                _sum(sa.and_(kind == ADJUSTMENT, amount < 0), -amount),
                _sum(kind == CAPTURE, -entries.c.held_change),
                sa.func.coalesce(sa.func.sum(entries.c.held_change), 0),
                _sum(kind == EXPIRY, -amount),
            )
            .where(_in_scope(entries.c.community_id, scope), _within(entries.c.created_at, months))
            .group_by(month)
        )
        return {
            int(row[0]): LedgerMonth(*(int(v) for v in row[1:])) for row in self.connection.execute(query)
        }

    def certified_minutes(self, scope: Scope, months: list[Month]) -> dict[int, int]:
        month = _month_of(hour_records.c.decided_at, months).label("month")
        query = (
            sa.select(month, sa.func.sum(hour_records.c.minutes))
            .where(*self._approved(scope, months))
            .group_by(month)
        )
        return {int(m): int(v) for m, v in self.connection.execute(query)}

    def active_volunteers(self, scope: Scope, months: list[Month]) -> dict[int, int]:
        served = sa.select(
            _month_of(hour_records.c.decided_at, months).label("month"), hour_records.c.member_id
        ).where(*self._approved(scope, months))
        accrued = sa.select(
            _month_of(entries.c.created_at, months).label("month"), entries.c.member_id
        ).where(
            entries.c.kind == ACCRUAL,
            _in_scope(entries.c.community_id, scope),
            _within(entries.c.created_at, months),
        )
        either = sa.union(served, accrued).subquery()
        query = sa.select(either.c.month, sa.func.count(sa.distinct(either.c.member_id))).group_by(
            either.c.month
        )
        return {int(m): int(v) for m, v in self.connection.execute(query)}

    @staticmethod
    def _approved(scope: Scope, months: list[Month]) -> list:
        return [
            _in_scope(hour_records.c.community_id, scope),
            hour_records.c.status == APPROVED,
            _within(hour_records.c.decided_at, months),
        ]
