"""The admin console's supermarket over HTTP: scope between the two demo communities, bad input that
changes nothing, stock that never goes below 0, pictures served from the market, orders cancelled
with the points and the stock given back. New people use phones 1373000xxxx."""

from __future__ import annotations

import re
import time

import pytest

import demo
from jifen.ids import new_id
from jifen.members.v1 import members_pb2 as m
from jifen.points.v1 import ledger_pb2 as lg
from jifen.points.v1 import ledger_pb2_grpc as lg_grpc
from tests.members_client import bearer, rid
from tests.web.people import eventually, signed_in

pytestmark = pytest.mark.system

COMMUNITY_ADMIN = "13800000001"  # 孙丽娟, 张苏滩社区
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
GIF = b"GIF89a" + b"\x00" * 64


def community(client, name: str) -> str:
    found = client.get("/api/v1/admin/market").json()["communities"]
    return next(c["community_id"] for c in found if c["name"] == name)


def fund(site, phone: str, points: int) -> None:
    """The street admin awards points once the points service has heard of the member."""
    street = site.members.login(demo.ADMIN_PHONE, demo.PASSWORD)
    member = site.members.members.ListMembers(m.ListMembersRequest(query=phone), metadata=bearer(street))
    member_id = next(x.member_id for x in member.members)
    ledger = lg_grpc.LedgerServiceStub(site.points)
    request = lg.AwardRequest(request_id=new_id(), member_id=member_id, points=points, reason="测试前充值")
    eventually(lambda: ledger.Award(request, metadata=bearer(street)))


def volunteer_in(site, name: str, phone: str, community_id: str, points: int):
    """A new volunteer of the community with points to spend, signed in."""
    site.members.register(name, phone, community_id, password=demo.PASSWORD)
    fund(site, phone, points)
    return signed_in(site, phone)


