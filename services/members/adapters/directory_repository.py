"""Streets, communities, grids and organisations over SQLAlchemy Core: rows in, domain objects out."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc

from ..domain.directory import Community, Grid, Organization, Street
from .tables import communities, grids, organization_members, organizations, streets


class SqlDirectoryRepository:
    def __init__(self, connection: Connection, seen: list | None = None):
        self.connection = connection
        # The unit of work's list: what a place written here recorded is sent at its commit.
        self.seen = [] if seen is None else seen

    def add_street(self, street: Street) -> None:
        self.connection.execute(
            streets.insert().values(id=street.id, name=street.name, created_at=street.created_at)
        )

    def street(self, street_id: str) -> Street | None:
        return self._one(Street, streets, streets.c.id == street_id)

    def street_by_name(self, name: str) -> Street | None:
        return self._one(Street, streets, streets.c.name == name)

    def streets(self, offset: int, limit: int) -> list[Street]:
        return self._many(Street, sa.select(streets).order_by(streets.c.id), offset, limit)

    def add_community(self, community: Community) -> None:
        self.connection.execute(communities.insert().values(**_fields(community)))
        self.seen.append(community)

    def community(self, community_id: str) -> Community | None:
        return self._one(Community, communities, communities.c.id == community_id)

    def save_community(self, community: Community) -> None:
        self.connection.execute(
            communities.update()
            .where(communities.c.id == community.id)
            .values(self_registration=community.self_registration)
        )
        self.seen.append(community)

    def community_named(self, street_id: str, name: str) -> Community | None:
        return self._one(
            Community, communities, (communities.c.street_id == street_id) & (communities.c.name == name)
        )

    def communities(self, street_id: str, offset: int, limit: int) -> list[Community]:
        query = sa.select(communities).order_by(communities.c.id)
        if street_id:
            query = query.where(communities.c.street_id == street_id)
        return self._many(Community, query, offset, limit)

    def add_grid(self, grid: Grid) -> None:
        self.connection.execute(grids.insert().values(**_fields(grid)))
        self.seen.append(grid)

    def grid(self, grid_id: str) -> Grid | None:
        return self._one(Grid, grids, grids.c.id == grid_id)

    def grid_named(self, community_id: str, name: str) -> Grid | None:
        return self._one(Grid, grids, (grids.c.community_id == community_id) & (grids.c.name == name))

    def grids(self, community_id: str, offset: int, limit: int) -> list[Grid]:
        query = sa.select(grids).order_by(grids.c.id)
        if community_id:
            query = query.where(grids.c.community_id == community_id)
        return self._many(Grid, query, offset, limit)

    def add_organization(self, organization: Organization) -> None:
        row = _fields(organization)
        row.pop("member_count")
        self.connection.execute(organizations.insert().values(**row))

    def organization(self, organization_id: str) -> Organization | None:
        found = self._organizations(sa.select(organizations).where(organizations.c.id == organization_id))
        return found[0] if found else None

    def organizations(self, community_id: str, street_id: str, offset: int, limit: int) -> list[Organization]:
        query = sa.select(organizations).order_by(organizations.c.id)
        if community_id:
            query = query.where(organizations.c.community_id == community_id)
        if street_id:
            query = query.where(organizations.c.street_id == street_id)
        return self._organizations(query.offset(offset).limit(limit))

    def _organizations(self, query) -> list[Organization]:
        counts = (
            sa.select(organization_members.c.organization_id, sa.func.count().label("n"))
            .group_by(organization_members.c.organization_id)
            .subquery()
        )
        query = query.add_columns(sa.func.coalesce(counts.c.n, 0).label("member_count")).outerjoin(
            counts, counts.c.organization_id == organizations.c.id
        )
        return [self._build(Organization, row) for row in self.connection.execute(query)]

    def _one(self, cls, table, condition):
        row = self.connection.execute(sa.select(table).where(condition)).first()
        return self._build(cls, row) if row else None

    def _many(self, cls, query, offset: int, limit: int) -> list:
        return [self._build(cls, row) for row in self.connection.execute(query.offset(offset).limit(limit))]

    @staticmethod
    def _build(cls, row):
        data = dict(row._mapping)
        data["created_at"] = as_utc(data["created_at"])
        return cls(**data)


def _fields(place) -> dict:
    # Not __dict__: an aggregate keeps the events it recorded there too.
    return {f.name: getattr(place, f.name) for f in dataclasses.fields(place)}
