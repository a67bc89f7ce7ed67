"""Reading redemptions: one order, and the lists each role works from."""

from __future__ import annotations

from dataclasses import replace

from jifen.caller import ADMIN, GRID_WORKER, Caller
from jifen.errors import denied
from jifen.paging import page
from jifen.timestamps import created_window

from ...domain.redemption import LISTED_BY_DEFAULT, Redemption
from ..lookups import known_member, known_redemption, known_shop
from ..ports import UnitOfWork
from ..scope import (
    admin_communities,
    administers,
    manages_shop,
    may_see_redemption,
    require_admin,
    staff_shop_id,
)
from .commands import ListRedemptions
from .ports import RedemptionFilter


def get_redemption(redemption_id: str, actor: Caller, uow: UnitOfWork) -> Redemption:
    with uow:
        redemption = known_redemption(uow, redemption_id)
        if not may_see_redemption(actor, uow, redemption):
            raise denied()
        return redemption


def list_redemptions(query: ListRedemptions, uow: UnitOfWork) -> tuple[list[Redemption], str]:
    """Newest first. The filters narrow; the first one given decides whose orders the caller may
    list (their own, a member's, a shop's, a community's), and without one each role gets its
    working list: admins their communities, staff their shop, grid workers their grids.
    Failed attempts are listed only when asked for by status."""
    window = page(query.page_size, query.page_token)
    created_window(query.created_after, query.created_before)
    with uow:
        where = replace(
            _scope(query, uow),
            statuses=query.statuses or LISTED_BY_DEFAULT,
            created_after=query.created_after,
            created_before=query.created_before,
        )
        found = uow.redemptions.list(where, window.offset, window.size)
    return found, window.next_token(len(found))


def _scope(query: ListRedemptions, uow: UnitOfWork) -> RedemptionFilter:
    actor = query.actor
    narrowed = RedemptionFilter(
        member_id=query.member_id,
        placed_by=query.placed_by,
        shop_id=query.shop_id,
        community_ids=(query.community_id,) if query.community_id else (),
    )
    if query.member_id:
        if query.member_id != actor.member_id:
            member = known_member(uow, query.member_id)
            if not (administers(actor, uow, member.community_id) or actor.serves_grid(member.grid_id)):
                raise denied()
        return narrowed
    if query.shop_id:
        if not manages_shop(actor, uow, known_shop(uow, query.shop_id)):
            raise denied()
        return narrowed
    if query.community_id:
        require_admin(actor, uow, query.community_id)
        return narrowed
    if query.placed_by:
        if query.placed_by != actor.member_id:
            raise denied()
        return narrowed
    if actor.has(ADMIN):
        return replace(narrowed, community_ids=admin_communities(actor, uow) or ("",))
    if staff_shop_id(actor):
        return replace(narrowed, shop_id=staff_shop_id(actor), community_ids=(actor.community_id,))
    if actor.has(GRID_WORKER):
        grids = tuple(g.grid_id for g in actor.grants if g.role == GRID_WORKER and g.grid_id)
        return replace(narrowed, placed_by_or_grids=(actor.member_id, grids))
    return replace(narrowed, member_id=actor.member_id)


def names_of(redemptions: list[Redemption], uow: UnitOfWork) -> dict[str, str]:
    """Names of the members and grid workers of these orders, as the market's copy knows them."""
    ids = {r.member_id for r in redemptions} | {r.placed_by for r in redemptions if r.placed_by}
    with uow:
        return uow.people.names(ids)
