"""The members database schema (migrations/ holds its history)."""

from __future__ import annotations

import sqlalchemy as sa

from jifen.tables import when

metadata = sa.MetaData()

streets = sa.Table(
    "streets",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(60), nullable=False, unique=True),
    when("created_at"),
)

communities = sa.Table(
    "communities",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("street_id", sa.String(40), sa.ForeignKey("streets.id"), nullable=False),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("address", sa.String(200), nullable=False, server_default=""),
    when("created_at"),
    # "open" or "by_admin" (see domain.directory).
    sa.Column("self_registration", sa.String(16), nullable=False, server_default="open"),
    sa.UniqueConstraint("street_id", "name", name="uq_communities_street_name"),
)

grids = sa.Table(
    "grids",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("community_id", sa.String(40), sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("name", sa.String(60), nullable=False),
    when("created_at"),
    sa.UniqueConstraint("community_id", "name", name="uq_grids_community_name"),
)

members = sa.Table(
    "members",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(40), nullable=False),
    sa.Column("phone", sa.String(20), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    # Empty for a street admin who belongs to no single community.
    sa.Column("community_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("street_id", sa.String(40), nullable=False),
    sa.Column("grid_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("deactivation_reason", sa.String(200), nullable=False, server_default=""),
    sa.Column("proxy_redemption_refused", sa.Boolean, nullable=False, server_default=sa.false()),
    when("created_at"),
    when("updated_at"),
    sa.Index("ix_members_community", "community_id"),
    sa.Index("ix_members_street", "street_id"),
    sa.Index("ix_members_grid", "grid_id"),
)

member_roles = sa.Table(
    "member_roles",
    metadata,
    sa.Column("member_id", sa.String(40), sa.ForeignKey("members.id"), primary_key=True),
    sa.Column("role", sa.String(20), primary_key=True),
    sa.Column("community_id", sa.String(40), primary_key=True, server_default=""),
    sa.Column("street_id", sa.String(40), primary_key=True, server_default=""),
    sa.Column("shop_id", sa.String(40), primary_key=True, server_default=""),
    sa.Column("grid_id", sa.String(40), primary_key=True, server_default=""),
    sa.Index("ix_member_roles_role", "role"),
)

# Append-only history of SetRoles, DeactivateMember and ReactivateMember (grants as JSON claims).
role_changes = sa.Table(
    "role_changes",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("member_id", sa.String(40), nullable=False),
    sa.Column("community_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("street_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("actor_id", sa.String(40), nullable=False),
    when("occurred_at"),
    sa.Column("roles_before", sa.Text, nullable=False),
    sa.Column("roles_after", sa.Text, nullable=False),
    sa.Column("reason", sa.String(200), nullable=False, server_default=""),
    sa.Index("ix_role_changes_community_time", "community_id", "occurred_at"),
)

organizations = sa.Table(
    "organizations",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("community_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("street_id", sa.String(40), nullable=False),
    sa.Column("contact_name", sa.String(40), nullable=False, server_default=""),
    sa.Column("contact_phone", sa.String(20), nullable=False, server_default=""),
    when("created_at"),
)

organization_members = sa.Table(
    "organization_members",
    metadata,
    sa.Column("organization_id", sa.String(40), sa.ForeignKey("organizations.id"), primary_key=True),
    sa.Column("member_id", sa.String(40), sa.ForeignKey("members.id"), primary_key=True),
    when("joined_at"),
)

# Sessions (domain/sessions.py): only the hash of each refresh token; a login starts a family.
refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("family_id", sa.String(40), nullable=False),
    sa.Column("member_id", sa.String(40), sa.ForeignKey("members.id"), nullable=False),
    when("created_at"),
    when("expires_at"),
    when("used_at", nullable=True),
    when("revoked_at", nullable=True),
    sa.Index("ix_refresh_tokens_family", "family_id"),
    sa.Index("ix_refresh_tokens_member", "member_id"),
)
