"""the dashboard's redemption sums read collected redemptions from one index

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

A community's collected redemptions by collection time, with what the sums read (INCLUDE, on
PostgreSQL), so the months are summed without visiting the table rows.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_redemptions_community_collected",
        "redemptions",
        ["community_id", "status", "collected_at"],
        postgresql_include=["shop_id", "item_id", "quantity", "unit_points"],
    )


def downgrade() -> None:
    op.drop_index("ix_redemptions_community_collected", table_name="redemptions")