def new_item(client, shop_id: str, name: str, **fields) -> dict:
    body = {"name": name, "points_price": "20", "initial_stock": "5", "request_id": rid(), **fields}
    answer = client.post(f"/api/v1/admin/market/shops/{shop_id}/items", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def order_of(buyer, item_id: str) -> dict:
    """The buyer's order, once the market has heard of the new member (a moment after they register)."""
    deadline = time.monotonic() + 15
    key = rid()
    while True:
        answer = buyer.post(f"/api/v1/market/items/{item_id}/redeem", json={"request_id": key})
        if answer.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert answer.status_code == 200, answer.text
    return answer.json()


def home_shop(client) -> str:
    return next(s["shop_id"] for s in client.get("/api/v1/admin/market").json()["shops"])


@pytest.fixture(scope="module")
def tianqing(site):
    """In 天庆嘉园社区: a shop of the street admin's, an item in it, and an order of a volunteer there."""
    street = signed_in(site, demo.ADMIN_PHONE)
    other = community(street, "天庆嘉园社区")
    shop = street.post(
        "/api/v1/admin/market/shops",
        json={"community_id": other, "name": "天庆嘉园便民店", "address": "天庆路 8 号", "request_id": rid()},
    )
    assert shop.status_code == 200, shop.text
    item = new_item(street, shop.json()["shop_id"], "酱油 500ml")
    buyer = volunteer_in(site, "郑桂芳", "13730000001", other, 200)
    order = order_of(buyer, item["item_id"])
    return {"community": other, "shop": shop.json(), "item": item, "order": order, "street": street}


def test_a_community_admin_sees_and_changes_nothing_of_another_community(site, tianqing):
    admin = signed_in(site, COMMUNITY_ADMIN)
    other, shop_id = tianqing["community"], tianqing["shop"]["shop_id"]
    item_id, order_id = tianqing["item"]["item_id"], tianqing["order"]["redemption_id"]
    reads = [
        f"/admin/market?community={other}",
        f"/admin/market/orders?community={other}",
        f"/admin/market/shops/{shop_id}",
        f"/admin/market/shops/{shop_id}/items/new",
        f"/admin/market/items/{item_id}",
        f"/admin/market/items/{item_id}/edit",
        f"/admin/market/orders/{order_id}",
        f"/api/v1/admin/market?community_id={other}",
        f"/api/v1/admin/market/orders?community_id={other}",
        f"/api/v1/admin/market/shops/{shop_id}",
        f"/api/v1/admin/market/items/{item_id}",
        f"/api/v1/admin/market/orders/{order_id}",
    ]
    for path in reads:
        assert admin.get(path).status_code in (403, 404), path
    writes = [
        ("post", "/api/v1/admin/market/shops", {"community_id": other, "name": "越权店", "address": "x"}),
        (
            "put",
            f"/api/v1/admin/market/shops/{shop_id}",
            {"name": "改名", "address": "x", "status": "closed"},
        ),
        ("post", f"/api/v1/admin/market/shops/{shop_id}/items", {"name": "越权商品", "points_price": "1"}),
        ("put", f"/api/v1/admin/market/items/{item_id}", {"name": "改名", "points_price": "1"}),
        ("post", f"/api/v1/admin/market/items/{item_id}/restock", {"quantity": "-5", "reason": "越权"}),
        ("post", f"/api/v1/admin/market/orders/{order_id}/cancel", {"reason": "越权取消"}),
    ]
    for method, path, body in writes:
        answer = getattr(admin, method)(path, json={**body, "request_id": rid()})
        assert answer.status_code in (403, 404), (path, answer.text)
        assert answer.json()["error"]["message"], path
    picture = admin.put(f"/api/v1/admin/market/items/{item_id}/image?request_id={rid()}", content=PNG)
    assert picture.status_code in (403, 404)

    street = tianqing["street"]
    seen = street.get(f"/api/v1/admin/market?community_id={other}").json()
    mine = next(s for s in seen["shops"] if s["shop_id"] == shop_id)
    assert (mine["name"], mine["address"], mine["open"]) == ("天庆嘉园便民店", "天庆路 8 号", True)
    item = street.get(f"/api/v1/admin/market/items/{item_id}").json()["item"]
    assert (item["name"], item["points_price"], item["stock"], item["image_url"]) == ("酱油 500ml", 20, 4, "")
    assert street.get(f"/api/v1/admin/market/orders/{order_id}").json()["status"] == "awaiting_pickup"
    assert "越权" not in str(seen)


def test_the_street_admin_sees_and_changes_both_communities(site, tianqing):
    street = tianqing["street"]
    other, item_id = tianqing["community"], tianqing["item"]["item_id"]
    home = street.get("/api/v1/admin/market").json()
    assert "张苏滩积分超市" in [s["name"] for s in home["shops"]]
    page = street.get(f"/admin/market?community={other}")
    assert page.status_code == 200 and "天庆嘉园便民店" in page.text and "酱油 500ml" in page.text
    orders = street.get(f"/admin/market/orders?community={other}&status=awaiting_pickup")
    assert "郑桂芳" in orders.text and "酱油 500ml" in orders.text
    restocked = street.post(
        f"/api/v1/admin/market/items/{item_id}/restock",
        json={"quantity": "3", "reason": "街道调拨", "request_id": rid()},
    )
    assert restocked.status_code == 200 and restocked.json()["stock"] == 7
    history = street.get(f"/api/v1/admin/market/items/{item_id}").json()["changes"]
    assert (history[0]["kind"], history[0]["delta"], history[0]["reason"]) == ("restock", 3, "街道调拨")
    assert history[0]["changed_by_name"] == "周海燕"


@pytest.mark.parametrize("price", ["0", "-5", "abc", ""])
def test_a_price_of_zero_or_less_is_a_chinese_refusal_that_lists_nothing(site, price):
    admin = signed_in(site, COMMUNITY_ADMIN)
    shop_id = home_shop(admin)
    before = admin.get("/api/v1/admin/market").json()["items"]
    answer = admin.post(
        f"/api/v1/admin/market/shops/{shop_id}/items",
        json={"name": "零分商品", "points_price": price, "initial_stock": "3", "request_id": rid()},
    )
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field"] == "points_price" and error["message"].startswith("兑换积分须")
    assert admin.get("/api/v1/admin/market").json()["items"] == before


def form_of(client, path: str) -> dict:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1),
        "request_id": re.search(r'name="request_id" value="([^"]+)"', page.text).group(1),
    }


