"""The market worker's chores: settle sagas a crash left behind, and expire uncollected orders."""

from __future__ import annotations

import logging
from collections.abc import Callable

from jifen.clock import Clock, utcnow
from jifen.errors import DomainError

from ...domain.redemption import AWAITING_PICKUP
from ..ports import CAPTURED, HELD, Points, PointsRefused, PointsUnavailable, UnitOfWork
from .cancelling import close
from .pickup import collect
from .placing import SagaSettings, compensate, finish

log = logging.getLogger("jifen.market.jobs")
BATCH = 100
INTERRUPTED = ("下单过程中断，兑换未成功，积分和库存已退回", "placing was interrupted; nothing was redeemed")


def sweep_reserving(
    new_uow: Callable[[], UnitOfWork], points: Points, saga: SagaSettings, clock: Clock = utcnow
) -> int:
    """Finishes or compensates orders left "reserving", by asking points what became of the hold."""
    uow = new_uow()
    with uow:
        stale = uow.redemptions.reserving_before(clock() - saga.abandoned_after, BATCH)
    settled = 0
    for redemption in stale:
        try:
            state = points.hold_state(redemption.id)
            if state == HELD:
                # The member never saw the code: they find the order in 我的兑换 and show its QR.
                finish(uow, redemption.id, clock)
            elif state == CAPTURED:
                # Nothing in the market captures before pickup; points says the points were spent, so the
                # order is settled as collected rather than left to block every round.
                log.error("redemption %s was reserving but its points were captured", redemption.id)
                finish(uow, redemption.id, clock)
                _settle_collected(uow, points, redemption.id, clock)
            elif not compensate(uow, points, redemption.id, *INTERRUPTED, clock):
                continue
        except PointsUnavailable:
            break  # points is down: the next round tries again
        settled += 1
    return settled


def expire_uncollected(new_uow: Callable[[], UnitOfWork], points: Points, clock: Clock = utcnow) -> int:
    """Releases the points of orders not collected in time and returns their units to stock."""
    uow = new_uow()
    with uow:
        due = uow.redemptions.uncollected_by(clock(), BATCH)
    expired = 0
    for redemption in due:
        try:
            points.release(redemption.id, f"超时未领取 {redemption.item_name}，积分退回")
        except PointsUnavailable:
            break
        except PointsRefused:
            # Captured by a confirmation that died before its own last step: it was collected.
            _settle_collected(uow, points, redemption.id, clock)
            continue
        try:
            close(uow, redemption.id, clock)
        except DomainError:
            continue  # closed meanwhile by a cancellation
        expired += 1
    return expired


def _settle_collected(uow: UnitOfWork, points: Points, redemption_id: str, clock: Clock) -> None:
    try:
        if points.hold_state(redemption_id) != CAPTURED:
            return
    except PointsUnavailable:
        return
    with uow:
        redemption = uow.redemptions.get(redemption_id, lock=True)
        if redemption is None or redemption.status != AWAITING_PICKUP:
            return
        # Who handed it over is lost with the crashed confirmation; the system records it.
        collect(uow, redemption, "", clock())
        uow.commit()


def forget_legacy_pickup_key(new_uow: Callable[[], UnitOfWork]) -> int:
    """Deletes the pickup key the database kept before keys moved to a file, once no open order has
    a code made with it: a later copy of the database then holds no key at all. Returns 1 if deleted."""
    uow = new_uow()
    with uow:
        deleted = uow.secrets.forget_legacy_key()
        uow.commit()
    if deleted:
        log.info("the database's old pickup key is deleted: no open order needs it any more")
    return int(deleted)
