"""What a community or street admin does with the supermarket (积分超市): shops and their staff,
goods and their stock, pictures of goods, and the community's orders.

Every action first finds the community the thing belongs to and checks it is one the admin looks
after (admin_scope), so an admin of one community is refused another community's shops, goods and
orders even where the market lets any member read them (GetShop, GetItem)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.market.v1 import market_pb2 as mpb
from jifen.members.v1 import members_pb2 as mempb
from jifen.proto_enums import enum_names

from . import admin_scope, views_market
from .calendar import LOCAL
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session
from .translate import when

_, STOCK_KIND = enum_names(mpb.StockChangeKind, "STOCK_CHANGE_KIND_")
_, ORDER_STATUS = enum_names(mpb.RedemptionStatus, "REDEMPTION_STATUS_")
LIMIT_PERIODS, LIMIT_PERIOD = enum_names(mpb.LimitPeriod, "LIMIT_PERIOD_")
# The order statuses an admin filters by; failed attempts are the saga's business, not a shop's.
STATUSES = {
    "awaiting_pickup": mpb.REDEMPTION_STATUS_AWAITING_PICKUP,
    "collected": mpb.REDEMPTION_STATUS_COLLECTED,
    "cancelled": mpb.REDEMPTION_STATUS_CANCELLED,
    "expired": mpb.REDEMPTION_STATUS_EXPIRED,
    "reserving": mpb.REDEMPTION_STATUS_RESERVING,
}
PERIODS = ("none", "day", "week", "month", "year", "lifetime")
MAX_IMAGE_BYTES = 1024 * 1024
MAX_NUMBER = 1_000_000


@dataclass(frozen=True)
class ShopForm:
    name: str = ""
    address: str = ""
    opening_hours: str = ""
    # "open" or "closed"; only when editing.
    status: str = ""


@dataclass(frozen=True)
class ItemForm:
    """An item as typed: numbers and times are text until checked here, so bad input gets a sentence."""

    name: str = ""
    description: str = ""
    points_price: str = ""
    initial_stock: str = "0"
    stock_cap: str = "0"
    low_stock_threshold: str = ""
    per_member_limit: str = "0"
    limit_period: str = "none"
    sale_starts_at: str = ""
    sale_ends_at: str = ""
    donor_organization_id: str = ""
    on_sale: bool = True


# --- Shops ---


def market(services: Services, me: Session, community_id: str) -> views_market.Market:
    """The community's shops with their staff, and every item with its stock."""
    mine, chosen = admin_scope.chosen(services, me, community_id)
    who = me.credentials
    shops = services.market.shops(who, chosen)
    names = _staff_names(services, me, chosen)
    shop_names = {s.shop_id: s.name for s in shops}
    organizations = _organization_names(services, me, chosen)
    items = [_item(i, shop_names, organizations) for i in services.market.all_items(who, chosen)]
    items.sort(key=lambda i: (not i.low_stock, i.shop_name, i.name))
    return views_market.Market(
        communities=mine,
        community_id=chosen,
        shops=[_shop(s, names) for s in shops],
        items=items,
        low_stock_count=sum(i.low_stock for i in items),
    )


def shop(services: Services, me: Session, shop_id: str) -> views_market.Shop:
    found = _own_shop(services, me, shop_id)
    return _shop(found, _staff_names(services, me, found.community_id))


def create_shop(
    services: Services, me: Session, community_id: str, form: ShopForm, request_id: str
) -> views_market.Shop:
    _, chosen = admin_scope.chosen(services, me, community_id)
    _required(form.name, "name", me.gettext("请填写门店名称"))
    _required(form.address, "address", me.gettext("请填写门店地址"))
    created = services.market.create_shop(
        me.credentials,
        _key(me, request_id),
        chosen,
        form.name.strip(),
        form.address.strip(),
        form.opening_hours.strip(),
    )
    return _shop(created, {})


def update_shop(
    services: Services, me: Session, shop_id: str, form: ShopForm, request_id: str
) -> views_market.Shop:
    _own_shop(services, me, shop_id)
    _required(form.name, "name", me.gettext("请填写门店名称"))
    _required(form.address, "address", me.gettext("请填写门店地址"))
    if form.status not in ("open", "closed"):
        raise ActionError(Kind.INVALID, me.gettext("请选择门店状态"), "status")
    status = mpb.SHOP_STATUS_OPEN if form.status == "open" else mpb.SHOP_STATUS_CLOSED
    updated = services.market.update_shop(
        me.credentials,
        _key(me, request_id),
        shop_id,
        name=form.name.strip(),
        address=form.address.strip(),
        opening_hours=form.opening_hours.strip(),
        status=status,
    )
    return _shop(updated, _staff_names(services, me, updated.community_id))


