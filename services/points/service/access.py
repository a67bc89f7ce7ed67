"""Who may act where in the points service: the scope checks the policy table names.

Points knows communities and members from the members service's events; a community's street
comes from there, so a street admin's grant reaches every community of the street. A community
created a moment ago may not have arrived yet: then members is asked directly and the copy kept
(the community.created that follows changes nothing), so an admin is never told that a community
they just created does not exist.
"""

from __future__ import annotations

from jifen.caller import SERVICE, Caller
from jifen.errors import NotFound, PermissionDenied, Unavailable

from ..domain.people import CommunityCopy, MemberCopy
from .ports import MembersUnavailable, UnitOfWork

SYNCING = ("社区信息正在同步，请稍后再试", "the community is still being synchronised; try again shortly")


def deny() -> PermissionDenied:
    return PermissionDenied("无权进行此操作", "you may not do this here")


def community(uow: UnitOfWork, community_id: str) -> CommunityCopy:
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


def _read_through(uow: UnitOfWork, ask):
    if uow.directory is None:
        return None
    try:
        return ask(uow.directory)
    except MembersUnavailable:
        raise Unavailable(*SYNCING) from None


def member(uow: UnitOfWork, member_id: str, field: str = "member_id") -> MemberCopy:
    found = uow.people.member(member_id) if member_id else None
    if found is None:
        raise NotFound("成员不存在", f"member {member_id!r} not found", field)
    return found


def administers(actor: Caller, place: CommunityCopy) -> bool:
    return actor.administers(place.id, place.street_id)


def require_admin_of(actor: Caller, place: CommunityCopy) -> None:
    if not administers(actor, place):
        raise deny()


def may_read_account(actor: Caller, target: MemberCopy) -> bool:
    """Self; an admin of the member's community or street; the grid worker of their grid; a service."""
    return (
        actor.has(SERVICE)
        or actor.member_id == target.id
        or actor.administers(target.community_id, target.street_id)
        or actor.serves_grid(target.grid_id)
    )
