"""Commands and queries the catalogue use cases take: plain data built by the gRPC servicer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Caller
from jifen.idempotency import secret

from ...domain.catalog import ItemDetails


@dataclass(frozen=True)
class CreateShop:
    request_id: str
    actor: Caller
    community_id: str
    name: str
    address: str
    opening_hours: str = ""


@dataclass(frozen=True)
class UpdateShop:
    request_id: str
    actor: Caller
    shop_id: str
    # The fields to change (update_mask): name, address, opening_hours, status.
    fields: tuple[str, ...]
    name: str = ""
    address: str = ""
    opening_hours: str = ""
    status: str = ""


@dataclass(frozen=True)
class ListShops:
    actor: Caller
    community_id: str = ""
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class CreateItem:
    request_id: str
    actor: Caller
    shop_id: str
    details: ItemDetails
    initial_stock: int = 0


@dataclass(frozen=True)
class UpdateItem:
    request_id: str
    actor: Caller
    item_id: str
    # The fields of ItemDetails to change (update_mask); the others in `details` are ignored.
    fields: tuple[str, ...]
    details: ItemDetails


@dataclass(frozen=True)
class Restock:
    request_id: str
    actor: Caller
    item_id: str
    quantity_delta: int
    reason: str


@dataclass(frozen=True)
class UploadItemImage:
    request_id: str
    actor: Caller
    item_id: str
    # The picture's digest: a retry with the same request id must carry the same picture.
    sha256: str
    image: bytes = secret(b"")


@dataclass(frozen=True)
class ListStockChanges:
    actor: Caller
    item_id: str = ""
    shop_id: str = ""
    community_id: str = ""
    kinds: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class ListItems:
    actor: Caller
    shop_id: str = ""
    community_id: str = ""
    query: str = ""
    affordable_only: bool = False
    member_id: str = ""
    include_off_sale: bool = False
    in_stock_only: bool = False
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class AddServiceSlot:
    request_id: str
    actor: Caller
    item_id: str
    starts_at: datetime | None
    ends_at: datetime | None
    place: str
    capacity: int


@dataclass(frozen=True)
class ListServiceSlots:
    actor: Caller
    item_id: str
    # Slots already over too (the shop's keepers).
    include_past: bool = False
