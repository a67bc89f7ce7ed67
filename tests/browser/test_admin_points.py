"""The admin console's points on a laptop and a phone: a commendation, and a rule change drafted,
previewed on last month's hours beside the rules in force, and published."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import demo
from jifen.ids import new_id
from jifen.points.v1 import activities_pb2 as a
from jifen.points.v1 import activities_pb2_grpc as a_grpc
from jifen.timestamps import to_timestamp
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.town import COMMUNITY_ADMIN, Town
from tests.members_client import bearer

LOCAL = ZoneInfo("Asia/Shanghai")


def served_last_month(site, member_id: str, community_id: str, title: str) -> None:
    """Two certified hours for the member at an activity held on the 10th of last month."""
    now = datetime.now(LOCAL)
    first = datetime(now.year, now.month, 1, tzinfo=LOCAL)
    held = (first - timedelta(days=1)).replace(day=10, hour=9)
    activities = a_grpc.ActivitiesServiceStub(site.points)
    organiser = site.members.login(COMMUNITY_ADMIN, demo.PASSWORD)
    activity = activities.CreateActivity(
        a.CreateActivityRequest(
            request_id=new_id(),
            community_id=community_id,
            title=title,
            category="environment",
            difficulty=2,
            start_time=to_timestamp(held.astimezone(UTC)),
            end_time=to_timestamp((held + timedelta(hours=3)).astimezone(UTC)),
            place="张苏滩社区 3 号楼",
            capacity=10,
        ),
        metadata=bearer(organiser),
    ).activity
    records = activities.RecordHours(
        a.RecordHoursRequest(
            request_id=new_id(),
            activity_id=activity.activity_id,
            entries=[a.HoursInput(member_id=member_id, minutes=120)],
        ),
        metadata=bearer(organiser),
    ).hour_records
    # Whoever records hours does not certify them: the street admin approves.
    activities.ApproveHours(
        a.ApproveHoursRequest(request_id=new_id(), hour_record_ids=[r.hour_record_id for r in records]),
        metadata=bearer(site.members.login(demo.ADMIN_PHONE, demo.PASSWORD)),
    )


@pytest.mark.parametrize(
    ("viewport", "phone", "name", "ahead"),
    [(DESKTOP, "13720000201", "林美华", 200), (PHONE, "13720000202", "何秀英", 230)],
    ids=["desktop", "phone"],
)
def test_an_admin_awards_a_commendation_and_publishes_a_previewed_rule_change(
    site, visitor, viewport, phone, name, ahead
):
    town = Town(site)
    home = town.community_id()
    member = site.members.register(name, phone, home)
    served_last_month(site, member.member_id, home, f"{name}的楼道清洁")
    admin = visitor("admin-points", viewport)
    page = admin.log_in(COMMUNITY_ADMIN)

    # A commendation: find the volunteer, tick them, pick the commendation the rules define.
    admin.go("/admin/points", "points")
    page.fill("#q", name)
    admin.follow(page.get_by_role("button", name="查找"), "points-found")
    page.get_by_label(re.compile(name)).check()
    page.select_option("#commendation", "优秀志愿者")
    page.fill("#citation", "2026年度")
    admin.follow(page.get_by_role("button", name="颁发表彰"), "commended")
    assert "已为 1 人颁发表彰“优秀志愿者”" in page.inner_text("main")
    admin.go(f"/admin/people/{member.member_id}", "commended-member")
    statement = page.inner_text("main")
    assert "表彰：优秀志愿者（2026年度）" in statement and "+200" in statement

    # A rule change: the draft starts from the rules in force; the preview shows before → after.
    admin.follow(page.get_by_role("link", name="积分规则"), "rules")
    in_force = page.locator("dl.rule-terms dd").first.inner_text()
    assert page.locator("#points_per_hour").input_value() == in_force
    effective = (datetime.now(LOCAL) + timedelta(days=ahead)).date()
    title = f"{effective.year}年试行积分办法（{name}）"
    page.fill("#title", title)
    page.fill("#effective_date", effective.isoformat())
    page.fill("#points_per_hour", "15")
    page.fill("#difficulty_2", "1.2")
    page.fill("#category_environment", "")
    page.fill("#rounding_minutes", "30")
    admin.follow(page.get_by_role("button", name="预览"), "rules-preview")
    before = int(page.locator("#total-before").inner_text())
    after = int(page.locator("#total-after").inner_text())
    rows = page.locator("table.preview tbody tr")
    assert rows.count() >= 1
    # Two hours at difficulty 2: the built-in version in force last month gave 2 × 10 × 1.2 = 24;
    # the draft gives 2 × 15 × 1.2 = 36.
    assert "24 → 36（+12）" in rows.filter(has_text=name).inner_text()
    assert page.locator("table.preview tfoot").inner_text().count(f"{before} → {after}") == 1
    admin.follow(page.get_by_role("button", name="发布"), "rules-published")
    assert f"已发布积分规则“{title}”" in page.inner_text("main")
    assert page.locator("table.data", has_text=title).count() == 1


def test_the_rule_editor_in_care_mode_on_a_phone(site, visitor):
    admin = visitor("admin-rules-care", PHONE, care=True)
    page = admin.log_in(COMMUNITY_ADMIN)
    admin.go("/admin/rules", "rules-care")
    page.fill("#points_per_hour", "-5")
    admin.follow(page.get_by_role("button", name="预览"), "rules-care-error")
    assert "每小时积分须在 1 到 10000 之间" in page.inner_text(".error-summary")
    admin.go("/admin/points/leaderboard", "leaderboard-care")
    assert page.locator("h1").inner_text() == "积分排行榜"
