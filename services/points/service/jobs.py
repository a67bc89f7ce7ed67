"""The ledger's timed jobs, run by the points worker: lots past their date, holds past their deadline.

Each account is handled in its own short transaction, so one busy account never holds up the rest
and a crash loses at most the account in hand (the next run picks it up again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from jifen.clock import Clock, utcnow
from jifen.errors import Conflict

from .ledger.holds import DEADLINE_REASON, release_locked
from .ledger.posting import locked_account
from .ports import UnitOfWork

log = logging.getLogger("jifen.points.jobs")
BATCH = 200


def expire_lots(uow_factory: Callable[[], UnitOfWork], clock: Clock = utcnow) -> int:
    """Posts expiry entries for every account with lots past their date; returns how many accounts."""
    with uow_factory() as uow:
        member_ids = uow.ledger.members_with_due_lots(clock(), BATCH)
    done = 0
    for member_id in member_ids:
        uow = uow_factory()
        try:
            with uow:
                now = clock()
                account = locked_account(uow, member_id, now)  # expires what is due
                uow.ledger.save(account, now)
                uow.commit()
                done += 1
        except Conflict:
            log.info("expiry of %s raced another writer; the next run retries", member_id)
    return done


def release_overdue_holds(uow_factory: Callable[[], UnitOfWork], clock: Clock = utcnow) -> int:
    """Releases holds whose deadline passed unresolved (HOLD_STATE_EXPIRED); returns how many."""
    with uow_factory() as uow:
        overdue = uow.ledger.overdue_holds(clock(), BATCH)
    done = 0
    for hold in overdue:
        uow = uow_factory()
        try:
            with uow:
                if release_locked(uow, hold.member_id, hold.id, DEADLINE_REASON, True, "", clock()):
                    done += 1
                uow.commit()
        except Conflict:
            log.info("deadline release of %s raced another writer; the next run retries", hold.id)
    return done
