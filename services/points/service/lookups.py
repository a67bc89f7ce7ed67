"""Load it or answer NOT_FOUND: the one way a use case finds a member, community, hold or entry.

Points knows communities and members from the members service's events; a community's street
comes from there, so a street admin's grant reaches every community of the street. A community
created a moment ago may not have arrived yet: then members is asked directly and the copy kept
(the community.created that follows changes nothing), so an admin is never told that a community
they just created does not exist.
"""

from __future__ import annotations

from jifen.errors import FailedPrecondition, NotFound, Unavailable, required

from ..domain.activity import Activity
from ..domain.ledger import Entry, Hold
from ..domain.people import CommunityCopy, MemberCopy
from .ports import MembersUnavailable, UnitOfWork

SYNCING = ("社区信息正在同步，请稍后再试", "the community is still being synchronised; try again shortly")


def known_community(uow: UnitOfWork, community_id: str) -> CommunityCopy:
    found = uow.people.community(community_id) if community_id else None
    if found is None and community_id:
        found = _read_through(uow, lambda directory: directory.community(community_id))
        if found is not None:
            uow.people.put_community(found)
    if found is None:
        raise NotFound("社区不存在", f"community {community_id!r} not found", "community_id")
    return found


def learn_street(uow: UnitOfWork, street_id: str) -> bool:
    """Asks members for the communities of a street points has not heard of; True when it has some."""
    found = _read_through(uow, lambda directory: directory.communities_of_street(street_id)) or []
    for place in found:
        if uow.people.community(place.id) is None:
            uow.people.put_community(place)
    return bool(found)


def known_partner_unit(uow: UnitOfWork, member: MemberCopy, organization_id: str) -> str:
    """The name of a partner unit the member belongs to, asked of members (no member event carries
    memberships); refused when they do not belong to it."""
    found = _read_through(uow, lambda d: d.partner_unit(member.id, organization_id, member.street_id))
    if uow.directory is None and found is None:
        raise Unavailable(*SYNCING)
    if found is None:
        raise FailedPrecondition(
            "您不是该共建单位的成员，不能代表它认领",
            "you are not a member of this partner unit",
            "organization_id",
        )
    return found


def _read_through(uow: UnitOfWork, ask):
    if uow.directory is None:
        return None
    try:
        return ask(uow.directory)
    except MembersUnavailable:
        raise Unavailable(*SYNCING) from None


def known_member(uow: UnitOfWork, member_id: str, field: str = "member_id") -> MemberCopy:
    found = uow.people.member(member_id) if member_id else None
    if found is None:
        raise NotFound("成员不存在", f"member {member_id!r} not found", field)
    return found


def known_hold(uow: UnitOfWork, hold_id: str) -> Hold:
    hold = uow.ledger.hold(hold_id)
    if hold is None:
        raise NotFound("冻结不存在", f"hold {hold_id!r} not found", "hold_id")
    return hold


def known_entry(uow: UnitOfWork, entry_id: str) -> Entry:
    entry = uow.ledger.entry(entry_id)
    if entry is None:
        raise NotFound("记录不存在", "entry not found")
    return entry


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
