"""The admin console's activities and hours over HTTP: scope between communities, bad input, the queue."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import httpx
import pytest

import demo
from jifen.members.v1 import members_pb2 as m
from services.gateway.service.calendar import LOCAL
from tests.members_client import rid
from tests.web.people import signed_in

COMMUNITY_ADMIN = "13800000001"


def local(moment: datetime) -> str:
    return moment.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M")


def yesterday(hour: int) -> datetime:
    day = datetime.now(LOCAL) - timedelta(days=1)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def communities(site) -> dict[str, str]:
    listed = site.members.directory.ListCommunities(m.ListCommunitiesRequest()).communities
    return {c.name: c.community_id for c in listed}


def plan(
    client: httpx.Client, community_id: str, title: str, start: datetime, hours: int = 3, **fields
) -> dict:
    body = {
        "community_id": community_id,
        "title": title,
        "category": "environment",
        "difficulty": 2,
        "place": "社区广场",
        "capacity": 20,
        "start_time": local(start),
        "end_time": local(start + timedelta(hours=hours)),
        "request_id": rid(),
        **fields,
    }
    answer = client.post("/api/v1/admin/activities", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def volunteer(site, name: str, phone: str, community_id: str) -> str:
    return site.members.register(name, phone, community_id, password=demo.PASSWORD).member_id


def record(client: httpx.Client, activity_id: str, *entries: tuple[str, int]) -> dict:
    body = {"entries": [{"member_id": i, "minutes": n} for i, n in entries], "request_id": rid()}
    answer = client.post(f"/api/v1/admin/activities/{activity_id}/hours", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def recorded_eventually(client, activity_id, *entries) -> dict:
    """Points learns a new member from members' events a moment after registration."""
    for _ in range(50):
        done = record(client, activity_id, *entries)
        if not done["refused"]:
            return done
        time.sleep(0.2)
    raise AssertionError(done["refused"])


@pytest.fixture
def street(site):
    return signed_in(site, demo.ADMIN_PHONE)


@pytest.fixture
def community_admin(site):
    return signed_in(site, COMMUNITY_ADMIN)


def test_a_community_admin_sees_and_changes_nothing_of_the_other_community(site, street, community_admin):
    other = communities(site)["天庆嘉园社区"]
    theirs = plan(street, other, "天庆嘉园楼道清理", yesterday(9))
    member_id = volunteer(site, "韩冬梅", "13710000101", other)
    (pending,) = recorded_eventually(street, theirs["activity_id"], (member_id, 120))["recorded"]

    # The street admin sees both, in pages and in the API.
    assert street.get("/api/v1/admin/activities", params={"community_id": other}).status_code == 200
    assert "天庆嘉园楼道清理" in street.get("/admin/activities", params={"community": other}).text
    queue = street.get("/api/v1/admin/hours", params={"community_id": other}).json()
    assert pending["hour_record_id"] in [r["hour_record_id"] for r in queue["records"]]

    refused = {
        "list": community_admin.get("/api/v1/admin/activities", params={"community_id": other}),
        "list page": community_admin.get("/admin/activities", params={"community": other}),
        "open": community_admin.get(f"/api/v1/admin/activities/{theirs['activity_id']}"),
        "open page": community_admin.get(f"/admin/activities/{theirs['activity_id']}"),
        "participants": community_admin.get(f"/api/v1/admin/activities/{theirs['activity_id']}/participants"),
        "queue": community_admin.get("/api/v1/admin/hours", params={"community_id": other}),
        "queue page": community_admin.get("/admin/hours", params={"community": other}),
        "create": community_admin.post(
            "/api/v1/admin/activities",
            json={
                "community_id": other,
                "title": "越权活动",
                "category": "environment",
                "difficulty": 1,
                "capacity": 5,
                "start_time": local(yesterday(9)),
                "end_time": local(yesterday(10)),
                "request_id": rid(),
            },
        ),
        "edit": community_admin.put(
            f"/api/v1/admin/activities/{theirs['activity_id']}",
            json={
                "title": "改名",
                "category": "environment",
                "difficulty": 1,
                "capacity": 5,
                "start_time": local(yesterday(9)),
                "end_time": local(yesterday(10)),
                "request_id": rid(),
            },
        ),
        "cancel": community_admin.post(
            f"/api/v1/admin/activities/{theirs['activity_id']}/cancel",
            json={"reason": "越权", "request_id": rid()},
        ),
        "record": community_admin.post(
            f"/api/v1/admin/activities/{theirs['activity_id']}/hours",
            json={"entries": [{"member_id": member_id, "minutes": 60}], "request_id": rid()},
        ),
        "approve": community_admin.post(
            "/api/v1/admin/hours/approve",
            json={"hour_record_ids": [pending["hour_record_id"]], "request_id": rid()},
        ),
        "reject": community_admin.post(
            "/api/v1/admin/hours/reject",
            json={"hour_record_ids": [pending["hour_record_id"]], "reason": "越权", "request_id": rid()},
        ),
    }
    assert {name: answer.status_code in (403, 404) for name, answer in refused.items()} == dict.fromkeys(
        refused, True
    ), {name: (a.status_code, a.text[:200]) for name, a in refused.items()}
    assert "您只能查看自己管理的社区" in refused["list"].json()["error"]["message"]

    # The street admin recorded it, so someone else must certify it: held back, and said so.
    own = street.post(
        "/api/v1/admin/hours/approve",
        json={"community_id": other, "hour_record_ids": [pending["hour_record_id"]], "request_id": rid()},
    )
    assert own.status_code == 409
    assert (
        (own.json()["error"]["message"])
        == "以下记录是您记录的或您本人的，须由其他管理员或组织者审核，未通过：韩冬梅 · 天庆嘉园楼道清理"
    )

    # Nothing changed: the activity keeps its title and time, the record is still pending.
    after = street.get(f"/api/v1/admin/activities/{theirs['activity_id']}").json()
    assert after["activity"]["title"] == "天庆嘉园楼道清理" and after["activity"]["status"] == "ended"
    assert [r["status"] for r in after["hour_records"]] == ["pending"]
    titles = [
        a["title"]
        for a in street.get("/api/v1/admin/activities", params={"community_id": other}).json()["past"]
    ]
    assert "越权活动" not in titles


