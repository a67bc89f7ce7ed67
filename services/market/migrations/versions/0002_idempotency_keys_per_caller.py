"""idempotency keys scoped per caller

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Idempotency keys now carry their caller before the request id (see jifen.idempotency), so the
column is wider. Keys stored before hold no caller: a retry of such a request from before the
upgrade runs again, as a new request would.
"""

from alembic import op

from jifen.migrations import narrow_idempotency_keys, widen_idempotency_keys

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    widen_idempotency_keys(op)


def downgrade() -> None:
    narrow_idempotency_keys(op)
