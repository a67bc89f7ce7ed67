"""Shops and their goods: what a volunteer may redeem, where, and when."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from jifen.domain_events import Aggregate
from jifen.errors import FailedPrecondition, InvalidArgument, bounded

from .events import ItemLowStock
from .limits import LIFETIME, NONE, PERIOD_EN, PERIOD_ZH, PERIODS, period_start

SHOP_OPEN = "open"
SHOP_CLOSED = "closed"
ON_SALE = "on_sale"
OFF_SALE = "off_sale"
# What an item is: goods on a shelf, or a partner unit's service booked by time slot (domain/slots.py).
GOODS = "goods"
SERVICE = "service"
ITEM_KINDS = (GOODS, SERVICE)

MAX_PRICE = 1_000_000
MAX_STOCK = 1_000_000
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class Shop:
    id: str
    community_id: str
    name: str
    address: str
    opening_hours: str
    status: str
    created_at: datetime
    updated_at: datetime
    staff_ids: tuple[str, ...] = ()

    def check_open(self) -> None:
        if self.status != SHOP_OPEN:
            raise FailedPrecondition(
                f"{self.name}暂停营业，暂不能兑换", f"{self.name} is closed for now; nothing can be redeemed"
            )


def shop_fields(name: str, address: str, opening_hours: str) -> tuple[str, str, str]:
    return (
        bounded("name", name, 60, "门店名称", optional=False),
        bounded("address", address, 200, "地址", optional=False),
        bounded("opening_hours", opening_hours, 100, "营业时间"),
    )


@dataclass(frozen=True)
class ItemDetails:
    """Everything about an item an admin edits (stock changes only through restock and redemptions)."""

    name: str
    description: str = ""
    image_url: str = ""
    points_price: int = 0
    per_member_limit: int = 0
    limit_period: str = NONE
    sale_starts_at: datetime | None = None
    sale_ends_at: datetime | None = None
    donor_organization_id: str = ""
    low_stock_threshold: int = 0
    status: str = ON_SALE
    # Most units a restock may bring the stock to; 0: no cap but MAX_STOCK.
    stock_cap: int = 0
    # GOODS, or SERVICE: given by a partner unit (共建单位), its places come from its time slots.
    kind: str = GOODS
    provider_organization_id: str = ""
    provider_name: str = ""

    @property
    def is_service(self) -> bool:
        return self.kind == SERVICE

    def validated(self) -> ItemDetails:
        if not 0 < self.points_price <= MAX_PRICE:
            raise InvalidArgument(
                "points_price", f"兑换积分须在 1 到 {MAX_PRICE} 之间", f"must be between 1 and {MAX_PRICE}"
            )
        if not 0 <= self.per_member_limit <= MAX_LIMIT:
            raise InvalidArgument(
                "per_member_limit",
                f"限兑数量须在 0 到 {MAX_LIMIT} 之间",
                f"must be between 0 and {MAX_LIMIT}",
            )
        if self.limit_period not in PERIODS:
            raise InvalidArgument("limit_period", "限兑周期无效", "is not a known period")
        if self.per_member_limit and self.limit_period == NONE:
            raise InvalidArgument(
                "limit_period",
                "设置了限兑数量，请选择限兑周期",
                "choose the period a per-member limit counts over",
            )
        if self.sale_starts_at and self.sale_ends_at and self.sale_ends_at <= self.sale_starts_at:
            raise InvalidArgument(
                "sale_ends_at", "兑换截止时间须晚于开始时间", "must be after sale_starts_at"
            )
        if not 0 <= self.low_stock_threshold <= MAX_STOCK:
            raise InvalidArgument(
                "low_stock_threshold",
                f"库存预警值须在 0 到 {MAX_STOCK} 之间",
                f"must be between 0 and {MAX_STOCK}",
            )
        if not 0 <= self.stock_cap <= MAX_STOCK:
            raise InvalidArgument(
                "stock_cap", f"库存上限须在 0 到 {MAX_STOCK} 之间", f"must be between 0 and {MAX_STOCK}"
            )
        if self.status not in (ON_SALE, OFF_SALE):
            raise InvalidArgument("status", "商品状态无效", "is not a known item status")
        if self.kind not in ITEM_KINDS:
            raise InvalidArgument("kind", "商品类型无效", "is not a known item kind")
        provider_name = bounded("provider_name", self.provider_name, 60, "服务单位名称")
        if self.kind == SERVICE and not provider_name:
            raise InvalidArgument(
                "provider_name",
                "服务类商品请填写提供服务的共建单位",
                "a service names the partner unit giving it",
            )
        if self.kind == GOODS and (provider_name or self.provider_organization_id.strip()):
            raise InvalidArgument(
                "provider_name",
                "实物商品没有服务单位，捐赠单位请选在“捐赠单位”中",
                "goods have no service provider",
            )
        image_url = bounded("image_url", self.image_url, 500, "图片地址")
        if image_url and not image_url.startswith(("https://", "http://", "/")):
            raise InvalidArgument(
                "image_url",
                "图片地址须以 https:// 或 / 开头",
                "must be an http(s) URL or a path starting with /",
            )
        return replace(
            self,
            name=bounded("name", self.name, 60, "商品名称", optional=False),
            description=bounded("description", self.description, 1000, "商品介绍"),
            image_url=image_url,
            donor_organization_id=bounded(
                "donor_organization_id", self.donor_organization_id, 40, "捐赠单位"
            ),
            provider_organization_id=bounded(
                "provider_organization_id", self.provider_organization_id, 40, "服务单位"
            ),
            provider_name=provider_name,
        )


@dataclass(frozen=True)
class Item:
    id: str
    shop_id: str
    community_id: str
    details: ItemDetails
    # Units free to redeem, and units held by open redemptions (reserving or awaiting pickup).
    stock: int
    reserved: int
    created_at: datetime
    updated_at: datetime

    @property
    def name(self) -> str:
        return self.details.name

    @property
    def limited(self) -> bool:
        return self.details.per_member_limit > 0 and self.details.limit_period != NONE

    def on_sale(self, now: datetime) -> bool:
        d = self.details
        return (
            d.status == ON_SALE
            and (d.sale_starts_at is None or d.sale_starts_at <= now)
            and (d.sale_ends_at is None or now < d.sale_ends_at)
        )

    def check_redeemable(self, now: datetime) -> None:
        d = self.details
        if d.status != ON_SALE:
            raise FailedPrecondition(f"{d.name}已下架", f"{d.name} is no longer offered")
        if d.sale_starts_at and now < d.sale_starts_at:
            raise FailedPrecondition(f"{d.name}尚未开始兑换", f"{d.name} cannot be redeemed yet")
        if d.sale_ends_at and now >= d.sale_ends_at:
            raise FailedPrecondition(f"{d.name}的兑换已截止", f"the offer of {d.name} has ended")

    def limit_since(self, now: datetime) -> datetime | None:
        """Start of the window the per-member limit counts redemptions in (None: since ever)."""
        return period_start(self.details.limit_period, now)

    def check_limit(self, used: int, quantity: int) -> None:
        d = self.details
        if not self.limited or used + quantity <= d.per_member_limit:
            return
        period_zh = PERIOD_ZH[d.limit_period] if d.limit_period != LIFETIME else "每人最多"
        left = max(d.per_member_limit - used, 0)
        raise FailedPrecondition(
            f"{d.name}{period_zh}限兑 {d.per_member_limit} 件，您已兑换 {used} 件，还可兑换 {left} 件",
            f"{d.name} is limited to {d.per_member_limit} {PERIOD_EN[d.limit_period]}; "
            f"you have {used}, so {left} more",
        )

    def check_stock(self, quantity: int) -> None:
        if self.stock < quantity:
            raise FailedPrecondition(
                f"{self.name}库存不足，仅剩 {self.stock} 件" if self.stock else f"{self.name}已兑完",
                f"only {self.stock} of {self.name} left" if self.stock else f"{self.name} is out of stock",
            )

    @property
    def cap(self) -> int:
        """The most units a restock may bring the stock to."""
        return self.details.stock_cap or MAX_STOCK

    def check_cap(self, delta: int, stock_after: int) -> None:
        """A restock may not bring the stock above the item's cap (taking units away always may)."""
        if delta > 0 and stock_after > self.cap:
            raise FailedPrecondition(
                f"库存不能超过上限 {self.cap} 件（加上后为 {stock_after} 件）",
                f"stock may not exceed its cap of {self.cap} (it would be {stock_after})",
            )

    def low_after(self, stock_before: int, stock_after: int) -> bool:
        """True when this change takes stock to or below the warning threshold (not when already there)."""
        threshold = self.details.low_stock_threshold
        return threshold > 0 and stock_after <= threshold < stock_before

    def moved(
        self,
        change_id: str,
        kind: str,
        delta: int,
        stock_after: int,
        now: datetime,
        reason: str = "",
        redemption_id: str = "",
        changed_by: str = "",
    ) -> StockChange:
        """The record of a stock move the repository made (`stock_after` is its answer), carrying the
        warning to the shop (item.low_stock) when the move takes stock to the threshold."""
        change = StockChange(
            change_id, self.id, self.shop_id, kind, delta, stock_after, reason, redemption_id, changed_by, now
        )
        if self.low_after(stock_after - delta, stock_after):
            change.record(
                ItemLowStock(
                    item_id=self.id,
                    item_name=self.name,
                    shop_id=self.shop_id,
                    community_id=self.community_id,
                    stock=stock_after,
                    reserved=self.reserved - delta if kind == RESERVED else self.reserved,
                    low_stock_threshold=self.details.low_stock_threshold,
                    at=now,
                )
            )
        return change


# Kinds of stock change: who moved units and why.
INITIAL = "initial"
RESTOCK = "restock"
RESERVED = "reserved"
RETURNED = "returned"
STOCK_CHANGE_KINDS = (INITIAL, RESTOCK, RESERVED, RETURNED)


@dataclass(frozen=True)
class StockChange(Aggregate):
    """One move of an item's units; it carries the item's low-stock warning the move raised, if any."""

    id: str
    item_id: str
    shop_id: str
    kind: str
    delta: int
    stock_after: int
    reason: str
    redemption_id: str
    changed_by: str
    created_at: datetime