def test_bad_input_is_a_chinese_sentence_and_changes_nothing(site, community_admin):
    home = communities(site)["张苏滩社区"]
    start = datetime.now(LOCAL) + timedelta(days=3)
    cases = {
        "end before start": (
            {"end_time": local(start - timedelta(hours=1))},
            "end_time",
            "结束时间须晚于开始时间",
        ),
        "capacity 0": ({"capacity": 0}, "capacity", "人数上限须为 1 到 10000 之间的整数"),
        "no title": ({"title": " "}, "title", "请填写活动名称"),
        "unknown category": ({"category": "nonsense"}, "category", "请选择活动类别"),
        "bad time": ({"start_time": "明天上午"}, "start_time", "请填写开始时间"),
    }
    for name, (change, field, sentence) in cases.items():
        body = {
            "community_id": home,
            "title": f"坏输入 {name}",
            "category": "environment",
            "difficulty": 2,
            "capacity": 10,
            "start_time": local(start),
            "end_time": local(start + timedelta(hours=2)),
            "request_id": rid(),
            **change,
        }
        answer = community_admin.post("/api/v1/admin/activities", json=body)
        assert answer.status_code == 422, (name, answer.text)
        error = answer.json()["error"]
        assert error["field"] == field and error["message"].startswith(sentence), (name, error)
    # The page's form says it too, above the form and beside the field, and keeps what was typed.
    page = community_admin.post(
        "/admin/activities/new",
        data={
            "csrf_token": community_admin.headers["x-csrf-token"],
            "request_id": rid(),
            "community": home,
            "title": "坏输入 页面",
            "category": "environment",
            "difficulty": "2",
            "capacity": "10",
            "start_time": local(start),
            "end_time": local(start - timedelta(hours=1)),
        },
    )
    assert page.status_code == 422
    assert "出现问题" in page.text and page.text.count("结束时间须晚于开始时间") == 2
    assert 'value="坏输入 页面"' in page.text
    listing = community_admin.get("/api/v1/admin/activities").json()
    titles = [a["title"] for group in ("upcoming", "past", "cancelled") for a in listing[group]]
    assert not [t for t in titles if t.startswith("坏输入")]


