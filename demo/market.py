"""The market part of `jifen up --demo`: 张苏滩积分超市, its goods, a shop assistant and one open order;
and a shared-market day (共享集市) with three partner units' services to book by time slot.

Like the other parts it goes through the public gRPC contracts, as the community admin would. The
market learns members and communities only from the members service's events, so every call that
names one waits for the in-process bus to have delivered it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import grpc

from jifen.market.v1 import market_pb2 as mk
from jifen.market.v1 import market_pb2_grpc as mk_grpc
from jifen.members.v1 import members_pb2 as m
from jifen.members.v1 import members_pb2_grpc as m_grpc
from jifen.settings import Settings
from jifen.timestamps import to_timestamp

T = TypeVar("T")

SHOP = "张苏滩积分超市"
SHOP_ADDRESS = "张苏滩社区服务中心一楼"
OPENING_HOURS = "周一至周六 9:00–17:00"
# The item 王秀兰 orders, so 我的兑换 shows an order awaiting pickup.
DEMO_ORDER = "毛巾"


@dataclass(frozen=True)
class Goods:
    name: str
    description: str
    points_price: int
    stock: int
    per_member_limit: int = 0
    limit_period: int = mk.LIMIT_PERIOD_NONE
    # A partner unit's name from the demo's organisations; its id is filled in when it exists.
    donor: str = ""


GOODS = (
    Goods(
        "大米 5kg",
        "东北粳米，每人每月限兑一袋",
        300,
        20,
        per_member_limit=1,
        limit_period=mk.LIMIT_PERIOD_MONTH,
    ),
    Goods("食用油 1.8L", "非转基因压榨花生油", 250, 20),
    Goods("洗衣液", "2kg 装，温和不伤手", 120, 30),
    Goods("毛巾", "纯棉毛巾一条", 40, 50),
    Goods("牙膏", "120g 含氟牙膏", 30, 60),
    Goods("理发券", "社区服务中心理发一次，凭券到店", 50, 30, donor="安居供热站"),
)


@dataclass(frozen=True)
class Service:
    """A partner unit's service at the shared market, given at the unit's own stall (its own shop)."""

    unit: str
    name: str
    description: str
    points_price: int
    stall: str
    # (start, end) on the market day, Beijing time, and the places of each slot.
    slots: tuple[tuple[str, str], ...]
    capacity: int


SHARED_MARKET_DAY = 5  # 每月 5 日共享集市
SERVICES = (
    Service(
        "爱心驿站公益协会",
        "爱心理发",
        "志愿理发师现场理发，老人优先",
        40,
        "张苏滩社区广场 1 号摊位",
        (("09:00", "10:00"), ("10:00", "11:00"), ("14:00", "15:00")),
        5,
    ),
    Service(
        "安居供热站",
        "暖气检修咨询",
        "供热站师傅讲解暖气放气、漏水处理，可预约上门检查",
        35,
        "张苏滩社区广场 2 号摊位",
        (("09:00", "10:30"), ("14:00", "15:30")),
        8,
    ),
    Service(
        "兰房物业",
        "小家电维修",
        "物业电工现场修理台灯、电水壶、吹风机等小家电",
        45,
        "张苏滩社区广场 3 号摊位",
        (("09:30", "11:30"), ("13:30", "15:30")),
        6,
    ),
)
LOCAL = ZoneInfo("Asia/Shanghai")


def next_market_day(today: date) -> date:
    """The next 5th of a month, at least a day ahead, so its slots can be booked."""
    day = today.replace(day=SHARED_MARKET_DAY)
    if day <= today:
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=SHARED_MARKET_DAY)
    return day


# item.low_stock goes out when any of them falls this low, so staff restock before a shelf is empty.
LOW_STOCK = 5


@dataclass(frozen=True)
class MarketDemo:
    shop_id: str
    # The code 王秀兰 shows at the counter; empty when the order was placed by an earlier run.
    pickup_code: str
    # What the shop assistant's refreshed token let her see: the orders awaiting pickup at her shop.
    awaiting_at_counter: int = 0
    # The shared-market day and the number of its slots.
    market_day: str = ""
    market_slots: int = 0


def seed_market(
    settings: Settings,
    admin_token: str,
    community_id: str,
    staff_member_id: str,
    staff_phone: str,
    buyer_phone: str,
    password: str,
    organizations: dict[str, str],
) -> MarketDemo:
    auth = [("authorization", f"Bearer {admin_token}")]
    market_channel = grpc.insecure_channel(settings.target("market"))
    members_channel = grpc.insecure_channel(settings.target("members"))
    market = mk_grpc.MarketServiceStub(market_channel)
    members = m_grpc.MembersServiceStub(members_channel)
    try:
        # The market knows the community once community.created has reached its consumer.
        shop = _once_known(
            lambda: (
                market.CreateShop(
                    mk.CreateShopRequest(
                        request_id="demo:shop",
                        community_id=community_id,
                        name=SHOP,
                        address=SHOP_ADDRESS,
                        opening_hours=OPENING_HOURS,
                    ),
                    metadata=auth,
                ).shop
            )
        )
        items = {
            goods.name: market.CreateItem(
                mk.CreateItemRequest(
                    request_id=f"demo:item:{goods.name}",
                    shop_id=shop.shop_id,
                    name=goods.name,
                    description=goods.description,
                    points_price=goods.points_price,
                    initial_stock=goods.stock,
                    per_member_limit=goods.per_member_limit,
                    limit_period=goods.limit_period,
                    donor_organization_id=organizations.get(goods.donor, ""),
                    low_stock_threshold=LOW_STOCK,
                ),
                metadata=auth,
            ).item
            for goods in GOODS
        }
        # She is logged in as a volunteer when the admin appoints her: her token says volunteer.
        assistant = members.Login(m.LoginRequest(phone=staff_phone, password=password))
        _make_staff(members, auth, staff_member_id, shop.shop_id)
        # Shop.staff_ids fills from member.updated: wait, so the demo's shop is whole when printed.
        _until(
            lambda: (
                staff_member_id
                in market.GetShop(mk.GetShopRequest(shop_id=shop.shop_id), metadata=auth).shop.staff_ids
            ),
            "积分超市尚未收到店员的角色变更",
        )
        buyer = members.Login(m.LoginRequest(phone=buyer_phone, password=password)).access_token
        # The market may not have 王秀兰's registration yet; a retry with the same request id is safe.
        order = _once_known(
            lambda: (
                market.PlaceRedemption(
                    mk.PlaceRedemptionRequest(
                        request_id="demo:redemption", item_id=items[DEMO_ORDER].item_id, quantity=1
                    ),
                    metadata=[("authorization", f"Bearer {buyer}")],
                ).redemption
            )
        )
        # No new login: a refresh gives her a token with the staff role, and the counter opens to her.
        renewed = members.RefreshToken(m.RefreshTokenRequest(refresh_token=assistant.refresh_token))
        awaiting = market.ListRedemptions(
            mk.ListRedemptionsRequest(shop_id=shop.shop_id, statuses=[mk.REDEMPTION_STATUS_AWAITING_PICKUP]),
            metadata=[("authorization", f"Bearer {renewed.access_token}")],
        ).redemptions
        members.Logout(m.LogoutRequest(refresh_token=renewed.refresh_token))
        day, slots = _shared_market(market, auth, community_id, organizations)
        return MarketDemo(shop.shop_id, order.pickup_code, len(awaiting), day.isoformat(), slots)
    finally:
        market_channel.close()
        members_channel.close()


def _shared_market(market, auth, community_id: str, organizations: dict[str, str]) -> tuple[date, int]:
    """Each unit's stall is a shop of its own (its staff confirm its bookings), its service an item
    whose places come from its slots on the market day."""
    day = next_market_day(datetime.now(LOCAL).date())
    added = 0
    for service in SERVICES:
        stall = market.CreateShop(
            mk.CreateShopRequest(
                request_id=f"demo:stall:{service.unit}",
                community_id=community_id,
                name=f"{service.unit}（共享集市）",
                address=service.stall,
                opening_hours=f"每月 {SHARED_MARKET_DAY} 日共享集市",
            ),
            metadata=auth,
        ).shop
        item = market.CreateItem(
            mk.CreateItemRequest(
                request_id=f"demo:service:{service.name}",
                shop_id=stall.shop_id,
                name=service.name,
                description=service.description,
                points_price=service.points_price,
                kind=mk.ITEM_KIND_SERVICE,
                provider_organization_id=organizations.get(service.unit, ""),
                provider_name=service.unit,
            ),
            metadata=auth,
        ).item
        for starts, ends in service.slots:
            market.AddServiceSlot(
                mk.AddServiceSlotRequest(
                    request_id=f"demo:slot:{service.name}:{starts}",
                    item_id=item.item_id,
                    starts_at=to_timestamp(_at(day, starts)),
                    ends_at=to_timestamp(_at(day, ends)),
                    place=service.stall,
                    capacity=service.capacity,
                ),
                metadata=auth,
            )
            added += 1
    return day, added


def _at(day: date, clock: str) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)


def _make_staff(members, auth, member_id: str, shop_id: str) -> None:
    """SetRoles replaces every grant: keep the member's own and add the shop's."""
    current = members.GetMember(m.GetMemberRequest(member_id=member_id), metadata=auth).member
    kept = [g for g in current.roles if g.role != m.ROLE_STAFF]
    members.SetRoles(
        m.SetRolesRequest(
            request_id=f"demo:staff:{member_id}",
            member_id=member_id,
            roles=[*kept, m.RoleGrant(role=m.ROLE_STAFF, shop_id=shop_id)],
        ),
        metadata=auth,
    )


def _once_known(call: Callable[[], T], timeout: float = 30.0) -> T:
    """Retries while the market answers NOT_FOUND for a member or community its consumer has not
    received yet; every call retried here carries a fixed request id, so a retry never doubles."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _until(predicate: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.2)
