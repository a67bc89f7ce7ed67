"""The members repositories' contract: what the use cases rely on, answered alike by the in-memory fakes
(tests/unit/members/fakes.py) and the SQL repositories on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from jifen.caller import ADMIN, GRID_WORKER, STAFF, VOLUNTEER, Grant
from jifen.errors import Conflict
from services.members import bootstrap as members_bootstrap
from services.members.adapters.unit_of_work import MembersUnitOfWork
from services.members.domain.directory import BY_ADMIN, Community, Grid, Organization, Street
from services.members.domain.member import Member
from services.members.domain.role_change import DEACTIVATED, ROLES_SET, RoleChange, RoleChangeFilter
from services.members.domain.sessions import RefreshToken
from tests.integration.repository_backends import (
    BACKENDS,
    check_idempotency_records,
    committed,
    units_of_work,
)

# The filters and rows the ports define, taken where the fakes take them from: the ports' modules move
# with the services' layout, the fakes follow them.
from tests.unit.members.fakes import FakeUnitOfWork, MemberFilter

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
STREET = Street("st-1", "雁南街道", NOW)
HOME = Community("co-a", "st-1", "张苏滩社区", "张苏滩路 1 号", NOW)
OTHER = Community("co-b", "st-1", "天庆嘉园社区", "", NOW)
GRID = Grid("gr-a1", "co-a", "第一网格", NOW)
OTHER_GRID = Grid("gr-b1", "co-b", "第一网格", NOW)


@pytest.fixture(params=BACKENDS)
def uow(request, tmp_path):
    with units_of_work(
        request.param, tmp_path, "members", members_bootstrap.MIGRATIONS, MembersUnitOfWork, FakeUnitOfWork
    ) as factory:
        with committed(factory) as tx:
            tx.directory.add_street(STREET)
            for community in (HOME, OTHER):
                tx.directory.add_community(community)
            for grid in (GRID, OTHER_GRID):
                tx.directory.add_grid(grid)
        yield factory


def member(member_id: str, phone: str, community: Community = HOME, **changes) -> Member:
    found = Member(
        id=member_id,
        name=f"成员{member_id}",
        phone=phone,
        password_hash="argon2$hash",
        community_id=community.id,
        street_id=community.street_id,
        grid_id=GRID.id if community is HOME else OTHER_GRID.id,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(found, **changes)


# --- members ---


def test_a_member_is_added_once_per_id_and_per_phone_and_found_by_either(uow):
    wang = member("m-1", "13800000011", grants=(Grant(VOLUNTEER), Grant(STAFF, shop_id="shop-1")))
    with committed(uow) as tx:
        tx.members.add(wang)
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.members.add(member("m-1", "13800000012"))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.members.add(member("m-2", "13800000011"))
    # Roles come back in one order, whatever order they were written in.
    stored = replace(wang, grants=(Grant(STAFF, shop_id="shop-1"), Grant(VOLUNTEER)))
    with uow() as tx:
        assert tx.members.get("m-1") == stored
        assert tx.members.get("m-1", lock=True) == stored
        assert tx.members.by_phone("13800000011") == stored
        assert tx.members.get("m-2") is None and tx.members.by_phone("13800000012") is None


def test_a_save_replaces_the_member_and_its_roles(uow):
    with committed(uow) as tx:
        tx.members.add(member("m-1", "13800000011"))
    saved = member(
        "m-1",
        "13800000011",
        OTHER,
        name="王秀兰",
        grants=(Grant(VOLUNTEER), Grant(GRID_WORKER, grid_id=OTHER_GRID.id)),
        status="deactivated",
        deactivation_reason="搬离",
        proxy_redemption_refused=True,
        updated_at=NOW + timedelta(days=1),
    )
    with committed(uow) as tx:
        tx.members.save(saved)
    with uow() as tx:
        assert tx.members.get("m-1") == replace(
            saved, grants=(Grant(GRID_WORKER, grid_id=OTHER_GRID.id), Grant(VOLUNTEER))
        )


def test_members_join_an_organization_once_and_carry_it(uow):
    organization = Organization("org-1", "安居供热站", "enterprise", HOME.id, HOME.street_id, created_at=NOW)
    with committed(uow) as tx:
        tx.directory.add_organization(organization)
        tx.directory.add_organization(replace(organization, id="org-2", name="雁南志愿队"))
        tx.members.add(member("m-1", "13800000011"))
    with committed(uow) as tx:
        assert tx.members.join_organization("org-2", "m-1", NOW) is True
        assert tx.members.join_organization("org-1", "m-1", NOW) is True
        assert tx.members.join_organization("org-1", "m-1", NOW) is False
    with uow() as tx:
        assert tx.members.get("m-1").organization_ids == ("org-1", "org-2")
        assert tx.members.by_phone("13800000011").organization_ids == ("org-1", "org-2")
        assert tx.members.list(MemberFilter(), 0, 10)[0].organization_ids == ("org-1", "org-2")


def test_members_are_listed_by_id_within_their_scope_and_filters(uow):
    with committed(uow) as tx:
        tx.members.add(member("m-3", "13800000033", name="王秀兰"))
        tx.members.add(
            member("m-1", "13800000011", name="李建国", grants=(Grant(ADMIN, community_id=HOME.id),))
        )
        tx.members.add(member("m-2", "13800001234", OTHER, name="王强"))
        tx.members.add(member("m-4", "13900000044", name="赵敏", grid_id="", status="deactivated"))

    def listed(offset=0, limit=10, **where):
        return [m.id for m in tx.members.list(MemberFilter(**where), offset, limit)]

    with uow() as tx:
        assert listed() == ["m-1", "m-2", "m-3", "m-4"]
        assert listed(1, 2) == ["m-2", "m-3"]
        assert listed(community_ids=(OTHER.id,)) == ["m-2"]
        assert listed(street_ids=("st-1",)) == ["m-1", "m-2", "m-3", "m-4"]
        assert listed(community_ids=(OTHER.id,), street_ids=("st-none",)) == ["m-2"]
        assert listed(grid_id=GRID.id) == ["m-1", "m-3"]
        assert listed(status="deactivated") == ["m-4"]
        assert listed(role=ADMIN) == ["m-1"]
        assert listed(role=VOLUNTEER) == ["m-2", "m-3", "m-4"]
        assert listed(query="王") == ["m-2", "m-3"]
        # The last four digits match; a whole number only for a caller who sees whole numbers.
        assert listed(query="1234") == ["m-2"]
        assert listed(query="13900000044") == []
        assert listed(query="13900000044", whole_phone=True) == ["m-4"]


# --- the directory: streets, communities, grids, organizations ---


def test_streets_communities_and_grids_are_found_by_id_and_by_name_and_listed(uow):
    with committed(uow) as tx:
        tx.directory.add_street(Street("st-0", "南湖街道", NOW))
        tx.directory.add_community(Community("co-z", "st-0", "南湖社区", "", NOW))
    with uow() as tx:
        assert tx.directory.street("st-1") == STREET and tx.directory.street("none") is None
        assert tx.directory.street_by_name("雁南街道") == STREET
        assert tx.directory.street_by_name("无名街道") is None
        assert [s.id for s in tx.directory.streets(0, 10)] == ["st-0", "st-1"]
        assert [s.id for s in tx.directory.streets(1, 1)] == ["st-1"]
        assert tx.directory.community("co-a") == HOME and tx.directory.community("none") is None
        assert tx.directory.community_named("st-1", "天庆嘉园社区") == OTHER
        assert tx.directory.community_named("st-0", "天庆嘉园社区") is None
        assert [c.id for c in tx.directory.communities("st-1", 0, 10)] == ["co-a", "co-b"]
        assert [c.id for c in tx.directory.communities("", 1, 5)] == ["co-b", "co-z"]
        assert tx.directory.grid("gr-a1") == GRID and tx.directory.grid("none") is None
        assert tx.directory.grid_named("co-b", "第一网格") == OTHER_GRID
        assert tx.directory.grid_named("co-z", "第一网格") is None
        assert [g.id for g in tx.directory.grids("co-a", 0, 10)] == ["gr-a1"]
        assert [g.id for g in tx.directory.grids("", 0, 10)] == ["gr-a1", "gr-b1"]


def test_names_are_unique_where_the_tables_say(uow):
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.directory.add_street(Street("st-2", "雁南街道", NOW))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.directory.add_community(Community("co-c", "st-1", "张苏滩社区", "", NOW))
    with pytest.raises(Conflict), committed(uow) as tx:
        tx.directory.add_grid(Grid("gr-a2", "co-a", "第一网格", NOW))
    with uow() as tx:
        assert tx.directory.street("st-2") is None
        assert tx.directory.community("co-c") is None
        assert tx.directory.grid("gr-a2") is None


def test_a_community_saves_whether_people_may_register_themselves(uow):
    with committed(uow) as tx:
        tx.directory.save_community(replace(HOME, self_registration=BY_ADMIN))
    with uow() as tx:
        assert tx.directory.community("co-a") == replace(HOME, self_registration=BY_ADMIN)


def test_organizations_are_listed_by_scope_with_their_member_counts(uow):
    heating = Organization("org-1", "安居供热站", "enterprise", HOME.id, HOME.street_id, "刘师傅", "", 0, NOW)
    team = Organization("org-2", "雁南志愿队", "team", "", "st-1", created_at=NOW)
    with committed(uow) as tx:
        tx.directory.add_organization(team)
        tx.directory.add_organization(heating)
        tx.members.add(member("m-1", "13800000011"))
        tx.members.add(member("m-2", "13800000022"))
        tx.members.join_organization("org-1", "m-1", NOW)
        tx.members.join_organization("org-1", "m-2", NOW)
    with uow() as tx:
        assert tx.directory.organization("org-1") == replace(heating, member_count=2)
        assert tx.directory.organization("none") is None
        assert [(o.id, o.member_count) for o in tx.directory.organizations("", "", 0, 10)] == [
            ("org-1", 2),
            ("org-2", 0),
        ]
        assert [o.id for o in tx.directory.organizations(HOME.id, "", 0, 10)] == ["org-1"]
        assert [o.id for o in tx.directory.organizations("", "st-1", 1, 1)] == ["org-2"]


# --- refresh tokens ---


def token(token_hash: str, family_id: str = "fam-1", member_id: str = "m-1", days: int = 30, **changes):
    found = RefreshToken(token_hash, family_id, member_id, NOW, NOW + timedelta(days=days))
    return replace(found, **changes)


def test_a_refresh_token_is_used_once_and_a_family_or_member_ends_once(uow):
    with committed(uow) as tx:
        tx.members.add(member("m-1", "13800000011"))
        tx.members.add(member("m-2", "13800000022"))
        tx.refresh_tokens.add(token("t-1"))
        tx.refresh_tokens.add(token("t-2"))
        tx.refresh_tokens.add(token("t-3", "fam-2"))
        tx.refresh_tokens.add(token("t-4", "fam-3", "m-2"))
    later = NOW + timedelta(hours=1)
    with committed(uow) as tx:
        assert tx.refresh_tokens.get("t-1") == token("t-1")
        assert tx.refresh_tokens.get("none") is None
        assert tx.refresh_tokens.use("t-1", later) is True
        assert tx.refresh_tokens.use("t-1", later) is False
        assert tx.refresh_tokens.use("none", later) is False
        tx.refresh_tokens.revoke_family("fam-1", later)
        tx.refresh_tokens.revoke_family("fam-1", later + timedelta(hours=1))
        assert tx.refresh_tokens.use("t-2", later) is False
    with committed(uow) as tx:
        tx.refresh_tokens.revoke_member("m-1", later + timedelta(hours=2))
    with uow() as tx:
        assert tx.refresh_tokens.get("t-1") == token("t-1", used_at=later, revoked_at=later)
        assert tx.refresh_tokens.get("t-2") == token("t-2", revoked_at=later)
        assert tx.refresh_tokens.get("t-3") == token("t-3", "fam-2", revoked_at=later + timedelta(hours=2))
        assert tx.refresh_tokens.get("t-4") == token("t-4", "fam-3", "m-2")


def test_expired_refresh_tokens_of_a_member_are_forgotten(uow):
    with committed(uow) as tx:
        tx.members.add(member("m-1", "13800000011"))
        tx.members.add(member("m-2", "13800000022"))
        tx.refresh_tokens.add(token("t-1", days=1))
        tx.refresh_tokens.add(token("t-2", days=30))
        tx.refresh_tokens.add(token("t-3", "fam-2", "m-2", days=1))
    with committed(uow) as tx:
        tx.refresh_tokens.forget_expired("m-1", NOW + timedelta(days=1))
    with uow() as tx:
        assert tx.refresh_tokens.get("t-1") is None
        assert tx.refresh_tokens.get("t-2") == token("t-2", days=30)
        assert tx.refresh_tokens.get("t-3") == token("t-3", "fam-2", "m-2", days=1)


# --- role changes ---


def change(change_id: str, minutes: int = 0, kind: str = ROLES_SET, **changes) -> RoleChange:
    found = RoleChange(
        change_id,
        kind,
        "m-1",
        HOME.id,
        HOME.street_id,
        "admin-a",
        NOW + timedelta(minutes=minutes),
        (Grant(VOLUNTEER),),
        (Grant(VOLUNTEER), Grant(STAFF, shop_id="shop-1")),
        "店员",
    )
    return replace(found, **changes)


def test_role_changes_are_listed_newest_first_per_community_and_kind(uow):
    with committed(uow) as tx:
        tx.role_changes.add(change("c-1", 1))
        tx.role_changes.add(change("c-2", 2, DEACTIVATED, roles_before=(), roles_after=(), reason="搬离"))
        tx.role_changes.add(change("c-3", 3, community_id=OTHER.id))
        tx.role_changes.add(change("c-4", 4))

    def listed(offset=0, limit=10, community_id=HOME.id, **where):
        return [c.id for c in tx.role_changes.list(RoleChangeFilter(community_id, **where), offset, limit)]

    with uow() as tx:
        assert tx.role_changes.list(RoleChangeFilter(HOME.id), 2, 1) == [change("c-1", 1)]
        assert listed() == ["c-4", "c-2", "c-1"]
        assert listed(1, 1) == ["c-2"]
        assert listed(community_id=OTHER.id) == ["c-3"]
        assert listed(kinds=(ROLES_SET,)) == ["c-4", "c-1"]
        between = dict(created_after=NOW + timedelta(minutes=2), created_before=NOW + timedelta(minutes=4))
        assert listed(**between) == ["c-2"]


# --- the idempotency records every use case keeps ---


def test_an_idempotency_record_is_found_by_operation_and_request_and_written_once(uow):
    check_idempotency_records(uow, "members.RegisterVolunteer", "members.SetRoles", {"member_id": "m-1"})
