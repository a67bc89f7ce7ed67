"""pictures of goods are kept in the market, and an item may cap what a restock brings its stock to

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Pictures live in the database rather than on one web app's disk, so every replica serves them.
Every item starts without a cap of its own (0), as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("stock_cap", sa.BigInteger, nullable=False, server_default="0"))
    op.create_table(
        "item_images",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("item_id", sa.String(40), sa.ForeignKey("items.id"), nullable=False),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_by", sa.String(40), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_item_images_item_id", "item_images", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_item_images_item_id", table_name="item_images")
    op.drop_table("item_images")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("stock_cap")
