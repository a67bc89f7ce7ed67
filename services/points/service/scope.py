"""Who may act where in the points service: the scope checks the policy table names.

A refusal is jifen.errors.denied() with the points service's own wording.
"""

from __future__ import annotations

from jifen.caller import SERVICE, Caller
from jifen.errors import PermissionDenied, denied

from ..domain.activity import Activity
from ..domain.people import CommunityCopy, MemberCopy
from .lookups import known_community
from .ports import UnitOfWork

# Points words its refusal this way (other services use denied()'s default).
REFUSAL = ("无权进行此操作", "you may not do this here")


def refused() -> PermissionDenied:
    return denied(*REFUSAL)


def administers(actor: Caller, place: CommunityCopy) -> bool:
    return actor.administers(place.id, place.street_id)


def require_admin_of(actor: Caller, place: CommunityCopy) -> None:
    if not administers(actor, place):
        raise refused()


def may_read_account(actor: Caller, target: MemberCopy) -> bool:
    """Self; an admin of the member's community or street; the grid worker of their grid; a service."""
    return (
        actor.has(SERVICE)
        or actor.member_id == target.id
        or actor.administers(target.community_id, target.street_id)
        or actor.serves_grid(target.grid_id)
    )


def require_may_award(actor: Caller, target: MemberCopy) -> None:
    """An admin of the member's community or street, and never for themselves."""
    if not actor.administers(target.community_id, target.street_id) or actor.member_id == target.id:
        raise refused()


def runs(uow: UnitOfWork, actor: Caller, target: Activity) -> bool:
    """The activity's organiser, or an admin of its community or street."""
    if actor.member_id and actor.member_id == target.organiser_id:
        return True
    return administers_activity(uow, actor, target)


def administers_activity(uow: UnitOfWork, actor: Caller, target: Activity) -> bool:
    """An admin of the activity's community or street (the organiser's own powers are narrower)."""
    return administers(actor, known_community(uow, target.community_id))


def require_runs(uow: UnitOfWork, actor: Caller, target: Activity) -> None:
    if not runs(uow, actor, target):
        raise refused()


def target_member(actor: Caller, member_id: str) -> str:
    """The member a request names, or the caller when it names none."""
    return (member_id or "").strip() or actor.member_id
