"""The copy of members and communities (jifen.member_copies) in a service's database."""

from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc
from jifen.member_copies import ACTIVE, CommunityCopy, MemberCopy, grants_from_text, grants_to_text
from jifen.member_copy_tables import MemberCopyTables


class SqlMemberCopies:
    """A service names its own tables: `tables = add_member_copy_tables(its metadata)`."""

    tables: MemberCopyTables

    def __init__(self, connection: Connection):
        self.connection = connection

    def member(self, member_id: str, lock: bool = False) -> MemberCopy | None:
        members = self.tables.members
        query = sa.select(members).where(members.c.id == member_id)
        # Placing a redemption locks its member, so two orders cannot both pass a per-member limit.
        row = self.connection.execute(query.with_for_update() if lock else query).first()
        return None if row is None else _member(row)

    def members(self, member_ids: list[str]) -> dict[str, MemberCopy]:
        if not member_ids:
            return {}
        members = self.tables.members
        rows = self.connection.execute(sa.select(members).where(members.c.id.in_(set(member_ids))))
        return {row.id: _member(row) for row in rows}

    def put_member(self, member: MemberCopy) -> None:
        values = asdict(member)
        member_id = values.pop("id")
        values["grants"] = grants_to_text(member.grants)
        self._upsert(self.tables.members, member_id, values)

    def names(self, member_ids: set[str]) -> dict[str, str]:
        if not member_ids:
            return {}
        members = self.tables.members
        rows = self.connection.execute(
            sa.select(members.c.id, members.c.name).where(members.c.id.in_(sorted(member_ids)))
        )
        return {row.id: row.name for row in rows}

    def staff_of(self, shops) -> dict[str, tuple[str, ...]]:
        """Active members whose staff grant names the shop and who live in its community."""
        members = self.tables.members
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
        communities = self.tables.communities
        row = self.connection.execute(sa.select(communities).where(communities.c.id == community_id)).first()
        return CommunityCopy(row.id, row.street_id, row.name) if row else None

    def communities_of_street(self, street_id: str) -> list[str]:
        communities = self.tables.communities
        return list(
            self.connection.scalars(
                sa.select(communities.c.id)
                .where(communities.c.street_id == street_id)
                .order_by(communities.c.id)
            )
        )

    def put_community(self, community: CommunityCopy) -> None:
        self._upsert(
            self.tables.communities, community.id, {"street_id": community.street_id, "name": community.name}
        )

    def _upsert(self, table: sa.Table, row_id: str, values: dict) -> None:
        changed = self.connection.execute(
            table.update().where(table.c.id == row_id).values(**values)
        ).rowcount
        if not changed:
            self.connection.execute(table.insert().values(id=row_id, **values))


def _member(row) -> MemberCopy:
    values = dict(row._mapping)
    values["updated_at"] = as_utc(values["updated_at"])
    values["grants"] = grants_from_text(values["grants"])
    return MemberCopy(**values)
