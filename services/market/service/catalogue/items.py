"""Goods (商品): admins list and edit them, staff and admins restock them, every member browses them.

Stock moves only by the repository's conditional updates (never read-then-write), and every
move is kept as a StockChange saying who moved how many units and why.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from dataclasses import replace

from jifen import paging
from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import FailedPrecondition, InvalidArgument, Unavailable, bounded, denied
from jifen.idempotency import idempotent
from jifen.ids import new_id
from jifen.timestamps import created_window

from ...domain.catalog import (
    INITIAL,
    MAX_STOCK,
    RESTOCK,
    STOCK_CHANGE_KINDS,
    Item,
    ItemDetails,
    Shop,
    StockChange,
)
from ..lookups import known_community, known_item, known_member, known_shop
from ..ports import Points, PointsBalance, PointsUnavailable, UnitOfWork
from ..scope import administers, manages_shop, require_admin
from .commands import CreateItem, ListItems, ListStockChanges, Restock, UpdateItem
from .ports import ItemFilter, StockChangeFilter

# An item stays what it was made: goods, or a service whose places come from its slots.
EDITABLE = frozenset(f.name for f in dataclass_fields(ItemDetails)) - {"kind"}
INITIAL_REASON = "上架"
MAX_REASON = 200
MAX_QUERY = 50


def create_item(cmd: CreateItem, uow: UnitOfWork, clock: Clock = utcnow) -> Item:
    details = cmd.details.validated()
    if not 0 <= cmd.initial_stock <= MAX_STOCK:
        raise InvalidArgument(
            "initial_stock", f"初始库存须在 0 到 {MAX_STOCK} 之间", f"must be between 0 and {MAX_STOCK}"
        )
    if details.is_service and cmd.initial_stock:
        raise InvalidArgument(
            "initial_stock",
            "服务类商品的名额来自预约时段，初始库存须为 0",
            "a service's places come from its slots; initial_stock must be 0",
        )
    if details.stock_cap and cmd.initial_stock > details.stock_cap:
        raise InvalidArgument(
            "initial_stock",
            f"初始库存不能超过库存上限 {details.stock_cap} 件",
            f"may not exceed the stock cap of {details.stock_cap}",
        )
    return _list_item(cmd, uow, details, clock)


def _produced_item(uow: UnitOfWork, ref: dict) -> Item:
    """The item a result names, in the use case's own transaction."""
    return known_item(uow, ref["item_id"])


@idempotent("market.CreateItem", view=_produced_item)
def _list_item(cmd: CreateItem, uow: UnitOfWork, details: ItemDetails, clock: Clock) -> dict:
    shop = known_shop(uow, cmd.shop_id)
    require_admin(cmd.actor, uow, shop.community_id)
    now = clock()
    item = Item(
        id=new_id(),
        shop_id=shop.id,
        community_id=shop.community_id,
        details=details,
        stock=cmd.initial_stock,
        reserved=0,
        created_at=now,
        updated_at=now,
    )
    uow.items.add(item)
    uow.stock_changes.add(
        item.moved(
            new_id(),
            INITIAL,
            cmd.initial_stock,
            cmd.initial_stock,
            now,
            INITIAL_REASON,
            changed_by=cmd.actor.member_id,
        )
    )
    return {"item_id": item.id}


def update_item(cmd: UpdateItem, uow: UnitOfWork, clock: Clock = utcnow) -> Item:
    fields = set(cmd.fields)
    if not fields:
        raise InvalidArgument("update_mask", "请指定要修改的字段", "name the fields to change")
    unknown = fields - EDITABLE
    if unknown:
        raise InvalidArgument(
            "update_mask",
            f"不能修改：{', '.join(sorted(unknown))}",
            f"cannot change {', '.join(sorted(unknown))}",
        )
    return _change_item(cmd, uow, fields, clock)


@idempotent("market.UpdateItem", view=_produced_item)
def _change_item(cmd: UpdateItem, uow: UnitOfWork, fields: set[str], clock: Clock) -> dict:
    current = known_item(uow, cmd.item_id)
    require_admin(cmd.actor, uow, current.community_id)
    asked = {name: getattr(cmd.details, name) for name in fields}
    # Open redemptions keep their own unit_points, so a new price reaches only new orders.
    details = replace(current.details, **asked).validated()
    uow.items.save_details(current.id, details, clock())
    return {"item_id": current.id}


def restock(cmd: Restock, uow: UnitOfWork, clock: Clock = utcnow) -> tuple[Item, StockChange]:
    delta = cmd.quantity_delta
    if delta == 0 or abs(delta) > MAX_STOCK:
        raise InvalidArgument(
            "quantity_delta",
            f"变动数量不能为 0，且不能超过 {MAX_STOCK} 件",
            f"must be non-zero and at most {MAX_STOCK} either way",
        )
    reason = bounded("reason", cmd.reason, MAX_REASON, "变动原因", optional=False)
    return _move_stock(cmd, uow, delta, reason, clock)


def _restocked(uow: UnitOfWork, ref: dict) -> tuple[Item, StockChange]:
    return known_item(uow, ref["item_id"]), uow.stock_changes.get(ref["stock_change_id"])