def test_rejection_needs_a_reason_and_an_override_needs_one_too(site, street, community_admin):
    home = communities(site)["张苏滩社区"]
    first = plan(street, home, "理由测试：早班", yesterday(8), hours=2)
    second = plan(street, home, "理由测试：重叠", yesterday(9), hours=2)
    member_id = volunteer(site, "邵立新", "13710000102", home)
    (clean,) = recorded_eventually(street, first["activity_id"], (member_id, 90))["recorded"]
    (overlapping,) = record(street, second["activity_id"], (member_id, 60))["recorded"]
    assert overlapping["flags"] == ["overlap"]

    no_reason = community_admin.post(
        "/api/v1/admin/hours/reject",
        json={"hour_record_ids": [clean["hour_record_id"]], "reason": "  ", "request_id": rid()},
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["message"] == "驳回须填写原因，志愿者会看到它"
    page = community_admin.post(
        "/admin/hours",
        data={
            "csrf_token": community_admin.headers["x-csrf-token"],
            "request_id": rid(),
            "decision": "reject",
            f"pick_{clean['hour_record_id']}": "1",
            "reject_reason": "",
        },
    )
    assert page.status_code == 422 and "驳回须填写原因" in page.text
    no_override_reason = community_admin.post(
        "/api/v1/admin/hours/approve",
        json={"hour_record_ids": [overlapping["hour_record_id"]], "override": True, "request_id": rid()},
    )
    assert no_override_reason.status_code == 422
    assert no_override_reason.json()["error"]["field"] == "override_reason"
    flagged_alone = community_admin.post(
        "/api/v1/admin/hours/approve",
        json={"hour_record_ids": [overlapping["hour_record_id"]], "request_id": rid()},
    )
    assert flagged_alone.status_code == 409
    assert "邵立新 · 理由测试：重叠（时间重叠）" in flagged_alone.json()["error"]["message"]
    queue = community_admin.get("/api/v1/admin/hours").json()["records"]
    mine = {r["hour_record_id"]: r["status"] for r in queue if r["member_id"] == member_id}
    assert mine == {clean["hour_record_id"]: "pending", overlapping["hour_record_id"]: "pending"}


def test_bulk_approval_passes_the_clean_records_holds_the_flagged_and_pays_what_it_showed(
    site, street, community_admin
):
    home = communities(site)["张苏滩社区"]
    early = plan(street, home, "批量审核：早班", yesterday(7), hours=2)
    morning = plan(street, home, "批量审核：上午", yesterday(8), hours=3, difficulty=3)
    overlap = plan(street, home, "批量审核：重叠", yesterday(8), hours=1)
    names = (("钱玉珍", "13710000103"), ("孔德明", "13710000104"), ("严秋菊", "13710000105"))
    a, b, c = [volunteer(site, n, p, home) for n, p in names]
    # A's 07:00–08:30 is approved already, so only the new record that overlaps it is flagged.
    (earlier,) = recorded_eventually(street, early["activity_id"], (a, 90))["recorded"]
    community_admin.post(
        "/api/v1/admin/hours/approve",
        json={"hour_record_ids": [earlier["hour_record_id"]], "request_id": rid()},
    )
    recorded_eventually(street, morning["activity_id"], (b, 150), (c, 100))
    (flagged,) = record(street, overlap["activity_id"], (a, 60))["recorded"]
    assert flagged["flags"] == ["overlap"]

    queue = community_admin.get("/api/v1/admin/hours").json()["records"]
    ours = {r["member_id"]: r for r in queue if r["member_id"] in (a, b, c)}
    # 2.5 h × 10 × 1.5 (difficulty 3) = 37; 100 min → 90: 1.5 h × 10 × 1.5 = 22; 1 h × 10 × 1.2 = 12.
    assert {k: (r["minutes"], r["points"]) for k, r in ours.items()} == {
        a: (60, 12),
        b: (150, 37),
        c: (100, 22),
    }
    assert all(r["calculation"].endswith(f"= {r['points']}") for r in ours.values())

    ids = [r["hour_record_id"] for r in ours.values()]
    approval = {"hour_record_ids": ids, "request_id": rid()}
    decided = community_admin.post("/api/v1/admin/hours/approve", json=approval)
    assert decided.status_code == 200, decided.text
    body = decided.json()
    # Sent twice (a double click): the same answer, nothing paid twice.
    again = community_admin.post("/api/v1/admin/hours/approve", json=approval)
    assert again.status_code == 200 and again.json()["approved"] == body["approved"]
    assert sorted(r["points"] for r in body["approved"]) == [22, 37]
    assert [r["hour_record_id"] for r in body["held_back"]] == [flagged["hour_record_id"]]
    overridden = community_admin.post(
        "/api/v1/admin/hours/approve",
        json={
            "hour_record_ids": [flagged["hour_record_id"]],
            "override": True,
            "override_reason": "两项活动在同一地点，已电话核实",
            "request_id": rid(),
        },
    )
    assert [r["points"] for r in overridden.json()["approved"]] == [12]
    balances = {
        p: community_admin.get(f"/api/v1/admin/members/{p}").json()["record"]["available"] for p in (a, b, c)
    }
    # A: 1.5 h × 10 × 1.2 = 18 for the early shift, then the 12 shown for the flagged one.
    assert balances == {a: 18 + 12, b: 37, c: 22}


def test_an_admin_opens_the_check_in_screen_of_an_activity_someone_else_organises(
    site, street, community_admin
):
    home = communities(site)["张苏滩社区"]
    soon = plan(
        street,
        home,
        "签到屏幕：文明交通劝导",
        datetime.now(LOCAL) + timedelta(minutes=10),
        category="traffic",
    )
    # Planned by the street admin, who organises it: the community admin is an admin of its community.
    page = community_admin.get(f"/admin/activities/{soon['activity_id']}")
    assert f'href="/activities/{soon["activity_id"]}/screen"' in page.text
    screen = community_admin.get(f"/activities/{soon['activity_id']}/screen")
    assert screen.status_code == 200 and "签到屏幕：文明交通劝导" in screen.text


def test_an_admin_edits_an_activity_in_the_page_and_the_api(site, community_admin):
    home = communities(site)["张苏滩社区"]
    start = (datetime.now(LOCAL) + timedelta(days=4)).replace(hour=14, minute=0, second=0, microsecond=0)
    made = plan(community_admin, home, "修改测试：垃圾分类宣传", start, category="publicity", difficulty=1)
    form = community_admin.get(f"/admin/activities/{made['activity_id']}/edit")
    assert f'value="{local(start)}"' in form.text and "selected>宣传倡导" in form.text.replace(
        '"publicity" ', ""
    )

    later = start + timedelta(days=1)
    page = community_admin.post(
        f"/admin/activities/{made['activity_id']}/edit",
        data={
            "csrf_token": community_admin.headers["x-csrf-token"],
            "request_id": rid(),
            "title": "修改测试：垃圾分类入户宣传",
            "category": "publicity",
            "difficulty": "2",
            "place": "张苏滩社区 7 号楼",
            "capacity": "8",
            "start_time": local(later),
            "end_time": local(later + timedelta(hours=3)),
            "description": "",
        },
    )
    assert page.status_code == 303 and page.headers["location"] == f"/admin/activities/{made['activity_id']}"
    seen = community_admin.get(f"/api/v1/admin/activities/{made['activity_id']}").json()["activity"]
    assert (seen["title"], seen["difficulty"], seen["capacity"], seen["place"]) == (
        "修改测试：垃圾分类入户宣传",
        2,
        8,
        "张苏滩社区 7 号楼",
    )
    assert datetime.fromisoformat(seen["start_time"]) == later

    refused = community_admin.put(
        f"/api/v1/admin/activities/{made['activity_id']}",
        json={
            **{k: seen[k] for k in ("title", "category", "difficulty", "place")},
            "capacity": 8,
            "start_time": local(later),
            "end_time": local(later - timedelta(hours=1)),
            "request_id": rid(),
        },
    )
    assert refused.status_code == 422 and refused.json()["error"]["message"] == "结束时间须晚于开始时间"
    no_reason = community_admin.post(
        f"/api/v1/admin/activities/{made['activity_id']}/cancel", json={"reason": " ", "request_id": rid()}
    )
    assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "reason"
    after = community_admin.get(f"/api/v1/admin/activities/{made['activity_id']}").json()["activity"]
    assert (after["status"], datetime.fromisoformat(after["end_time"])) == (
        "scheduled",
        later + timedelta(hours=3),
    )
