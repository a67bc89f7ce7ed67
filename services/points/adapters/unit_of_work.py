"""The points unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import Connection

from jifen.unit_of_work import SqlUnitOfWork

from .activities_repository import SqlActivities, SqlHourRecords
from .leaderboard_queries import SqlLeaderboardSums
from .ledger_repository import SqlLedger
from .people_repository import SqlPeople
from .rules_repository import SqlRules


class PointsUnitOfWork(SqlUnitOfWork):
    producer = "points"

    def _open(self, connection: Connection) -> None:
        self.people = SqlPeople(connection)
        self.ledger = SqlLedger(connection)
        self.rules = SqlRules(connection)
        self.leaderboard_sums = SqlLeaderboardSums(connection)
        self.activities = SqlActivities(connection)
        self.hours = SqlHourRecords(connection)
