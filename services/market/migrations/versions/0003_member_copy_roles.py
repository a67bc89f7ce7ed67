"""member copies keep the roles members announces, so a fired staff member's token loses the shop here

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Copies kept before this have NULL roles: for them the caller's token is trusted, as before, until
their next member.updated fills the column in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("members", sa.Column("grants", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("grants")
