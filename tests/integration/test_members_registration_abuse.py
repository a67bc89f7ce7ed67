"""Registration, phone search and request ids against the real PostgreSQL and Redis, through the api."""

from __future__ import annotations

import grpc
import pytest
import sqlalchemy as sa
from alembic import command

from jifen import migrations
from jifen.members.v1 import members_pb2 as m
from services.members import bootstrap as members_bootstrap
from tests.integration.rpc_errors import code_of
from tests.members_client import PASSWORD, bearer, rid
from tests.servers import drop_database, fresh_database

LIMIT = 3


@pytest.fixture
def pg_settings(pg_settings):
    """A small per-address registration limit, so a burst meets it quickly."""
    return pg_settings.model_copy(update={"registration_max_per_client": LIMIT})


def register(town, phone, token="", request_id="", community_id=""):
    request = m.RegisterVolunteerRequest(
        request_id=request_id or rid(),
        name="王秀兰",
        phone=phone,
        password=PASSWORD,
        community_id=community_id or town.home.community_id,
        grid_id=town.home_grid.grid_id if not community_id else "",
    )
    return town.client.members.RegisterVolunteer(request, metadata=bearer(token) if token else None)


def test_a_burst_of_registrations_from_one_address_is_throttled(town):
    for n in range(LIMIT):
        register(town, f"1380000020{n}")
    assert code_of(lambda: register(town, "13800000209")) == grpc.StatusCode.RESOURCE_EXHAUSTED
    # Only the ones let through were made; the admin at the desk goes on registering residents.
    assert register(town, "13800000210", town.admin_token).member.phone == "13800000210"
    listed = town.client.members.ListMembers(
        m.ListMembersRequest(community_id=town.home.community_id), metadata=bearer(town.admin_token)
    ).members
    assert sorted(x.phone for x in listed) == [*(f"1380000020{n}" for n in range(LIMIT)), "13800000210"]


def test_a_taken_phone_answers_a_stranger_exactly_as_a_free_one_does(town):
    free = register(town, "13800000301")
    taken = register(town, "13800000301")
    assert free.SerializeToString() == taken.SerializeToString() == b""
    told = code_of(lambda: register(town, "13800000301", town.admin_token))
    assert told == grpc.StatusCode.ALREADY_EXISTS
    # The newcomer carries on by logging in; the stranger's password opens nothing.
    assert town.client.login("13800000301")


def set_registration(town, token, value, community_id=""):
    return town.client.directory.SetSelfRegistration(
        m.SetSelfRegistrationRequest(
            request_id=rid(), community_id=community_id or town.home.community_id, self_registration=value
        ),
        metadata=bearer(token),
    )


def test_a_community_registering_its_people_through_its_admin_refuses_self_registration(town):
    community = set_registration(town, town.admin_token, m.SELF_REGISTRATION_BY_ADMIN).community
    assert community.self_registration == m.SELF_REGISTRATION_BY_ADMIN
    shown = town.client.directory.GetCommunity(m.GetCommunityRequest(community_id=community.community_id))
    assert shown.community.self_registration == m.SELF_REGISTRATION_BY_ADMIN
    with pytest.raises(grpc.RpcError) as err:
        register(town, "13800000401")
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION and "管理员" in err.value.details()
    assert register(town, "13800000401", town.admin_token).member.community_id == community.community_id
    # The other community still takes self-registration.
    assert register(town, "13800000402", community_id=town.other.community_id) is not None


@pytest.mark.parametrize(
    ("value", "community_id", "code"),
    [
        (m.SELF_REGISTRATION_UNSPECIFIED, "", grpc.StatusCode.INVALID_ARGUMENT),
        (7, "", grpc.StatusCode.INVALID_ARGUMENT),
        (m.SELF_REGISTRATION_BY_ADMIN, "nowhere", grpc.StatusCode.NOT_FOUND),
    ],
)
def test_bad_registration_settings_are_refused_and_change_nothing(town, value, community_id, code):
    assert code_of(lambda: set_registration(town, town.admin_token, value, community_id)) == code
    shown = town.client.directory.GetCommunity(m.GetCommunityRequest(community_id=town.home.community_id))
    assert shown.community.self_registration == m.SELF_REGISTRATION_OPEN


def grid_worker_token(town) -> str:
    worker = register(town, "13800000501", town.admin_token).member
    town.client.set_roles(
        town.admin_token,
        worker.member_id,
        m.RoleGrant(role=m.ROLE_VOLUNTEER),
        m.RoleGrant(role=m.ROLE_GRID_WORKER, grid_id=town.home_grid.grid_id),
    )
    return town.client.login("13800000501")


def search(town, token, query):
    found = town.client.members.ListMembers(m.ListMembersRequest(query=query), metadata=bearer(token))
    return [(x.name, x.phone) for x in found.members]


def test_a_grid_worker_cannot_confirm_a_whole_phone_number_an_admin_still_finds(town):
    register(town, "13800000511", town.admin_token)
    worker = grid_worker_token(town)
    assert search(town, worker, "13800000511") == []
    assert search(town, worker, "0511") == [("王秀兰", "138****0511")]
    assert search(town, town.admin_token, "13800000511") == [("王秀兰", "13800000511")]


def test_two_callers_sending_the_same_request_id_each_get_their_own_result(town):
    home_admin = register(town, "13800000601", town.admin_token).member
    town.client.set_roles(
        town.admin_token,
        home_admin.member_id,
        m.RoleGrant(role=m.ROLE_ADMIN, community_id=town.home.community_id),
    )
    shared = rid()

    def create_grid(token, name):
        request = m.CreateGridRequest(request_id=shared, community_id=town.home.community_id, name=name)
        return town.client.directory.CreateGrid(request, metadata=bearer(token)).grid

    mine = create_grid(town.client.login("13800000601"), "第二网格")
    theirs = create_grid(town.admin_token, "第三网格")
    assert mine.grid_id != theirs.grid_id and (mine.name, theirs.name) == ("第二网格", "第三网格")
    # Each caller's own retry still answers from their first result.
    assert create_grid(town.admin_token, "第三网格").grid_id == theirs.grid_id


def test_members_databases_from_before_keep_their_communities_open_to_self_registration(pg_settings):
    url = fresh_database("members")
    try:
        config = migrations.config(members_bootstrap.MIGRATIONS, url)
        command.upgrade(config, "0002")
        engine = sa.create_engine(url)
        with engine.begin() as db:
            db.execute(sa.text("INSERT INTO streets (id, name, created_at) VALUES ('st', '雁南街道', now())"))
            db.execute(
                sa.text(
                    "INSERT INTO communities (id, street_id, name, address, created_at)"
                    " VALUES ('co', 'st', '社区', '', now())"
                )
            )
        command.upgrade(config, "head")
        with engine.begin() as db:
            assert db.execute(sa.text("SELECT self_registration FROM communities")).scalar() == "open"
        engine.dispose()
    finally:
        drop_database(url)
