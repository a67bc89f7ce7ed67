"""What the supermarket part of the admin console shows and its JSON API returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from .views import Community, Slot

# Stock at or below this is low when the item sets no warning level of its own.
DEFAULT_LOW_STOCK = 5


class StaffMember(BaseModel):
    member_id: str
    name: str


class Shop(BaseModel):
    shop_id: str
    community_id: str
    name: str
    address: str
    opening_hours: str
    open: bool
    staff: list[StaffMember]


class Organization(BaseModel):
    organization_id: str
    name: str


class Item(BaseModel):
    item_id: str
    shop_id: str
    shop_name: str
    community_id: str
    name: str
    description: str
    image_url: str
    points_price: int
    stock: int
    reserved: int
    # 0: no cap of the item's own.
    stock_cap: int
    per_member_limit: int
    limit_period: str
    sale_starts_at: datetime | None
    sale_ends_at: datetime | None
    donor_organization_id: str
    donor_name: str
    on_sale: bool
    # The item's own warning level, or DEFAULT_LOW_STOCK when it sets none.
    low_stock_level: int
    low_stock: bool
    # A partner unit's service: its places come from its time slots.
    is_service: bool = False
    provider_name: str = ""


class Market(BaseModel):
    communities: list[Community]
    community_id: str
    shops: list[Shop]
    items: list[Item]
    low_stock_count: int


class StockChange(BaseModel):
    kind: str
    delta: int
    stock_after: int
    reason: str
    changed_by: str
    changed_by_name: str
    redemption_id: str
    created_at: datetime | None


class ItemRecord(BaseModel):
    item: Item
    changes: list[StockChange]
    # A service's slots, every one (past ones too), by start.
    slots: list[Slot] = []


class Order(BaseModel):
    redemption_id: str
    item_id: str
    item_name: str
    shop_id: str
    shop_name: str
    member_id: str
    member_name: str
    placed_by_name: str
    quantity: int
    points_total: int
    status: str
    created_at: datetime | None
    expires_at: datetime | None
    closed_at: datetime | None
    collected_at: datetime | None
    cancel_reason: str
    cancellable: bool
    # A service's booking: when and where.
    slot_starts_at: datetime | None = None
    slot_ends_at: datetime | None = None
    slot_place: str = ""


class Orders(BaseModel):
    communities: list[Community]
    community_id: str
    status: str
    orders: list[Order]
    more: bool
