"""Members and communities as points keeps them, from the members service's events."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc
from jifen.member_copies import grants_from_text, grants_to_text

from ..domain.people import CommunityCopy, MemberCopy
from .tables import communities, members


class SqlPeople:
    def __init__(self, connection: Connection):
        self.connection = connection

    def member(self, member_id: str) -> MemberCopy | None:
        found = self.members([member_id])
        return found.get(member_id)

    def members(self, member_ids: list[str]) -> dict[str, MemberCopy]:
        if not member_ids:
            return {}
        rows = self.connection.execute(sa.select(members).where(members.c.id.in_(set(member_ids))))
        return {row.id: _member(row) for row in rows}

    def put_member(self, member: MemberCopy) -> None:
        values = {
            "name": member.name,
            "community_id": member.community_id,
            "street_id": member.street_id,
            "grid_id": member.grid_id,
            "status": member.status,
            "updated_at": member.updated_at,
            "grants": grants_to_text(member.grants),
        }
        changed = self.connection.execute(
            members.update().where(members.c.id == member.id).values(**values)
        ).rowcount
        if not changed:
            self.connection.execute(members.insert().values(id=member.id, **values))

    def community(self, community_id: str) -> CommunityCopy | None:
        row = self.connection.execute(sa.select(communities).where(communities.c.id == community_id)).first()
        return CommunityCopy(row.id, row.street_id, row.name) if row else None

    def put_community(self, community: CommunityCopy) -> None:
        values = {"street_id": community.street_id, "name": community.name}
        changed = self.connection.execute(
            communities.update().where(communities.c.id == community.id).values(**values)
        ).rowcount
        if not changed:
            self.connection.execute(communities.insert().values(id=community.id, **values))


def _member(row) -> MemberCopy:
    return MemberCopy(
        id=row.id,
        name=row.name,
        community_id=row.community_id,
        street_id=row.street_id,
        grid_id=row.grid_id,
        status=row.status,
        updated_at=as_utc(row.updated_at),
        grants=grants_from_text(row.grants),
    )
