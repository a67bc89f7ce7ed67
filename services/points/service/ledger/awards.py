"""Admins giving and correcting points: plain awards, commendations (表彰) and adjustments."""

from __future__ import annotations

from dataclasses import replace

from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import FailedPrecondition, InvalidArgument, bounded
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain.ledger import ADJUSTMENT, AWARD, FROM_ADMIN, FROM_AWARD, Earning, Entry
from ...domain.people import MemberCopy
from ..lookups import known_member
from ..ports import UnitOfWork
from ..scope import require_may_award
from .balances import posted_entry
from .commands import Adjust, Award, AwardCommendation
from .posting import locked_account
from .views import Posted

MAX_POINTS = 1_000_000
MAX_REASON = 200


def _posted(uow: UnitOfWork, ref: dict) -> Posted:
    """The entry a result names and the balance after it, in the use case's own transaction."""
    return posted_entry(uow, ref["entry_id"])


def award(cmd: Award, uow: UnitOfWork, clock: Clock = utcnow) -> Posted:
    valid_points(cmd.points)
    valid_reason(cmd.reason)
    return _award(cmd, uow, clock)


@idempotent("points.Award", view=_posted)
def _award(cmd: Award, uow: UnitOfWork, clock: Clock) -> dict:
    now = clock()
    target = _awardable(uow, cmd.actor, cmd.member_id)
    entry = post_award(uow, cmd.actor, target, cmd.points, valid_reason(cmd.reason), now)
    return {"entry_id": entry.id}


def award_commendation(cmd: AwardCommendation, uow: UnitOfWork, clock: Clock = utcnow) -> Posted:
    valid_commendation(cmd.commendation, cmd.citation)
    return _award_commendation(cmd, uow, clock)


@idempotent("points.AwardCommendation", view=_posted)
def _award_commendation(cmd: AwardCommendation, uow: UnitOfWork, clock: Clock) -> dict:
    now = clock()
    name, citation = valid_commendation(cmd.commendation, cmd.citation)
    target = _awardable(uow, cmd.actor, cmd.member_id)
    entry = post_commendation(uow, cmd.actor, target, name, citation, now)
    return {"entry_id": entry.id}


def valid_points(points: int) -> int:
    _points("points", points, positive=True)
    return points


def valid_reason(reason: str) -> str:
    return bounded("reason", reason, MAX_REASON, "原因", optional=False)


def valid_commendation(name: str, citation: str) -> tuple[str, str]:
    """The commendation's name and citation, stripped and bounded."""
    return (
        bounded("commendation", name, 40, "表彰名称", optional=False),
        bounded("citation", citation, 100, "表彰说明"),
    )


def post_award(
    uow: UnitOfWork,
    actor: Caller,
    target: MemberCopy,
    points: int,
    reason: str,
    now,
    source: tuple[str, str] = (FROM_AWARD, ""),
) -> Entry:
    """Posts a plain award to the target's account inside the caller's transaction; `source` names
    what it is for (a need's close passes ("need", need id)), else the award is its own source."""
    rules = uow.rules.in_force(target.community_id, target.street_id, now).rules
    account = locked_account(uow, target.id, now)
    earning = Earning(
        kind=AWARD,
        amount=points,
        reason=reason,
        source_type=source[0],
        source_id=source[1],
        lot_expires_at=rules.lot_expiry(now),
        created_by=actor.member_id,
    )
    entry = _earn(account, earning, now)
    uow.ledger.save(account, now)
    return entry


def post_commendation(
    uow: UnitOfWork, actor: Caller, target: MemberCopy, name: str, citation: str, now
) -> Entry:
    """Posts a commendation under the rule version in force for the target's community now."""
    version = uow.rules.in_force(target.community_id, target.street_id, now)
    commendation = version.rules.commendation(name)
    if commendation is None:
        known = "、".join(c.name for c in version.rules.commendations) or "无"
        raise FailedPrecondition(
            f"现行积分规则中没有「{name}」这项表彰（现有：{known}）",
            f"the rules in force have no commendation {name!r}",
        )
    account = locked_account(uow, target.id, now)
    earning = Earning(
        kind=AWARD,
        amount=commendation.points,
        reason=f"表彰：{name}" + (f"（{citation}）" if citation else ""),
        source_type=FROM_AWARD,
        source_id="",
        lot_expires_at=version.rules.lot_expiry(now),
        rule_version_id=version.id,
        # Volunteers read this: the version by its title and date, never its id.
        calculation=f"「{name}」按{version.label}计 {commendation.points} 分",
        created_by=actor.member_id,
        commendation=name,
    )
    entry = _earn(account, earning, now)
    uow.ledger.save(account, now)
    return entry


def adjust(cmd: Adjust, uow: UnitOfWork, clock: Clock = utcnow) -> Posted:
    _points("points", cmd.points, positive=False)
    valid_reason(cmd.reason)
    return _adjust(cmd, uow, clock)


@idempotent("points.Adjust", view=_posted)
def _adjust(cmd: Adjust, uow: UnitOfWork, clock: Clock) -> dict:
    now = clock()
    reason = valid_reason(cmd.reason)
    target = _awardable(uow, cmd.actor, cmd.member_id)
    account = locked_account(uow, target.id, now)
    entry_id = new_id()
    if cmd.points > 0:
        rules = uow.rules.in_force(target.community_id, target.street_id, now).rules
        earning = Earning(
            kind=ADJUSTMENT,
            amount=cmd.points,
            reason=reason,
            source_type=FROM_ADMIN,
            source_id=entry_id,
            lot_expires_at=rules.lot_expiry(now),
            created_by=cmd.actor.member_id,
        )
        entry = account.earn(earning, entry_id, new_id(), now)
    else:
        entry = account.take_back(-cmd.points, reason, entry_id, cmd.actor.member_id, entry_id, now)
    uow.ledger.save(account, now)
    return {"entry_id": entry.id}


def _earn(account, earning: Earning, now) -> Entry:
    # An award is its own source: its id is the entry's.
    entry_id = new_id()
    return account.earn(replace(earning, source_id=earning.source_id or entry_id), entry_id, new_id(), now)


def _awardable(uow: UnitOfWork, actor: Caller, member_id: str) -> MemberCopy:
    target = known_member(uow, member_id)
    require_may_award(actor, target)
    return target


def _points(field: str, value: int, positive: bool) -> None:
    if positive and value <= 0:
        raise InvalidArgument(field, "积分须大于 0", "must be greater than 0")
    if value == 0:
        raise InvalidArgument(field, "调整积分不能为 0", "must not be 0")
    if abs(value) > MAX_POINTS:
        raise InvalidArgument(
            field, f"单次积分不能超过 {MAX_POINTS}", f"must be at most {MAX_POINTS} in size"
        )
