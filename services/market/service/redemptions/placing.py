"""PlaceRedemption and its saga's market-side steps (DESIGN §7): reserve, hold the points, issue the code.

1. One market transaction (`reserve`, idempotent): the member's row is locked (so two orders cannot
   both pass a per-member limit), the checks a volunteer understands run (Redemption.reserving), stock
   moves to reserved by a conditional UPDATE, and the redemption is written "reserving".
2. points.Hold with the redemption id as the hold id.
3. One market transaction (`finish`): "awaiting_pickup" with the hashed code, and redemption.placed.
A refusal by points fails the order and gives its units back; no answer from points releases
(or tombstones) the hold and fails the order, or leaves it to the sweeper when points stays silent.

Points is another service: between our transactions it may have held, captured or released, and
our process may die between any two steps. So every step locks the redemption, looks at its
status, and does nothing when another run (a retry, the sweeper) got there first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import FailedPrecondition, InvalidArgument, PermissionDenied, Unavailable, required
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain.catalog import RESERVED
from ...domain.limits import WEEK, period_start
from ...domain.people import MemberCopy
from ...domain.pickup import new_code
from ...domain.redemption import (
    AWAITING_PICKUP,
    FAILED,
    RESERVING,
    Redemption,
    require_may_redeem,
    require_proxy_allowed,
)
from ..lookups import known_item, known_member, known_redemption, known_shop, known_slot
from ..ports import Points, PointsRefused, PointsUnavailable, UnitOfWork
from .commands import PlaceRedemption

log = logging.getLogger("jifen.market.saga")

MAX_QUANTITY = 99
UNREACHABLE = (
    "积分服务暂时不可用，本次兑换未成功，请稍后再试",
    "the points service did not answer; nothing was redeemed, try again later",
)


@dataclass(frozen=True)
class SagaSettings:
    # How long a volunteer has to collect.
    pickup_window: timedelta = timedelta(days=7)
    # Points keep a hold this much longer than the pickup window, so their own deadline release is
    # only a safety net behind the market's expiry job.
    hold_grace: timedelta = timedelta(days=1)
    # A redemption still "reserving" after this was left by a crash; the sweeper takes it over.
    abandoned_after: timedelta = timedelta(seconds=30)
    # 代兑换: at most this many orders a grid worker places for one volunteer in a local week.
    proxy_orders_per_week: int = 3


@dataclass(frozen=True)
class Issued:
    """A redemption and, when this call made one, its pickup code (shown once, stored hashed)."""

    redemption: Redemption
    pickup_code: str = ""


def place_redemption(
    cmd: PlaceRedemption,
    uow: UnitOfWork,
    points: Points,
    saga: SagaSettings,
    clock: Clock = utcnow,
) -> Issued:
    required("item_id", cmd.item_id, "商品")
    if not 1 <= cmd.quantity <= MAX_QUANTITY:
        raise InvalidArgument(
            "quantity", f"兑换数量须在 1 到 {MAX_QUANTITY} 之间", f"must be between 1 and {MAX_QUANTITY}"
        )
    return resume(reserve(cmd, uow, saga, clock), uow, points, saga, clock)


def _reserved(uow: UnitOfWork, ref: dict) -> Redemption:
    return known_redemption(uow, ref["redemption_id"])


@idempotent("market.PlaceRedemption", view=_reserved)
def reserve(cmd: PlaceRedemption, uow: UnitOfWork, saga: SagaSettings, clock: Clock = utcnow) -> dict:
    """Step 1: the order "reserving", its units moved from stock to reserved."""
    now = clock()
    on_behalf = (cmd.on_behalf_of_member_id or "").strip()
    member = known_member(uow, on_behalf or cmd.actor.member_id, lock=True)
    _may_redeem_for(cmd.actor, member, bool(on_behalf))
    if member.id != cmd.actor.member_id:
        placed = uow.redemptions.proxy_orders_since(member.id, period_start(WEEK, now))
        require_proxy_allowed(member, placed, saga.proxy_orders_per_week)
    require_may_redeem(member)
    item = known_item(uow, cmd.item_id)
    shop = known_shop(uow, item.shop_id)
    used = uow.redemptions.units_since(member.id, item.id, item.limit_since(now)) if item.limited else 0
    slot = known_slot(uow, cmd.slot_id) if cmd.slot_id.strip() else None
    redemption = Redemption.reserving(
        new_id(), member, cmd.actor.member_id, item, shop, cmd.quantity, used, now, saga.pickup_window, slot
    )
    if slot is not None and uow.service_slots.book(slot.id) is None:
        # Someone took the last place since we looked: the conditional UPDATE decided.
        known_slot(uow, slot.id).check_free()
        raise FailedPrecondition("该时段名额刚刚有变动，请重试", "the slot's places just changed; try again")
    stock_after = uow.items.reserve(item.id, redemption.quantity, now)
    if stock_after is None:
        # Someone took the last units since we looked: the conditional UPDATE decided.
        known_item(uow, item.id).check_stock(cmd.quantity)
        raise FailedPrecondition("库存刚刚有变动，请重试", "the stock just changed; try again")
    uow.stock_changes.add(
        item.moved(
            new_id(),
            RESERVED,
            -redemption.quantity,
            stock_after,
            now,
            reason=redemption.hold_reason,
            redemption_id=redemption.id,
            changed_by=redemption.placed_by,
        )
    )
    uow.redemptions.add(redemption)
    return {"redemption_id": redemption.id}


def resume(
    redemption: Redemption, uow: UnitOfWork, points: Points, saga: SagaSettings, clock: Clock = utcnow
) -> Issued:
    """Steps 2 and 3 for a reserved order; a replayed request lands here too and answers as the first did."""
    if redemption.status == FAILED:
        raise FailedPrecondition(redemption.failure_reason, redemption.failure_reason_en)
    if redemption.status != RESERVING:
        return Issued(redemption)
    try:
        points.hold(
            redemption.id,
            redemption.member_id,
            redemption.points_total,
            hold_deadline(redemption, saga),
            redemption.hold_reason,
        )
    except PointsRefused as refusal:
        zh, en = _why_refused(points, redemption, refusal)
        fail(uow, redemption.id, zh, en, clock)
        raise FailedPrecondition(zh, en) from None
    except PointsUnavailable:
        _compensate(uow, points, redemption, clock)
    return finish(uow, redemption.id, clock)


def hold_deadline(redemption: Redemption, saga: SagaSettings) -> datetime:
    return redemption.expires_at + saga.hold_grace


def finish(uow: UnitOfWork, redemption_id: str, clock: Clock) -> Issued:
    """Points are held: the order awaits pickup with a fresh code. Only the first finisher issues one."""
    with uow:
        redemption = known_redemption(uow, redemption_id, lock=True)
        if redemption.status != RESERVING:
            return Issued(redemption)
        code, digest = fresh_code(uow, redemption.shop_id)
        done = redemption.awaiting_pickup(digest, clock())
        uow.redemptions.save(done)
        uow.commit()
    return Issued(done, code)


def fresh_code(uow: UnitOfWork, shop_id: str) -> tuple[str, str]:
    """A code (and its hash) no other order awaiting pickup at the shop has: staff type only the
    code, so two live orders sharing one would hand one member's goods to the other."""
    ring = uow.secrets.ring()
    while True:
        code = new_code()
        # Under every key of the ring: a live order placed under the previous key counts too.
        if not any(
            r.status == AWAITING_PICKUP
            for digest in ring.code_hashes(code)
            for r in uow.redemptions.with_code(shop_id, digest)
        ):
            return code, ring.code_hash(code)


