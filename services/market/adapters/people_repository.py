"""Members and communities as the market keeps them, from the members service's events."""

from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc
from jifen.member_copies import grants_from_text, grants_to_text

from ..domain.catalog import Shop
from ..domain.people import ACTIVE, CommunityCopy, MemberCopy
from .tables import communities, members


class SqlPeople:
    def __init__(self, connection: Connection):
        self.connection = connection

    def member(self, member_id: str, lock: bool = False) -> MemberCopy | None:
        query = sa.select(members).where(members.c.id == member_id)
        # Placing a redemption locks its member, so two orders cannot both pass a per-member limit.
        row = self.connection.execute(query.with_for_update() if lock else query).first()
        if row is None:
            return None
        values = dict(row._mapping)
        values["updated_at"] = as_utc(values["updated_at"])
        values["grants"] = grants_from_text(values["grants"])
        return MemberCopy(**values)

    def put_member(self, member: MemberCopy) -> None:
        values = asdict(member)
        member_id = values.pop("id")
        values["grants"] = grants_to_text(member.grants)
        changed = self.connection.execute(
            members.update().where(members.c.id == member_id).values(**values)
        ).rowcount
        if not changed:
            self.connection.execute(members.insert().values(id=member_id, **values))

    def names(self, member_ids: set[str]) -> dict[str, str]:
        if not member_ids:
            return {}
        rows = self.connection.execute(
            sa.select(members.c.id, members.c.name).where(members.c.id.in_(sorted(member_ids)))
        )
        return {row.id: row.name for row in rows}

    def staff_of(self, shops: list[Shop]) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {shop.id: [] for shop in shops}
        community_of = {shop.id: shop.community_id for shop in shops}
        if shops:
            rows = self.connection.execute(
                sa.select(members.c.id, members.c.staff_shop_id, members.c.community_id)
                .where(members.c.staff_shop_id.in_(set(community_of)), members.c.status == ACTIVE)
                .order_by(members.c.id)
            )
            for row in rows:
                # Members grants staff roles without knowing shops: a claim from another community is void.
                if community_of[row.staff_shop_id] == row.community_id:
                    found[row.staff_shop_id].append(row.id)
        return {shop_id: tuple(ids) for shop_id, ids in found.items()}

    def community(self, community_id: str) -> CommunityCopy | None:
        row = self.connection.execute(sa.select(communities).where(communities.c.id == community_id)).first()
        return CommunityCopy(row.id, row.street_id, row.name) if row else None

    def communities_of_street(self, street_id: str) -> list[str]:
        return list(
            self.connection.scalars(
                sa.select(communities.c.id)
                .where(communities.c.street_id == street_id)
                .order_by(communities.c.id)
            )
        )

    def put_community(self, community: CommunityCopy) -> None:
        values = {"street_id": community.street_id, "name": community.name}
        changed = self.connection.execute(
            communities.update().where(communities.c.id == community.id).values(**values)
        ).rowcount
        if not changed:
            self.connection.execute(communities.insert().values(id=community.id, **values))
