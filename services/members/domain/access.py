"""Who may act on whom: the scope checks the policy table names, as pure functions."""

from __future__ import annotations

from jifen.caller import ADMIN, Caller, Grant
from jifen.errors import PermissionDenied

from .member import Member

DENIED = ("您没有执行此操作的权限", "you may not do this")


def deny() -> PermissionDenied:
    return PermissionDenied(*DENIED)


def may_view(caller: Caller, member: Member) -> bool:
    return (
        caller.member_id == member.id
        or bool(caller.service)
        or caller.administers(member.community_id, member.street_id)
        or caller.serves_grid(member.grid_id)
    )


def may_manage(caller: Caller, member: Member) -> bool:
    return caller.administers(member.community_id, member.street_id)


def require_manage(caller: Caller, member: Member) -> None:
    if not may_manage(caller, member):
        raise deny()


def require_admin_of(caller: Caller, community_id: str, street_id: str) -> None:
    if not caller.administers(community_id, street_id):
        raise deny()


def may_grant(caller: Caller, grant: Grant, member: Member, grant_street_id: str) -> bool:
    """Admins hand out roles only inside what they administer themselves."""
    if grant.role == ADMIN and grant.street_id:
        return caller.administers_street(grant.street_id)
    if grant.role == ADMIN:
        return caller.administers(grant.community_id, grant_street_id)
    return may_manage(caller, member)
