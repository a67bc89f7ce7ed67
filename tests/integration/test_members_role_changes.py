"""The role-change audit trail on the real PostgreSQL: roles set, deactivations and reactivations
done through the RPCs are read back with who, whom, before → after, when and why; another
community's admin is refused (PERMISSION_DENIED)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
import sqlalchemy as sa

from jifen.members.v1 import members_pb2 as m
from jifen.timestamps import to_timestamp
from tests.members_client import bearer, rid

VOLUNTEER = m.RoleGrant(role=m.ROLE_VOLUNTEER)


def admin_of(town, community_id, name, phone):
    member = town.client.register(name, phone, community_id)
    appointed = m.RoleGrant(role=m.ROLE_ADMIN, community_id=community_id)
    town.client.set_roles(town.admin_token, member.member_id, appointed)
    return member.member_id, bearer(town.client.login(phone))


def changes(town, metadata, **fields):
    return town.client.members.ListRoleChanges(m.ListRoleChangesRequest(**fields), metadata=metadata)


def roles(grants):
    return [(g.role, g.community_id, g.grid_id) for g in grants]


def test_an_admin_reads_who_changed_whose_roles_and_standing_when_and_why(town):
    home = town.home.community_id
    admin_id, admin = admin_of(town, home, "社区管理员", "13800000001")
    started = datetime.now(UTC) - timedelta(seconds=1)
    member = town.client.register("王秀兰", "13800000011", home, town.home_grid.grid_id).member_id
    grid_worker = m.RoleGrant(role=m.ROLE_GRID_WORKER, grid_id=town.home_grid.grid_id)
    town.client.members.SetRoles(
        m.SetRolesRequest(request_id=rid(), member_id=member, roles=[VOLUNTEER, grid_worker]), metadata=admin
    )
    town.client.members.DeactivateMember(
        m.DeactivateMemberRequest(request_id=rid(), member_id=member, reason="搬离社区"), metadata=admin
    )
    town.client.members.ReactivateMember(
        m.ReactivateMemberRequest(request_id=rid(), member_id=member, reason="搬回本社区"), metadata=admin
    )

    found = [c for c in changes(town, admin, community_id=home).role_changes if c.member_id == member]

    assert [(c.kind, c.actor_id, c.reason) for c in found] == [
        (m.ROLE_CHANGE_KIND_REACTIVATED, admin_id, "搬回本社区"),
        (m.ROLE_CHANGE_KIND_DEACTIVATED, admin_id, "搬离社区"),
        (m.ROLE_CHANGE_KIND_ROLES_SET, admin_id, ""),
    ]
    roles_set = found[-1]
    assert roles(roles_set.roles_before) == [(m.ROLE_VOLUNTEER, "", "")]
    assert sorted(roles(roles_set.roles_after)) == sorted(
        [(m.ROLE_VOLUNTEER, "", ""), (m.ROLE_GRID_WORKER, "", town.home_grid.grid_id)]
    )
    assert all(c.community_id == home for c in found)
    now = datetime.now(UTC)
    assert all(started <= c.occurred_at.ToDatetime(tzinfo=UTC) <= now for c in found)
    # The admin's own appointment by the street admin is in the trail too.
    appointed = [c for c in changes(town, admin).role_changes if c.member_id == admin_id]
    assert [roles(c.roles_after) for c in appointed] == [[(m.ROLE_ADMIN, home, "")]]


def test_role_changes_filter_by_kind_and_window_and_page_newest_first(town):
    home = town.home.community_id
    _, admin = admin_of(town, home, "社区管理员", "13800000001")
    member = town.client.register("王秀兰", "13800000011", home).member_id
    for reason in ("请假一", "请假二"):
        town.client.members.DeactivateMember(
            m.DeactivateMemberRequest(request_id=rid(), member_id=member, reason=reason), metadata=admin
        )
        town.client.members.ReactivateMember(
            m.ReactivateMemberRequest(request_id=rid(), member_id=member), metadata=admin
        )

    deactivations = changes(town, admin, kinds=[m.ROLE_CHANGE_KIND_DEACTIVATED]).role_changes
    assert [c.reason for c in deactivations] == ["请假二", "请假一"]
    later = to_timestamp(datetime.now(UTC) + timedelta(hours=1))
    assert list(changes(town, admin, created_after=later).role_changes) == []

    everything = list(changes(town, admin, community_id=home).role_changes)
    paged, token = [], ""
    while True:
        page = changes(town, admin, community_id=home, page_size=2, page_token=token)
        paged.extend(page.role_changes)
        token = page.next_page_token
        if not token:
            break
    assert [c.role_change_id for c in paged] == [c.role_change_id for c in everything]
    assert len(everything) == 5  # the admin's appointment and the four changes


def test_another_communitys_admin_is_refused_and_the_street_admin_sees_it(town):
    home, other = town.home.community_id, town.other.community_id
    _, admin = admin_of(town, home, "社区管理员", "13800000001")
    _, other_admin = admin_of(town, other, "隔壁管理员", "13800000002")
    member = town.client.register("王秀兰", "13800000011", home).member_id
    town.client.members.DeactivateMember(
        m.DeactivateMemberRequest(request_id=rid(), member_id=member, reason="搬离社区"), metadata=admin
    )

    with pytest.raises(grpc.RpcError) as refused:
        changes(town, other_admin, community_id=home)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert all(c.member_id != member for c in changes(town, other_admin).role_changes)
    street = changes(town, bearer(town.admin_token), community_id=home).role_changes
    assert any(c.member_id == member and c.reason == "搬离社区" for c in street)


def test_a_refused_role_change_leaves_no_trace_in_the_history(town, pg_settings):
    home = town.home.community_id
    _, other_admin = admin_of(town, town.other.community_id, "隔壁管理员", "13800000002")
    member = town.client.register("王秀兰", "13800000011", home).member_id
    engine = sa.create_engine(pg_settings.members_db_url)
    with engine.connect() as conn:
        before = conn.exec_driver_sql("select count(*) from role_changes").scalar()
    with pytest.raises(grpc.RpcError):
        town.client.members.DeactivateMember(
            m.DeactivateMemberRequest(request_id=rid(), member_id=member, reason="越权"), metadata=other_admin
        )
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from role_changes").scalar() == before
    engine.dispose()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kinds": [42]}, "kinds"),
        ({"page_size": -5}, "page_size"),
        ({"page_token": "garbage"}, "page_token"),
        (
            {
                "created_after": to_timestamp(datetime.now(UTC)),
                "created_before": to_timestamp(datetime.now(UTC) - timedelta(days=1)),
            },
            "created_before",
        ),
    ],
)
def test_a_bad_role_change_query_is_invalid_argument_naming_the_field(town, fields, field):
    _, admin = admin_of(town, town.home.community_id, "社区管理员", "13800000001")
    with pytest.raises(grpc.RpcError) as refused:
        changes(town, admin, **fields)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details().startswith(f"{field}: ")


def test_a_reactivation_reason_over_200_characters_is_refused(town):
    home = town.home.community_id
    _, admin = admin_of(town, home, "社区管理员", "13800000001")
    member = town.client.register("王秀兰", "13800000011", home).member_id
    town.client.members.DeactivateMember(
        m.DeactivateMemberRequest(request_id=rid(), member_id=member, reason="搬离社区"), metadata=admin
    )
    with pytest.raises(grpc.RpcError) as refused:
        town.client.members.ReactivateMember(
            m.ReactivateMemberRequest(request_id=rid(), member_id=member, reason="长" * 201), metadata=admin
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details().startswith("reason: ")
