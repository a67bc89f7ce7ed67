"""partner units' services as rewards, booked by time slot

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

Every existing item stays goods; every existing order has no slot.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("kind", sa.String(16), nullable=False, server_default="goods"))
    op.add_column(
        "items", sa.Column("provider_organization_id", sa.String(40), nullable=False, server_default="")
    )
    op.add_column("items", sa.Column("provider_name", sa.String(60), nullable=False, server_default=""))
    op.create_table(
        "service_slots",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("item_id", sa.String(40), sa.ForeignKey("items.id"), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("capacity", sa.BigInteger, nullable=False),
        sa.Column("booked", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_by", sa.String(40), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_service_slots_booked"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_service_slots_times"),
    )
    op.create_index("ix_service_slots_item_starts", "service_slots", ["item_id", "starts_at"])
    op.add_column("redemptions", sa.Column("slot_id", sa.String(40), nullable=False, server_default=""))
    op.add_column("redemptions", sa.Column("slot_starts_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("redemptions", sa.Column("slot_ends_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("redemptions", sa.Column("slot_place", sa.String(200), nullable=False, server_default=""))
    op.add_column("redemptions", sa.Column("provider_name", sa.String(60), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("redemptions") as batch:
        for column in ("provider_name", "slot_place", "slot_ends_at", "slot_starts_at", "slot_id"):
            batch.drop_column(column)
    op.drop_index("ix_service_slots_item_starts", table_name="service_slots")
    op.drop_table("service_slots")
    with op.batch_alter_table("items") as batch:
        for column in ("provider_name", "provider_organization_id", "kind"):
            batch.drop_column(column)
