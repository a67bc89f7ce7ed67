"""A partner unit's own shop in 张苏滩社区 (a barber's), its staff member, and members to book: what the
web and browser stories of services booked by time slot set up around the pages they test."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import demo
from jifen.market.v1 import market_pb2 as mk
from jifen.market.v1 import market_pb2_grpc as mk_grpc
from jifen.members.v1 import members_pb2 as m
from jifen.points.v1 import ledger_pb2 as lg
from jifen.points.v1 import ledger_pb2_grpc as lg_grpc
from tests.members_client import bearer, rid
from tests.web.people import eventually

COMMUNITY_ADMIN = "13800000001"  # 孙丽娟, 张苏滩社区
UNIT = "爱心驿站公益协会"
LOCAL = ZoneInfo("Asia/Shanghai")


@dataclass
class Barber:
    shop_id: str
    community_id: str
    staff_phone: str


def tomorrow() -> str:
    return (datetime.now(LOCAL) + timedelta(days=1)).date().isoformat()


def home_community(site) -> str:
    admin = site.members.login(COMMUNITY_ADMIN, demo.PASSWORD)
    found = site.members.members.ListMembers(
        m.ListMembersRequest(query=COMMUNITY_ADMIN), metadata=bearer(admin)
    )
    return next(x.community_id for x in found.members)


def barber_shop(site, shop_name: str, staff_name: str, staff_phone: str) -> Barber:
    """The unit's own shop in 张苏滩社区, and a resident who works there (its STAFF grant)."""
    street_admin = site.members.login(demo.ADMIN_PHONE, demo.PASSWORD)
    community_id = home_community(site)
    market = mk_grpc.MarketServiceStub(site.market)
    shop = eventually(
        lambda: (
            market.CreateShop(
                mk.CreateShopRequest(
                    request_id=rid(), community_id=community_id, name=shop_name, address="张苏滩社区广场东侧"
                ),
                metadata=bearer(street_admin),
            ).shop
        )
    )
    member = site.members.register(staff_name, staff_phone, community_id, password=demo.PASSWORD)
    site.members.set_roles(
        street_admin,
        member.member_id,
        m.RoleGrant(role=m.ROLE_VOLUNTEER, community_id=community_id),
        m.RoleGrant(role=m.ROLE_STAFF, community_id=community_id, shop_id=shop.shop_id),
    )
    return Barber(shop.shop_id, community_id, staff_phone)


def funded(site, name: str, phone: str, points: int) -> None:
    """A new volunteer of 张苏滩社区 with points, once the points service has heard of them."""
    site.members.register(name, phone, home_community(site), password=demo.PASSWORD)
    street_admin = site.members.login(demo.ADMIN_PHONE, demo.PASSWORD)
    found = site.members.members.ListMembers(m.ListMembersRequest(query=phone), metadata=bearer(street_admin))
    member_id = next(x.member_id for x in found.members)
    ledger = lg_grpc.LedgerServiceStub(site.points)
    request = lg.AwardRequest(request_id=rid(), member_id=member_id, points=points, reason="测试前充值")
    eventually(lambda: ledger.Award(request, metadata=bearer(street_admin)))


def unit_id(admin_client, shop_id: str) -> str:
    """The partner unit's id, as the admin's service form offers it."""
    page = admin_client.get(f"/admin/market/shops/{shop_id}/items/new?kind=service").text
    found = re.search(r'<option value="([^"]+)"[^>]*>' + UNIT + "</option>", page)
    assert found, page[-2000:]
    return found.group(1)


def until_known(call, seconds: float = 15):
    """The market learns a new member a moment after they register: retry a refused call until then."""
    deadline = time.monotonic() + seconds
    while True:
        answer = call()
        if answer.status_code == 200 or time.monotonic() > deadline:
            return answer
        time.sleep(0.3)
