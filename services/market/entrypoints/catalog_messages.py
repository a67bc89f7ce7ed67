"""Translation between the catalog part of jifen.market.v1 (shops, items, stock) and the catalog domain."""

from __future__ import annotations

from jifen.errors import InvalidArgument
from jifen.market.v1 import market_pb2 as pb
from jifen.proto_enums import enum_names
from jifen.timestamps import field_time, to_timestamp

from ..domain.catalog import GOODS, ON_SALE, Item, ItemDetails, Shop, StockChange
from ..domain.limits import NONE
from ..domain.slots import ServiceSlot

SHOP_STATUS, SHOP_STATUS_NAME = enum_names(pb.ShopStatus, "SHOP_STATUS_")
ITEM_STATUS, ITEM_STATUS_NAME = enum_names(pb.ItemStatus, "ITEM_STATUS_")
LIMIT_PERIOD, LIMIT_PERIOD_NAME = enum_names(pb.LimitPeriod, "LIMIT_PERIOD_")
STOCK_CHANGE_KIND, STOCK_CHANGE_KIND_NAME = enum_names(pb.StockChangeKind, "STOCK_CHANGE_KIND_")
ITEM_KIND, ITEM_KIND_NAME = enum_names(pb.ItemKind, "ITEM_KIND_")


def shop_status_name(number: int) -> str:
    """ "" for UNSPECIFIED or an unknown number, so the use case names the status field."""
    return SHOP_STATUS_NAME.get(number, "")


def item_details(request: pb.CreateItemRequest | pb.UpdateItemRequest) -> ItemDetails:
    """The details a CreateItem or UpdateItem request carries. Unknown enum numbers become "" so
    ItemDetails.validated() names the field; an unset status means on sale only when creating."""
    creating = isinstance(request, pb.CreateItemRequest)
    if request.status == pb.ITEM_STATUS_UNSPECIFIED:
        status = ON_SALE if creating else ""
    else:
        status = ITEM_STATUS_NAME.get(request.status, "")
    if request.limit_period == pb.LIMIT_PERIOD_UNSPECIFIED:
        limit_period = NONE
    else:
        limit_period = LIMIT_PERIOD_NAME.get(request.limit_period, "")
    kind = GOODS
    if creating and request.kind != pb.ITEM_KIND_UNSPECIFIED:
        kind = ITEM_KIND_NAME.get(request.kind, "")
    return ItemDetails(
        name=request.name,
        description=request.description,
        image_url=request.image_url,
        points_price=request.points_price,
        per_member_limit=request.per_member_limit,
        limit_period=limit_period,
        sale_starts_at=field_time(request, "sale_starts_at"),
        sale_ends_at=field_time(request, "sale_ends_at"),
        donor_organization_id=request.donor_organization_id,
        low_stock_threshold=request.low_stock_threshold,
        status=status,
        stock_cap=request.stock_cap,
        kind=kind,
        provider_organization_id=request.provider_organization_id,
        provider_name=request.provider_name,
    )


def service_slot(value: ServiceSlot) -> pb.ServiceSlot:
    return pb.ServiceSlot(
        slot_id=value.id,
        item_id=value.item_id,
        starts_at=to_timestamp(value.starts_at),
        ends_at=to_timestamp(value.ends_at),
        place=value.place,
        capacity=value.capacity,
        booked=value.booked,
        created_at=to_timestamp(value.created_at),
    )


def shop(value: Shop) -> pb.Shop:
    return pb.Shop(
        shop_id=value.id,
        community_id=value.community_id,
        name=value.name,
        address=value.address,
        opening_hours=value.opening_hours,
        staff_ids=list(value.staff_ids),
        status=SHOP_STATUS.get(value.status, pb.SHOP_STATUS_UNSPECIFIED),
        created_at=to_timestamp(value.created_at),
        updated_at=to_timestamp(value.updated_at),
    )


def item(value: Item) -> pb.Item:
    d = value.details
    return pb.Item(
        item_id=value.id,
        shop_id=value.shop_id,
        community_id=value.community_id,
        name=d.name,
        description=d.description,
        image_url=d.image_url,
        points_price=d.points_price,
        stock=value.stock,
        reserved=value.reserved,
        per_member_limit=d.per_member_limit,
        limit_period=LIMIT_PERIOD.get(d.limit_period, pb.LIMIT_PERIOD_UNSPECIFIED),
        sale_starts_at=to_timestamp(d.sale_starts_at),
        sale_ends_at=to_timestamp(d.sale_ends_at),
        donor_organization_id=d.donor_organization_id,
        status=ITEM_STATUS.get(d.status, pb.ITEM_STATUS_UNSPECIFIED),
        low_stock_threshold=d.low_stock_threshold,
        stock_cap=d.stock_cap,
        kind=ITEM_KIND.get(d.kind, pb.ITEM_KIND_UNSPECIFIED),
        provider_organization_id=d.provider_organization_id,
        provider_name=d.provider_name,
        created_at=to_timestamp(value.created_at),
        updated_at=to_timestamp(value.updated_at),
    )


def stock_change_kinds(numbers) -> tuple[str, ...]:
    """The kinds a ListStockChanges request filters on; an unknown number is bad input."""
    if any(n not in STOCK_CHANGE_KIND_NAME for n in numbers):
        raise InvalidArgument("kinds", "未知的库存变动类型", "holds an unknown stock change kind")
    return tuple(STOCK_CHANGE_KIND_NAME[n] for n in numbers)


def stock_change(value: StockChange) -> pb.StockChange:
    return pb.StockChange(
        stock_change_id=value.id,
        item_id=value.item_id,
        kind=STOCK_CHANGE_KIND.get(value.kind, pb.STOCK_CHANGE_KIND_UNSPECIFIED),
        delta=value.delta,
        stock_after=value.stock_after,
        reason=value.reason,
        redemption_id=value.redemption_id,
        changed_by=value.changed_by,
        created_at=to_timestamp(value.created_at),
        shop_id=value.shop_id,
    )
