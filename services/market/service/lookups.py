"""Load it or answer NOT_FOUND: the market's known_<thing>(uow, id, ...) helpers."""

from __future__ import annotations

from jifen.errors import NotFound, Unavailable, required

from ..domain.catalog import Item, Shop
from ..domain.people import CommunityCopy, MemberCopy
from ..domain.redemption import Redemption
from ..domain.slots import ServiceSlot
from .ports import MembersUnavailable, UnitOfWork

SYNCING = ("社区信息正在同步，请稍后再试", "the community is still being synchronised; try again shortly")


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


def known_slot(uow: UnitOfWork, slot_id: str) -> ServiceSlot:
    slot = uow.service_slots.get(required("slot_id", slot_id, "预约时段"))
    if slot is None:
        raise NotFound("预约时段不存在", f"slot {slot_id!r} not found", "slot_id")
    return slot
