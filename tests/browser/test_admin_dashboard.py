"""The dashboard and the audit trail in Chromium, on a laptop and a phone: a redemption shows up in
the charts and tables, a table downloads as the same rows, and the trail names who did what and why."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import DESKTOP, PHONE
from tests.web.dashboard_town import DashboardTown


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_admin_sees_a_redemption_on_the_dashboard_and_exports_its_table(visitor, site, viewport, tmp_path):
    town = DashboardTown(site, base=100 if viewport == DESKTOP else 200)
    town.volunteer("赵晓梅", 1)
    town.award("赵晓梅", 80, "楼道清洁表彰")
    town.adjust("赵晓梅", -5, "重复发放，扣回")
    town.register("赵晓军", 3)
    town.deactivate("赵晓军", "已搬离本社区")
    town.shop("赵店员", 2)
    kettle = town.item("不锈钢水壶", 50, 5)
    town.restock(kettle, 3, "街道慈善超市调拨")
    town.hand_over(town.redeem("赵晓梅", kettle)["pickup_code"])

    admin = visitor("admin-dashboard", viewport)
    refused = []
    admin.page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )
    page = admin.log_in(town.admin_phone)
    page.goto("/admin")
    admin.follow(page.get_by_role("link", name="数据看板"), "dashboard")
    charts = page.locator(".chart")
    assert charts.count() == 5
    for index in range(5):
        assert charts.nth(index).locator("canvas, svg").count() >= 1
        assert charts.nth(index).get_attribute("role") == "img"
    assert refused == []  # the charts draw within the page's CSP
    goods = page.locator("#table-goods tbody tr")
    assert goods.count() == 1
    shown = [[c.inner_text().split("：")[-1] for c in row.locator("td").all()] for row in goods.all()]
    assert shown == [["1", "不锈钢水壶", f"{town.name}积分超市", "1", "50"]]
    points = page.locator("#table-points tbody tr").last.locator("td").all()
    assert [c.inner_text().split("：")[-1] for c in points][1:4] == ["80", "5", "50"]

    with page.expect_download() as download:
        page.get_by_role("link", name="导出热门商品（xlsx）").click()
    assert download.value.suggested_filename.startswith(f"{town.name}热门商品_")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    rows = [[str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[1:] == shown

    admin.follow(page.get_by_role("link", name="操作记录"), "audit")
    rows = [r.inner_text() for r in page.locator("table.audit tbody tr").all()]
    award = next(r for r in rows if "楼道清洁表彰" in r)
    assert "韩看板" in award and "赵晓梅" in award and "+80" in award
    adjustment = next(r for r in rows if "重复发放，扣回" in r)
    assert (
        "积分调整" in adjustment and "韩看板" in adjustment and "赵晓梅" in adjustment and "-5" in adjustment
    )
    leaving = next(r for r in rows if "赵晓军" in r)
    assert (
        "角色变更" in leaving and "韩看板" in leaving and "停用账号" in leaving and "已搬离本社区" in leaving
    )
    role = next(r for r in rows if "赵店员" in r and "角色变更" in r)
    assert "街道管理员" in role and "志愿者 → 店员、志愿者" in role
    restock = next(r for r in rows if "街道慈善超市调拨" in r)
    assert "不锈钢水壶" in restock and "+3" in restock
    page.select_option("#kind", "restock")
    admin.follow(page.get_by_role("button", name="查看"), "audit-restocks")
    assert page.locator("table.audit tbody tr").count() == 1


def test_the_dashboard_in_care_mode_on_a_phone(visitor, site):
    town = DashboardTown(site, base=300)
    admin = visitor("admin-dashboard", PHONE, care=True)
    page = admin.log_in(town.admin_phone)
    admin.go("/admin/dashboard", "dashboard-care")
    assert page.locator("#chart-points canvas").count() >= 1
    assert page.locator("#table-points tbody tr").count() == 12
