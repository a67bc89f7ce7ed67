"""The dashboard and the audit trail over HTTP: every figure against numbers worked out by hand, and
each admin sees only the communities they look after."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

import demo
from jifen.months import LOCAL
from tests.web.dashboard_town import DashboardTown
from tests.web.people import signed_in

COMMUNITY_ADMIN = "13800000001"  # 孙丽娟, 张苏滩社区


def label(moment) -> str:
    local = moment.astimezone(LOCAL)
    return f"{local.year:04d}-{local.month:02d}"


@pytest.fixture(scope="module")
def seeded(site):
    """Default rules: 10 points an hour at difficulty 1, rounded down to 30 minutes."""
    town = DashboardTown(site, base=1)
    for n, name in enumerate(("钱一", "钱二", "钱三"), start=1):
        town.volunteer(name, n)
    town.hours({"钱一": 120, "钱二": 90})  # 20 + 15 points; 210 minutes; two active volunteers
    town.award("钱一", 100, "社区花园养护表现突出")
    town.adjust("钱二", 10, "补记上月漏记的服务")
    town.adjust("钱一", -5, "重复发放，扣回")
    expiring = town.award("钱三", 40, "敬老节慰问")
    town.shop("钱店员", 4)
    towel = town.item("纯棉毛巾", 30, 10)
    soap = town.item("硫磺香皂", 12, 10)
    town.restock(towel, 5, "安居供热站捐赠")
    town.hand_over(town.redeem("钱一", towel)["pickup_code"])  # spent 30
    town.hand_over(town.redeem("钱一", soap)["pickup_code"])  # spent 12
    town.redeem("钱二", soap)  # not collected: 12 held
    expired_at = town.expire("钱三", expiring)  # the 40 points, a year and more from now
    return town, expired_at


def figures(client, town, first: str, last: str) -> dict:
    query = {"community_id": town.community_id, "from_month": first, "to_month": last}
    answer = client.get("/api/v1/admin/dashboard", params=query)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_every_dashboard_figure_matches_the_seeded_entries_and_redemptions(site, seeded):
    town, expired_at = seeded
    admin = signed_in(site, town.admin_phone)
    this, later = label(datetime.now(UTC)), label(expired_at)
    board = figures(admin, town, this, later)
    months = {m["month"]: m for m in board["months"]}
    assert [board["months"][0]["month"], board["months"][-1]["month"]] == [this, later]
    now = months[this]
    assert (now["points_issued"], now["points_taken_back"], now["points_spent"]) == (185, 5, 42)
    assert (now["points_held"], now["points_expired"]) == (12, 0)
    assert (now["certified_minutes"], now["certified_hours"], now["active_volunteers"]) == (210, 3.5, 2)
    expiry = months[later]
    assert (expiry["points_issued"], expiry["points_expired"], expiry["points_held"]) == (0, 40, 12)
    between = [m for label_, m in months.items() if label_ not in (this, later)]
    assert all(
        (m["points_issued"], m["points_spent"], m["points_expired"], m["certified_minutes"], m["points_held"])
        == (0, 0, 0, 0, 12)
        for m in between
    )
    assert [(s["shop_name"], s["collected"], s["units"], s["points"]) for s in board["shops"]] == [
        (f"{town.name}积分超市", 2, 2, 42)
    ]
    assert [(g["item_name"], g["units"], g["points"]) for g in board["top_goods"]] == [
        ("纯棉毛巾", 1, 30),
        ("硫磺香皂", 1, 12),
    ]


def test_a_dashboard_table_downloads_as_an_xlsx_with_the_same_rows(site, seeded):
    town, _ = seeded
    admin = signed_in(site, town.admin_phone)
    answer = admin.get("/api/v1/admin/dashboard/goods.xlsx", params={"community_id": town.community_id})
    assert answer.status_code == 200, answer.text
    assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    assert "%E7%83%AD%E9%97%A8%E5%95%86%E5%93%81" in answer.headers["content-disposition"]  # 热门商品
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["排名", "商品", "超市", "件数", "积分"]
    assert rows[1:] == [
        [1, "纯棉毛巾", f"{town.name}积分超市", 1, 30],
        [2, "硫磺香皂", f"{town.name}积分超市", 1, 12],
    ]
    missing = admin.get("/api/v1/admin/dashboard/nothing.xlsx", params={"community_id": town.community_id})
    assert missing.status_code == 422
    assert (
        admin.get("/admin/dashboard/nothing.xlsx", params={"community": town.community_id}).status_code == 404
    )


def test_the_audit_trail_names_who_did_what_and_why_newest_first(site, seeded):
    town, _ = seeded
    admin = signed_in(site, town.admin_phone)
    answer = admin.get("/api/v1/admin/audit", params={"community_id": town.community_id})
    assert answer.status_code == 200, answer.text
    events = answer.json()["events"]
    seen = [(e["kind"], e["actor"], e["target"], e["reason"]) for e in events]
    assert ("restock", "韩看板", "纯棉毛巾", "安居供热站捐赠") in seen
    assert ("adjustment", "韩看板", "钱一", "重复发放，扣回") in seen
    assert ("award", "韩看板", "钱一", "社区花园养护表现突出") in seen
    # The street admin gave the assistant their role; the community admin may not look them up.
    assert ("role", "街道管理员", "钱店员", "") in seen
    street = signed_in(site, demo.ADMIN_PHONE)
    answer = street.get("/api/v1/admin/audit", params={"community_id": town.community_id, "kind": "role"})
    assert ("周海燕", "钱店员") in [(e["actor"], e["target"]) for e in answer.json()["events"]]
    times = [e["occurred_at"] for e in events]
    assert times == sorted(times, reverse=True)
    only = admin.get("/api/v1/admin/audit", params={"community_id": town.community_id, "kind": "restock"})
    assert [e["kind"] for e in only.json()["events"]] == ["restock"]
    bad = admin.get("/api/v1/admin/audit", params={"community_id": town.community_id, "kind": "everything"})
    assert bad.status_code == 422


def test_the_audit_trail_pages_through_every_event_once(site, seeded):
    town, _ = seeded
    admin = signed_in(site, town.admin_phone)
    for n in range(22):
        town.adjust("钱一", 1, f"翻页核对 {n}")
    seen, token = [], ""
    while True:
        page = admin.get(
            "/api/v1/admin/audit", params={"community_id": town.community_id, "page_token": token}
        )
        assert page.status_code == 200, page.text
        seen += [e["reason"] for e in page.json()["events"]]
        token = page.json()["next_page_token"]
        if not token:
            break
    paged = [r for r in seen if r.startswith("翻页核对")]
    assert sorted(paged) == sorted(f"翻页核对 {n}" for n in range(22))


def test_a_community_admin_sees_nothing_of_another_community_and_a_street_admin_sees_both(site):
    street_admin = signed_in(site, demo.ADMIN_PHONE)
    board = street_admin.get("/api/v1/admin/dashboard").json()
    names = {c["name"]: c["community_id"] for c in board["communities"]}
    home, other = names["张苏滩社区"], names["天庆嘉园社区"]
    for community in (home, other, "all"):
        assert (
            street_admin.get("/api/v1/admin/dashboard", params={"community_id": community}).status_code == 200
        )
        assert street_admin.get("/admin/dashboard", params={"community": community}).status_code == 200
    for community in (home, other):
        assert street_admin.get("/api/v1/admin/audit", params={"community_id": community}).status_code == 200
        assert street_admin.get("/admin/audit", params={"community": community}).status_code == 200

    admin = signed_in(site, COMMUNITY_ADMIN)
    own = admin.get("/api/v1/admin/dashboard").json()
    assert [c["community_id"] for c in own["communities"]] == [home]
    assert admin.get("/api/v1/admin/dashboard", params={"community_id": home}).status_code == 200
    refused = [
        admin.get("/api/v1/admin/dashboard", params={"community_id": other}),
        admin.get("/api/v1/admin/dashboard", params={"community_id": "all"}),
        admin.get("/api/v1/admin/dashboard/points.xlsx", params={"community_id": other}),
        admin.get("/api/v1/admin/audit", params={"community_id": other}),
        admin.get("/admin/dashboard", params={"community": other}),
        admin.get("/admin/dashboard/shops.xlsx", params={"community": other}),
        admin.get("/admin/audit", params={"community": other}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert "天庆嘉园" not in admin.get("/admin/dashboard").text
    volunteer = signed_in(site, "13800000011")
    assert volunteer.get("/api/v1/admin/dashboard").status_code == 403
    assert volunteer.get("/admin/audit").status_code == 403


def test_a_month_written_wrongly_gets_a_plain_chinese_error(site):
    admin = signed_in(site, COMMUNITY_ADMIN)
    answer = admin.get("/api/v1/admin/dashboard", params={"from_month": "2026-13", "to_month": "2026-12"})
    assert answer.status_code == 422
    assert "月份" in answer.json()["error"]["message"]
    page = admin.get("/admin/dashboard", params={"from_month": "去年", "to_month": "2026-12"})
    assert page.status_code == 422 and "月份须写作" in page.text and 'aria-invalid="true"' in page.text


def test_without_javascript_the_page_holds_every_figure_in_its_tables_and_no_inline_script(site, seeded):
    town, _ = seeded
    admin = signed_in(site, town.admin_phone)
    page = admin.get("/admin/dashboard", params={"community": town.community_id})
    assert page.status_code == 200
    html = page.text
    goods = html[html.index('id="table-goods"') :]
    goods = goods[: goods.index("</table>")]
    assert "纯棉毛巾" in goods and ">30<" in goods and "硫磺香皂" in goods
    assert html.count('role="img"') == 5 and html.count("data-chart=") == 5
    assert '<script src="/static/vendor/echarts.min.js"></script>' in html
    assert html.count("<script") == html.count("<script src=")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert admin.get("/static/vendor/echarts.min.js").status_code == 200
