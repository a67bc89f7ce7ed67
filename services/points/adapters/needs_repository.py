"""Needs, their claims, notes and awards, and the resource list, in SQL."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from ..domain.need import Claim, Need, Note, Resource
from .tables import need_awards, need_claims, need_notes, needs, resources


class SqlNeeds:
    def __init__(self, connection: Connection, seen: list | None = None):
        self.connection = connection
        self.seen = [] if seen is None else seen

    def add(self, need: Need) -> None:
        self.connection.execute(
            needs.insert().values(
                id=need.id,
                community_id=need.community_id,
                grid_id=need.grid_id,
                place=need.place,
                title=need.title,
                description=need.description,
                category=need.category,
                points=need.points,
                wanted=need.wanted,
                deadline=need.deadline,
                posted_by=need.posted_by,
                posted_at=need.posted_at,
                closed=need.closed,
                result=need.result,
                closed_at=need.closed_at,
            )
        )
        self.seen.append(need)

    def get(self, need_id: str, lock: bool = False) -> Need | None:
        query = sa.select(needs).where(needs.c.id == need_id)
        row = self.connection.execute(query.with_for_update() if lock else query).first()
        if row is None:
            return None
        found = self._loaded([row])[0]
        if lock:
            self.seen.append(found)
        return found

    def save(self, need: Need) -> None:
        self.connection.execute(
            needs.update()
            .where(needs.c.id == need.id)
            .values(closed=need.closed, result=need.result, closed_at=need.closed_at)
        )
        for claim in need.new_claims:
            self.connection.execute(
                need_claims.insert().values(
                    id=claim.id,
                    need_id=claim.need_id,
                    member_id=claim.member_id,
                    organization_id=claim.organization_id,
                    organization_name=claim.organization_name,
                    state=claim.state,
                    claimed_at=claim.claimed_at,
                )
            )
        for claim in need.changed_claims:
            self.connection.execute(
                need_claims.update().where(need_claims.c.id == claim.id).values(state=claim.state)
            )
        for note in need.new_notes:
            self.connection.execute(
                need_notes.insert().values(
                    id=note.id,
                    need_id=note.need_id,
                    member_id=note.member_id,
                    text=note.text,
                    written_at=note.written_at,
                )
            )
        need.new_claims, need.changed_claims, need.new_notes = [], [], []
        if need not in self.seen:
            self.seen.append(need)

    def list(self, community_id: str, grid_id: str = "") -> list[Need]:
        query = sa.select(needs).where(needs.c.community_id == community_id)
        if grid_id:
            query = query.where(needs.c.grid_id == grid_id)
        rows = self.connection.execute(query.order_by(needs.c.posted_at.desc()).limit(500)).all()
        return self._loaded(rows)

    def posted_between(self, community_id: str, start: datetime, end: datetime) -> list[Need]:
        rows = self.connection.execute(
            sa.select(needs).where(
                needs.c.community_id == community_id, needs.c.posted_at >= start, needs.c.posted_at < end
            )
        ).all()
        return self._loaded(rows)

    def awarded(self, need_id: str) -> set[str]:
        return set(
            self.connection.execute(
                sa.select(need_awards.c.member_id).where(need_awards.c.need_id == need_id)
            ).scalars()
        )

    def note_award(self, need_id: str, member_id: str, entry_id: str, now: datetime) -> None:
        self.connection.execute(
            need_awards.insert().values(
                need_id=need_id, member_id=member_id, entry_id=entry_id, awarded_at=now
            )
        )

    def _loaded(self, rows) -> list[Need]:
        ids = [r.id for r in rows]
        claims: dict[str, list[Claim]] = {i: [] for i in ids}
        notes: dict[str, list[Note]] = {i: [] for i in ids}
        if ids:
            for c in self.connection.execute(
                sa.select(need_claims)
                .where(need_claims.c.need_id.in_(ids))
                .order_by(need_claims.c.claimed_at, need_claims.c.id)
            ):
                claims[c.need_id].append(
                    Claim(
                        c.id,
                        c.need_id,
                        c.member_id,
                        c.organization_id,
                        c.organization_name,
                        c.state,
                        c.claimed_at,
                    )
                )
            for n in self.connection.execute(
                sa.select(need_notes)
                .where(need_notes.c.need_id.in_(ids))
                .order_by(need_notes.c.written_at, need_notes.c.id)
            ):
                notes[n.need_id].append(Note(n.id, n.need_id, n.member_id, n.text, n.written_at))
        return [
            Need(
                id=r.id,
                community_id=r.community_id,
                grid_id=r.grid_id,
                place=r.place,
                title=r.title,
                description=r.description,
                category=r.category,
                points=r.points,
                wanted=r.wanted,
                deadline=r.deadline,
                posted_by=r.posted_by,
                posted_at=r.posted_at,
                closed=r.closed,
                result=r.result,
                closed_at=r.closed_at,
                claims=claims[r.id],
                notes=notes[r.id],
            )
            for r in rows
        ]


class SqlResources:
    def __init__(self, connection: Connection):
        self.connection = connection

    def get(self, resource_id: str) -> Resource | None:
        row = self.connection.execute(sa.select(resources).where(resources.c.id == resource_id)).first()
        return None if row is None else _resource(row)

    def put(self, resource: Resource) -> None:
        values = {
            "community_id": resource.community_id,
            "unit_name": resource.unit_name,
            "title": resource.title,
            "description": resource.description,
            "contact": resource.contact,
            "updated_at": resource.updated_at,
        }
        done = self.connection.execute(
            resources.update().where(resources.c.id == resource.id).values(**values)
        )
        if done.rowcount == 0:
            self.connection.execute(resources.insert().values(id=resource.id, **values))

    def delete(self, resource_id: str) -> None:
        self.connection.execute(resources.delete().where(resources.c.id == resource_id))

    def of_community(self, community_id: str) -> list[Resource]:
        rows = self.connection.execute(
            sa.select(resources)
            .where(resources.c.community_id == community_id)
            .order_by(resources.c.unit_name, resources.c.title)
        )
        return [_resource(r) for r in rows]


def _resource(r) -> Resource:
    return Resource(r.id, r.community_id, r.unit_name, r.title, r.description, r.contact, r.updated_at)
