"""The points database schema (migrations/ holds its history)."""

from __future__ import annotations

import sqlalchemy as sa

from jifen.member_copy_tables import add_member_copy_tables
from jifen.tables import when

metadata = sa.MetaData()


# --- What points keeps of the members service, from its events (never read across databases). ---

member_copies = add_member_copy_tables(metadata)
communities, members = member_copies

# --- The ledger (DESIGN §5). ---

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("member_id", sa.String(40), primary_key=True),
    sa.Column("community_id", sa.String(40), nullable=False, index=True),
    sa.Column("available", sa.BigInteger, nullable=False),
    sa.Column("held", sa.BigInteger, nullable=False),
    sa.Column("lifetime_earned", sa.BigInteger, nullable=False),
    sa.Column("certified_minutes", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    # Every balance change is a conditional update on this, so no two writers can interleave.
    sa.Column("version", sa.BigInteger, nullable=False),
    when("opened_at"),
    when("updated_at"),
    sa.CheckConstraint("available >= 0", name="ck_accounts_available"),
    sa.CheckConstraint("held >= 0", name="ck_accounts_held"),
)

entries = sa.Table(
    "entries",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("member_id", sa.String(40), nullable=False),
    # Position in the member's statement: 1, 2, 3 … (unique, so two writers cannot both post entry n).
    sa.Column("seq", sa.BigInteger, nullable=False),
    # The member's community when posted: leaderboards count it there.
    sa.Column("community_id", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("held_change", sa.BigInteger, nullable=False),
    sa.Column("balance_after", sa.BigInteger, nullable=False),
    sa.Column("held_after", sa.BigInteger, nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("source_type", sa.String(16), nullable=False),
    sa.Column("source_id", sa.String(100), nullable=False),
    sa.Column("hold_id", sa.String(100), nullable=False, server_default=""),
    sa.Column("rule_version_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("calculation", sa.String(300), nullable=False, server_default=""),
    when("lot_expires_at", nullable=True),
    sa.Column("created_by", sa.String(40), nullable=False, server_default=""),
    when("created_at"),
    sa.UniqueConstraint("member_id", "seq", name="uq_entries_member_seq"),
    # INCLUDE: the dashboard's monthly sums read the index alone (migration 0006).
    sa.Index(
        "ix_entries_community_created",
        "community_id",
        "created_at",
        postgresql_include=["kind", "amount", "held_change", "member_id"],
    ),
)

lots = sa.Table(
    "lots",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("member_id", sa.String(40), nullable=False),
    # The entry that earned it.
    sa.Column("entry_id", sa.String(40), nullable=False, unique=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("remaining", sa.BigInteger, nullable=False),
    when("earned_at"),
    when("expires_at", nullable=True),
    sa.CheckConstraint("remaining >= 0 AND remaining <= amount", name="ck_lots_remaining"),
    sa.Index("ix_lots_member_open", "member_id", "remaining"),
    sa.Index("ix_lots_expiry", "expires_at", "remaining"),
)

holds = sa.Table(
    "holds",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("member_id", sa.String(40), nullable=False, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    when("deadline"),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("release_reason", sa.String(200), nullable=False, server_default=""),
    when("created_at"),
    when("resolved_at", nullable=True),
    sa.Index("ix_holds_state_deadline", "state", "deadline"),
)

# Which lots a hold took its points from, so a release gives them back to the same lots.
hold_lots = sa.Table(
    "hold_lots",
    metadata,
    sa.Column("hold_id", sa.String(100), primary_key=True),
    sa.Column("lot_id", sa.String(40), primary_key=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
)

# --- Rules (DESIGN §6). ---

rule_versions = sa.Table(
    "rule_versions",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("community_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("street_id", sa.String(40), nullable=False, server_default=""),
    when("effective_from"),
    # The RuleSet as JSON; a version never changes once published.
    sa.Column("rules", sa.Text, nullable=False),
    sa.Column("note", sa.String(500), nullable=False, server_default=""),
    sa.Column("published_by", sa.String(40), nullable=False, server_default=""),
    when("published_at"),
    # What statements call the version (never its id); migration 0003 gave the older ones a title.
    sa.Column("title", sa.String(60), nullable=False, server_default=""),
    sa.UniqueConstraint("community_id", "street_id", "effective_from", name="uq_rule_versions_scope_from"),
)

# --- Activities and hours (DESIGN §6). ---

activities = sa.Table(
    "activities",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("community_id", sa.String(40), nullable=False),
    sa.Column("title", sa.String(60), nullable=False),
    sa.Column("description", sa.String(2000), nullable=False, server_default=""),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("difficulty", sa.Integer, nullable=False),
    when("start_time"),
    when("end_time"),
    sa.Column("place", sa.String(200), nullable=False, server_default=""),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("signed_up_count", sa.Integer, nullable=False),
    sa.Column("organiser_id", sa.String(40), nullable=False),
    sa.Column("cancelled", sa.Boolean, nullable=False),
    sa.Column("cancel_reason", sa.String(200), nullable=False, server_default=""),
    # Seeds the rotating check-in code; never leaves the service.
    sa.Column("check_in_secret", sa.String(64), nullable=False),
    sa.Column("created_by", sa.String(40), nullable=False),
    when("created_at"),
    when("updated_at"),
    sa.CheckConstraint("signed_up_count >= 0", name="ck_activities_signed_up"),
    sa.CheckConstraint("capacity = 0 OR signed_up_count <= capacity", name="ck_activities_capacity"),
    sa.Index("ix_activities_community_start", "community_id", "start_time"),
)

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("activity_id", sa.String(40), primary_key=True),
    sa.Column("member_id", sa.String(40), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    when("signed_up_at"),
    when("check_in_time", nullable=True),
    when("check_out_time", nullable=True),
    sa.Column("hour_record_id", sa.String(40), nullable=False, server_default=""),
    sa.Index("ix_participants_member", "member_id"),
)

hour_records = sa.Table(
    "hour_records",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("activity_id", sa.String(40), nullable=False, index=True),
    sa.Column("community_id", sa.String(40), nullable=False),
    sa.Column("member_id", sa.String(40), nullable=False),
    sa.Column("minutes", sa.BigInteger, nullable=False),
    when("check_in_time"),
    when("check_out_time"),
    sa.Column("status", sa.String(16), nullable=False),
    # Comma-separated flag names, recomputed while pending and frozen at the decision.
    sa.Column("flags", sa.String(200), nullable=False, server_default=""),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("recorded_by", sa.String(40), nullable=False),
    sa.Column("reject_reason", sa.String(200), nullable=False, server_default=""),
    sa.Column("decided_by", sa.String(40), nullable=False, server_default=""),
    when("decided_at", nullable=True),
    sa.Column("overridden", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("override_reason", sa.String(200), nullable=False, server_default=""),
    sa.Column("points_accrued", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("rule_version_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("calculation", sa.String(300), nullable=False, server_default=""),
    when("created_at"),
    when("updated_at"),
    sa.Index("ix_hour_records_member_time", "member_id", "check_in_time"),
    sa.Index(
        "ix_hour_records_community_status",
        "community_id",
        "status",
        "decided_at",
        postgresql_include=["minutes", "member_id"],
    ),
)

# --- The needs list (问题清单) and the resource list (资源清单). ---

needs = sa.Table(
    "needs",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("community_id", sa.String(40), nullable=False),
    sa.Column("grid_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("place", sa.String(100), nullable=False, server_default=""),
    sa.Column("title", sa.String(100), nullable=False),
    sa.Column("description", sa.String(2000), nullable=False, server_default=""),
    sa.Column("category", sa.String(40), nullable=False, server_default=""),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("wanted", sa.Integer, nullable=False),
    when("deadline", nullable=True),
    sa.Column("posted_by", sa.String(40), nullable=False),
    when("posted_at"),
    sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("result", sa.String(500), nullable=False, server_default=""),
    when("closed_at", nullable=True),
    sa.CheckConstraint("points >= 0", name="ck_needs_points"),
    sa.CheckConstraint("wanted >= 1", name="ck_needs_wanted"),
    sa.Index("ix_needs_community_posted", "community_id", "posted_at"),
)

need_claims = sa.Table(
    "need_claims",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("need_id", sa.String(40), sa.ForeignKey("needs.id"), nullable=False, index=True),
    sa.Column("member_id", sa.String(40), nullable=False),
    sa.Column("organization_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("organization_name", sa.String(100), nullable=False, server_default=""),
    sa.Column("state", sa.String(16), nullable=False),
    when("claimed_at"),
)

need_notes = sa.Table(
    "need_notes",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("need_id", sa.String(40), sa.ForeignKey("needs.id"), nullable=False, index=True),
    sa.Column("member_id", sa.String(40), nullable=False),
    sa.Column("text", sa.String(500), nullable=False),
    when("written_at"),
)

# Who was awarded for a need: one row per member and need, so a need never awards anyone twice.
need_awards = sa.Table(
    "need_awards",
    metadata,
    sa.Column("need_id", sa.String(40), sa.ForeignKey("needs.id"), primary_key=True),
    sa.Column("member_id", sa.String(40), primary_key=True),
    sa.Column("entry_id", sa.String(40), nullable=False),
    when("awarded_at"),
)

resources = sa.Table(
    "resources",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("community_id", sa.String(40), nullable=False, index=True),
    sa.Column("unit_name", sa.String(100), nullable=False),
    sa.Column("title", sa.String(100), nullable=False),
    sa.Column("description", sa.String(1000), nullable=False, server_default=""),
    sa.Column("contact", sa.String(100), nullable=False, server_default=""),
    when("updated_at"),
)

# --- Certificates of service (志愿服务证明): written once, never updated. ---

certificates = sa.Table(
    "certificates",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("serial", sa.String(40), nullable=False, unique=True),
    sa.Column("member_id", sa.String(40), nullable=False, index=True),
    sa.Column("member_name", sa.String(60), nullable=False),
    sa.Column("community_id", sa.String(40), nullable=False),
    sa.Column("community_name", sa.String(60), nullable=False),
    sa.Column("from_date", sa.Date, nullable=False),
    sa.Column("to_date", sa.Date, nullable=False),
    # The certified activities as JSON: [{"activity_id", "title", "day", "minutes"}, ...].
    sa.Column("activities", sa.Text, nullable=False),
    sa.Column("total_minutes", sa.BigInteger, nullable=False),
    sa.Column("issued_by", sa.String(40), nullable=False),
    when("issued_at"),
    sa.CheckConstraint("total_minutes > 0", name="ck_certificates_minutes"),
)