@idempotent("market.Restock", view=_restocked)
def _move_stock(cmd: Restock, uow: UnitOfWork, delta: int, reason: str, clock: Clock) -> dict:
    item = known_item(uow, cmd.item_id)
    if not manages_shop(cmd.actor, uow, known_shop(uow, item.shop_id)):
        raise denied()
    if item.details.is_service:
        raise FailedPrecondition(
            "服务类商品的名额由预约时段决定，请添加时段", "a service's places come from its slots; add a slot"
        )
    now = clock()
    after = uow.items.restock(item.id, delta, now)
    if after is None:
        stock = _stock_now(uow, item)
        raise FailedPrecondition(
            f"库存不足，不能减少 {-delta} 件（现有 {stock} 件）",
            f"cannot remove {-delta} units: only {stock} in stock",
        )
    # Raising rolls the update back.
    item.check_cap(delta, after)
    # Recorded with the update's own answer, not the earlier read: a redemption may have moved stock.
    change = item.moved(new_id(), RESTOCK, delta, after, now, reason, changed_by=cmd.actor.member_id)
    uow.stock_changes.add(change)
    return {"item_id": item.id, "stock_change_id": change.id}


def get_item(item_id: str, uow: UnitOfWork) -> Item:
    with uow:
        return known_item(uow, item_id)


def list_items(
    query: ListItems, uow: UnitOfWork, points: Points, clock: Clock = utcnow
) -> tuple[list[Item], str]:
    page = paging.page(query.page_size, query.page_token)
    text = bounded("query", query.query, MAX_QUERY, "搜索词")
    actor = query.actor
    shop_id = query.shop_id.strip()
    community_id = query.community_id.strip() or ("" if shop_id else actor.community_id)
    member_id = ""
    with uow:
        shop = known_shop(uow, shop_id) if shop_id else None
        if query.include_off_sale and not _sees_off_sale(actor, uow, shop, community_id):
            raise denied()
        if query.affordable_only:
            member_id = _whose_balance(actor, uow, query.member_id.strip())
    max_price = None
    if member_id:
        # Asked between transactions: no database transaction waits on another service.
        balance = _balance(points, member_id)
        max_price = 0 if balance.frozen else balance.available
    where = ItemFilter(
        shop_id=shop_id,
        community_id=community_id,
        query=text,
        on_sale_at=None if query.include_off_sale else clock(),
        in_stock_only=query.in_stock_only,
        max_price=max_price,
    )
    with uow:
        found = uow.items.search(where, page.offset, page.size)
    return found, page.next_token(len(found))


def list_stock_changes(query: ListStockChanges, uow: UnitOfWork) -> tuple[list[StockChange], str]:
    item_id, shop_id, community_id = query.item_id.strip(), query.shop_id.strip(), query.community_id.strip()
    if [bool(item_id), bool(shop_id), bool(community_id)].count(True) != 1:
        raise InvalidArgument(
            "item_id",
            "请指定商品、门店或社区中的一个",
            "give exactly one of item_id, shop_id and community_id",
        )
    if any(kind not in STOCK_CHANGE_KINDS for kind in query.kinds):
        raise InvalidArgument("kinds", "未知的库存变动类型", "holds an unknown stock change kind")
    created_window(query.created_after, query.created_before)
    page = paging.page(query.page_size, query.page_token)
    with uow:
        if community_id:
            # The audit trail of every shop of the community: its admins', not a shop's staff.
            known_community(uow, community_id)
            if not administers(query.actor, uow, community_id):
                raise denied()
        else:
            shop = known_shop(uow, known_item(uow, item_id).shop_id if item_id else shop_id)
            if not manages_shop(query.actor, uow, shop):
                raise denied()
        where = StockChangeFilter(
            item_id=item_id,
            shop_id="" if item_id else shop_id,
            community_id=community_id,
            kinds=query.kinds,
            created_after=query.created_after,
            created_before=query.created_before,
        )
        found = uow.stock_changes.list(where, page.offset, page.size)
    return found, page.next_token(len(found))


def _sees_off_sale(actor: Caller, uow: UnitOfWork, shop: Shop | None, community_id: str) -> bool:
    if shop is not None:
        return manages_shop(actor, uow, shop)
    return bool(community_id) and administers(actor, uow, community_id)


def _whose_balance(actor: Caller, uow: UnitOfWork, member_id: str) -> str:
    """The member whose points affordable_only counts: the caller, or one they look after."""
    if not member_id or member_id == actor.member_id:
        if not actor.member_id:
            raise InvalidArgument("member_id", "请指定成员", "name the member whose points count")
        return actor.member_id
    member = known_member(uow, member_id)
    if actor.serves_grid(member.grid_id) or administers(actor, uow, member.community_id):
        return member.id
    raise denied()


def _balance(points: Points, member_id: str) -> PointsBalance:
    try:
        return points.balance(member_id)
    except PointsUnavailable:
        raise Unavailable(
            "暂时无法查询积分余额，请稍后再试", "the points service did not answer; try again shortly"
        ) from None


def _stock_now(uow: UnitOfWork, item: Item) -> int:
    current = uow.items.get(item.id)
    return current.stock if current else item.stock