# --- Goods ---


def donors(services: Services, me: Session, community_id: str) -> list[views_market.Organization]:
    """The units of the community that may donate goods (共建单位)."""
    _, chosen = admin_scope.chosen(services, me, community_id)
    return [
        views_market.Organization(organization_id=key, name=name)
        for key, name in _organization_names(services, me, chosen).items()
    ]


def item(services: Services, me: Session, item_id: str) -> views_market.ItemRecord:
    """One item with its stock history, newest first."""
    found = _own_item(services, me, item_id)
    who = me.credentials
    shop_names = {s.shop_id: s.name for s in services.market.shops(who, found.community_id)}
    changes = services.market.stock_changes(who, item_id)
    people = _member_names(services, me, found.community_id, {c.changed_by for c in changes if c.changed_by})
    return views_market.ItemRecord(
        item=_item(found, shop_names, _organization_names(services, me, found.community_id)),
        changes=[_change(c, people) for c in changes],
    )


def create_item(
    services: Services, me: Session, shop_id: str, form: ItemForm, request_id: str, image: bytes | None = None
) -> views_market.Item:
    """A new item, and its picture when one came with it (checked before anything is written)."""
    found = _own_shop(services, me, shop_id)
    fields = _item_fields(me, form)
    initial = _number(me, form.initial_stock, "initial_stock", me.gettext("初始库存"), 0)
    if image is not None:
        check_image(me, image)
    key = _key(me, request_id)
    created = services.market.create_item(me.credentials, key, found.shop_id, initial, **fields)
    if image is not None:
        created = services.market.upload_item_image(me.credentials, f"{key}:image", created.item_id, image)
    return _item(created, {found.shop_id: found.name}, {})


def update_item(
    services: Services, me: Session, item_id: str, form: ItemForm, request_id: str, image: bytes | None = None
) -> views_market.Item:
    found = _own_item(services, me, item_id)
    fields = _item_fields(me, form)
    if image is not None:
        check_image(me, image)
    key = _key(me, request_id)
    updated = services.market.update_item(me.credentials, key, found.item_id, **fields)
    if image is not None:
        updated = services.market.upload_item_image(me.credentials, f"{key}:image", found.item_id, image)
    return _item(updated, {}, {})


def upload_image(
    services: Services, me: Session, item_id: str, image: bytes, request_id: str
) -> views_market.Item:
    found = _own_item(services, me, item_id)
    check_image(me, image)
    updated = services.market.upload_item_image(me.credentials, _key(me, request_id), found.item_id, image)
    return _item(updated, {}, {})


def restock(
    services: Services, me: Session, item_id: str, quantity: str, reason: str, request_id: str
) -> views_market.Item:
    """Adds (or, negative, removes) units with a reason; the market refuses stock below 0 or over the cap."""
    found = _own_item(services, me, item_id)
    delta = _number(me, quantity, "quantity", me.gettext("变动数量"), -MAX_NUMBER)
    if delta == 0:
        raise ActionError(Kind.INVALID, me.gettext("变动数量不能为 0"), "quantity")
    _required(reason, "reason", me.gettext("请填写变动原因"))
    updated = services.market.restock(
        me.credentials, _key(me, request_id), found.item_id, delta, reason.strip()
    )
    return _item(updated, {}, {})


def image(services: Services, me: Session, image_id: str) -> tuple[str, bytes]:
    """A picture of goods: its type and bytes, for any signed-in member (the market's rule)."""
    found = services.market.item_image(me.credentials, image_id)
    return found.content_type, found.image


def check_image(me: Session, data: bytes) -> None:
    """The gateway's own first look, so a file that can never be taken is not sent on; the market
    checks again by the same rule."""
    if not data:
        raise ActionError(Kind.INVALID, me.gettext("请选择要上传的图片"), "image")
    if len(data) > MAX_IMAGE_BYTES:
        raise ActionError(Kind.INVALID, me.gettext("图片不能超过 1 MB"), "image")
    png = data.startswith(b"\x89PNG\r\n\x1a\n")
    jpeg = data.startswith(b"\xff\xd8\xff")
    webp = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if not (png or jpeg or webp):
        raise ActionError(Kind.INVALID, me.gettext("只能上传 PNG、JPEG 或 WebP 格式的图片"), "image")


# --- Orders ---


