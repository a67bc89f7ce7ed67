"""Who may act where: the scope checks of the use cases, over a unit of work where a role's place
must be looked up. The pure rules they apply are in domain/access.py; a refusal is jifen's denied().
"""

from __future__ import annotations

from collections.abc import Iterable

from jifen.caller import ADMIN, GRID_WORKER, Caller, Grant
from jifen.errors import InvalidArgument, denied

from ..domain import access
from ..domain.access import Place
from ..domain.directory import Community
from ..domain.member import Member


def require(allowed: bool) -> None:
    if not allowed:
        raise denied()


def require_covers(actor: Caller, place: Place) -> None:
    require(access.covers(actor, place))


def require_admin_of(actor: Caller, community: Community) -> None:
    """The actor administers the community, or its whole street."""
    require_covers(actor, Place(community.id, community.street_id))


def require_street_admin(actor: Caller, street_id: str) -> None:
    require(actor.administers_street(street_id))


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
    require(may_manage(uow, actor, member, more_grants))
