"""The role_changes history: appended to, read newest first; never updated."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.caller import Grant

from ..domain.role_change import RoleChange, RoleChangeFilter
from .tables import role_changes


def _grants_json(grants: tuple[Grant, ...]) -> str:
    return json.dumps([g.to_claim() for g in grants], ensure_ascii=False, sort_keys=True)


def _grants(text: str) -> tuple[Grant, ...]:
    return tuple(Grant(**claim) for claim in json.loads(text))


class SqlRoleChanges:
    def __init__(self, connection: Connection):
        self.connection = connection

    def add(self, change: RoleChange) -> None:
        self.connection.execute(
            role_changes.insert().values(
                id=change.id,
                kind=change.kind,
                member_id=change.member_id,
                community_id=change.community_id,
                street_id=change.street_id,
                actor_id=change.actor_id,
                occurred_at=change.occurred_at,
                roles_before=_grants_json(change.roles_before),
                roles_after=_grants_json(change.roles_after),
                reason=change.reason,
            )
        )

    def list(self, where: RoleChangeFilter, offset: int, limit: int) -> list[RoleChange]:
        query = sa.select(role_changes).where(
            role_changes.c.community_id == where.community_id, role_changes.c.kind.in_(where.kinds)
        )
        if where.created_after is not None:
            query = query.where(role_changes.c.occurred_at >= where.created_after)
        if where.created_before is not None:
            query = query.where(role_changes.c.occurred_at < where.created_before)
        newest_first = (role_changes.c.occurred_at.desc(), role_changes.c.id.desc())
        rows = self.connection.execute(query.order_by(*newest_first).offset(offset).limit(limit))
        return [
            RoleChange(
                id=r.id,
                kind=r.kind,
                member_id=r.member_id,
                community_id=r.community_id,
                street_id=r.street_id,
                actor_id=r.actor_id,
                occurred_at=r.occurred_at,
                roles_before=_grants(r.roles_before),
                roles_after=_grants(r.roles_after),
                reason=r.reason,
            )
            for r in rows
        ]
