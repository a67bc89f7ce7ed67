"""Resolving where roles apply, so the pure access rules can judge them."""

from __future__ import annotations

from collections.abc import Iterable

from jifen.caller import ADMIN, GRID_WORKER, Caller, Grant
from jifen.errors import InvalidArgument

from ..domain import access
from ..domain.access import Place
from ..domain.member import Member


def place_of(uow, grant: Grant, member: Member) -> Place:
    if grant.role == ADMIN and grant.street_id:
        if uow.directory.street(grant.street_id) is None:
            raise InvalidArgument("roles", "所选街道不存在", f"no street {grant.street_id}")
        return Place("", grant.street_id)
    if grant.role == ADMIN:
        community = uow.directory.community(grant.community_id)
        if community is None:
            raise InvalidArgument("roles", "所选社区不存在", f"no community {grant.community_id}")
        return Place(community.id, community.street_id)
    if grant.role == GRID_WORKER:
        grid = uow.directory.grid(grant.grid_id)
        community = grid and uow.directory.community(grid.community_id)
        if community is None:
            raise InvalidArgument("roles", "所选网格不存在", f"no grid {grant.grid_id}")
        return Place(community.id, community.street_id)
    # Staff and volunteers act where the member lives. Which shops belong to which community
    # is the market's knowledge; the market checks a staff member's shop claim itself.
    return access.home(member)


def may_manage(uow, actor: Caller, member: Member, more_grants: Iterable[Grant] = ()) -> bool:
    """The actor administers where the member lives and every role they hold (or are about to)."""
    grants = set(member.grants) | set(more_grants)
    return access.may_manage(actor, member, [place_of(uow, g, member) for g in grants])


def require_manage(uow, actor: Caller, member: Member, more_grants: Iterable[Grant] = ()) -> None:
    access.require(may_manage(uow, actor, member, more_grants))
