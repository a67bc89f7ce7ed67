"""certificates of service (志愿服务证明): one row per serial, written once

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("serial", sa.String(40), nullable=False, unique=True),
        sa.Column("member_id", sa.String(40), nullable=False),
        sa.Column("member_name", sa.String(60), nullable=False),
        sa.Column("community_id", sa.String(40), nullable=False),
        sa.Column("community_name", sa.String(60), nullable=False),
        sa.Column("from_date", sa.Date, nullable=False),
        sa.Column("to_date", sa.Date, nullable=False),
        sa.Column("activities", sa.Text, nullable=False),
        sa.Column("total_minutes", sa.BigInteger, nullable=False),
        sa.Column("issued_by", sa.String(40), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("total_minutes > 0", name="ck_certificates_minutes"),
    )
    op.create_index("ix_certificates_member_id", "certificates", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_certificates_member_id", table_name="certificates")
    op.drop_table("certificates")
