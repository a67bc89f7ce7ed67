"""a member may switch 代兑换 (proxy redemption by a grid worker) off

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Every member keeps it on, as before; the member or their admin switches it off with UpdateMember.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "members",
        sa.Column("proxy_redemption_refused", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("proxy_redemption_refused")
