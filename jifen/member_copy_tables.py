"""The two tables a service keeps its copy of members and communities in (jifen.member_copies),
added to the service's own MetaData; migrations/ of each service holds their history."""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa

from jifen.tables import when


class MemberCopyTables(NamedTuple):
    communities: sa.Table
    members: sa.Table


def add_member_copy_tables(metadata: sa.MetaData) -> MemberCopyTables:
    communities = sa.Table(
        "communities",
        metadata,
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("street_id", sa.String(40), nullable=False, index=True),
        sa.Column("name", sa.String(60), nullable=False, server_default=""),
    )
    members = sa.Table(
        "members",
        metadata,
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("community_id", sa.String(40), nullable=False, index=True),
        sa.Column("street_id", sa.String(40), nullable=False),
        sa.Column("grid_id", sa.String(40), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        # The roles of the last member event applied, as JSON claims; NULL for copies kept before
        # copies held roles (the caller's token is trusted for them until their next member.updated).
        sa.Column("grants", sa.Text, nullable=True),
        sa.Column("proxy_redemption_refused", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("staff_shop_id", sa.String(40), nullable=False, server_default="", index=True),
        # The time of the member event last applied: delivery is unordered, older events are skipped.
        when("updated_at"),
    )
    return MemberCopyTables(communities, members)
