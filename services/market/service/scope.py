"""Who may act where in the market: the scope checks the policy names (refusals: errors.denied())."""

from __future__ import annotations

from jifen.caller import ADMIN, STAFF, Caller
from jifen.errors import denied
from jifen.member_copies import live_caller as live_caller  # the caller as the copy knows them now

from ..domain.catalog import Shop
from ..domain.redemption import Redemption
from .ports import UnitOfWork


def administers(caller: Caller, uow: UnitOfWork, community_id: str) -> bool:
    """An admin of the community, or of the street it belongs to."""
    if not caller.has(ADMIN):
        return False
    community = uow.people.community(community_id)
    return caller.administers(community_id, community.street_id if community else "")


def require_admin(caller: Caller, uow: UnitOfWork, community_id: str) -> None:
    if not administers(caller, uow, community_id):
        raise denied()


def staff_shop_id(caller: Caller) -> str:
    return next((g.shop_id for g in caller.grants if g.role == STAFF and g.shop_id), "")


def works_at(caller: Caller, shop: Shop) -> bool:
    """The token's shop claim, checked against the shop's community: members grants staff roles
    without knowing shops, so a claim for a shop of another community is worth nothing."""
    return staff_shop_id(caller) == shop.id and caller.community_id == shop.community_id


def manages_shop(caller: Caller, uow: UnitOfWork, shop: Shop) -> bool:
    """Staff of the shop, or an admin of its community."""
    return works_at(caller, shop) or administers(caller, uow, shop.community_id)


def admin_communities(caller: Caller, uow: UnitOfWork) -> tuple[str, ...]:
    """Every community the caller administers, a street admin's through their street."""
    found: list[str] = []
    for grant in caller.grants:
        if grant.role != ADMIN:
            continue
        if grant.community_id:
            found.append(grant.community_id)
        if grant.street_id:
            found.extend(uow.people.communities_of_street(grant.street_id))
    return tuple(dict.fromkeys(found))


def may_see_redemption(caller: Caller, uow: UnitOfWork, redemption: Redemption) -> bool:
    """The member, whoever placed it, a grid worker of the member's grid, staff of its shop, an admin
    of its community."""
    if caller.member_id in (redemption.member_id, redemption.placed_by):
        return True
    if caller.serves_grid(redemption.grid_id):
        return True
    if staff_shop_id(caller) == redemption.shop_id and caller.community_id == redemption.community_id:
        return True
    return administers(caller, uow, redemption.community_id)

