"""points keeps the same copy of members as the market: a staff member's shop and the 代兑换 switch

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Both services now keep their copy through one runtime module with one table definition. Copies
kept before this say no shop and 代兑换 on until their member's next member.updated; points
reads neither.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "members",
        sa.Column("proxy_redemption_refused", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column("members", sa.Column("staff_shop_id", sa.String(40), nullable=False, server_default=""))
    op.create_index("ix_members_staff_shop_id", "members", ["staff_shop_id"])


def downgrade() -> None:
    op.drop_index("ix_members_staff_shop_id", table_name="members")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("staff_shop_id")
        batch.drop_column("proxy_redemption_refused")
