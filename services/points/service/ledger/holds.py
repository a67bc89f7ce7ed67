"""Two-phase spending for the market: Hold (冻结), Capture (扣减), Release (解冻), each resolving once.

The hold id is the market's redemption id, so every step can be retried safely. A Release for
a hold id never seen leaves a tombstone: a Hold arriving late for it is refused, so the market
can compensate a redemption without racing its own earlier Hold.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from jifen.clock import Clock, utcnow
from jifen.errors import InvalidArgument, bounded, required
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain.ledger import CAPTURED, EXPIRED, HELD, RELEASED, Hold, tombstone
from ..lookups import known_hold
from ..ports import UnitOfWork
from .balances import current_balance
from .commands import CaptureHold, PlaceHold, ReleaseHold
from .posting import locked_account
from .views import Held

MAX_HOLD_ID = 100
MAX_AMOUNT = 1_000_000_000
MAX_HOLD_DAYS = 90
DEADLINE_REASON = "超过期限未处理，自动解冻"


def _held(uow: UnitOfWork, ref: dict) -> Held:
    """The hold a result names and its member's balance, in the use case's own transaction."""
    hold = known_hold(uow, ref["hold_id"])
    return Held(hold, current_balance(uow, hold.member_id))


def _hold(uow: UnitOfWork, ref: dict) -> Hold:
    return known_hold(uow, ref["hold_id"])


def place_hold(cmd: PlaceHold, uow: UnitOfWork, clock: Clock = utcnow) -> Held:
    _valid_hold_id(cmd.hold_id)
    required("member_id", cmd.member_id, "成员")
    if not 0 < cmd.amount <= MAX_AMOUNT:
        raise InvalidArgument("amount", "冻结积分须大于 0", f"must be between 1 and {MAX_AMOUNT}")
    bounded("reason", cmd.reason, 200, "说明")
    now = clock()
    if cmd.deadline is None or cmd.deadline <= now:
        raise InvalidArgument("deadline", "期限须晚于现在", "must be in the future")
    if cmd.deadline > now + timedelta(days=MAX_HOLD_DAYS):
        raise InvalidArgument(
            "deadline", f"期限不能超过 {MAX_HOLD_DAYS} 天", f"must be within {MAX_HOLD_DAYS} days"
        )
    return _place_hold(cmd, uow, clock)


@idempotent("points.Hold", view=_held)
def _place_hold(cmd: PlaceHold, uow: UnitOfWork, clock: Clock) -> dict:
    now = clock()
    hold_id = _valid_hold_id(cmd.hold_id)
    account = locked_account(uow, cmd.member_id, now)
    existing = uow.ledger.hold(hold_id)
    if existing is not None:
        existing.check_placed_again(cmd.member_id, cmd.amount)
        uow.ledger.save(account, now)  # keeps any expiry found while locking
        return {"hold_id": hold_id}
    reason = bounded("reason", cmd.reason, 200, "说明")
    hold, _entry = account.hold(hold_id, cmd.amount, cmd.deadline, reason, new_id(), now)
    uow.ledger.add_hold(hold)
    uow.ledger.save(account, now)
    return {"hold_id": hold_id}


def capture(cmd: CaptureHold, uow: UnitOfWork, clock: Clock = utcnow) -> Hold:
    _valid_hold_id(cmd.hold_id)
    return _capture(cmd, uow, clock)


@idempotent("points.Capture", view=_hold)
def _capture(cmd: CaptureHold, uow: UnitOfWork, clock: Clock) -> dict:
    now = clock()
    hold_id = _valid_hold_id(cmd.hold_id)
    known_hold(uow, hold_id).check_capturable()
    account = locked_account(uow, known_hold(uow, hold_id).member_id, now)
    hold = known_hold(uow, hold_id)  # read again under the account lock
    hold.check_capturable()
    if hold.state == CAPTURED:
        uow.ledger.save(account, now)
        return {"hold_id": hold_id}
    account.capture(hold, cmd.actor.member_id, new_id(), now)
    uow.ledger.save_hold(hold)
    uow.ledger.save(account, now)
    return {"hold_id": hold_id}


def release(cmd: ReleaseHold, uow: UnitOfWork, clock: Clock = utcnow) -> Hold:
    _valid_hold_id(cmd.hold_id)
    _valid_release_reason(cmd.reason)
    return _release(cmd, uow, clock)


@idempotent("points.Release", view=_hold)
def _release(cmd: ReleaseHold, uow: UnitOfWork, clock: Clock) -> dict:
    now = clock()
    hold_id = _valid_hold_id(cmd.hold_id)
    reason = _valid_release_reason(cmd.reason)
    hold = uow.ledger.hold(hold_id)
    if hold is None:
        uow.ledger.add_hold(tombstone(hold_id, reason, now))
        return {"hold_id": hold_id}
    hold.check_releasable()
    if hold.state in (RELEASED, EXPIRED):
        return {"hold_id": hold_id}
    release_locked(uow, hold.member_id, hold_id, reason, False, cmd.actor.member_id, now)
    return {"hold_id": hold_id}


def release_locked(
    uow: UnitOfWork,
    member_id: str,
    hold_id: str,
    reason: str,
    deadline_passed: bool,
    actor: str,
    now: datetime,
) -> bool:
    """Releases an open hold under its account's lock; False when it was resolved meanwhile."""
    account = locked_account(uow, member_id, now)
    hold = uow.ledger.hold(hold_id)
    if hold is None or hold.state != HELD:
        uow.ledger.save(account, now)
        return False
    lots = uow.ledger.lots(list(hold.allocations))
    account.release(hold, lots, reason, deadline_passed, actor, new_id(), now)
    # Points given back to lots whose date has passed expire at once, in their own entry.
    account.expire_due(new_id(), now)
    uow.ledger.save_hold(hold)
    uow.ledger.save(account, now)
    return True


def get_hold(hold_id: str, uow: UnitOfWork) -> Hold:
    required("hold_id", hold_id, "冻结编号")
    with uow:
        return known_hold(uow, hold_id)


def _valid_hold_id(hold_id: str) -> str:
    return bounded("hold_id", hold_id, MAX_HOLD_ID, "冻结编号", optional=False)


def _valid_release_reason(reason: str) -> str:
    return bounded("reason", reason, 200, "原因", optional=False)
