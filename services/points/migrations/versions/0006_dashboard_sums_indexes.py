"""the dashboard's monthly sums read entries and hour records from their indexes alone

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Each index replaces one with the same leading columns, adding what the sums read (INCLUDE, on
PostgreSQL), so a community's months are summed without visiting the table rows.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_entries_community_created", table_name="entries")
    op.create_index(
        "ix_entries_community_created",
        "entries",
        ["community_id", "created_at"],
        postgresql_include=["kind", "amount", "held_change", "member_id"],
    )
    op.drop_index("ix_hour_records_community_status", table_name="hour_records")
    op.create_index(
        "ix_hour_records_community_status",
        "hour_records",
        ["community_id", "status", "decided_at"],
        postgresql_include=["minutes", "member_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_hour_records_community_status", table_name="hour_records")
    op.create_index("ix_hour_records_community_status", "hour_records", ["community_id", "status"])
    op.drop_index("ix_entries_community_created", table_name="entries")
    op.create_index("ix_entries_community_created", "entries", ["community_id", "created_at"])
