"""The members unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import Connection

from jifen.unit_of_work import SqlUnitOfWork

from . import outbox_messages
from .directory_repository import SqlDirectoryRepository
from .member_repository import SqlMemberRepository
from .role_changes_repository import SqlRoleChanges
from .sessions_repository import SqlRefreshTokens


class MembersUnitOfWork(SqlUnitOfWork):
    producer = "members"
    to_message = outbox_messages.to_message

    def _open(self, connection: Connection) -> None:
        self.members = SqlMemberRepository(connection, self.seen)
        self.directory = SqlDirectoryRepository(connection, self.seen)
        self.refresh_tokens = SqlRefreshTokens(connection)
        self.role_changes = SqlRoleChanges(connection)
