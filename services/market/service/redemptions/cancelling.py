"""CancelRedemption, and the expiry of an uncollected order: points released first, then the order
closed and its units back in stock.

Releasing first means a concurrent confirmation can never capture points of a cancelled order:
once points has released the hold, Capture is refused. If we die between the two steps, the
order stays awaiting pickup with its points released; the next cancel or the expiry job closes it.
"""

from __future__ import annotations

from datetime import datetime

from jifen import idempotency
from jifen.clock import Clock, utcnow
from jifen.errors import Unavailable, bounded, denied
from jifen.idempotency import idempotent

from ...domain.redemption import AWAITING_PICKUP, COLLECTED, Redemption, wrong_status
from ..lookups import known_redemption
from ..ports import Points, PointsRefused, PointsUnavailable, UnitOfWork
from ..scope import administers
from .commands import CancelRedemption
from .placing import give_back


def cancel(cmd: CancelRedemption, uow: UnitOfWork, points: Points, clock: Clock = utcnow) -> Redemption:
    reason = bounded("reason", cmd.reason, 200, "取消原因", optional=False)
    replay = idempotency.replayed(uow, "market.CancelRedemption", cmd, lambda ref: _redemption(uow, ref))
    if replay is not None:
        return replay
    with uow:
        redemption = known_redemption(uow, cmd.redemption_id)
        if cmd.actor.member_id not in (redemption.member_id, redemption.placed_by) and not administers(
            cmd.actor, uow, redemption.community_id
        ):
            raise denied()
    redemption.require(AWAITING_PICKUP)
    try:
        points.release(redemption.id, f"取消兑换 {redemption.item_name}：{reason}")
    except PointsRefused:
        # Captured meanwhile: the goods were handed over.
        raise wrong_status(COLLECTED) from None
    except PointsUnavailable:
        raise Unavailable(
            "积分服务暂时不可用，请稍后再取消", "the points service did not answer; cancel again shortly"
        ) from None
    return _close_cancelled(cmd, uow, redemption.id, reason, clock)


def _redemption(uow: UnitOfWork, ref: dict) -> Redemption:
    """The order a result names, in the use case's own transaction."""
    return known_redemption(uow, ref["redemption_id"])


@idempotent("market.CancelRedemption", view=_redemption)
def _close_cancelled(
    cmd: CancelRedemption, uow: UnitOfWork, redemption_id: str, reason: str, clock: Clock
) -> dict:
    closed(uow, redemption_id, clock(), by=cmd.actor.member_id, reason=reason)
    return {"redemption_id": redemption_id}


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
        why = f"取消兑换：{reason}"
    else:
        done = redemption.expired(now)
        why = "超时未领取"
    uow.redemptions.save(done)
    give_back(uow, done, why, now, by)
    return done
