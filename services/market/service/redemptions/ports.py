"""What the redemption use cases need: the orders, the pickup keys and the counter's attempt limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ...domain.pickup import KeyRing
from ...domain.redemption import Redemption


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
    # add and save note the redemption in the unit of work's `seen`, for the events it recorded.
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
