"""People of the demo street signed in to the web app over HTTP, and the few things admins set up by gRPC."""

from __future__ import annotations

import time

import grpc
import httpx

import demo
from jifen.market.v1 import market_pb2 as mk
from jifen.market.v1 import market_pb2_grpc as mk_grpc
from jifen.members.v1 import members_pb2 as m
from tests.members_client import bearer, rid


def signed_in(site, phone: str, password: str = demo.PASSWORD, address: str = "") -> httpx.Client:
    """An HTTP client holding the person's session cookie and CSRF header, as their browser would."""
    client = httpx.Client(base_url=site.url, follow_redirects=False, timeout=30)
    headers = {"x-forwarded-for": address} if address else {}
    answer = client.post("/api/v1/session", json={"phone": phone, "password": password}, headers=headers)
    assert answer.status_code == 200, answer.text
    client.headers["x-csrf-token"] = answer.json()["csrf_token"]
    return client


def item_id(client: httpx.Client, name: str) -> str:
    items = client.get("/api/v1/market/items").json()["items"]
    return next(i["item_id"] for i in items if i["name"].startswith(name))


def redeem(client: httpx.Client, name: str) -> dict:
    answer = client.post(f"/api/v1/market/items/{item_id(client, name)}/redeem", json={"request_id": rid()})
    assert answer.status_code == 200, answer.text
    return answer.json()


def second_shop_staff(site, phone: str = "13900000021", shop_name: str = "天庆嘉园积分超市") -> str:
    """A shop in 天庆嘉园社区 and its assistant (a new volunteer there); returns the assistant's phone."""
    street_admin = site.members.login(demo.ADMIN_PHONE, demo.PASSWORD)
    other = next(
        c
        for c in site.members.directory.ListCommunities(m.ListCommunitiesRequest()).communities
        if c.name == "天庆嘉园社区"
    )
    market = mk_grpc.MarketServiceStub(site.market)
    shop = eventually(
        lambda: (
            market.CreateShop(
                mk.CreateShopRequest(
                    request_id=rid(),
                    community_id=other.community_id,
                    name=shop_name,
                    address="天庆路 6 号",
                ),
                metadata=bearer(street_admin),
            ).shop
        )
    )
    member = site.members.register("孙丽", phone, other.community_id, password=demo.PASSWORD)
    site.members.set_roles(
        street_admin,
        member.member_id,
        m.RoleGrant(role=m.ROLE_VOLUNTEER, community_id=other.community_id),
        m.RoleGrant(role=m.ROLE_STAFF, community_id=other.community_id, shop_id=shop.shop_id),
    )
    return phone


def eventually(call, seconds: float = 10):
    """The market learns communities and staff from members' events, a moment after they happen."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return call()
        except grpc.RpcError as exc:
            if time.monotonic() > deadline or exc.code() not in (
                grpc.StatusCode.FAILED_PRECONDITION,
                grpc.StatusCode.NOT_FOUND,
            ):
                raise
            time.sleep(0.2)
