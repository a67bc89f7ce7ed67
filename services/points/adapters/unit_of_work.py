"""The points unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from jifen.unit_of_work import SqlUnitOfWork

from ..service.ports import Directory
from .activities_repository import SqlActivities, SqlHourRecords
from .audit_queries import SqlAuditTrail
from .certificates_repository import SqlCertificates
from .leaderboard_queries import SqlLeaderboardSums
from .ledger_repository import SqlLedger
from .needs_repository import SqlNeeds, SqlResources
from .outbox_messages import to_message
from .people_repository import SqlPeople
from .report_queries import SqlReportSums
from .rules_repository import SqlRules


class PointsUnitOfWork(SqlUnitOfWork):
    producer = "points"
    to_message = to_message

    def __init__(self, engine: Engine, directory: Directory | None = None):
        super().__init__(engine)
        self.directory = directory

    def _open(self, connection: Connection) -> None:
        self.people = SqlPeople(connection)
        self.ledger = SqlLedger(connection, self.seen)
        self.rules = SqlRules(connection)
        self.leaderboard_sums = SqlLeaderboardSums(connection)
        self.report_sums = SqlReportSums(connection)
        self.audit_trail = SqlAuditTrail(connection)
        self.activities = SqlActivities(connection)
        self.hours = SqlHourRecords(connection, self.seen)
        self.needs = SqlNeeds(connection, self.seen)
        self.resources = SqlResources(connection)
        self.certificates = SqlCertificates(connection, self.seen)