def fail(uow: UnitOfWork, redemption_id: str, zh: str, en: str, clock: Clock) -> Redemption:
    """No points were held: the order failed with its reason and its units go back to stock."""
    with uow:
        redemption = known_redemption(uow, redemption_id, lock=True)
        if redemption.status != RESERVING:
            return redemption
        now = clock()
        done = redemption.failed(zh, en, now)
        uow.redemptions.save(done)
        give_back(uow, done, f"兑换未成功：{zh}", now)
        uow.commit()
    return done


def give_back(uow: UnitOfWork, redemption: Redemption, reason: str, now: datetime, by: str = "") -> None:
    """Returns a cancelled, expired or failed order's units to stock, and a booking's place to its slot."""
    if redemption.slot_id:
        uow.service_slots.release(redemption.slot_id)
    stock_after = uow.items.unreserve(redemption.item_id, redemption.quantity, now)
    uow.stock_changes.add(redemption.units_returned(new_id(), stock_after, reason, now, by))


def compensate(uow: UnitOfWork, points: Points, redemption_id: str, zh: str, en: str, clock: Clock) -> bool:
    """Undoes a placement whose hold is in doubt: release it in points (a tombstone when it was
    never made, so a late Hold is refused), then fail the order. Raises PointsUnavailable when
    points cannot be reached (the order stays reserving for the sweeper); False when points refuses."""
    try:
        points.release(redemption_id, "兑换未完成，积分退回")
    except PointsRefused as refusal:
        # Captured: impossible before pickup; a person must look at it, so leave the order as it is.
        log.error("redemption %s: points refused the compensating release: %s", redemption_id, refusal)
        return False
    fail(uow, redemption_id, zh, en, clock)
    return True


def _compensate(uow: UnitOfWork, points: Points, redemption: Redemption, clock: Clock) -> None:
    """The hold is in doubt: undo it now if points answers, else leave the order to the sweeper."""
    try:
        undone = compensate(uow, points, redemption.id, *UNREACHABLE, clock)
    except PointsUnavailable:
        undone = False
    if undone:
        raise Unavailable(*UNREACHABLE) from None
    raise Unavailable(
        "积分服务暂时不可用，兑换单将自动处理（库存和积分都会退回），请稍后在“我的兑换”查看",
        "the points service did not answer; the order will be settled automatically, check it later",
    ) from None


def _may_redeem_for(actor: Caller, member: MemberCopy, on_behalf: bool) -> None:
    if not on_behalf or member.id == actor.member_id:
        return
    # 代兑换: only the grid worker of the volunteer's own grid.
    if not actor.serves_grid(member.grid_id):
        raise PermissionDenied(
            "只能为本网格的志愿者代兑换", "a grid worker may redeem only for volunteers of their grid"
        )


def _why_refused(points: Points, redemption: Redemption, refusal: PointsRefused) -> tuple[str, str]:
    """Points said no; tell the volunteer why in their terms."""
    if refusal.status == "not_found":
        return "积分账户尚未开通，请稍后再试", "the points account is not open yet; try again later"
    try:
        balance = points.balance(redemption.member_id)
    except PointsUnavailable:
        return "积分不足或积分账户不可用", "not enough points, or the points account cannot be used"
    if balance.frozen:
        return "积分账户已冻结，暂不能兑换", "the points account is frozen; it cannot redeem"
    need = redemption.points_total
    if balance.available < need:
        return (
            f"积分不足：需要 {need} 分，可用 {balance.available} 分",
            f"not enough points: {need} needed, {balance.available} available",
        )
    return "兑换未成功，请重新下单", "the redemption did not go through; place it again"