@pytest.mark.parametrize(
    "image, sentence",
    [
        (("note.png", GIF, "image/png"), "只能上传 PNG、JPEG 或 WebP 格式的图片"),
        (("page.png", b"<html></html>", "image/png"), "只能上传 PNG、JPEG 或 WebP 格式的图片"),
        (("big.png", PNG + b"\x00" * (1024 * 1024), "image/png"), "图片不能超过 1 MB"),
    ],
    ids=["gif-named-png", "html", "over-1-mb"],
)
def test_a_non_image_or_too_large_upload_is_refused_and_no_item_is_listed(site, image, sentence):
    admin = signed_in(site, COMMUNITY_ADMIN)
    shop_id = home_shop(admin)
    fields = form_of(admin, f"/admin/market/shops/{shop_id}/items/new")
    name = f"带图商品{rid()[:6]}"
    form = {
        **fields,
        "name": name,
        "points_price": "30",
        "initial_stock": "2",
        "limit_period": "none",
        "on_sale": "1",
    }
    answer = admin.post(f"/admin/market/shops/{shop_id}/items", data=form, files={"image": image})
    assert answer.status_code == 422
    assert sentence in answer.text and 'aria-invalid="true"' in answer.text
    assert name not in [i["name"] for i in admin.get("/api/v1/admin/market").json()["items"]]


def test_a_bad_picture_sent_to_an_item_leaves_its_picture_alone(site):
    admin = signed_in(site, COMMUNITY_ADMIN)
    item = new_item(admin, home_shop(admin), "图片测试毛毯")
    first = admin.put(f"/api/v1/admin/market/items/{item['item_id']}/image?request_id={rid()}", content=PNG)
    assert first.status_code == 200 and first.json()["image_url"].startswith("/media/items/")
    bad = admin.put(f"/api/v1/admin/market/items/{item['item_id']}/image?request_id={rid()}", content=GIF)
    assert (
        bad.status_code == 422 and bad.json()["error"]["message"] == "只能上传 PNG、JPEG 或 WebP 格式的图片"
    )
    now = admin.get(f"/api/v1/admin/market/items/{item['item_id']}").json()["item"]
    assert now["image_url"] == first.json()["image_url"]


