"""The market database schema (migrations/ holds its history)."""

from __future__ import annotations

import sqlalchemy as sa

from jifen.member_copy_tables import add_member_copy_tables
from jifen.tables import when

metadata = sa.MetaData()


# --- What the market keeps of the members service, from its events (never read across databases). ---

member_copies = add_member_copy_tables(metadata)
communities, members = member_copies

# --- Shops, goods and stock (DESIGN §7). ---

shops = sa.Table(
    "shops",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("community_id", sa.String(40), nullable=False, index=True),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("address", sa.String(200), nullable=False),
    sa.Column("opening_hours", sa.String(100), nullable=False, server_default=""),
    sa.Column("status", sa.String(16), nullable=False),
    when("created_at"),
    when("updated_at"),
    sa.UniqueConstraint("community_id", "name", name="uq_shops_community_name"),
)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("shop_id", sa.String(40), sa.ForeignKey("shops.id"), nullable=False, index=True),
    sa.Column("community_id", sa.String(40), nullable=False, index=True),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("description", sa.String(1000), nullable=False, server_default=""),
    sa.Column("image_url", sa.String(500), nullable=False, server_default=""),
    sa.Column("points_price", sa.BigInteger, nullable=False),
    # Every change is a conditional update (stock >= n), and the checks make a bug fail loudly.
    sa.Column("stock", sa.BigInteger, nullable=False),
    sa.Column("reserved", sa.BigInteger, nullable=False),
    sa.Column("per_member_limit", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("limit_period", sa.String(16), nullable=False),
    when("sale_starts_at", nullable=True),
    when("sale_ends_at", nullable=True),
    sa.Column("donor_organization_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("low_stock_threshold", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("status", sa.String(16), nullable=False),
    when("created_at"),
    when("updated_at"),
    # Migration 0007: the most units a restock may bring the stock to; 0 = no cap of its own.
    sa.Column("stock_cap", sa.BigInteger, nullable=False, server_default="0"),
    # Migration 0008: goods, or a partner unit's service booked by time slot.
    sa.Column("kind", sa.String(16), nullable=False, server_default="goods"),
    sa.Column("provider_organization_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("provider_name", sa.String(60), nullable=False, server_default=""),
    sa.CheckConstraint("stock >= 0", name="ck_items_stock"),
    sa.CheckConstraint("reserved >= 0", name="ck_items_reserved"),
    sa.CheckConstraint("points_price > 0", name="ck_items_price"),
)

stock_changes = sa.Table(
    "stock_changes",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("item_id", sa.String(40), sa.ForeignKey("items.id"), nullable=False),
    sa.Column("shop_id", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("delta", sa.BigInteger, nullable=False),
    sa.Column("stock_after", sa.BigInteger, nullable=False),
    sa.Column("reason", sa.String(200), nullable=False, server_default=""),
    sa.Column("redemption_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("changed_by", sa.String(40), nullable=False, server_default=""),
    when("created_at"),
    sa.Index("ix_stock_changes_item_created", "item_id", "created_at"),
    sa.Index("ix_stock_changes_shop_created", "shop_id", "created_at"),
)

# Pictures of goods, kept here so every web app replica serves the same one (migration 0007).
item_images = sa.Table(
    "item_images",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("item_id", sa.String(40), sa.ForeignKey("items.id"), nullable=False, index=True),
    sa.Column("content_type", sa.String(20), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("uploaded_by", sa.String(40), nullable=False, server_default=""),
    when("created_at"),
)

# A service's time slots (migration 0008): places are taken by conditional UPDATEs (booked < capacity).
service_slots = sa.Table(
    "service_slots",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("item_id", sa.String(40), sa.ForeignKey("items.id"), nullable=False),
    when("starts_at"),
    when("ends_at"),
    sa.Column("place", sa.String(200), nullable=False),
    sa.Column("capacity", sa.BigInteger, nullable=False),
    sa.Column("booked", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("created_by", sa.String(40), nullable=False, server_default=""),
    when("created_at"),
    sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_service_slots_booked"),
    sa.CheckConstraint("ends_at > starts_at", name="ck_service_slots_times"),
    sa.Index("ix_service_slots_item_starts", "item_id", "starts_at"),
)

# --- Redemptions and the saga's state. ---

redemptions = sa.Table(
    "redemptions",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("member_id", sa.String(40), nullable=False),
    sa.Column("placed_by", sa.String(40), nullable=False, index=True),
    sa.Column("item_id", sa.String(40), sa.ForeignKey("items.id"), nullable=False),
    sa.Column("item_name", sa.String(60), nullable=False),
    sa.Column("shop_id", sa.String(40), nullable=False),
    sa.Column("community_id", sa.String(40), nullable=False, index=True),
    sa.Column("grid_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("quantity", sa.BigInteger, nullable=False),
    sa.Column("unit_points", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    # HMAC of the pickup code, "<key id>:<hex>" (without a key id: made with the database key of
    # before migration 0003); the code itself is never stored.
    sa.Column("code_hash", sa.String(100), nullable=False, server_default=""),
    sa.Column("failure_reason", sa.String(200), nullable=False, server_default=""),
    sa.Column("failure_reason_en", sa.String(200), nullable=False, server_default=""),
    sa.Column("confirmed_by", sa.String(40), nullable=False, server_default=""),
    when("collected_at", nullable=True),
    sa.Column("cancelled_by", sa.String(40), nullable=False, server_default=""),
    sa.Column("cancel_reason", sa.String(200), nullable=False, server_default=""),
    when("closed_at", nullable=True),
    # Migration 0008: a service's booking keeps its slot, and the slot's time and place as booked.
    sa.Column("slot_id", sa.String(40), nullable=False, server_default=""),
    when("slot_starts_at", nullable=True),
    when("slot_ends_at", nullable=True),
    sa.Column("slot_place", sa.String(200), nullable=False, server_default=""),
    sa.Column("provider_name", sa.String(60), nullable=False, server_default=""),
    when("expires_at"),
    when("created_at"),
    when("updated_at"),
    sa.CheckConstraint("quantity > 0", name="ck_redemptions_quantity"),
    sa.Index("ix_redemptions_member_item_created", "member_id", "item_id", "created_at"),
    sa.Index("ix_redemptions_shop_status", "shop_id", "status"),
    sa.Index("ix_redemptions_shop_code", "shop_id", "code_hash"),
    sa.Index("ix_redemptions_status_expires", "status", "expires_at"),
    sa.Index("ix_redemptions_status_created", "status", "created_at"),
    # The dashboard's sums read the index alone (migration 0006).
    sa.Index(
        "ix_redemptions_community_collected",
        "community_id",
        "status",
        "collected_at",
        postgresql_include=["shop_id", "item_id", "quantity", "unit_points"],
    ),
)

# Only the pickup key the market kept here before keys moved to a secret file (migration 0003),
# while an order placed before that is open; pickup keys live in JIFEN_PICKUP_KEY_FILE.
secrets = sa.Table(
    "secrets",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)
