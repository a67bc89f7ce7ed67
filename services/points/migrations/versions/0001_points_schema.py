"""points schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 02:48:52.046287
"""

import sqlalchemy as sa
from alembic import op

from jifen.migrations import create_runtime_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_runtime_tables(op)
    op.create_table(
        "accounts",
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False),
        sa.Column("available", sa.BigInteger(), nullable=False),
        sa.Column("held", sa.BigInteger(), nullable=False),
        sa.Column("lifetime_earned", sa.BigInteger(), nullable=False),
        sa.Column("certified_minutes", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("available >= 0", name="ck_accounts_available"),
        sa.CheckConstraint("held >= 0", name="ck_accounts_held"),
        sa.PrimaryKeyConstraint("member_id"),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_community_id"), ["community_id"], unique=False)

    op.create_table(
        "activities",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=2000), server_default="", nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("difficulty", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), server_default="", nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("signed_up_count", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.String(length=40), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("cancel_reason", sa.String(length=200), server_default="", nullable=False),
        sa.Column("check_in_secret", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity = 0 OR signed_up_count <= capacity", name="ck_activities_capacity"),
        sa.CheckConstraint("signed_up_count >= 0", name="ck_activities_signed_up"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index("ix_activities_community_start", ["community_id", "start_time"], unique=False)

    op.create_table(
        "communities",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("street_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_communities_street_id"), ["street_id"], unique=False)

    op.create_table(
        "entries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("held_change", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column("held_after", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("source_type", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("hold_id", sa.String(length=100), server_default="", nullable=False),
        sa.Column("rule_version_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("calculation", sa.String(length=300), server_default="", nullable=False),
        sa.Column("lot_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=40), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "seq", name="uq_entries_member_seq"),
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index("ix_entries_community_created", ["community_id", "created_at"], unique=False)

    op.create_table(
        "hold_lots",
        sa.Column("hold_id", sa.String(length=100), nullable=False),
        sa.Column("lot_id", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("hold_id", "lot_id"),
    )
    op.create_table(
        "holds",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("release_reason", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_holds_member_id"), ["member_id"], unique=False)
        batch_op.create_index("ix_holds_state_deadline", ["state", "deadline"], unique=False)

    op.create_table(
        "hour_records",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("activity_id", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("minutes", sa.BigInteger(), nullable=False),
        sa.Column("check_in_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_out_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("flags", sa.String(length=200), server_default="", nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.String(length=40), nullable=False),
        sa.Column("reject_reason", sa.String(length=200), server_default="", nullable=False),
        sa.Column("decided_by", sa.String(length=40), server_default="", nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overridden", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("override_reason", sa.String(length=200), server_default="", nullable=False),
        sa.Column("points_accrued", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("rule_version_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("calculation", sa.String(length=300), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hour_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hour_records_activity_id"), ["activity_id"], unique=False)
        batch_op.create_index("ix_hour_records_community_status", ["community_id", "status"], unique=False)
        batch_op.create_index("ix_hour_records_member_time", ["member_id", "check_in_time"], unique=False)

    op.create_table(
        "lots",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.Column("earned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("remaining >= 0 AND remaining <= amount", name="ck_lots_remaining"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id"),
    )
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.create_index("ix_lots_expiry", ["expires_at", "remaining"], unique=False)
        batch_op.create_index("ix_lots_member_open", ["member_id", "remaining"], unique=False)

    op.create_table(
        "members",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False),
        sa.Column("street_id", sa.String(length=40), nullable=False),
        sa.Column("grid_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_members_community_id"), ["community_id"], unique=False)

    op.create_table(
        "participants",
        sa.Column("activity_id", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("signed_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_in_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("check_out_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hour_record_id", sa.String(length=40), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "member_id"),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index("ix_participants_member", ["member_id"], unique=False)

    op.create_table(
        "rule_versions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("street_id", sa.String(length=40), server_default="", nullable=False),
        sa.Column("effective_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
        sa.Column("published_by", sa.String(length=40), server_default="", nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "community_id", "street_id", "effective_from", name="uq_rule_versions_scope_from"
        ),
    )


def downgrade() -> None:
    op.drop_table("rule_versions")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index("ix_participants_member")

    op.drop_table("participants")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_community_id"))

    op.drop_table("members")
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.drop_index("ix_lots_member_open")
        batch_op.drop_index("ix_lots_expiry")

    op.drop_table("lots")
    with op.batch_alter_table("hour_records", schema=None) as batch_op:
        batch_op.drop_index("ix_hour_records_member_time")
        batch_op.drop_index("ix_hour_records_community_status")
        batch_op.drop_index(batch_op.f("ix_hour_records_activity_id"))

    op.drop_table("hour_records")
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.drop_index("ix_holds_state_deadline")
        batch_op.drop_index(batch_op.f("ix_holds_member_id"))

    op.drop_table("holds")
    op.drop_table("hold_lots")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_community_created")

    op.drop_table("entries")
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communities_street_id"))

    op.drop_table("communities")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_community_start")

    op.drop_table("activities")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_community_id"))

    op.drop_table("accounts")
