"""Shops (积分超市门店): admins open and edit them; every member reads them.

Staff are not assigned here: members grants ROLE_STAFF with a shop id, and the market fills
staff_ids from its copies of members (kept from the member.* events).
"""

from __future__ import annotations

from dataclasses import replace

from jifen import paging
from jifen.clock import Clock, utcnow
from jifen.errors import AlreadyExists, InvalidArgument
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain.catalog import SHOP_CLOSED, SHOP_OPEN, Shop, shop_fields
from ..lookups import known_community, known_shop
from ..ports import UnitOfWork
from ..scope import require_admin
from .commands import CreateShop, ListShops, UpdateShop

UPDATABLE = frozenset({"name", "address", "opening_hours", "status"})
STATUSES = (SHOP_OPEN, SHOP_CLOSED)


def _produced_shop(uow: UnitOfWork, ref: dict) -> Shop:
    """The shop a result names, in the use case's own transaction."""
    return with_staff(uow, [known_shop(uow, ref["shop_id"])])[0]


def create_shop(cmd: CreateShop, uow: UnitOfWork, clock: Clock = utcnow) -> Shop:
    name, address, opening_hours = shop_fields(cmd.name, cmd.address, cmd.opening_hours)
    return _open_shop(cmd, uow, name, address, opening_hours, clock)


@idempotent("market.CreateShop", view=_produced_shop)
def _open_shop(
    cmd: CreateShop, uow: UnitOfWork, name: str, address: str, opening_hours: str, clock: Clock
) -> dict:
    community = known_community(uow, cmd.community_id)
    require_admin(cmd.actor, uow, community.id)
    _require_free_name(uow, community.id, name)
    now = clock()
    shop = Shop(
        id=new_id(),
        community_id=community.id,
        name=name,
        address=address,
        opening_hours=opening_hours,
        status=SHOP_OPEN,
        created_at=now,
        updated_at=now,
    )
    uow.shops.add(shop)
    return {"shop_id": shop.id}


def update_shop(cmd: UpdateShop, uow: UnitOfWork, clock: Clock = utcnow) -> Shop:
    fields = set(cmd.fields)
    if not fields:
        raise InvalidArgument("update_mask", "请指定要修改的字段", "name the fields to change")
    unknown = fields - UPDATABLE
    if unknown:
        raise InvalidArgument(
            "update_mask",
            f"不能修改：{', '.join(sorted(unknown))}",
            f"cannot change {', '.join(sorted(unknown))}",
        )
    if "status" in fields and cmd.status not in STATUSES:
        raise InvalidArgument("status", "门店状态须为营业或暂停营业", "must be open or closed")
    return _change_shop(cmd, uow, fields, clock)


@idempotent("market.UpdateShop", view=_produced_shop)
def _change_shop(cmd: UpdateShop, uow: UnitOfWork, fields: set[str], clock: Clock) -> dict:
    current = known_shop(uow, cmd.shop_id)
    require_admin(cmd.actor, uow, current.community_id)
    asked = {name: getattr(cmd, name) for name in fields}
    changed = replace(current, **asked)
    name, address, opening_hours = shop_fields(changed.name, changed.address, changed.opening_hours)
    if name != current.name:
        _require_free_name(uow, current.community_id, name)
    uow.shops.save(
        replace(changed, name=name, address=address, opening_hours=opening_hours, updated_at=clock())
    )
    return {"shop_id": current.id}


def get_shop(shop_id: str, uow: UnitOfWork) -> Shop:
    with uow:
        return with_staff(uow, [known_shop(uow, shop_id)])[0]


def list_shops(query: ListShops, uow: UnitOfWork) -> tuple[list[Shop], str]:
    page = paging.page(query.page_size, query.page_token)
    community_id = query.community_id.strip() or query.actor.community_id
    with uow:
        found = uow.shops.of_community(community_id, page.offset, page.size)
        shops = with_staff(uow, found)
    return shops, page.next_token(len(found))


def with_staff(uow: UnitOfWork, shops: list[Shop]) -> list[Shop]:
    staff = uow.people.staff_of(shops)
    return [replace(s, staff_ids=staff.get(s.id, ())) for s in shops]


def _require_free_name(uow: UnitOfWork, community_id: str, name: str) -> None:
    """A friendly answer for the usual clash; the unique constraint still decides a race
    (Conflict, retried once by the idempotent handler, which then lands here)."""
    if uow.shops.named(community_id, name) is not None:
        raise AlreadyExists("该社区已有同名门店", f"the community already has a shop named {name!r}", "name")
