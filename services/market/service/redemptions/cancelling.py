"""CancelRedemption: points released first, then the order closed and its units back in stock.

Releasing first means a concurrent confirmation can never capture points of a cancelled order:
once points has released the hold, Capture is refused. If we die between the two steps, the
order stays awaiting pickup with its points released; the next cancel or the expiry job closes it.
"""

from __future__ import annotations

from jifen import idempotency
from jifen.clock import Clock, utcnow
from jifen.errors import Unavailable, bounded

from ..domain.redemption import AWAITING_PICKUP, COLLECTED, Redemption, wrong_status
from . import saga as steps
from .access import administers, denied, known_redemption
from .commands import CancelRedemption
from .ports import Points, PointsRefused, PointsUnavailable, UnitOfWork


def cancel(cmd: CancelRedemption, uow: UnitOfWork, points: Points, clock: Clock = utcnow) -> Redemption:
    reason = bounded("reason", cmd.reason, 200, "取消原因", optional=False)
    replay = idempotency.replayed(
        uow, "market.CancelRedemption", cmd, lambda ref: known_redemption(uow, ref["redemption_id"])
    )
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

    def execute() -> dict:
        steps.closed(uow, redemption.id, clock(), by=cmd.actor.member_id, reason=reason)
        return {"redemption_id": redemption.id}

    return idempotency.run(
        uow, "market.CancelRedemption", cmd, execute, lambda ref: known_redemption(uow, ref["redemption_id"])
    )
