"""The admin console's points over HTTP: commendations, adjustments, the rule editor and the
leaderboard, each within the admin's own communities."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import demo
from jifen.members.v1 import members_pb2 as m
from tests.members_client import rid
from tests.web.people import signed_in

pytestmark = pytest.mark.system

COMMUNITY_ADMIN = "13800000001"  # 孙丽娟, 张苏滩社区


def community_id(site, name: str) -> str:
    found = site.members.directory.ListCommunities(m.ListCommunitiesRequest()).communities
    return next(c.community_id for c in found if c.name == name)


def volunteer(site, name: str, phone: str, community: str) -> str:
    """A new volunteer of the community, once points has opened their account."""
    member = site.members.register(name, phone, community_id(site, community))
    street = signed_in(site, demo.ADMIN_PHONE)
    deadline = time.monotonic() + 15
    while street.get(f"/api/v1/admin/members/{member.member_id}").status_code != 200:
        assert time.monotonic() < deadline, f"points never opened an account for {name}"
        time.sleep(0.2)
    return member.member_id


def available(client, member_id: str) -> int:
    answer = client.get(f"/api/v1/admin/members/{member_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()["record"]["available"]


def entries(client, member_id: str) -> list[dict]:
    return client.get(f"/api/v1/admin/members/{member_id}").json()["record"]["entries"]


def draft(client, community: str, effective: date, points_per_hour: int = 12) -> dict:
    """The rules in force for the community as a draft, changed, to take effect about ten months
    ahead (the service allows a year at most), so no other test's points change."""
    rules = client.get("/api/v1/admin/rules", params={"community_id": community}).json()
    body = dict(rules["in_force"]["rules"])
    body.update(points_per_hour=points_per_hour, effective_date=effective.isoformat(), title="")
    return body


def far_day(offset: int) -> date:
    return (datetime.now(UTC) + timedelta(days=300 + offset)).date()


def test_the_community_admin_can_touch_no_points_or_rules_of_the_other_community(site):
    other = community_id(site, "天庆嘉园社区")
    neighbour = volunteer(site, "赵晓燕", "13720000101", "天庆嘉园社区")
    admin = signed_in(site, COMMUNITY_ADMIN)
    street = signed_in(site, demo.ADMIN_PHONE)
    history = street.get("/api/v1/admin/rules", params={"community_id": other}).json()["history"]

    award = admin.post(
        "/api/v1/admin/points/commendations",
        json={"member_ids": [neighbour], "commendation": "优秀志愿者", "request_id": rid()},
    )
    assert award.status_code in (403, 404), award.text
    adjust = admin.post(
        "/api/v1/admin/points/adjustments",
        json={"member_id": neighbour, "points": 30, "reason": "补录", "request_id": rid()},
    )
    assert adjust.status_code in (403, 404), adjust.text
    body = draft(street, other, far_day(1))
    preview = admin.post("/api/v1/admin/rules/preview", json={"community_id": other, "draft": body})
    assert preview.status_code == 403
    publish = admin.post(
        "/api/v1/admin/rules/publish",
        json={"community_id": other, "draft": body, "preview_token": "x", "request_id": rid()},
    )
    assert publish.status_code == 403
    assert admin.get("/api/v1/admin/rules", params={"community_id": other}).status_code == 403
    assert admin.get("/api/v1/admin/points/leaderboard", params={"community_id": other}).status_code == 403
    for page in ("/admin/points", "/admin/rules", "/admin/points/leaderboard"):
        refused = admin.get(page, params={"community": other})
        assert refused.status_code == 403 and "您只能查看自己管理的社区" in refused.text
    assert available(street, neighbour) == 0
    assert street.get("/api/v1/admin/rules", params={"community_id": other}).json()["history"] == history


def test_the_street_admin_awards_and_publishes_for_either_community(site):
    other = community_id(site, "天庆嘉园社区")
    neighbour = volunteer(site, "钱玉兰", "13720000102", "天庆嘉园社区")
    street = signed_in(site, demo.ADMIN_PHONE)
    desk = street.get("/api/v1/admin/points/desk", params={"community_id": other}).json()
    kind = desk["commendations"][0]

    award = street.post(
        "/api/v1/admin/points/commendations",
        json={"member_ids": [neighbour], "commendation": kind["name"], "request_id": rid()},
    )
    assert award.status_code == 200, award.text
    assert available(street, neighbour) == kind["points"]

    body = draft(street, other, far_day(2))
    shown = street.post("/api/v1/admin/rules/preview", json={"community_id": other, "draft": body})
    assert shown.status_code == 200, shown.text
    published = street.post(
        "/api/v1/admin/rules/publish",
        json={
            "community_id": other,
            "draft": body,
            "preview_token": shown.json()["preview_token"],
            "request_id": rid(),
        },
    )
    assert published.status_code == 200, published.text
    history = street.get("/api/v1/admin/rules", params={"community_id": other}).json()["history"]
    # Latest effective first: nothing else takes effect that far ahead.
    assert history[0]["rule_version_id"] == published.json()["rule_version_id"]
    assert history[0]["rules"]["points_per_hour"] == 12


