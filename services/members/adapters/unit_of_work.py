"""The members unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import Connection

from jifen.unit_of_work import SqlUnitOfWork

from .member_repository import SqlDirectoryRepository, SqlMemberRepository
from .role_changes_repository import SqlRoleChanges
from .sessions_repository import SqlRefreshTokens


class MembersUnitOfWork(SqlUnitOfWork):
    producer = "members"

    def _open(self, connection: Connection) -> None:
        self.members = SqlMemberRepository(connection)
        self.directory = SqlDirectoryRepository(connection)
        self.refresh_tokens = SqlRefreshTokens(connection)
        self.role_changes = SqlRoleChanges(connection)
