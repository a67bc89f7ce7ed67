"""What the market use cases need from the outside world, as protocols the adapters and fakes fill."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self

from ..domain.catalog import Item, ItemDetails, Shop, StockChange
from ..domain.people import CommunityCopy, MemberCopy
from ..domain.pickup import KeyRing
from ..domain.redemption import Redemption


class People(Protocol):
    """Members and communities as the members service announced them."""

    def member(self, member_id: str, lock: bool = False) -> MemberCopy | None: ...
    def put_member(self, member: MemberCopy) -> None: ...
    # Active members whose staff grant names the shop and who live in its community.
    def staff_of(self, shops: list[Shop]) -> dict[str, tuple[str, ...]]: ...
    def names(self, member_ids: set[str]) -> dict[str, str]: ...
    def community(self, community_id: str) -> CommunityCopy | None: ...
    def communities_of_street(self, street_id: str) -> list[str]: ...
    def put_community(self, community: CommunityCopy) -> None: ...


class MembersUnavailable(Exception):
    """The members service did not answer; nothing can be said about what it knows."""


class Directory(Protocol):
    """The members service asked directly, for a community its events have not brought yet, and for
    the audit. Raises MembersUnavailable when members does not answer."""

    def community(self, community_id: str) -> CommunityCopy | None: ...
    def member_ids(self, registered_before: datetime) -> list[str]: ...


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
    def add(self, change: StockChange) -> None: ...
    def get(self, change_id: str) -> StockChange | None: ...
    def list(self, where: StockChangeFilter, offset: int, limit: int) -> list[StockChange]: ...


@dataclass(frozen=True)
class RedemptionFilter:
    member_id: str = ""
    placed_by: str = ""
    shop_id: str = ""
    # Empty: any community the other filters allow.
    community_ids: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    # A grid worker's view: redemptions they placed, or of a member of their grids.
    placed_by_or_grids: tuple[str, tuple[str, ...]] | None = None


class Redemptions(Protocol):
    def add(self, redemption: Redemption) -> None: ...
    def get(self, redemption_id: str, lock: bool = False) -> Redemption | None: ...
    def save(self, redemption: Redemption) -> None: ...
    def units_since(self, member_id: str, item_id: str, since: datetime | None) -> int: ...
    def proxy_orders_since(self, member_id: str, since: datetime) -> int:
        """Orders someone else placed for the member since then, failed ones aside."""
        ...
    def with_code(self, shop_id: str, code_hash: str) -> list[Redemption]: ...
    def list(self, where: RedemptionFilter, offset: int, limit: int) -> list[Redemption]: ...
    def reserving_before(self, before: datetime, limit: int) -> list[Redemption]: ...
    def uncollected_by(self, now: datetime, limit: int) -> list[Redemption]: ...


class Secrets(Protocol):
    def ring(self) -> KeyRing:
        """The pickup keys: the key file's, and the database's old key while an order needs it."""
        ...

    def forget_legacy_key(self) -> bool: ...


class Outbox(Protocol):
    def add(self, event_type: str, message, occurred_at: datetime | None = None): ...


class UnitOfWork(Protocol):
    people: People
    shops: Shops
    items: Items
    stock_changes: StockChanges
    redemptions: Redemptions
    secrets: Secrets
    # service/reports.py.
    report_sums: object
    outbox: Outbox
    # jifen.idempotency's store: request ids of commands already run.
    idempotency: object
    # Set in the api: a community created a moment ago is read through from members.
    directory: Directory | None

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc) -> None: ...
    def commit(self) -> None: ...


# --- The points service, as the saga sees it. ---


class PointsRefused(Exception):
    """Points answered, and said no (insufficient, frozen, already released or captured)."""

    def __init__(self, status: str, message: str):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class PointsUnavailable(Exception):
    """No answer from points: the step may or may not have happened."""


@dataclass(frozen=True)
class PointsBalance:
    available: int
    frozen: bool


# Hold states as points reports them; None from hold_state means points never saw the hold.
HELD = "held"
CAPTURED = "captured"
RELEASED = "released"
EXPIRED = "expired"


class Points(Protocol):
    def hold(self, hold_id: str, member_id: str, amount: int, deadline: datetime, reason: str) -> None: ...
    def capture(self, hold_id: str) -> None: ...
    def release(self, hold_id: str, reason: str) -> None: ...
    def hold_state(self, hold_id: str) -> str | None: ...
    def balance(self, member_id: str) -> PointsBalance: ...


class AttemptLimiter(Protocol):
    """Counts pickup-code attempts per subject (Redis in production)."""

    def attempt(self, subject: str) -> bool: ...
    def reset(self, subject: str) -> None: ...


@dataclass(frozen=True)
class PickupLimits:
    """Two counts of pickup-code attempts: per staff member, and per shop, so several staff of one
    shop guessing together are stopped as well."""

    staff: AttemptLimiter
    shop: AttemptLimiter
