"""An admin's people actions with an in-memory members service: imports in batches that lose no
password and register nobody twice, and roles set without touching grants the page does not show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jifen.caller import ADMIN, Grant
from jifen.market.v1 import market_pb2 as kpb
from jifen.members.v1 import members_pb2 as mpb
from jifen.timestamps import to_timestamp
from services.gateway.service import admin_people
from services.gateway.service import views_people as vp
from services.gateway.service.errors import ActionError, Kind
from services.gateway.service.people_sheet import RawRow
from tests.unit.gateway.test_actions import NOW, services, session_of


class Members:
    """Grids 第一网格 of c1, members by phone, registration by request id as members keeps it."""

    def __init__(self, unavailable_phone: str = ""):
        self.by_request: dict[str, mpb.Member] = {}
        self.members: dict[str, mpb.Member] = {}
        self.unavailable_phone = unavailable_phone
        self.roles_set: list[list[mpb.RoleGrant]] = []

    def grids(self, who, community_id):
        return [mpb.Grid(grid_id="g1", community_id="c1", name="第一网格")]

    def member_page(self, who, community_id, grid_id, query, role, status, page_size, page_token=""):
        return mpb.ListMembersResponse(members=list(self.members.values()))

    def community(self, who, community_id):
        return mpb.Community(community_id=community_id, name="张苏滩社区")

    def register_volunteer(self, who, request_id, name, phone, password, community_id, grid_id):
        if phone == self.unavailable_phone:
            raise ActionError(Kind.UNAVAILABLE, "服务暂时不可用，请稍后再试")
        if request_id in self.by_request:
            return self.by_request[request_id]
        made = mpb.Member(
            member_id=f"m-{phone}",
            name=name,
            phone=phone,
            community_id=community_id,
            grid_id=grid_id,
            roles=[mpb.RoleGrant(role=mpb.ROLE_VOLUNTEER)],
            status=mpb.MEMBER_STATUS_ACTIVE,
            created_at=to_timestamp(NOW),
        )
        self.by_request[request_id] = self.members[phone] = made
        return made

    def member(self, who, member_id):
        return next(m for m in self.members.values() if m.member_id == member_id)

    def set_roles(self, who, request_id, member_id, roles):
        self.roles_set.append(list(roles))
        return self.member(who, member_id)


class Shops:
    def shops(self, who, community_id):
        return [kpb.Shop(shop_id="s1", community_id="c1", name="张苏滩积分超市")]


def admin():
    return session_of(Grant(ADMIN, community_id="c1"))


def rows(count: int, first: int = 13700000500) -> list[RawRow]:
    return [RawRow(n + 2, f"志愿者{n}", str(first + n), "第一网格") for n in range(count)]


def test_a_long_import_goes_in_batches_and_each_batch_shows_its_own_passwords():
    members = Members()
    found = services(members=members)
    result, left = admin_people.run_import(found, admin(), "c1", rows(3), budget_seconds=0)
    assert [r.phone for r in result.registered] == ["13700000500"]
    assert result.remaining == 2 and [r.phone for r in left] == ["13700000501", "13700000502"]
    assert result.registered[0].initial_password

    result, left = admin_people.run_import(found, admin(), "c1", left)
    assert [r.phone for r in result.registered] == ["13700000501", "13700000502"] and left == []
    assert len(members.members) == 3


def test_a_batch_cut_off_by_members_keeps_what_it_registered_and_the_rest_for_later():
    members = Members(unavailable_phone="13700000501")
    found = services(members=members)
    result, left = admin_people.run_import(found, admin(), "c1", rows(3))
    assert [r.phone for r in result.registered] == ["13700000500"]
    assert result.interrupted == "服务暂时不可用，请稍后再试"
    assert [r.phone for r in left] == ["13700000501", "13700000502"] and result.remaining == 2


def test_a_row_registered_by_an_earlier_run_is_reported_without_a_password_it_never_had():
    members = Members()
    earlier = services(members=members)
    earlier.clock = lambda: NOW
    admin_people.run_import(earlier, admin(), "c1", rows(1))
    members.members.clear()  # as if the preview was read before that run registered the row
    later = services(members=members)
    later.clock = lambda: NOW + timedelta(minutes=5)
    result, _ = admin_people.run_import(later, admin(), "c1", rows(1))
    assert result.registered == []
    assert result.not_registered[0].error == "已注册：该手机号已是本社区成员"
    assert result.not_registered[0].initial_password == ""


def test_roles_keep_an_admin_grant_of_another_community_and_only_take_shops_of_the_members_own():
    members = Members()
    member = members.register_volunteer(None, "r1", "王一", "13700000600", "x" * 10, "c1", "g1")
    member.roles.append(mpb.RoleGrant(role=mpb.ROLE_ADMIN, community_id="c2"))
    found = services(members=members, market=Shops())
    with pytest.raises(ActionError) as refused:
        admin_people.set_roles(
            found,
            admin(),
            member.member_id,
            vp.Roles(volunteer=True, shop_id="s9", grid_id="", admin=False),
            "r2",
        )
    assert refused.value.kind is Kind.INVALID and refused.value.field == "shop_id"
    assert members.roles_set == []

    roles = vp.Roles(volunteer=True, shop_id="s1", grid_id="g1", admin=False)
    admin_people.set_roles(found, admin(), member.member_id, roles, "r3")
    assert [(g.role, g.community_id, g.shop_id, g.grid_id) for g in members.roles_set[0]] == [
        (mpb.ROLE_ADMIN, "c2", "", ""),
        (mpb.ROLE_VOLUNTEER, "", "", ""),
        (mpb.ROLE_STAFF, "", "s1", ""),
        (mpb.ROLE_GRID_WORKER, "", "", "g1"),
    ]


def test_an_admin_may_not_import_into_a_community_they_do_not_look_after():
    with pytest.raises(ActionError) as refused:
        admin_people.run_import(services(members=Members()), admin(), "c2", rows(1))
    assert refused.value.kind is Kind.FORBIDDEN


def test_the_export_is_named_after_the_community_and_the_local_day():
    members = Members()
    members.register_volunteer(None, "r1", "王一", "13700000700", "x" * 10, "c1", "g1")
    late = services(members=members)
    late.clock = lambda: datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # already 1 December in Beijing
    _, name = admin_people.export(late, admin(), "c1")
    assert name == "张苏滩社区人员名单-20261201.xlsx"


def test_an_admin_cannot_take_their_own_admin_role():
    members = Members()
    me = members.register_volunteer(None, "r1", "孙丽娟", "13700000601", "x" * 10, "c1", "g1")
    me.roles.append(mpb.RoleGrant(role=mpb.ROLE_ADMIN, community_id="c1"))
    session = admin()
    mine = mpb.Member()
    mine.CopyFrom(me)
    mine.member_id = session.member_id
    members.members["13700000601"] = mine
    found = services(members=members, market=Shops())
    with pytest.raises(ActionError) as refused:
        admin_people.set_roles(
            found,
            session,
            session.member_id,
            vp.Roles(volunteer=True, shop_id="", grid_id="", admin=False),
            "r2",
        )
    assert refused.value.message == "不能取消自己的管理员角色" and members.roles_set == []
