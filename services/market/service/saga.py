"""The redemption saga's market-side steps (DESIGN §7), each one transaction and safe to repeat.

Points is another service: between our transactions it may have held, captured or released, and
our process may die between any two steps. So every step locks the redemption, looks at its
status, and does nothing when another run (a retry, the sweeper) got there first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from jifen.clock import Clock

from ..domain.pickup import new_code
from ..domain.redemption import AWAITING_PICKUP, RESERVING, Redemption
from . import redemption_events, stock_moves
from .access import known_redemption
from .ports import Points, PointsRefused, UnitOfWork

log = logging.getLogger("jifen.market.saga")



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


def hold_deadline(redemption: Redemption, saga: SagaSettings) -> datetime:
    return redemption.expires_at + saga.hold_grace


def finish(uow: UnitOfWork, redemption_id: str, clock: Clock) -> Issued:
    """Points are held: the order awaits pickup with a fresh code. Only the first finisher issues one."""
    with uow:
        redemption = known_redemption(uow, redemption_id, lock=True)
        if redemption.status != RESERVING:
            return Issued(redemption)
        code, digest = fresh_code(uow, redemption.shop_id)
        now = clock()
        done = redemption.awaiting_pickup(digest, now)
        uow.redemptions.save(done)
        uow.outbox.add("redemption.placed", redemption_events.placed(done), now)
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
        stock_moves.give_back(uow, done, f"兑换未成功：{zh}", now)
        uow.commit()
    return done


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


def close(uow: UnitOfWork, redemption_id: str, clock: Clock) -> Redemption:
    """Points were released by the expiry job: the order expired. Raises unless awaiting pickup."""
    with uow:
        done = closed(uow, redemption_id, clock())
        uow.commit()
    return done


def closed(uow: UnitOfWork, redemption_id: str, now: datetime, by: str = "", reason: str = "") -> Redemption:
    """Points were released: inside the caller's transaction, the order is cancelled (by someone)
    or expired (by nobody) and its units go back to stock. Raises unless awaiting pickup."""
    redemption = known_redemption(uow, redemption_id, lock=True)
    if by:
        done = redemption.cancelled(by, reason, now)
        event = ("redemption.cancelled", redemption_events.cancelled(done))
        why = f"取消兑换：{reason}"
    else:
        done = redemption.expired(now)
        event = ("redemption.expired", redemption_events.expired(done))
        why = "超时未领取"
    uow.redemptions.save(done)
    stock_moves.give_back(uow, done, why, now, by)
    uow.outbox.add(*event, now)
    return done


def collect(uow: UnitOfWork, redemption: Redemption, staff_id: str, now: datetime) -> Redemption:
    """Points were captured: the goods are handed over. Runs inside the caller's transaction."""
    done = redemption.collected(staff_id, now)
    uow.redemptions.save(done)
    uow.items.hand_over(done.item_id, done.quantity, now)
    uow.outbox.add("redemption.confirmed", redemption_events.confirmed(done), now)
    return done