def orders(services: Services, me: Session, community_id: str, status: str = "") -> views_market.Orders:
    mine, chosen = admin_scope.chosen(services, me, community_id)
    if status and status not in STATUSES:
        raise ActionError(Kind.INVALID, me.gettext("请选择列表中的状态"), "status")
    who = me.credentials
    answer = services.market.community_orders(who, chosen, [STATUSES[status]] if status else [])
    shop_names = {s.shop_id: s.name for s in services.market.shops(who, chosen)}
    return views_market.Orders(
        communities=mine,
        community_id=chosen,
        status=status,
        orders=[_order(r, shop_names) for r in answer.redemptions],
        more=bool(answer.next_page_token),
    )


def order(services: Services, me: Session, redemption_id: str) -> views_market.Order:
    found = services.market.order(me.credentials, redemption_id)
    _in_scope(services, me, found.community_id)
    shop_names = {s.shop_id: s.name for s in services.market.shops(me.credentials, found.community_id)}
    return _order(found, shop_names)


def cancel_order(
    services: Services, me: Session, redemption_id: str, reason: str, request_id: str
) -> views_market.Order:
    """Cancels an order awaiting pickup: the market releases the held points and returns the stock."""
    found = services.market.order(me.credentials, redemption_id)
    _in_scope(services, me, found.community_id)
    _required(reason, "reason", me.gettext("请填写取消原因"))
    cancelled = services.market.cancel(me.credentials, _key(me, request_id), redemption_id, reason.strip())
    return _order(cancelled, {})


# --- Helpers ---


def _in_scope(services: Services, me: Session, community_id: str) -> None:
    """NOT_FOUND for a thing of a community the admin does not look after: they learn nothing of it."""
    mine = {c.community_id for c in admin_scope.communities(services, me)}
    if community_id not in mine:
        raise ActionError(Kind.NOT_FOUND, me.gettext("没有找到，或不在您管理的社区"))


def _own_shop(services: Services, me: Session, shop_id: str) -> mpb.Shop:
    found = services.market.shop(me.credentials, shop_id)
    _in_scope(services, me, found.community_id)
    return found


def _own_item(services: Services, me: Session, item_id: str) -> mpb.Item:
    found = services.market.item(me.credentials, item_id)
    _in_scope(services, me, found.community_id)
    return found


def _key(me: Session, request_id: str) -> str:
    key = (request_id or "").strip()
    if not key or len(key) > 80:
        raise ActionError(Kind.INVALID, me.gettext("页面已过期，请刷新后再提交"), "request_id")
    return key


def _required(value: str, field: str, sentence: str) -> None:
    if not (value or "").strip():
        raise ActionError(Kind.INVALID, sentence, field)


def _number(me: Session, text: str, field: str, label: str, lowest: int) -> int:
    try:
        value = int((text or "").strip() or "0")
    except ValueError:
        raise ActionError(Kind.INVALID, me.gettext("%s须为整数") % label, field) from None
    if not lowest <= value <= MAX_NUMBER:
        raise ActionError(
            Kind.INVALID, me.gettext("%s须在 %d 到 %d 之间") % (label, lowest, MAX_NUMBER), field
        )
    return value


