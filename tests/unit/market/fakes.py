"""In-memory stand-ins for every port of the market use cases (service/ports.py and its capabilities').

They keep the guards of the SQL adapters: shop names are unique per community, and stock moves
are refused (or fail loudly) exactly where the conditional UPDATEs would be.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from jifen.caller import ADMIN, GRID_WORKER, STAFF, VOLUNTEER, Caller, Grant
from jifen.errors import Conflict
from services.market.adapters.outbox_messages import to_message
from services.market.domain.catalog import Item, Shop
from services.market.domain.people import ACTIVE, CommunityCopy, MemberCopy
from services.market.domain.pickup import KeyRing, PickupKey
from services.market.domain.redemption import AWAITING_PICKUP, COUNTED, FAILED, RESERVING, Redemption
from services.market.service.catalogue.ports import ItemFilter, StockChangeFilter
from services.market.service.ports import (
    CAPTURED,
    HELD,
    RELEASED,
    PointsBalance,
    PointsRefused,
    PointsUnavailable,
)
from services.market.service.redemptions.ports import PickupLimits, RedemptionFilter
from tests.unit.runtime_fakes import FakeIdempotency, FakeMembersDirectory, FakeOutbox, FakeTransactions
from tests.unit.runtime_fakes import FakeMemberCopies as FakePeople

SECRET = bytes(range(32))


class FakeShops:
    def __init__(self):
        self.rows: dict[str, Shop] = {}

    def add(self, shop):
        self._unique(shop)
        self.rows[shop.id] = replace(shop, staff_ids=())

    def get(self, shop_id):
        return self.rows.get(shop_id)

    def named(self, community_id, name):
        return next((s for s in self.rows.values() if (s.community_id, s.name) == (community_id, name)), None)

    def save(self, shop):
        self._unique(shop)
        self.rows[shop.id] = replace(shop, staff_ids=())

    def of_community(self, community_id, offset, limit):
        found = [s for s in self.rows.values() if not community_id or s.community_id == community_id]
        return sorted(found, key=lambda s: (s.created_at, s.id))[offset : offset + limit]

    def _unique(self, shop):
        # uq_shops_community_name: the SQL unit of work turns the IntegrityError into Conflict.
        if any(
            s.id != shop.id and (s.community_id, s.name) == (shop.community_id, shop.name)
            for s in self.rows.values()
        ):
            raise Conflict("UNIQUE constraint failed: shops.community_id, shops.name")


class FakeItems:
    def __init__(self):
        self.rows: dict[str, Item] = {}

    def add(self, item):
        if item.id in self.rows:
            raise Conflict(f"item {item.id} exists")
        self.rows[item.id] = item

    def get(self, item_id):
        return self.rows.get(item_id)

    def save_details(self, item_id, details, now):
        if item_id in self.rows:
            self.rows[item_id] = replace(self.rows[item_id], details=details, updated_at=now)

    def search(self, where: ItemFilter, offset, limit):
        found = [i for i in self.rows.values() if _matches(i, where)]
        found.sort(key=lambda i: (i.details.points_price, i.details.name, i.id))
        return found[offset : offset + limit]

    def reserve(self, item_id, quantity, now):
        return self._move(item_id, lambda i: i.stock >= quantity, -quantity, quantity, now)

    def unreserve(self, item_id, quantity, now):
        stock = self._move(item_id, lambda i: i.reserved >= quantity, quantity, -quantity, now)
        if stock is None:
            raise RuntimeError(f"item {item_id}: fewer than {quantity} units reserved to give back")
        return stock

    def hand_over(self, item_id, quantity, now):
        if self._move(item_id, lambda i: i.reserved >= quantity, 0, -quantity, now) is None:
            raise RuntimeError(f"item {item_id}: fewer than {quantity} units reserved to hand over")

    def restock(self, item_id, delta, now):
        return self._move(item_id, lambda i: i.stock + delta >= 0, delta, 0, now)

    def _move(self, item_id, guard, stock_delta, reserved_delta, now):
        item = self.rows.get(item_id)
        if item is None or not guard(item):
            return None
        moved = replace(
            item, stock=item.stock + stock_delta, reserved=item.reserved + reserved_delta, updated_at=now
        )
        # ck_items_stock / ck_items_reserved: a bug that slips past a guard fails loudly.
        assert moved.stock >= 0 and moved.reserved >= 0, moved
        self.rows[item_id] = moved
        return moved.stock


def _matches(item: Item, where: ItemFilter) -> bool:
    d = item.details
    needle = where.query.lower()
    return (
        (not where.shop_id or item.shop_id == where.shop_id)
        and (not where.community_id or item.community_id == where.community_id)
        and (not needle or needle in d.name.lower() or needle in d.description.lower())
        and (where.on_sale_at is None or item.on_sale(where.on_sale_at))
        and (not where.in_stock_only or item.stock > 0)
        and (where.max_price is None or d.points_price <= where.max_price)
    )


class FakeServiceSlots:
    def __init__(self):
        self.rows: dict = {}

    def add(self, slot):
        if slot.id in self.rows:
            raise Conflict(f"slot {slot.id} exists")
        self.rows[slot.id] = slot

    def get(self, slot_id):
        return self.rows.get(slot_id)

    def of_item(self, item_id, ending_after, limit):
        found = [
            s
            for s in self.rows.values()
            if s.item_id == item_id and (ending_after is None or s.ends_at > ending_after)
        ]
        found.sort(key=lambda s: (s.starts_at, s.id))
        return found[:limit]

    def book(self, slot_id):
        slot = self.rows.get(slot_id)
        if slot is None or slot.booked >= slot.capacity:
            return None
        self.rows[slot_id] = replace(slot, booked=slot.booked + 1)
        return slot.capacity - slot.booked - 1

    def release(self, slot_id):
        slot = self.rows.get(slot_id)
        if slot is None or slot.booked <= 0:
            raise RuntimeError(f"slot {slot_id}: no place booked to give back")
        self.rows[slot_id] = replace(slot, booked=slot.booked - 1)
        return slot.capacity - slot.booked + 1


class FakeItemImages:
    def __init__(self):
        self.rows: dict = {}

    def add(self, image):
        if image.id in self.rows:
            raise Conflict(f"image {image.id} exists")
        self.rows[image.id] = image

    def get(self, image_id):
        return self.rows.get(image_id)


class FakeStockChanges:
    def __init__(self, shops: FakeShops):
        self.rows: list = []
        # Which shops a community has, for the community-wide list (the same object as the uow's).
        self.shops = shops
        self.seen: list = []

    def add(self, change):
        if self.get(change.id) is not None:
            raise Conflict(f"stock change {change.id} exists")
        self.rows.append(change)
        self.seen.append(change)

    def get(self, change_id):
        return next((c for c in self.rows if c.id == change_id), None)

    def list(self, where: StockChangeFilter, offset, limit):
        found = [
            c
            for c in self.rows
            if (not where.item_id or c.item_id == where.item_id)
            and (not where.shop_id or c.shop_id == where.shop_id)
            and (not where.community_id or self.shops.rows[c.shop_id].community_id == where.community_id)
            and (not where.kinds or c.kind in where.kinds)
            and (where.created_after is None or c.created_at >= where.created_after)
            and (where.created_before is None or c.created_at < where.created_before)
        ]
        found.sort(key=lambda c: (c.created_at, c.id), reverse=True)
        return found[offset : offset + limit]


class FakeRedemptions:
    def __init__(self):
        self.rows: dict[str, Redemption] = {}
        self.seen: list = []

    def add(self, redemption):
        if redemption.id in self.rows:
            raise Conflict(f"redemption {redemption.id} exists")
        self.rows[redemption.id] = redemption
        self.seen.append(redemption)

    def get(self, redemption_id, lock=False):
        return self.rows.get(redemption_id)

    def save(self, redemption):
        self.rows[redemption.id] = redemption
        self.seen.append(redemption)

    def units_since(self, member_id, item_id, since):
        return sum(
            r.quantity
            for r in self.rows.values()
            if r.member_id == member_id
            and r.item_id == item_id
            and r.status in COUNTED
            and (since is None or r.created_at >= since)
        )

    def proxy_orders_since(self, member_id, since):
        return sum(
            1
            for r in self.rows.values()
            if r.member_id == member_id
            and r.placed_by != member_id
            and r.status != FAILED
            and r.created_at >= since
        )

    def with_code(self, shop_id, code_hash):
        found = [r for r in self.rows.values() if r.shop_id == shop_id and r.code_hash == code_hash]
        # The live order first, then newest: as the SQL orders them.
        found.sort(key=lambda r: (r.status != AWAITING_PICKUP, -r.created_at.timestamp()))
        return found[:5]

    def list(self, where: RedemptionFilter, offset, limit):
        found = [r for r in self.rows.values() if _redemption_matches(r, where)]
        found.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return found[offset : offset + limit]

    def reserving_before(self, before, limit):
        found = [r for r in self.rows.values() if r.status == RESERVING and r.created_at < before]
        return sorted(found, key=lambda r: r.created_at)[:limit]

    def uncollected_by(self, now, limit):
        found = [r for r in self.rows.values() if r.status == AWAITING_PICKUP and r.expires_at <= now]
        return sorted(found, key=lambda r: r.expires_at)[:limit]


def _redemption_matches(r: Redemption, where: RedemptionFilter) -> bool:
    if where.placed_by_or_grids is not None:
        placed_by, grid_ids = where.placed_by_or_grids
        if r.placed_by != placed_by and r.grid_id not in grid_ids:
            return False
    return (
        (not where.member_id or r.member_id == where.member_id)
        and (not where.placed_by or r.placed_by == where.placed_by)
        and (not where.shop_id or r.shop_id == where.shop_id)
        and (not where.community_ids or r.community_id in where.community_ids)
        and (not where.statuses or r.status in where.statuses)
        and (where.created_after is None or r.created_at >= where.created_after)
        and (where.created_before is None or r.created_at < where.created_before)
    )


class FakeSecrets:
    """The key file's ring; `previous` stands for keys a rotation left behind."""

    def __init__(self):
        self.keys = (PickupKey("k-current", SECRET),)

    def ring(self):
        return KeyRing(self.keys)

    def rotate(self, key_id: str, secret: bytes) -> None:
        self.keys = (PickupKey(key_id, secret), self.keys[0])

    def forget_legacy_key(self):
        return False


