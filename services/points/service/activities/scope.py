"""Loading an activity and the scope checks the policy table names for it."""

from __future__ import annotations

from jifen.caller import Caller
from jifen.errors import FailedPrecondition, NotFound, required

from ...domain.activity import Activity
from ...domain.people import MemberCopy
from .. import access
from ..ports import UnitOfWork


def activity(uow: UnitOfWork, activity_id: str, lock: bool = False) -> Activity:
    """With lock, the row stays locked until the transaction ends: hour changes of one activity queue."""
    found = uow.activities.get(required("activity_id", activity_id, "活动编号"), lock=lock)
    if found is None:
        raise NotFound("找不到该活动", f"activity {activity_id!r} not found", "activity_id")
    return found


def runs(uow: UnitOfWork, actor: Caller, target: Activity) -> bool:
    """The activity's organiser, or an admin of its community or street."""
    if actor.member_id and actor.member_id == target.organiser_id:
        return True
    return administers(uow, actor, target)


def administers(uow: UnitOfWork, actor: Caller, target: Activity) -> bool:
    """An admin of the activity's community or street (the organiser's own powers are narrower)."""
    return access.administers(actor, access.community(uow, target.community_id))


def require_runs(uow: UnitOfWork, actor: Caller, target: Activity) -> None:
    if not runs(uow, actor, target):
        raise access.deny()


def active_member(uow: UnitOfWork, member_id: str, field: str = "member_id") -> MemberCopy:
    """A member known to points and not deactivated."""
    found = access.member(uow, member_id, field)
    if not found.active:
        raise FailedPrecondition("该成员已停用", f"member {member_id!r} is deactivated", field)
    return found


def target_member(actor: Caller, member_id: str) -> str:
    """The member a request names, or the caller when it names none."""
    return (member_id or "").strip() or actor.member_id