def _local_time(me: Session, text: str, field: str) -> datetime | None:
    """A datetime-local input (Asia/Shanghai wall-clock time), or None when left empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ActionError(Kind.INVALID, me.gettext("请按“年-月-日 时:分”填写时间"), field) from None
    return value.replace(tzinfo=LOCAL) if value.tzinfo is None else value


def _item_fields(me: Session, form: ItemForm) -> dict:
    _required(form.name, "name", me.gettext("请填写商品名称"))
    price = _number(me, form.points_price, "points_price", me.gettext("兑换积分"), 1)
    if form.limit_period not in PERIODS:
        raise ActionError(Kind.INVALID, me.gettext("请选择列表中的限兑周期"), "limit_period")
    threshold = form.low_stock_threshold.strip()
    return {
        "name": form.name.strip(),
        "description": form.description.strip(),
        "points_price": price,
        "stock_cap": _number(me, form.stock_cap, "stock_cap", me.gettext("库存上限"), 0),
        "low_stock_threshold": _number(me, threshold, "low_stock_threshold", me.gettext("库存预警线"), 0)
        if threshold
        else views_market.DEFAULT_LOW_STOCK,
        "per_member_limit": _number(
            me, form.per_member_limit, "per_member_limit", me.gettext("每人限兑数量"), 0
        ),
        "limit_period": LIMIT_PERIODS[form.limit_period],
        "sale_starts_at": _local_time(me, form.sale_starts_at, "sale_starts_at"),
        "sale_ends_at": _local_time(me, form.sale_ends_at, "sale_ends_at"),
        "donor_organization_id": form.donor_organization_id.strip(),
        "status": mpb.ITEM_STATUS_ON_SALE if form.on_sale else mpb.ITEM_STATUS_OFF_SALE,
    }


def _staff_names(services: Services, me: Session, community_id: str) -> dict[str, str]:
    answer = services.members.community_members(me.credentials, community_id, "", mempb.ROLE_STAFF, 0)
    return {m.member_id: m.name for m in answer.members}


def _member_names(services: Services, me: Session, community_id: str, wanted: set[str]) -> dict[str, str]:
    """Names of the people who moved stock by hand: the community's admins and staff, and the few
    others (a street admin, staff since moved on) asked one by one, as far as members lets this admin."""
    names = _staff_names(services, me, community_id)
    admins = services.members.community_members(me.credentials, community_id, "", mempb.ROLE_ADMIN, 0)
    names.update({m.member_id: m.name for m in admins.members})
    if me.member_id:
        names.setdefault(me.member_id, me.caller.name)
    for member_id in sorted(wanted - set(names))[:10]:
        try:
            names[member_id] = services.members.member(me.credentials, member_id).name
        except ActionError:
            continue
    return names


def _organization_names(services: Services, me: Session, community_id: str) -> dict[str, str]:
    return {
        o.organization_id: o.name for o in services.members.organizations(me.credentials, community_id)
    }


def _shop(value: mpb.Shop, names: dict[str, str]) -> views_market.Shop:
    return views_market.Shop(
        shop_id=value.shop_id,
        community_id=value.community_id,
        name=value.name,
        address=value.address,
        opening_hours=value.opening_hours,
        open=value.status != mpb.SHOP_STATUS_CLOSED,
        staff=[views_market.StaffMember(member_id=m, name=names.get(m, "")) for m in value.staff_ids],
    )


def _item(value: mpb.Item, shop_names: dict[str, str], organizations: dict[str, str]) -> views_market.Item:
    level = value.low_stock_threshold or views_market.DEFAULT_LOW_STOCK
    return views_market.Item(
        item_id=value.item_id,
        shop_id=value.shop_id,
        shop_name=shop_names.get(value.shop_id, ""),
        community_id=value.community_id,
        name=value.name,
        description=value.description,
        image_url=value.image_url,
        points_price=value.points_price,
        stock=value.stock,
        reserved=value.reserved,
        stock_cap=value.stock_cap,
        per_member_limit=value.per_member_limit,
        limit_period=LIMIT_PERIOD.get(value.limit_period, "none"),
        sale_starts_at=when(value, "sale_starts_at"),
        sale_ends_at=when(value, "sale_ends_at"),
        donor_organization_id=value.donor_organization_id,
        donor_name=organizations.get(value.donor_organization_id, ""),
        on_sale=value.status == mpb.ITEM_STATUS_ON_SALE,
        low_stock_level=level,
        low_stock=value.stock <= level,
    )


def _change(value: mpb.StockChange, names: dict[str, str]) -> views_market.StockChange:
    return views_market.StockChange(
        kind=STOCK_KIND.get(value.kind, ""),
        delta=value.delta,
        stock_after=value.stock_after,
        reason=value.reason,
        changed_by=value.changed_by,
        changed_by_name=names.get(value.changed_by, ""),
        redemption_id=value.redemption_id,
        created_at=when(value, "created_at"),
    )


def _order(value: mpb.Redemption, shop_names: dict[str, str]) -> views_market.Order:
    return views_market.Order(
        redemption_id=value.redemption_id,
        item_id=value.item_id,
        item_name=value.item_name,
        shop_id=value.shop_id,
        shop_name=shop_names.get(value.shop_id, ""),
        member_id=value.member_id,
        member_name=value.member_name,
        placed_by_name=value.placed_by_name if value.placed_by != value.member_id else "",
        quantity=value.quantity,
        points_total=value.points_total,
        status=ORDER_STATUS.get(value.status, ""),
        created_at=when(value, "created_at"),
        expires_at=when(value, "expires_at"),
        closed_at=when(value, "closed_at"),
        collected_at=when(value, "collected_at"),
        cancel_reason=value.cancel_reason,
        cancellable=value.status == mpb.REDEMPTION_STATUS_AWAITING_PICKUP,
    )
