"""The market's unit of work, composing the ports of its capabilities (catalogue/ports.py,
redemptions/ports.py), and what both capabilities ask of the outside: members' copies and points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self

from jifen.domain_events import Happenings
from jifen.idempotency import IdempotencyStore

from ..domain.catalog import Shop
from ..domain.people import CommunityCopy, MemberCopy
from .catalogue.ports import ItemImages, Items, ServiceSlots, Shops, StockChanges
from .redemptions.ports import Redemptions, Secrets


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


class UnitOfWork(Protocol):
    people: People
    shops: Shops
    items: Items
    service_slots: ServiceSlots
    stock_changes: StockChanges
    item_images: ItemImages
    redemptions: Redemptions
    secrets: Secrets
    # service/reports.py.
    report_sums: object
    # jifen.idempotency's store: request ids of commands already run.
    idempotency: IdempotencyStore
    # What a use case did that belongs to no single aggregate (jifen.domain_events).
    happenings: Happenings
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
