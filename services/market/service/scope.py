"""Who may act where in the market: the scope checks the policy table names."""

from __future__ import annotations

from jifen.caller import ADMIN, STAFF, Caller
from jifen.errors import NotFound, PermissionDenied, Unavailable, required
from jifen.member_copies import known_caller

from ..domain.catalog import Item, Shop
from ..domain.people import CommunityCopy, MemberCopy
from ..domain.redemption import Redemption
from .ports import MembersUnavailable, UnitOfWork

DENIED = ("您没有执行此操作的权限", "you may not do this")
SYNCING = ("社区信息正在同步，请稍后再试", "the community is still being synchronised; try again shortly")


def denied() -> PermissionDenied:
    return PermissionDenied(*DENIED)


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


def known_member(uow: UnitOfWork, member_id: str, lock: bool = False) -> MemberCopy:
    member = uow.people.member(required("member_id", member_id, "成员"), lock=lock)
    if member is None:
        raise NotFound(
            "成员不存在，或其信息尚未同步到积分超市", f"member {member_id!r} not found", "member_id"
        )
    return member


def known_community(uow: UnitOfWork, community_id: str) -> CommunityCopy:
    """The market learns communities from members' events; one created a moment ago may not have
    arrived yet, so members is asked directly and the copy kept (the community.created that follows
    changes nothing): an admin is never told that a community they just created does not exist."""
    community_id = required("community_id", community_id, "社区")
    found = uow.people.community(community_id)
    if found is None and uow.directory is not None:
        try:
            found = uow.directory.community(community_id)
        except MembersUnavailable:
            raise Unavailable(*SYNCING) from None
        if found is not None:
            uow.people.put_community(found)
    if found is None:
        raise NotFound("社区不存在", f"community {community_id!r} not found", "community_id")
    return found


def known_shop(uow: UnitOfWork, shop_id: str, field: str = "shop_id") -> Shop:
    shop = uow.shops.get(required(field, shop_id, "门店"))
    if shop is None:
        raise NotFound("门店不存在", f"shop {shop_id!r} not found", field)
    return shop


def known_item(uow: UnitOfWork, item_id: str) -> Item:
    item = uow.items.get(required("item_id", item_id, "商品"))
    if item is None:
        raise NotFound("商品不存在", f"item {item_id!r} not found", "item_id")
    return item


def known_redemption(uow: UnitOfWork, redemption_id: str, lock: bool = False) -> Redemption:
    found = uow.redemptions.get(required("redemption_id", redemption_id, "兑换单"), lock=lock)
    if found is None:
        raise NotFound("兑换单不存在", f"redemption {redemption_id!r} not found", "redemption_id")
    return found


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


def live_caller(caller: Caller, uow: UnitOfWork) -> Caller:
    """The caller with the roles members last announced for them: a deactivated member's token is
    refused, and a demoted admin's or fired staff member's lost roles are gone (the token lives on)."""
    with uow:
        known = uow.people.member(caller.member_id)
    return known_caller(caller, known)