class FakeUnitOfWork(FakeTransactions):
    """Keeps state across transactions; a transaction that is not committed leaves no trace. Its
    events go out at commit through the market's own outbox adapter, as the SQL unit of work's do."""

    to_message = staticmethod(to_message)

    STATE = (
        "people",
        "shops",
        "items",
        "service_slots",
        "stock_changes",
        "item_images",
        "redemptions",
        "outbox",
        "idempotency",
    )

    def __init__(self):
        self.people = FakePeople()
        self.shops = FakeShops()
        self.items = FakeItems()
        self.service_slots = FakeServiceSlots()
        self.stock_changes = FakeStockChanges(self.shops)
        self.item_images = FakeItemImages()
        self.redemptions = FakeRedemptions()
        self.secrets = FakeSecrets()
        self.outbox = FakeOutbox()
        self.idempotency = FakeIdempotency()
        # The members service asked directly; None: only what its events brought is known.
        self.directory = None
        self.start_recording()


class FakePoints:
    """The points LedgerService as the market sees it: balances, holds that resolve once, tombstones.

    `down` makes every call raise PointsUnavailable before acting; `answer_lost` names calls that
    act and then raise it (the reply was lost), which is what the saga must survive.
    """

    def __init__(self):
        self.available: dict[str, int] = {}
        self.frozen: set[str] = set()
        # hold_id -> (member_id, amount, state); a tombstone has member "" and amount 0.
        self.holds: dict[str, tuple[str, int, str]] = {}
        self.down = False
        self.answer_lost: set[str] = set()
        self.calls: list[tuple] = []

    def give(self, member_id: str, points: int) -> None:
        self.available[member_id] = self.available.get(member_id, 0) + points

    def hold(self, hold_id, member_id, amount, deadline, reason):
        self._call("hold", hold_id, member_id, amount)
        existing = self.holds.get(hold_id)
        if existing is not None:
            if existing[2] not in (HELD, CAPTURED):
                raise PointsRefused("failed_precondition", "this hold_id was already released")
            if existing[:2] != (member_id, amount):
                raise PointsRefused("already_exists", "this hold_id was already used for another hold")
        elif member_id in self.frozen:
            raise PointsRefused("failed_precondition", "the account is frozen")
        elif self.available.get(member_id, 0) < amount:
            raise PointsRefused("failed_precondition", "积分不足")
        else:
            self.available[member_id] = self.available.get(member_id, 0) - amount
            self.holds[hold_id] = (member_id, amount, HELD)
        self._answered("hold")

    def capture(self, hold_id):
        self._call("capture", hold_id)
        existing = self.holds.get(hold_id)
        if existing is None:
            raise PointsRefused("not_found", f"hold {hold_id!r} not found")
        if existing[2] not in (HELD, CAPTURED):
            raise PointsRefused("failed_precondition", "the hold is already released; it cannot be captured")
        self.holds[hold_id] = (existing[0], existing[1], CAPTURED)
        self._answered("capture")

    def release(self, hold_id, reason):
        self._call("release", hold_id, reason)
        existing = self.holds.get(hold_id)
        if existing is None:
            self.holds[hold_id] = ("", 0, RELEASED)
        elif existing[2] == CAPTURED:
            raise PointsRefused("failed_precondition", "the hold was captured; it cannot be released")
        elif existing[2] == HELD:
            member_id, amount, _ = existing
            self.available[member_id] = self.available.get(member_id, 0) + amount
            self.holds[hold_id] = (member_id, amount, RELEASED)
        self._answered("release")

    def hold_state(self, hold_id):
        self._call("hold_state", hold_id)
        found = self.holds.get(hold_id)
        return found[2] if found else None

    def balance(self, member_id):
        self._call("balance", member_id)
        return PointsBalance(available=self.available.get(member_id, 0), frozen=member_id in self.frozen)

    def held(self, member_id: str) -> int:
        return sum(a for m, a, s in self.holds.values() if m == member_id and s == HELD)

    def _call(self, name, *args):
        self.calls.append((name, *args))
        if self.down:
            raise PointsUnavailable(f"points did not answer {name}")

    def _answered(self, name):
        if name in self.answer_lost:
            raise PointsUnavailable(f"the answer to {name} was lost")