def test_a_commendation_for_a_list_gives_each_member_the_points_once(site):
    first = volunteer(site, "孙志明", "13720000103", "张苏滩社区")
    second = volunteer(site, "周桂芳", "13720000104", "张苏滩社区")
    admin = signed_in(site, COMMUNITY_ADMIN)
    # The commendations the rules in force define, as the page offers them.
    kind = admin.get("/api/v1/admin/points/desk").json()["commendations"][-1]
    request = {
        "member_ids": [first, second],
        "commendation": kind["name"],
        "citation": "2026年度",
        "request_id": rid(),
    }
    done = admin.post("/api/v1/admin/points/commendations", json=request)
    assert done.status_code == 200, done.text
    assert [m["points"] for m in done.json()["members"]] == [kind["points"]] * 2
    # The same form submitted twice awards nobody twice.
    assert admin.post("/api/v1/admin/points/commendations", json=request).status_code == 200
    assert available(admin, first) == available(admin, second) == kind["points"]
    assert [e["reason"] for e in entries(admin, first)] == [f"表彰：{kind['name']}（2026年度）"]


def test_an_adjustment_without_a_reason_is_a_chinese_refusal_that_changes_nothing(site):
    member = volunteer(site, "吴建华", "13720000105", "张苏滩社区")
    admin = signed_in(site, COMMUNITY_ADMIN)
    refused = admin.post(
        "/api/v1/admin/points/adjustments",
        json={"member_id": member, "points": 50, "reason": "  ", "request_id": rid()},
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "kind": "invalid",
        "message": "请填写调整原因，成员会在积分明细里看到",
        "field": "reason",
    }
    form = admin.get("/admin/points", params={"q": "吴建华"}).text
    token = re.search(r'name="request_id" value="([^"]+)"', form)
    page = admin.post(
        "/admin/points/adjustments",
        data={
            "csrf_token": admin.headers["x-csrf-token"],
            "request_id": token.group(1),
            "member_id": member,
            "points": "50",
            "reason": "",
        },
    )
    assert page.status_code == 422 and "请填写调整原因" in page.text
    assert available(admin, member) == 0 and entries(admin, member) == []


def test_an_adjustment_gives_and_takes_back_but_never_below_zero(site):
    member = volunteer(site, "郑小红", "13720000106", "张苏滩社区")
    admin = signed_in(site, COMMUNITY_ADMIN)
    given = admin.post(
        "/api/v1/admin/points/adjustments",
        json={"member_id": member, "points": 40, "reason": "补录 11 月助老送餐", "request_id": rid()},
    )
    assert given.status_code == 200, given.text
    assert given.json()["member"]["available"] == 40
    too_much = admin.post(
        "/api/v1/admin/points/adjustments",
        json={"member_id": member, "points": -41, "reason": "多记了", "request_id": rid()},
    )
    assert too_much.status_code == 409
    assert re.search(r"[\u4e00-\u9fff]", too_much.json()["error"]["message"])
    taken = admin.post(
        "/api/v1/admin/points/adjustments",
        json={"member_id": member, "points": -15, "reason": "多记了", "request_id": rid()},
    )
    assert taken.status_code == 200 and taken.json()["member"]["available"] == 25
    assert available(admin, member) == 25


