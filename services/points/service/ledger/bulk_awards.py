"""Awards and commendations for many members at once, e.g. everyone who helped at one event.

One request id covers the whole list, and the list is one transaction: every member is checked
(known, within the caller's communities, not the caller, active) before the first point is
posted, and any later error (no account yet, a commendation their rules lack) rolls back what
was posted. The error names the member's place in the list (member_ids[i]) and the member, so
the admin can fix that one line and send again. A member named twice is refused, not collapsed:
a doubled line is more likely a mistake in the list than a wish to count someone once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import DomainError, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from jifen.idempotency import idempotent

from ...domain.ledger import Entry
from ...domain.people import MemberCopy
from ..ports import UnitOfWork
from .awards import post_award, post_commendation, valid_commendation, valid_points, valid_reason
from .balances import posted_entry
from .commands import BulkAward, BulkAwardCommendation
from .views import Posted

MAX_MEMBERS = 500

Post = Callable[[MemberCopy, datetime], Entry]


def bulk_award(cmd: BulkAward, uow: UnitOfWork, clock: Clock = utcnow) -> list[Posted]:
    valid_member_ids(cmd.member_ids)
    valid_points(cmd.points)
    valid_reason(cmd.reason)
    return _bulk_award(cmd, uow, clock)


def _all_posted(uow: UnitOfWork, ref: dict) -> list[Posted]:
    return [posted_entry(uow, entry_id) for entry_id in ref["entry_ids"]]


@idempotent("points.BulkAward", view=_all_posted)
def _bulk_award(cmd: BulkAward, uow: UnitOfWork, clock: Clock) -> dict:
    reason = valid_reason(cmd.reason)

    def post(target: MemberCopy, now: datetime) -> Entry:
        return post_award(uow, cmd.actor, target, cmd.points, reason, now)

    return _post_all(uow, cmd.actor, valid_member_ids(cmd.member_ids), post, clock())


def bulk_award_commendation(
    cmd: BulkAwardCommendation, uow: UnitOfWork, clock: Clock = utcnow
) -> list[Posted]:
    valid_member_ids(cmd.member_ids)
    valid_commendation(cmd.commendation, cmd.citation)
    return _bulk_award_commendation(cmd, uow, clock)


@idempotent("points.BulkAwardCommendation", view=_all_posted)
def _bulk_award_commendation(cmd: BulkAwardCommendation, uow: UnitOfWork, clock: Clock) -> dict:
    name, citation = valid_commendation(cmd.commendation, cmd.citation)

    def post(target: MemberCopy, now: datetime) -> Entry:
        return post_commendation(uow, cmd.actor, target, name, citation, now)

    return _post_all(uow, cmd.actor, valid_member_ids(cmd.member_ids), post, clock())


def valid_member_ids(member_ids: tuple[str, ...]) -> list[str]:
    """The ids stripped; a list that is empty, too long, or names a member twice is refused."""
    ids = [(m or "").strip() for m in member_ids]
    if not 1 <= len(ids) <= MAX_MEMBERS:
        raise InvalidArgument(
            "member_ids",
            f"请选择 1 到 {MAX_MEMBERS} 位成员",
            f"must name 1 to {MAX_MEMBERS} members",
        )
    first_place: dict[str, int] = {}
    for index, member_id in enumerate(ids):
        if not member_id:
            raise InvalidArgument(f"member_ids[{index}]", "成员编号不能为空", "is empty")
        if member_id in first_place:
            first = first_place[member_id]
            raise InvalidArgument(
                f"member_ids[{index}]",
                f"成员 {member_id} 在名单中出现了两次（第 {first + 1} 位和第 {index + 1} 位），"
                "同一成员只能出现一次",
                f"names member {member_id!r} again (first at member_ids[{first}])",
            )
        first_place[member_id] = index
    return ids


def _post_all(uow: UnitOfWork, actor: Caller, member_ids: list[str], post: Post, now: datetime) -> dict:
    targets = _awardable(uow, actor, member_ids)
    entries: dict[str, str] = {}
    # Accounts are locked in member id order, so two overlapping lists never wait on each other
    # in a circle.
    for index, member_id in sorted(enumerate(member_ids), key=lambda pair: pair[1]):
        try:
            entries[member_id] = post(targets[member_id], now).id
        except DomainError as err:
            raise _about(err, member_id, index) from None
    return {"entry_ids": [entries[m] for m in member_ids]}


def _awardable(uow: UnitOfWork, actor: Caller, member_ids: list[str]) -> dict[str, MemberCopy]:
    """Every member, if the caller may award them all; otherwise the error names the first who fails."""
    known = uow.people.members(member_ids)
    for index, member_id in enumerate(member_ids):
        field = f"member_ids[{index}]"
        target = known.get(member_id)
        if target is None:
            raise NotFound(f"成员 {member_id} 不存在", f"member {member_id!r} not found", field)
        if not actor.administers(target.community_id, target.street_id):
            raise PermissionDenied(
                f"成员 {member_id}（{target.name}）不在您管理的社区，无权为其发放积分",
                f"member {member_id!r} is outside the communities you administer",
                field,
            )
        if target.id == actor.member_id:
            raise PermissionDenied("不能给自己发放积分", "you may not award yourself", field)
        if not target.active:
            raise FailedPrecondition(
                f"成员 {member_id}（{target.name}）已停用，不能发放积分",
                f"member {member_id!r} is deactivated",
                field,
            )
    return known


def _about(err: DomainError, member_id: str, index: int) -> DomainError:
    """The error of one member's posting, said of that member and their place in the list."""
    err.zh, err.en = f"成员 {member_id}：{err.zh}", f"member {member_id!r}: {err.en}"
    err.field = f"member_ids[{index}]"
    return err
