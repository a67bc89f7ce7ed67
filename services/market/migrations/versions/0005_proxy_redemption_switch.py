"""the market's copy of a member knows whether they switched 代兑换 (proxy redemption) off

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Every copy starts with proxy redemption on, as every member had it before; a member who switches it
off in members is copied by the member.updated that follows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
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