def test_publishing_is_refused_without_the_preview_of_exactly_that_draft(site):
    home = community_id(site, "张苏滩社区")
    admin = signed_in(site, COMMUNITY_ADMIN)
    before = admin.get("/api/v1/admin/rules", params={"community_id": home}).json()["history"]
    body = draft(admin, home, far_day(3), points_per_hour=15)

    unseen = admin.post(
        "/api/v1/admin/rules/publish",
        json={"community_id": home, "draft": body, "preview_token": "", "request_id": rid()},
    )
    assert unseen.status_code == 409
    assert unseen.json()["error"]["message"] == "请先预览这份规则草稿，看过前后对比后再发布"
    made_up = admin.post(
        "/api/v1/admin/rules/publish",
        json={"community_id": home, "draft": body, "preview_token": "made-up-token", "request_id": rid()},
    )
    assert made_up.status_code == 409

    shown = admin.post("/api/v1/admin/rules/preview", json={"community_id": home, "draft": body}).json()
    changed = dict(body, points_per_hour=16)
    swapped = admin.post(
        "/api/v1/admin/rules/publish",
        json={
            "community_id": home,
            "draft": changed,
            "preview_token": shown["preview_token"],
            "request_id": rid(),
        },
    )
    assert swapped.status_code == 409
    assert swapped.json()["error"]["message"] == "草稿在预览之后改动过，请重新预览后再发布"
    # Another admin cannot use this admin's preview either.
    street = signed_in(site, demo.ADMIN_PHONE)
    borrowed = street.post(
        "/api/v1/admin/rules/publish",
        json={
            "community_id": home,
            "draft": body,
            "preview_token": shown["preview_token"],
            "request_id": rid(),
        },
    )
    assert borrowed.status_code == 409
    # The page's form is refused the same way.
    page = admin.post(
        "/admin/rules/publish",
        data={
            "csrf_token": admin.headers["x-csrf-token"],
            "community": home,
            "draft": json.dumps(body),
            "request_id": rid(),
        },
    )
    assert page.status_code == 409 and "请先预览这份规则草稿" in page.text
    assert admin.get("/api/v1/admin/rules", params={"community_id": home}).json()["history"] == before


def test_the_preview_compares_last_months_points_member_by_member(site):
    home = community_id(site, "张苏滩社区")
    admin = signed_in(site, COMMUNITY_ADMIN)
    body = draft(admin, home, far_day(4), points_per_hour=20)
    shown = admin.post("/api/v1/admin/rules/preview", json={"community_id": home, "draft": body})
    assert shown.status_code == 200, shown.text
    preview = shown.json()
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    previous = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    assert preview["month"] == f"{previous.year:04d}-{previous.month:02d}"
    assert preview["total_current_points"] == sum(r["current_points"] for r in preview["rows"])
    assert preview["total_draft_points"] == sum(r["draft_points"] for r in preview["rows"])
    for row in preview["rows"]:
        assert row["difference"] == row["draft_points"] - row["current_points"]


def test_bad_rule_parameters_are_chinese_sentences_naming_the_field(site):
    home = community_id(site, "张苏滩社区")
    admin = signed_in(site, COMMUNITY_ADMIN)
    negative = dict(draft(admin, home, far_day(5)), points_per_hour=-5)
    refused = admin.post("/api/v1/admin/rules/preview", json={"community_id": home, "draft": negative})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "points_per_hour"
    assert "每小时积分" in refused.json()["error"]["message"]
    past = dict(draft(admin, home, far_day(5)), effective_date="2020-01-01")
    refused = admin.post("/api/v1/admin/rules/preview", json={"community_id": home, "draft": past})
    assert refused.status_code == 422 and refused.json()["error"]["message"] == "生效日期不能早于今天"
    form = admin.post(
        "/admin/rules/preview",
        data={"csrf_token": admin.headers["x-csrf-token"], "community": home, "points_per_hour": "十"},
    )
    assert form.status_code == 422 and "每小时积分请填写整数" in form.text


def test_the_leaderboard_ranks_the_community_by_month_and_year_in_points_and_hours(site):
    admin = signed_in(site, COMMUNITY_ADMIN)
    member = volunteer(site, "冯丽萍", "13720000107", "张苏滩社区")
    done = admin.post(
        "/api/v1/admin/points/adjustments",
        json={"member_id": member, "points": 999, "reason": "排行榜测试奖励", "request_id": rid()},
    )
    assert done.status_code == 200
    month = {"period": "month", "metric": "points"}
    # The boards follow the ledger's events a moment later.
    deadline = time.monotonic() + 15
    while True:
        board = admin.get("/api/v1/admin/points/leaderboard", params=month).json()
        mine = next((row for row in board["rows"] if row["member_id"] == member), None)
        if mine or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert mine, board
    assert mine["value"] == 999 and mine["name"] == "冯丽萍"
    assert mine["rank"] == 1 + sum(1 for row in board["rows"] if row["value"] > 999)
    year = admin.get("/api/v1/admin/points/leaderboard", params={"period": "year", "metric": "hours"})
    assert year.status_code == 200 and year.json()["month"] == 0
    page = admin.get("/admin/points/leaderboard", params={"period": "year", "metric": "points"})
    assert page.status_code == 200 and "冯丽萍" in page.text
    bad = admin.get("/api/v1/admin/points/leaderboard", params={"period": "week"})
    assert bad.status_code == 422 and bad.json()["error"]["message"] == "请选择按月或按年"
