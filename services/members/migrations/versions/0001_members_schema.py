"""members schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 02:15:06.637549
"""

import sqlalchemy as sa
from alembic import op

from jifen.migrations import create_runtime_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_runtime_tables(op)
    op.create_table(
        "members",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("community_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("street_id", sa.String(length=40), nullable=False),
        sa.Column("grid_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("deactivation_reason", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("phone"),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index("ix_members_community", ["community_id"], unique=False)
        batch_op.create_index("ix_members_grid", ["grid_id"], unique=False)
        batch_op.create_index("ix_members_street", ["street_id"], unique=False)

    op.create_table(
        "organizations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("community_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("street_id", sa.String(length=40), nullable=False),
        sa.Column("contact_name", sa.String(length=40), server_default="", nullable=False),
        sa.Column("contact_phone", sa.String(length=20), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "streets",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "communities",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("street_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("address", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["street_id"],
            ["streets.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("street_id", "name", name="uq_communities_street_name"),
    )
    op.create_table(
        "member_roles",
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("community_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("street_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("shop_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("grid_id", sa.String(length=40), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
        ),
        sa.PrimaryKeyConstraint("member_id", "role", "community_id", "street_id", "shop_id", "grid_id"),
    )
    with op.batch_alter_table("member_roles", schema=None) as batch_op:
        batch_op.create_index("ix_member_roles_role", ["role"], unique=False)

    op.create_table(
        "organization_members",
        sa.Column("organization_id", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
        ),
        sa.PrimaryKeyConstraint("organization_id", "member_id"),
    )
    op.create_table(
        "grids",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id", "name", name="uq_grids_community_name"),
    )


def downgrade() -> None:
    op.drop_table("grids")
    op.drop_table("organization_members")
    with op.batch_alter_table("member_roles", schema=None) as batch_op:
        batch_op.drop_index("ix_member_roles_role")

    op.drop_table("member_roles")
    op.drop_table("communities")
    op.drop_table("streets")
    op.drop_table("organizations")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_street")
        batch_op.drop_index("ix_members_grid")
        batch_op.drop_index("ix_members_community")

    op.drop_table("members")
