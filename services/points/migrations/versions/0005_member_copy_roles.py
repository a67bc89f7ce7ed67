"""member copies keep the roles members announces, so a demoted admin's token loses its powers here

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Copies kept before this have NULL roles: for them the caller's token is trusted, as before, until
their next member.updated fills the column in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("members", sa.Column("grants", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("grants")
