"""market schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:21:43.478971
"""

import secrets

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
        "communities",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("street_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_communities_street_id"), ["street_id"], unique=False)

    op.create_table(
        "members",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False),
        sa.Column("street_id", sa.String(length=40), nullable=False),
        sa.Column("grid_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("staff_shop_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_members_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_members_staff_shop_id"), ["staff_shop_id"], unique=False)

    op.create_table(
        "secrets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "shops",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("opening_hours", sa.String(length=100), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id", "name", name="uq_shops_community_name"),
    )
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shops_community_id"), ["community_id"], unique=False)

    op.create_table(
        "items",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("shop_id", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("image_url", sa.String(length=500), server_default="", nullable=False),
        sa.Column("points_price", sa.BigInteger(), nullable=False),
        sa.Column("stock", sa.BigInteger(), nullable=False),
        sa.Column("reserved", sa.BigInteger(), nullable=False),
        sa.Column("per_member_limit", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("limit_period", sa.String(length=16), nullable=False),
        sa.Column("sale_starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sale_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("donor_organization_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("low_stock_threshold", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("points_price > 0", name="ck_items_price"),
        sa.CheckConstraint("reserved >= 0", name="ck_items_reserved"),
        sa.CheckConstraint("stock >= 0", name="ck_items_stock"),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_items_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_items_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "redemptions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("placed_by", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("item_name", sa.String(length=60), nullable=False),
        sa.Column("shop_id", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False),
        sa.Column("grid_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_points", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), server_default="", nullable=False),
        sa.Column("failure_reason", sa.String(length=200), server_default="", nullable=False),
        sa.Column("failure_reason_en", sa.String(length=200), server_default="", nullable=False),
        sa.Column("confirmed_by", sa.String(length=40), server_default="", nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(length=40), server_default="", nullable=False),
        sa.Column("cancel_reason", sa.String(length=200), server_default="", nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_redemptions_quantity"),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redemptions_community_id"), ["community_id"], unique=False)
        batch_op.create_index(
            "ix_redemptions_member_item_created", ["member_id", "item_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_redemptions_placed_by"), ["placed_by"], unique=False)
        batch_op.create_index("ix_redemptions_shop_code", ["shop_id", "code_hash"], unique=False)
        batch_op.create_index("ix_redemptions_shop_status", ["shop_id", "status"], unique=False)
        batch_op.create_index("ix_redemptions_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index("ix_redemptions_status_expires", ["status", "expires_at"], unique=False)

    op.create_table(
        "stock_changes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("shop_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("delta", sa.BigInteger(), nullable=False),
        sa.Column("stock_after", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), server_default="", nullable=False),
        sa.Column("redemption_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("changed_by", sa.String(length=40), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stock_changes", schema=None) as batch_op:
        batch_op.create_index("ix_stock_changes_item_created", ["item_id", "created_at"], unique=False)
        batch_op.create_index("ix_stock_changes_shop_created", ["shop_id", "created_at"], unique=False)
    # The key of pickup-code hashes and QR signatures: made once per database, shared by api and worker.
    secrets_table = sa.table("secrets", sa.column("name", sa.String), sa.column("value", sa.String))
    op.bulk_insert(secrets_table, [{"name": "pickup", "value": secrets.token_hex(32)}])


def downgrade() -> None:
    with op.batch_alter_table("stock_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_changes_shop_created")
        batch_op.drop_index("ix_stock_changes_item_created")

    op.drop_table("stock_changes")
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.drop_index("ix_redemptions_status_expires")
        batch_op.drop_index("ix_redemptions_status_created")
        batch_op.drop_index("ix_redemptions_shop_status")
        batch_op.drop_index("ix_redemptions_shop_code")
        batch_op.drop_index(batch_op.f("ix_redemptions_placed_by"))
        batch_op.drop_index("ix_redemptions_member_item_created")
        batch_op.drop_index(batch_op.f("ix_redemptions_community_id"))

    op.drop_table("redemptions")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_items_shop_id"))
        batch_op.drop_index(batch_op.f("ix_items_community_id"))

    op.drop_table("items")
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shops_community_id"))

    op.drop_table("shops")
    op.drop_table("secrets")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_staff_shop_id"))
        batch_op.drop_index(batch_op.f("ix_members_community_id"))

    op.drop_table("members")
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communities_street_id"))

    op.drop_table("communities")
