"""The admin console's supermarket on a laptop and a phone: an admin lists an item with a picture,
restocks it and reads the history; a volunteer redeems it twice; the admin finds the orders and
cancels one of them, and the points come back; the other is handed over and shows on the dashboard."""

from __future__ import annotations

import struct
import time
import zlib

import grpc
import pytest

import demo
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.town import COMMUNITY_ADMIN, Town
from tests.members_client import rid
from tests.web.people import signed_in


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real picture of one colour, so the browser has something to draw."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def funded_volunteer(site, town: Town, name: str, phone: str, points: int) -> None:
    """A new volunteer of 张苏滩社区, with points once the points service has heard of them."""
    site.members.register(name, phone, town.community_id(), password=demo.PASSWORD)
    deadline = time.monotonic() + 15
    while True:
        try:
            town.award(phone, points)
            return
        except (grpc.RpcError, AssertionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def redeem_in_browser(volunteer, name: str, shot: str) -> str:
    """The volunteer's own pages: the supermarket, the item, confirm (once the market knows them); the
    pickup code they are shown."""
    deadline = time.monotonic() + 15
    while True:
        page = volunteer.go("/market", "market")
        offer = page.locator("li", has_text=name)
        if offer.count() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    volunteer.follow(offer.get_by_role("link", name="兑换"), f"{shot}-confirm")
    volunteer.follow(page.get_by_role("button", name="确认兑换"), shot)
    assert page.get_by_test_id("pickup-code").is_visible()
    return "".join(page.get_by_test_id("pickup-code").inner_text().split())


@pytest.mark.parametrize(
    "viewport, phone", [(DESKTOP, "13730000101"), (PHONE, "13730000102")], ids=["desktop", "phone"]
)
def test_an_admin_lists_restocks_and_cancels_and_a_volunteer_redeems(site, visitor, viewport, phone):
    town = Town(site)
    where = "desktop" if viewport == DESKTOP else "phone"
    name = f"靠枕（{where}）"
    buyer_name = "冯玉兰" if viewport == DESKTOP else "蒋玉梅"
    funded_volunteer(site, town, buyer_name, phone, 200)

    # The admin opens the supermarket and lists an item with a picture in the demo shop.
    admin = visitor("admin-market", viewport)
    admin.log_in(COMMUNITY_ADMIN)
    page = admin.go("/admin/market", "market")
    assert "张苏滩积分超市" in page.inner_text("main") and "陈淑珍" in page.inner_text("main")
    shop = page.locator("section.card", has_text="张苏滩积分超市")
    admin.follow(shop.get_by_role("link", name="上架商品"), "item-new")
    page.fill("#name", name)
    page.fill("#description", "社区手工坊缝制，棉麻面料")
    page.fill("#points_price", "30")
    page.fill("#initial_stock", "3")
    page.fill("#stock_cap", "50")
    page.set_input_files(
        "#image",
        files=[{"name": "pillow.png", "mimeType": "image/png", "buffer": png(96, 96, (200, 120, 40))}],
    )
    admin.follow(page.get_by_role("button", name="上架商品"), "item-listed")
    main = page.inner_text("main")
    assert "商品已上架" in main and "库存低：不高于预警线 5 件" in main
    assert page.locator("img.item-image").evaluate("img => img.complete && img.naturalWidth === 96")
    item_url = page.url

    # Low on stock (3, at most the warning level 5): first in the list, marked, and the reason given.
    page = admin.go("/admin/market", "market-low-stock")
    first = page.locator("table.goods tbody tr").first
    assert name in first.inner_text() and "库存低：不高于预警线 5 件" in first.inner_text()
    assert "low" in first.get_attribute("class")
    page.goto(item_url)

    # A restock with a reason; the history says who, how many and why.
    page.fill("#quantity", "10")
    page.fill("#reason", "社区手工坊捐赠")
    admin.follow(page.get_by_role("button", name="确认库存变动"), "restocked")
    assert "库存已更新" in page.inner_text("main")
    assert page.locator(".stock-now").inner_text() == "13"
    first = page.locator("table.stock-history tbody tr").first.inner_text()
    assert "+10" in first and "社区手工坊捐赠" in first and "孙丽娟" in first
    assert "库存低" not in page.inner_text("main")

    # A volunteer redeems it twice on their own pages.
    volunteer = visitor("volunteer-redeems", viewport)
    volunteer.log_in(phone)
    codes = [redeem_in_browser(volunteer, name, f"redeemed-{n}") for n in (1, 2)]

    # The admin sees both orders awaiting pickup, and cancels one with a reason.
    page = admin.go("/admin/market/orders?status=awaiting_pickup", "orders")
    rows = page.locator("table.orders tbody tr", has_text=name)
    assert rows.count() == 2 and buyer_name in rows.first.inner_text()
    admin.follow(rows.first.get_by_role("link", name=name), "order")
    page.fill("#reason", "居民临时外出，改日再兑")
    admin.follow(page.get_by_role("button", name="取消订单"), "cancelled")
    main = page.inner_text("main")
    assert "订单已取消，积分和库存已退回" in main and "已取消" in main and "居民临时外出，改日再兑" in main
    page = admin.go("/admin/market/orders?status=awaiting_pickup", "orders-after")
    assert page.locator("table.orders tbody tr", has_text=name).count() == 1
    assert town.available(phone) == 170
    page = admin.go(item_url, "item-after")
    assert page.locator(".stock-now").inner_text() == "12"
    assert "退回" in page.locator("table.stock-history tbody tr").first.inner_text()

    # The shop hands the other order over; the dashboard counts the item among the top goods.
    counter = signed_in(site, demo.STAFF_PHONE)
    handed = [
        counter.post("/api/v1/counter/confirm", json={"pickup_code": code, "request_id": rid()}).status_code
        for code in codes
    ]
    assert sorted(handed) == [200, 409], handed  # the cancelled order's code no longer hands anything over
    page = admin.go("/admin/dashboard", "dashboard-after")
    counted = page.locator("#table-goods tbody tr", has_text=name)
    assert counted.count() == 1 and "30" in counted.inner_text()


def test_the_supermarket_in_care_mode_on_a_phone(site, visitor):
    admin = visitor("admin-market", PHONE, care=True)
    admin.log_in(COMMUNITY_ADMIN)
    page = admin.go("/admin/market", "market-care")
    assert page.locator("table.goods tbody tr").count() >= 6
    admin.follow(page.locator("table.goods").get_by_role("link", name="大米 5kg"), "item-care")
    assert "库存变动记录" in page.inner_text("main")
    admin.follow(page.get_by_role("link", name="修改商品"), "item-edit-care")
    assert page.input_value("#points_price") == "300" and page.input_value("#limit_period") == "month"
    page = admin.go("/admin/market", "market-care-again")
    supermarket = page.locator("section.card", has=page.get_by_role("heading", name="张苏滩积分超市"))
    admin.follow(supermarket.get_by_role("link", name="门店信息和店员"), "shop-care")
    assert page.input_value("#name") == "张苏滩积分超市" and "陈淑珍" in page.inner_text("main")
    admin.go("/admin/market/orders", "orders-care")
