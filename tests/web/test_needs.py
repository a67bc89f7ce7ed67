"""The needs list over HTTP: an admin posts a need, a partner unit's member claims it for the unit, the
admin closes it and the volunteer's statement names the need; the resource list and its figures."""

from __future__ import annotations

import re
import time

import demo
from jifen.members.v1 import members_pb2 as m
from tests.members_client import bearer, rid
from tests.web.people import signed_in

COMMUNITY_ADMIN = "13800000001"


def csrf(client) -> str:
    return client.headers["x-csrf-token"]


def partner_member(site, name: str, phone: str) -> str:
    """A resident of 张苏滩社区 who belongs to the partner unit 安居供热站; returns their member id."""
    street_admin = site.members.login(demo.ADMIN_PHONE, demo.PASSWORD)
    home = next(
        c
        for c in site.members.directory.ListCommunities(m.ListCommunitiesRequest()).communities
        if c.name == "张苏滩社区"
    )
    unit = next(
        o
        for o in site.members.directory.ListOrganizations(
            m.ListOrganizationsRequest(community_id=home.community_id), metadata=bearer(street_admin)
        ).organizations
        if o.name == "安居供热站"
    )
    member = site.members.register(name, phone, home.community_id, password=demo.PASSWORD)
    site.members.directory.AddOrganizationMember(
        m.AddOrganizationMemberRequest(
            request_id=rid(), organization_id=unit.organization_id, member_id=member.member_id
        ),
        metadata=bearer(street_admin),
    )
    return member.member_id


def eventually(check, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_need_is_posted_claimed_for_a_unit_closed_and_named_on_the_statement(site):
    admin = signed_in(site, COMMUNITY_ADMIN)
    partner_member(site, "周建军", "13900001201")
    member = signed_in(site, "13900001201")
    title = f"供热管道巡查 {rid()[:4]}"

    # A bad need is refused beside its field and keeps what was typed.
    bad = admin.post(
        "/admin/needs/new",
        data={"csrf_token": csrf(admin), "request_id": rid(), "title": title, "points": "-3", "wanted": "1"},
    )
    assert bad.status_code == 422 and "积分不能小于 0" in bad.text and f'value="{title}"' in bad.text

    posted = admin.post(
        "/admin/needs/new",
        data={
            "csrf_token": csrf(admin),
            "request_id": rid(),
            "title": title,
            "place": "张苏滩社区 5 号楼",
            "points": "25",
            "wanted": "1",
        },
    )
    assert posted.status_code == 303, posted.text
    need_path = posted.headers["location"]
    need_id = need_path.rsplit("/", 1)[1]
    assert title in admin.get("/admin/needs").text

    # The partner unit's member sees it, and may claim it for the unit.
    assert title in member.get("/needs").text
    page = eventually(
        lambda: (p := member.get(f"/needs/{need_id}")).status_code == 200 and "安居供热站" in p.text and p
    )
    shown = member.get(f"/needs/{need_id}")
    assert page, (shown.status_code, shown.text[-3000:])
    unit_id = re.search(r'<option value="([^"]+)">代表 安居供热站 认领', page.text).group(1)
    claimed = eventually(
        lambda: (
            member.post(
                f"/needs/{need_id}/claim",
                data={"csrf_token": csrf(member), "request_id": rid(), "organization_id": unit_id},
            ).status_code
            == 303
        )
    )
    assert claimed
    assert "代表 安居供热站" in admin.get(need_path).text

    # A volunteer who belongs to no unit finds every place taken.
    volunteer = signed_in(site, "13800000013")
    refused = volunteer.post(
        f"/needs/{need_id}/claim", data={"csrf_token": csrf(volunteer), "request_id": rid()}
    )
    assert refused.status_code == 409 and "名额已满" in refused.text

    closed = admin.post(
        f"{need_path}/close",
        data={"csrf_token": csrf(admin), "request_id": rid(), "result": "已巡查，无漏水"},
    )
    assert closed.status_code == 303
    again = admin.post(
        f"{need_path}/close", data={"csrf_token": csrf(admin), "request_id": rid(), "result": "再次办结"}
    )
    assert again.status_code == 409 and "已办结" in again.text
    statement = member.get("/statement").text
    assert f"需求办结：{title}" in statement and statement.count(f"需求办结：{title}") == 1

    # Reopened by the admin: the volunteer keeps their points, and no second award follows.
    reopened = admin.post(
        f"{need_path}/reopen", data={"csrf_token": csrf(admin), "request_id": rid(), "reason": "复查"}
    )
    assert reopened.status_code == 303
    assert "重新打开" in admin.get(need_path).text


def test_the_demo_shows_a_closed_need_one_a_unit_claimed_and_the_resource_list(site):
    admin = signed_in(site, COMMUNITY_ADMIN)
    listing = admin.get("/admin/needs").text
    assert "楼道堆物清理" in listing and "独居老人家暖气检修" in listing and "小区路灯不亮" in listing
    resources = admin.get("/admin/resources").text
    assert "冬季暖气免费检修" in resources and "安居供热站" in resources
    statement = signed_in(site, "13800000013").get("/statement").text
    assert "需求办结：楼道堆物清理" in statement


def test_the_resource_list_and_the_figures_and_a_volunteer_is_kept_out(site):
    admin = signed_in(site, COMMUNITY_ADMIN)
    saved = admin.post(
        "/admin/resources",
        data={
            "csrf_token": csrf(admin),
            "request_id": rid(),
            "unit_name": "安居供热站",
            "title": "冬季暖气检修",
        },
    )
    assert saved.status_code == 303
    page = admin.get("/admin/resources").text
    assert "冬季暖气检修" in page and "发现问题" in page
    missing = admin.post(
        "/admin/resources",
        data={"csrf_token": csrf(admin), "request_id": rid(), "unit_name": "", "title": "x"},
    )
    assert missing.status_code == 422
    volunteer = signed_in(site, "13800000012")
    assert "冬季暖气检修" in volunteer.get("/needs").text
    assert volunteer.get("/admin/needs").status_code == 403
    assert volunteer.get("/admin/resources").status_code == 403
