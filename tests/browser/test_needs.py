"""The needs list on a laptop and a phone: a community admin posts a need, a partner unit's member
claims it for the unit, the admin closes it, and the volunteer sees the points with the need named."""

from __future__ import annotations

import pytest

import demo
from jifen.members.v1 import members_pb2 as m
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.town import COMMUNITY_ADMIN, Town
from tests.members_client import bearer, rid


def partner_member(site, town: Town, name: str, phone: str) -> None:
    """A resident of the admin's community who belongs to the partner unit 安居供热站."""
    street_admin = site.members.login(demo.ADMIN_PHONE, demo.PASSWORD)
    home = town.community_id()
    unit = next(
        o
        for o in site.members.directory.ListOrganizations(
            m.ListOrganizationsRequest(community_id=home), metadata=bearer(street_admin)
        ).organizations
        if o.name == "安居供热站"
    )
    member = site.members.register(name, phone, home, password=demo.PASSWORD)
    site.members.directory.AddOrganizationMember(
        m.AddOrganizationMemberRequest(
            request_id=rid(), organization_id=unit.organization_id, member_id=member.member_id
        ),
        metadata=bearer(street_admin),
    )


@pytest.mark.parametrize(
    ("viewport", "phone", "name"),
    [(DESKTOP, "13720001201", "吴国平"), (PHONE, "13720001202", "郑丽萍")],
    ids=["desktop", "phone"],
)
def test_an_admin_posts_a_need_a_partner_unit_claims_it_and_the_volunteer_sees_the_points(
    site, visitor, viewport, phone, name
):
    town = Town(site)
    partner_member(site, town, name, phone)
    title = f"{name}楼栋供热管道巡查"
    admin = visitor(f"needs-admin-{viewport['width']}", viewport)
    page = admin.log_in(COMMUNITY_ADMIN)
    admin.go("/admin/needs", "needs-admin")
    admin.follow(page.get_by_role("link", name="发布需求"), "need-new")
    page.fill("#title", title)
    page.fill("#place", "张苏滩社区 5 号楼")
    page.fill("#points", "25")
    page.fill("#wanted", "1")
    admin.follow(page.get_by_role("button", name="发布"), "need-posted")
    assert "需求已发布" in page.inner_text("main")
    need_path = page.url.split(site.url, 1)[1]

    member = visitor(f"needs-member-{viewport['width']}", viewport)
    mine = member.log_in(phone)
    member.go("/needs", "needs")
    member.follow(mine.get_by_role("link", name=title), "need")
    mine.select_option("#organization_id", label="代表 安居供热站 认领")
    member.follow(mine.get_by_role("button", name="我来认领"), "need-claimed")
    assert "已代表单位认领该需求" in mine.inner_text("main")
    assert "您已认领" in mine.inner_text("main")

    admin.go(need_path, "need-to-close")
    assert "代表 安居供热站" in page.inner_text("main")
    page.fill("#result", "已巡查，无漏水")
    admin.follow(page.get_by_role("button", name="办结"), "need-closed")
    assert "需求已办结，1 位志愿者获得积分" in page.inner_text("main")

    member.go("/statement", "statement-need")
    statement = mine.inner_text("main")
    assert f"需求办结：{title}" in statement and "+25" in statement
