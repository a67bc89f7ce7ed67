"""A partner unit's haircut booked by time slot, on a laptop and a phone: the community admin lists the
service and adds a slot for tomorrow's shared market, a volunteer books it and sees when and where,
and the unit's own staff member confirms it at the counter with the code."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.web.barber import COMMUNITY_ADMIN, UNIT, barber_shop, funded, tomorrow

PLACE = "张苏滩社区广场 3 号摊位"


@pytest.mark.parametrize("viewport, n", [(DESKTOP, 1), (PHONE, 2)], ids=["desktop", "phone"])
def test_a_volunteer_books_a_haircut_slot_and_the_units_staff_confirm_it(site, visitor, viewport, n):
    where = "desktop" if viewport == DESKTOP else "phone"
    shop_name = f"红星理发店（{where}）"
    service = f"理发（{where}）"
    barber = barber_shop(site, shop_name, f"吴师傅{n}", f"1373200000{n}")
    volunteer_phone = f"1373200001{n}"
    funded(site, "郑秀英" if n == 1 else "冯桂兰", volunteer_phone, 80)

    # The community admin lists the unit's service in its shop and adds tomorrow morning's slot.
    admin = visitor("admin-services", viewport)
    admin.log_in(COMMUNITY_ADMIN)
    page = admin.go("/admin/market", "market")
    shop = page.locator("section.card", has_text=shop_name)
    admin.follow(shop.get_by_role("link", name="上架服务"), "service-new")
    page.select_option("#provider_organization_id", label=UNIT)
    page.fill("#name", service)
    page.fill("#description", "共享集市：爱心理发，老人优先")
    page.fill("#points_price", "30")
    admin.follow(page.get_by_role("button", name="上架服务"), "service-listed")
    assert "服务已上架，请添加预约时段" in page.inner_text("main") and UNIT in page.inner_text("main")
    page.fill("#date", tomorrow())
    page.fill("#starts", "09:00")
    page.fill("#ends", "09:30")
    page.fill("#place", PLACE)
    page.fill("#capacity", "5")
    admin.follow(page.get_by_role("button", name="添加时段"), "slot-added")
    row = page.locator("table.slot-list tbody tr").first.inner_text()
    assert "预约时段已添加" in page.inner_text("main") and "09:00–09:30" in row and "0 / 5" in row

    # The volunteer finds it in the supermarket with its slot, books it, and sees when and where.
    volunteer = visitor("volunteer-books", viewport)
    volunteer.log_in(volunteer_phone)
    deadline = time.monotonic() + 15
    while True:
        page = volunteer.go("/market", "market")
        offer = page.locator("li.service", has_text=service)
        if offer.count() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert "余 5 个名额" in offer.inner_text() and "09:00–09:30" in offer.inner_text()
    volunteer.follow(offer.get_by_role("link", name="预约"), "book")
    page.get_by_label("09:00–09:30", exact=False).check()
    volunteer.follow(page.get_by_role("button", name="确认预约"), "booked")
    assert page.get_by_test_id("slot-when").inner_text() == f"{tomorrow()} 09:00–09:30"
    assert page.get_by_test_id("slot-place").inner_text() == PLACE
    code = "".join(page.get_by_test_id("pickup-code").inner_text().split())
    page = volunteer.go("/orders", "orders")
    assert f"{tomorrow()} 09:00–09:30" in page.inner_text("main")

    # The unit's staff member confirms it at the counter with the code.
    staff = visitor("unit-staff", viewport)
    staff.log_in(barber.staff_phone)
    page = staff.go("/counter", "counter")
    page.fill("#pickup_code", code)
    staff.follow(page.get_by_role("button", name="查看兑换单"), "counter-booking")
    assert "09:00–09:30" in page.inner_text("main") and PLACE in page.inner_text("main")
    staff.follow(page.get_by_role("button", name="确认交付，完成核销"), "counter-done")
    assert service in page.inner_text("main")

    page = volunteer.go("/orders", "orders-after")
    assert "已核销" in page.locator("li", has_text=service).inner_text()