class FakeAttemptLimiter:
    """At most max_failures attempts per subject until a reset, like FailureLimiter without a window."""

    def __init__(self, max_failures: int = 5):
        self.max_failures = max_failures
        self.counts: dict[str, int] = {}

    def attempt(self, subject):
        self.counts[subject] = self.counts.get(subject, 0) + 1
        return self.counts[subject] <= self.max_failures

    def reset(self, subject):
        self.counts.pop(subject, None)


def pickup_limits(per_staff: int = 5, per_shop: int = 20) -> PickupLimits:
    return PickupLimits(staff=FakeAttemptLimiter(per_staff), shop=FakeAttemptLimiter(per_shop))


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


# --- A small town: one street of two communities, one community elsewhere, and who lives there. ---

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
HOME = CommunityCopy("co-a", "st-1", "张苏滩社区")
OTHER = CommunityCopy("co-b", "st-1", "天庆嘉园社区")
ELSEWHERE = CommunityCopy("co-z", "st-2", "南湖社区")


def town() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    for community in (HOME, OTHER, ELSEWHERE):
        uow.people.put_community(community)
    return uow


def member(
    uow: FakeUnitOfWork,
    member_id: str,
    community: CommunityCopy = HOME,
    grid_id: str = "gr-1",
    staff_shop_id: str = "",
    status: str = ACTIVE,
) -> MemberCopy:
    copy_ = MemberCopy(
        member_id, f"成员{member_id}", community.id, community.street_id, grid_id, status, NOW, staff_shop_id
    )
    uow.people.put_member(copy_)
    return copy_


