"""community self-registration setting; idempotency keys scoped per caller

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Communities say whether residents may register themselves ("open", the default for every existing
community) or only through their admin ("by_admin"). Idempotency keys now carry their caller before
the request id (see jifen.idempotency), so the column is wider.
"""

import sqlalchemy as sa
from alembic import op

from jifen.migrations import narrow_idempotency_keys, widen_idempotency_keys

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.add_column(sa.Column("self_registration", sa.String(16), nullable=False, server_default="open"))
    widen_idempotency_keys(op)


def downgrade() -> None:
    narrow_idempotency_keys(op)
    with op.batch_alter_table("communities") as batch:
        batch.drop_column("self_registration")
