"""Who may act on an activity: the scope checks the policy table names for activities and hours."""

from __future__ import annotations

from jifen.caller import Caller

from ...domain.activity import Activity
from .. import scope
from ..lookups import known_community
from ..ports import UnitOfWork


def runs(uow: UnitOfWork, actor: Caller, target: Activity) -> bool:
    """The activity's organiser, or an admin of its community or street."""
    if actor.member_id and actor.member_id == target.organiser_id:
        return True
    return administers(uow, actor, target)


def administers(uow: UnitOfWork, actor: Caller, target: Activity) -> bool:
    """An admin of the activity's community or street (the organiser's own powers are narrower)."""
    return scope.administers(actor, known_community(uow, target.community_id))


def require_runs(uow: UnitOfWork, actor: Caller, target: Activity) -> None:
    if not runs(uow, actor, target):
        raise scope.refused()


def target_member(actor: Caller, member_id: str) -> str:
    """The member a request names, or the caller when it names none."""
    return (member_id or "").strip() or actor.member_id
