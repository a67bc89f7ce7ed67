"""The sums leaderboards are made of, over entries and hour_records (see service/leaderboards/handlers.py).

Plain range conditions and SUM(CASE …) only, so the same queries run on PostgreSQL and on the
embedded SQLite; calendar months are cut into UTC windows by the caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc

from ..domain.ledger import EARNING_KINDS
from ..service.leaderboards.ports import Window
from .tables import accounts, entries, hour_records

APPROVED = "approved"
STREAM_BATCH = 2000


def _within(column, window: Window):
    start, end = window
    conditions = [sa.true()]
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return sa.and_(*conditions)


def _sums(column, value, windows: list[Window]) -> list:
    return [sa.func.coalesce(sa.func.sum(sa.case((_within(column, w), value), else_=0)), 0) for w in windows]


class SqlLeaderboardSums:
    def __init__(self, connection: Connection):
        self.connection = connection

    def account_community(self, member_id: str) -> str | None:
        return self.connection.execute(
            sa.select(accounts.c.community_id).where(accounts.c.member_id == member_id)
        ).scalar()

    def member_points(self, member_id: str, community_id: str, windows: list[Window]) -> list[int]:
        row = self.connection.execute(
            sa.select(*_sums(entries.c.created_at, entries.c.amount, windows)).where(
                entries.c.member_id == member_id,
                entries.c.community_id == community_id,
                entries.c.kind.in_(EARNING_KINDS),
            )
        ).one()
        return [int(v) for v in row]

    def member_minutes(self, member_id: str, windows: list[Window]) -> list[int]:
        row = self.connection.execute(
            sa.select(*_sums(hour_records.c.decided_at, hour_records.c.minutes, windows)).where(
                hour_records.c.member_id == member_id, hour_records.c.status == APPROVED
            )
        ).one()
        return [int(v) for v in row]

    def earned_points(self) -> Iterator[tuple[str, str, int, datetime]]:
        """Earning entries posted in the community the member belongs to now."""
        query = (
            sa.select(accounts.c.community_id, entries.c.member_id, entries.c.amount, entries.c.created_at)
            .select_from(entries.join(accounts, accounts.c.member_id == entries.c.member_id))
            .where(entries.c.kind.in_(EARNING_KINDS), entries.c.community_id == accounts.c.community_id)
        )
        for row in self.connection.execute(query.execution_options(yield_per=STREAM_BATCH)):
            yield row[0], row[1], int(row[2]), as_utc(row[3])

    def certified_minutes(self) -> Iterator[tuple[str, str, int, datetime]]:
        """Approved minutes, counted for the member's community."""
        query = (
            sa.select(
                accounts.c.community_id,
                hour_records.c.member_id,
                hour_records.c.minutes,
                hour_records.c.decided_at,
            )
            .select_from(hour_records.join(accounts, accounts.c.member_id == hour_records.c.member_id))
            .where(hour_records.c.status == APPROVED, hour_records.c.decided_at.is_not(None))
        )
        for row in self.connection.execute(query.execution_options(yield_per=STREAM_BATCH)):
            yield row[0], row[1], int(row[2]), as_utc(row[3])
