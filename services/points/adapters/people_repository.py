"""Members and communities as points keeps them, in its own tables."""

from __future__ import annotations

from jifen.member_copy_repository import SqlMemberCopies

from .tables import member_copies


class SqlPeople(SqlMemberCopies):
    tables = member_copies
