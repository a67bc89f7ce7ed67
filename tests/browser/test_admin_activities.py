"""The admin console's activities and hours, on a laptop and a phone: an admin plans an activity, and a
queue of hours is recorded and approved in bulk, the one flagged record only with the override."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import demo
from jifen.members.v1 import members_pb2 as m
from services.gateway.service.calendar import LOCAL
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.town import COMMUNITY_ADMIN
from tests.members_client import bearer, rid
from tests.web.people import signed_in
from tests.web.test_admin_activities import communities, local, plan, record, recorded_eventually, yesterday

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


def label(viewport: dict) -> str:
    return "桌面" if viewport == DESKTOP else "手机"


@VIEWPORTS
def test_a_community_admin_plans_an_activity_sees_it_listed_and_cancels_it(visitor, viewport):
    admin = visitor("admin-activities", viewport)
    title = f"重阳节助老送餐（{label(viewport)}）"
    start = (datetime.now(LOCAL) + timedelta(days=5)).replace(hour=9, minute=0)
    page = admin.log_in(COMMUNITY_ADMIN)
    page = admin.go("/admin/activities", "activities")
    admin.follow(page.get_by_role("link", name="新建活动"), "activity-new")
    page.fill("#title", title)
    page.select_option("#category", "elderly_care")
    page.select_option("#difficulty", "2")
    page.fill("#start_time", local(start))
    page.fill("#end_time", local(start + timedelta(hours=2)))
    page.fill("#place", "张苏滩社区老年活动中心")
    page.fill("#capacity", "12")
    admin.follow(page.get_by_role("button", name="创建活动"), "activity-created")
    main = page.inner_text("main")
    assert "活动已创建" in main and title in main and "助老服务" in main and "上限 12 人" in main
    assert start.strftime("%Y-%m-%d 09:00") in main

    page = admin.go("/admin/activities", "activities-listed")
    upcoming = page.locator("table.data").first
    assert upcoming.get_by_role("link", name=title).count() == 1

    admin.follow(upcoming.get_by_role("link", name=title), "activity")
    admin.follow(page.get_by_role("link", name="取消活动"), "activity-cancel")
    page.fill("#reason", "天气预报有暴雨，改期举行")
    admin.follow(page.get_by_role("button", name="确认取消活动"), "activity-cancelled")
    assert "活动已取消" in page.inner_text("main")
    page = admin.go("/admin/activities", "activities-with-cancelled")
    cancelled = page.locator("table.data").last
    assert cancelled.get_by_role("link", name=title).count() == 1
    assert "天气预报有暴雨" in cancelled.inner_text()


@VIEWPORTS
def test_hours_recorded_at_once_are_approved_in_bulk_the_flagged_one_only_with_the_override(
    site, visitor, viewport
):
    # In 天庆嘉园社区, which the street admin switches to; names and titles of this viewport's own.
    series = "2" if viewport == DESKTOP else "3"
    phones = [f"137100{series}{n:04d}" for n in range(1, 5)]
    names = ["钱玉珍", "孔德明", "严秋菊"] if viewport == DESKTOP else ["金桂兰", "魏国强", "陶春燕"]
    flagged_name, corrected_name, other_name = names
    street_token = site.members.login(demo.ADMIN_PHONE, demo.PASSWORD)
    home = communities(site)["天庆嘉园社区"]
    new_admin = site.members.register(
        f"记录员{label(viewport)}", phones[0], home, password=demo.PASSWORD, metadata=bearer(street_token)
    )
    site.members.set_roles(
        street_token,
        new_admin.member_id,
        m.RoleGrant(role=m.ROLE_VOLUNTEER, community_id=home),
        m.RoleGrant(role=m.ROLE_ADMIN, community_id=home),
    )
    a, b, c = [
        site.members.register(n, p, home, password=demo.PASSWORD, metadata=bearer(street_token)).member_id
        for n, p in zip(names, phones[1:], strict=True)
    ]
    street = signed_in(site, demo.ADMIN_PHONE)
    recorder = signed_in(site, phones[0])
    early = plan(street, home, f"清晨巡河（{label(viewport)}）", yesterday(7), hours=2)
    morning = plan(street, home, f"防汛沙袋装填（{label(viewport)}）", yesterday(8), hours=3, difficulty=3)
    crossing = f"文明交通劝导（{label(viewport)}）"
    overlap = plan(street, home, crossing, yesterday(8), hours=1, category="traffic")
    # The first volunteer's 07:00–08:30 is approved already: her new 08:00–09:00 overlaps it and is flagged.
    (earlier,) = recorded_eventually(recorder, early["activity_id"], (a, 90))["recorded"]
    street.post(
        "/api/v1/admin/hours/approve",
        json={"community_id": home, "hour_record_ids": [earlier["hour_record_id"]], "request_id": rid()},
    ).raise_for_status()
    (flagged,) = record(recorder, overlap["activity_id"], (a, 60))["recorded"]
    assert flagged["flags"] == ["overlap"]

    # The community's new admin records two volunteers at once by phone, then corrects one.
    admin = visitor("admin-hours-record", viewport)
    admin.log_in(phones[0])
    page = admin.go(f"/admin/activities/{morning['activity_id']}", "activity-ended")
    page.fill("#phones", f"{phones[2]}\n{phones[3]}")
    page.fill("#phone_minutes", "150")
    admin.follow(page.get_by_role("button", name="记录服务时长"), "hours-recorded")
    assert "已为 2 位志愿者记录服务时长，待审核" in page.inner_text("main")
    participants = page.locator("table.data").first
    assert participants.get_by_text(corrected_name).count() == 1
    assert participants.get_by_text(other_name).count() == 1
    page.get_by_label(corrected_name, exact=True).check()
    page.get_by_label(f"{corrected_name}的服务分钟").fill("120")
    admin.follow(page.get_by_role("button", name="记录服务时长"), "hours-corrected")
    assert "已为 1 位志愿者记录服务时长，待审核" in page.inner_text("main")

    # The street admin switches to that community and sees what each record will earn.
    approver = visitor("admin-hours-queue", viewport)
    approver.log_in(demo.ADMIN_PHONE)
    page = approver.go("/admin/hours", "queue-first-community")
    page.select_option("#community", home)
    approver.follow(page.get_by_role("button", name="查看该社区"), "queue")
    rows = page.locator("table.queue tbody tr")
    shown_before = rows.count()

    def shown(name: str) -> int:
        return int(page.locator("tr", has_text=name).locator(".points").inner_text().split()[0])

    # 2 h × 10 × 1.5 (difficulty 3) = 30; 2.5 h × 10 × 1.5 = 37; 1 h × 10 × 1.2 (difficulty 2) = 12.
    before = {name: shown(name) for name in names}
    assert before == {flagged_name: 12, corrected_name: 30, other_name: 37}
    flagged_row = page.locator("tr.flagged", has_text=flagged_name)
    assert flagged_row.count() == 1 and "时间重叠" in flagged_row.inner_text()
    if viewport == PHONE:
        care = visitor("admin-hours-care", PHONE, care=True)
        care.log_in(demo.ADMIN_PHONE)
        care.go(f"/admin/hours?community={home}", "queue-care-mode")

    # "Approve all" without the override approves the clean two and says which one it held back.
    approver.follow(page.get_by_role("button", name=f"全部通过（本页 {shown_before} 条）"), "approved-clean")
    main = page.inner_text("main")
    assert "积分已发放" in main
    assert "以下记录有异常标记，未通过" in main and f"{flagged_name} · {crossing}（时间重叠）" in main
    assert [n for n in names if page.locator("table.queue tr", has_text=n).count()] == [flagged_name]

    # With the override ticked and a reason given, the flagged record is approved too.
    page.get_by_label(flagged_name, exact=True).check()
    page.get_by_label("我已核实，仍然通过").check()
    page.fill("#override_reason", "两处活动在同一路口，组织者电话确认她 8 点转岗")
    approver.follow(page.get_by_role("button", name="通过所选"), "approved-override")
    assert "已通过 1 条记录，积分已发放" in page.inner_text("main")
    assert not [n for n in names if page.locator("table.queue tr", has_text=n).count()]

    # The balances hold exactly the points shown (plus the first one's earlier 1.5 h × 10 × 1.2 = 18).
    balances = {
        name: street.get(f"/api/v1/admin/members/{member_id}").json()["record"]["available"]
        for name, member_id in zip(names, (a, b, c), strict=True)
    }
    assert balances == {
        flagged_name: 18 + before[flagged_name],
        corrected_name: before[corrected_name],
        other_name: before[other_name],
    }
