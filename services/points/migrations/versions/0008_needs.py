"""the needs list (问题清单) with its claims, notes and awards, and the resource list (资源清单)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "needs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("community_id", sa.String(40), nullable=False),
        sa.Column("grid_id", sa.String(40), nullable=False, server_default=""),
        sa.Column("place", sa.String(100), nullable=False, server_default=""),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False, server_default=""),
        sa.Column("category", sa.String(40), nullable=False, server_default=""),
        sa.Column("points", sa.BigInteger, nullable=False),
        sa.Column("wanted", sa.Integer, nullable=False),
        _when("deadline", nullable=True),
        sa.Column("posted_by", sa.String(40), nullable=False),
        _when("posted_at"),
        sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("result", sa.String(500), nullable=False, server_default=""),
        _when("closed_at", nullable=True),
        sa.CheckConstraint("points >= 0", name="ck_needs_points"),
        sa.CheckConstraint("wanted >= 1", name="ck_needs_wanted"),
    )
    op.create_index("ix_needs_community_posted", "needs", ["community_id", "posted_at"])
    op.create_table(
        "need_claims",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("need_id", sa.String(40), sa.ForeignKey("needs.id"), nullable=False),
        sa.Column("member_id", sa.String(40), nullable=False),
        sa.Column("organization_id", sa.String(40), nullable=False, server_default=""),
        sa.Column("organization_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("state", sa.String(16), nullable=False),
        _when("claimed_at"),
    )
    op.create_index("ix_need_claims_need_id", "need_claims", ["need_id"])
    op.create_table(
        "need_notes",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("need_id", sa.String(40), sa.ForeignKey("needs.id"), nullable=False),
        sa.Column("member_id", sa.String(40), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        _when("written_at"),
    )
    op.create_index("ix_need_notes_need_id", "need_notes", ["need_id"])
    op.create_table(
        "need_awards",
        sa.Column("need_id", sa.String(40), sa.ForeignKey("needs.id"), primary_key=True),
        sa.Column("member_id", sa.String(40), primary_key=True),
        sa.Column("entry_id", sa.String(40), nullable=False),
        _when("awarded_at"),
    )
    op.create_table(
        "resources",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("community_id", sa.String(40), nullable=False),
        sa.Column("unit_name", sa.String(100), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("description", sa.String(1000), nullable=False, server_default=""),
        sa.Column("contact", sa.String(100), nullable=False, server_default=""),
        _when("updated_at"),
    )
    op.create_index("ix_resources_community_id", "resources", ["community_id"])


def downgrade() -> None:
    op.drop_table("resources")
    op.drop_table("need_awards")
    op.drop_table("need_notes")
    op.drop_table("need_claims")
    op.drop_table("needs")
