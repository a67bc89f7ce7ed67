"""Two-phase spending for the market: Hold (冻结), Capture (扣减), Release (解冻), each resolving once.

The hold id is the market's redemption id, so every step can be retried safely. A Release for
a hold id never seen leaves a tombstone: a Hold arriving late for it is refused, so the market
can compensate a redemption without racing its own earlier Hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from jifen import idempotency
from jifen.clock import Clock, utcnow
from jifen.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, bounded, required
from jifen.ids import new_id

from ..domain.ledger import CAPTURED, EXPIRED, HELD, RELEASED, Hold, tombstone
from .balances import Balance, current_balance
from .ledger_commands import CaptureHold, PlaceHold, ReleaseHold
from .ports import UnitOfWork
from .posting import expire_due, locked_account

MAX_HOLD_ID = 100
MAX_AMOUNT = 1_000_000_000
MAX_HOLD_DAYS = 90
DEADLINE_REASON = "超过期限未处理，自动解冻"


@dataclass(frozen=True)
class Held:
    hold: Hold
    balance: Balance


def place_hold(cmd: PlaceHold, uow: UnitOfWork, clock: Clock = utcnow) -> Held:
    hold_id = bounded("hold_id", cmd.hold_id, MAX_HOLD_ID, "冻结编号", optional=False)
    required("member_id", cmd.member_id, "成员")
    if not 0 < cmd.amount <= MAX_AMOUNT:
        raise InvalidArgument("amount", "冻结积分须大于 0", f"must be between 1 and {MAX_AMOUNT}")
    reason = bounded("reason", cmd.reason, 200, "说明")
    now = clock()
    if cmd.deadline is None or cmd.deadline <= now:
        raise InvalidArgument("deadline", "期限须晚于现在", "must be in the future")
    if cmd.deadline > now + timedelta(days=MAX_HOLD_DAYS):
        raise InvalidArgument(
            "deadline", f"期限不能超过 {MAX_HOLD_DAYS} 天", f"must be within {MAX_HOLD_DAYS} days"
        )

    def execute() -> dict:
        now = clock()
        account = locked_account(uow, cmd.member_id, now)
        existing = uow.ledger.hold(hold_id)
        if existing is not None:
            _same_hold(existing, cmd)
            uow.ledger.save(account, now)  # keeps any expiry found while locking
            return {"hold_id": hold_id}
        hold, _entry = account.hold(hold_id, cmd.amount, cmd.deadline, reason, new_id(), now)
        uow.ledger.add_hold(hold)
        uow.ledger.save(account, now)
        return {"hold_id": hold_id}

    return idempotency.run(uow, "points.Hold", cmd, execute, partial(_held_view, uow))


def capture(cmd: CaptureHold, uow: UnitOfWork, clock: Clock = utcnow) -> Hold:
    hold_id = bounded("hold_id", cmd.hold_id, MAX_HOLD_ID, "冻结编号", optional=False)

    def execute() -> dict:
        now = clock()
        _capturable(_known(uow, hold_id))
        account = locked_account(uow, _known(uow, hold_id).member_id, now)
        hold = _known(uow, hold_id)  # read again under the account lock
        _capturable(hold)
        if hold.state == CAPTURED:
            uow.ledger.save(account, now)
            return {"hold_id": hold_id}
        account.capture(hold, cmd.actor.member_id, new_id(), now)
        uow.ledger.save_hold(hold)
        uow.ledger.save(account, now)
        return {"hold_id": hold_id}

    return idempotency.run(uow, "points.Capture", cmd, execute, lambda ref: _known(uow, ref["hold_id"]))


def release(cmd: ReleaseHold, uow: UnitOfWork, clock: Clock = utcnow) -> Hold:
    hold_id = bounded("hold_id", cmd.hold_id, MAX_HOLD_ID, "冻结编号", optional=False)
    reason = bounded("reason", cmd.reason, 200, "原因", optional=False)

    def execute() -> dict:
        now = clock()
        hold = uow.ledger.hold(hold_id)
        if hold is None:
            uow.ledger.add_hold(tombstone(hold_id, reason, now))
            return {"hold_id": hold_id}
        if hold.state == CAPTURED:
            raise FailedPrecondition("积分已扣减，不能解冻", "the hold was captured; it cannot be released")
        if hold.state in (RELEASED, EXPIRED):
            return {"hold_id": hold_id}
        release_locked(uow, hold.member_id, hold_id, reason, False, cmd.actor.member_id, now)
        return {"hold_id": hold_id}

    return idempotency.run(uow, "points.Release", cmd, execute, lambda ref: _known(uow, ref["hold_id"]))


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
    expire_due(uow, account, now)
    uow.ledger.save_hold(hold)
    uow.ledger.save(account, now)
    return True


def get_hold(hold_id: str, uow: UnitOfWork) -> Hold:
    required("hold_id", hold_id, "冻结编号")
    with uow:
        return _known(uow, hold_id)


def _capturable(hold: Hold) -> None:
    if hold.state in (RELEASED, EXPIRED):
        raise FailedPrecondition(
            "该冻结已解冻，不能扣减", f"the hold is already {hold.state}; it cannot be captured"
        )


def _known(uow: UnitOfWork, hold_id: str) -> Hold:
    hold = uow.ledger.hold(hold_id)
    if hold is None:
        raise NotFound("冻结不存在", f"hold {hold_id!r} not found", "hold_id")
    return hold


def _same_hold(existing: Hold, cmd: PlaceHold) -> None:
    if existing.state in (RELEASED, EXPIRED):
        raise FailedPrecondition("该冻结已解冻，不能再次冻结", "this hold_id was already released")
    if not existing.same_request(cmd.member_id, cmd.amount):
        raise AlreadyExists(
            "该冻结编号已用于另一笔冻结", "this hold_id was already used for another hold", "hold_id"
        )


def _held_view(uow: UnitOfWork, ref: dict) -> Held:
    """The hold a result names and its member's balance, in the use case's own transaction."""
    hold = _known(uow, ref["hold_id"])
    return Held(hold, current_balance(uow, hold.member_id))