def test_a_picture_is_served_to_members_with_caching_headers(site):
    admin = signed_in(site, COMMUNITY_ADMIN)
    item = new_item(admin, home_shop(admin), "图片测试台灯")
    url = admin.put(
        f"/api/v1/admin/market/items/{item['item_id']}/image?request_id={rid()}", content=PNG
    ).json()["image_url"]
    volunteer = signed_in(site, "13800000013")
    served = volunteer.get(url)
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png"
    assert "immutable" in served.headers["cache-control"] and served.headers["etag"]
    again = volunteer.get(url, headers={"if-none-match": served.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert volunteer.get("/media/items/no-such-picture").status_code == 404


def test_stock_never_goes_below_zero(site):
    admin = signed_in(site, COMMUNITY_ADMIN)
    item = new_item(admin, home_shop(admin), "库存测试水杯", initial_stock="2")
    path = f"/api/v1/admin/market/items/{item['item_id']}/restock"

    too_many = admin.post(path, json={"quantity": "-3", "reason": "盘亏", "request_id": rid()})
    assert too_many.status_code == 409
    assert too_many.json()["error"]["message"] == "库存不足，不能减少 3 件（现有 2 件）"
    key = rid()
    emptied = admin.post(path, json={"quantity": "-2", "reason": "破损报废", "request_id": key})
    twice = admin.post(path, json={"quantity": "-2", "reason": "破损报废", "request_id": key})
    assert emptied.json()["stock"] == 0 and twice.json()["stock"] == 0
    assert admin.post(path, json={"quantity": "-1", "reason": "盘亏", "request_id": rid()}).status_code == 409
    zero = admin.post(path, json={"quantity": "0", "reason": "盘亏", "request_id": rid()})
    assert zero.status_code == 422 and zero.json()["error"]["message"] == "变动数量不能为 0"
    no_reason = admin.post(path, json={"quantity": "5", "reason": " ", "request_id": rid()})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "reason"

    record = admin.get(f"/api/v1/admin/market/items/{item['item_id']}").json()
    assert record["item"]["stock"] == 0 and record["item"]["low_stock"]
    assert [(c["kind"], c["delta"], c["stock_after"]) for c in record["changes"]] == [
        ("restock", -2, 0),
        ("initial", 2, 2),
    ]


def test_a_restock_over_the_items_stock_cap_is_refused(site):
    admin = signed_in(site, COMMUNITY_ADMIN)
    item = new_item(admin, home_shop(admin), "上限测试纸巾", initial_stock="8", stock_cap="10")
    path = f"/api/v1/admin/market/items/{item['item_id']}/restock"
    over = admin.post(path, json={"quantity": "3", "reason": "捐赠", "request_id": rid()})
    assert over.status_code == 409 and "上限 10 件" in over.json()["error"]["message"]
    assert (
        admin.post(path, json={"quantity": "2", "reason": "捐赠", "request_id": rid()}).json()["stock"] == 10
    )


def test_an_admin_cancels_an_order_and_the_points_and_the_stock_come_back(site):
    admin = signed_in(site, COMMUNITY_ADMIN)
    item = new_item(admin, home_shop(admin), "取消测试雨伞", points_price="60", initial_stock="3")
    buyer = volunteer_in(
        site, "钱秀珍", "13730000002", admin.get("/api/v1/admin/market").json()["community_id"], 100
    )
    order = order_of(buyer, item["item_id"])
    assert buyer.get("/api/v1/me/home").json()["available"] == 40
    page = f"/admin/market/orders/{order['redemption_id']}"

    fields = form_of(admin, page)
    refused = admin.post(f"{page}/cancel", data={**fields, "reason": ""})
    assert refused.status_code == 422 and "请填写取消原因" in refused.text
    assert (
        admin.get(f"/api/v1/admin/market/orders/{order['redemption_id']}").json()["status"]
        == "awaiting_pickup"
    )

    done = admin.post(f"{page}/cancel", data={**fields, "reason": "居民搬家，不再需要"})
    assert done.status_code == 303 and done.headers["location"] == page
    again = admin.post(f"{page}/cancel", data={**fields, "reason": "居民搬家，不再需要"})
    assert again.status_code == 303
    cancelled = admin.get(f"/api/v1/admin/market/orders/{order['redemption_id']}").json()
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "居民搬家，不再需要")
    assert buyer.get("/api/v1/me/home").json()["available"] == 100
    assert admin.get(f"/api/v1/admin/market/items/{item['item_id']}").json()["item"]["stock"] == 3
    listed = admin.get("/api/v1/admin/market/orders?status=cancelled").json()["orders"]
    assert order["redemption_id"] in [o["redemption_id"] for o in listed]


def test_volunteers_and_staff_get_403_on_the_supermarket_admin(site):
    for phone in ("13800000013", demo.STAFF_PHONE):
        person = signed_in(site, phone)
        for path in (
            "/admin/market",
            "/admin/market/orders",
            "/api/v1/admin/market",
            "/api/v1/admin/market/orders",
        ):
            assert person.get(path).status_code == 403, (phone, path)
