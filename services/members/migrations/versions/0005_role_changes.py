"""the history of role changes, deactivations and reactivations

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Append-only: written in the transaction of SetRoles, DeactivateMember and ReactivateMember, so the
admin console's audit trail shows who changed whose standing, when, from what to what, and why.
Changes made before this revision were not recorded.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "role_changes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("street_id", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("actor_id", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("roles_before", sa.Text(), nullable=False),
        sa.Column("roles_after", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("role_changes", schema=None) as batch_op:
        batch_op.create_index("ix_role_changes_community_time", ["community_id", "occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("role_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_role_changes_community_time")
    op.drop_table("role_changes")
