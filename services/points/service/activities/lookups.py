"""Load it or answer NOT_FOUND, for activities and the members who take part in them."""

from __future__ import annotations

from jifen.errors import FailedPrecondition, NotFound, required

from ...domain.activity import Activity
from ...domain.people import MemberCopy
from ..lookups import known_member
from ..ports import UnitOfWork


def known_activity(uow: UnitOfWork, activity_id: str, lock: bool = False) -> Activity:
    """With lock, the row stays locked until the transaction ends: hour changes of one activity queue."""
    found = uow.activities.get(required("activity_id", activity_id, "活动编号"), lock=lock)
    if found is None:
        raise NotFound("找不到该活动", f"activity {activity_id!r} not found", "activity_id")
    return found


def known_active_member(uow: UnitOfWork, member_id: str, field: str = "member_id") -> MemberCopy:
    """A member known to points and not deactivated."""
    found = known_member(uow, member_id, field)
    if not found.active:
        raise FailedPrecondition("该成员已停用", f"member {member_id!r} is deactivated", field)
    return found