def volunteer(member_id: str, community: CommunityCopy = HOME, grid_id: str = "gr-1") -> Caller:
    return Caller(
        member_id=member_id,
        grants=(Grant(VOLUNTEER),),
        community_id=community.id,
        street_id=community.street_id,
        grid_id=grid_id,
    )


def admin_of(community: CommunityCopy) -> Caller:
    return Caller(
        member_id=f"admin-{community.id}",
        grants=(Grant(ADMIN, community_id=community.id),),
        community_id=community.id,
        street_id=community.street_id,
    )


def street_admin(street_id: str) -> Caller:
    return Caller(
        member_id=f"admin-{street_id}", grants=(Grant(ADMIN, street_id=street_id),), street_id=street_id
    )


def staff(member_id: str, shop_id: str, community: CommunityCopy = HOME) -> Caller:
    """A staff token: its shop claim, and the community members put in every token."""
    return Caller(
        member_id=member_id,
        grants=(Grant(STAFF, shop_id=shop_id),),
        community_id=community.id,
        street_id=community.street_id,
    )


def grid_worker(member_id: str, grid_id: str, community: CommunityCopy = HOME) -> Caller:
    return Caller(
        member_id=member_id,
        grants=(Grant(VOLUNTEER), Grant(GRID_WORKER, grid_id=grid_id)),
        community_id=community.id,
        street_id=community.street_id,
        grid_id=grid_id,
    )


class FakeDirectory(FakeMembersDirectory):
    def __init__(self, *communities: CommunityCopy, member_ids: tuple[str, ...] = ()):
        from services.market.service.ports import MembersUnavailable

        super().__init__(MembersUnavailable, communities, member_ids)
