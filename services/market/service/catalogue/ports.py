"""What the catalogue use cases need: shops, items, their stock changes and pictures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ...domain.catalog import Item, ItemDetails, Shop, StockChange
from ...domain.item_image import ItemImage


class Shops(Protocol):
    def add(self, shop: Shop) -> None: ...
    def get(self, shop_id: str) -> Shop | None: ...
    def named(self, community_id: str, name: str) -> Shop | None: ...
    def save(self, shop: Shop) -> None: ...
    def of_community(self, community_id: str, offset: int, limit: int) -> list[Shop]: ...


@dataclass(frozen=True)
class ItemFilter:
    shop_id: str = ""
    community_id: str = ""
    query: str = ""
    # Set: only items on sale at that time; None: every item (staff and admins).
    on_sale_at: datetime | None = None
    in_stock_only: bool = False
    max_price: int | None = None


class Items(Protocol):
    def add(self, item: Item) -> None: ...
    def get(self, item_id: str) -> Item | None: ...
    def save_details(self, item_id: str, details: ItemDetails, now: datetime) -> None: ...
    def search(self, where: ItemFilter, offset: int, limit: int) -> list[Item]: ...
    # Each stock move is one conditional UPDATE; they return the stock after, or None when refused.
    def reserve(self, item_id: str, quantity: int, now: datetime) -> int | None: ...
    def unreserve(self, item_id: str, quantity: int, now: datetime) -> int: ...
    def hand_over(self, item_id: str, quantity: int, now: datetime) -> None: ...
    def restock(self, item_id: str, delta: int, now: datetime) -> int | None: ...


@dataclass(frozen=True)
class StockChangeFilter:
    item_id: str = ""
    shop_id: str = ""
    # Every shop of the community (the admins' audit trail).
    community_id: str = ""
    kinds: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None


class StockChanges(Protocol):
    # Notes the change in the unit of work's `seen`: it carries the item's low-stock warning.
    def add(self, change: StockChange) -> None: ...
    def get(self, change_id: str) -> StockChange | None: ...
    def list(self, where: StockChangeFilter, offset: int, limit: int) -> list[StockChange]: ...


class ItemImages(Protocol):
    def add(self, image: ItemImage) -> None: ...
    def get(self, image_id: str) -> ItemImage | None: ...
