"""Stories over gRPC against the members api on the real PostgreSQL and Redis."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
import sqlalchemy as sa
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from jifen.members.v1 import members_pb2 as m
from tests.members_client import PASSWORD, bearer, rid


def status_of(call) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as err:
        call()
    return err.value


def test_a_volunteer_registers_logs_in_and_reads_themself_back(town):
    client = town.client
    member = client.register("王秀兰", "138 0000 0011", town.home.community_id, town.home_grid.grid_id)
    token = client.login("13800000011")
    me = client.members.GetMember(
        m.GetMemberRequest(member_id=member.member_id), metadata=bearer(token)
    ).member
    assert (me.name, me.phone, me.community_id, me.grid_id) == (
        "王秀兰",
        "13800000011",
        town.home.community_id,
        town.home_grid.grid_id,
    )
    assert [r.role for r in me.roles] == [m.ROLE_VOLUNTEER]
    assert me.status == m.MEMBER_STATUS_ACTIVE


def test_a_duplicate_phone_is_already_exists_and_adds_no_one(town, pg_settings):
    town.client.register("王秀兰", "13800000011", town.home.community_id)
    # The admin is told; a stranger is answered as for a free phone (test_members_registration_abuse).
    err = status_of(
        lambda: town.client.register(
            "冒名者", "13800000011", town.other.community_id, metadata=bearer(town.admin_token)
        )
    )
    assert err.code() == grpc.StatusCode.ALREADY_EXISTS
    assert "手机号已注册" in err.details()
    engine = sa.create_engine(pg_settings.members_db_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from members where name = '冒名者'").scalar() == 0
    engine.dispose()


@pytest.mark.parametrize(
    ("name", "phone", "community", "field"),
    [
        ("王秀兰", "1380000", "home", "phone"),
        ("   ", "13800000011", "home", "name"),
        ("王秀兰", "13800000011", "nowhere", "community_id"),
    ],
)
def test_bad_registrations_are_invalid_argument_naming_the_field(town, name, phone, community, field):
    community_id = town.home.community_id if community == "home" else "01-no-such-community"
    err = status_of(lambda: town.client.register(name, phone, community_id))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.details().startswith(f"{field}: ")
    detail = error_details_pb2.BadRequest()
    rpc_status.from_call(err).details[0].Unpack(detail)
    assert detail.field_violations[0].field == field


def test_errors_come_in_english_when_the_client_asks(town):
    err = status_of(
        lambda: town.client.register(
            "王秀兰", "1380000", town.home.community_id, metadata=[("accept-language", "en-US")]
        )
    )
    assert err.details() == "phone: must be an 11-digit mainland China mobile number starting with 1"


def test_ten_wrong_passwords_lock_the_phone_for_a_while(town):
    town.client.register("王秀兰", "13800000011", town.home.community_id)
    codes = []
    for _ in range(10):
        codes.append(status_of(lambda: town.client.login("13800000011", "wrong-password")).code())
    assert codes[0] == grpc.StatusCode.UNAUTHENTICATED
    assert codes[-1] == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert (
        status_of(lambda: town.client.login("13800000011", PASSWORD)).code()
        == grpc.StatusCode.RESOURCE_EXHAUSTED
    )


def test_twenty_concurrent_retries_of_one_registration_make_one_member(town, pg_settings):
    request_id = rid()
    with ThreadPoolExecutor(20) as pool:
        ids = set(
            pool.map(
                lambda _: (
                    town.client.register(
                        "王秀兰",
                        "13800000011",
                        town.home.community_id,
                        request_id=request_id,
                        # The admin is shown the member: twenty logins at once would meet the login limit.
                        metadata=bearer(town.admin_token),
                    ).member_id
                ),
                range(20),
            )
        )
    assert len(ids) == 1
    engine = sa.create_engine(pg_settings.members_db_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from members where phone = '13800000011'").scalar() == 1
        events = sa.text("select count(*) from outbox where type = 'member.registered' and payload like :id")
        assert conn.execute(events, {"id": f"%{ids.pop()}%"}).scalar() == 1
    engine.dispose()


def test_a_deactivated_volunteer_cannot_log_in_until_reactivated(town):
    member = town.client.register("王秀兰", "13800000011", town.home.community_id)
    admin = bearer(town.admin_token)
    town.client.members.DeactivateMember(
        m.DeactivateMemberRequest(request_id=rid(), member_id=member.member_id, reason="搬离社区"),
        metadata=admin,
    )
    refused = status_of(lambda: town.client.login("13800000011"))
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED
    assert refused.details() == "账号已停用，请联系社区管理员"
    town.client.members.ReactivateMember(
        m.ReactivateMemberRequest(request_id=rid(), member_id=member.member_id), metadata=admin
    )
    assert town.client.login("13800000011")


def test_other_people_see_a_masked_phone(town):
    volunteer = town.client.register("王秀兰", "13800000011", town.home.community_id, town.home_grid.grid_id)
    worker = town.client.register("赵明", "13800000002", town.home.community_id, town.home_grid.grid_id)
    town.client.set_roles(
        town.admin_token,
        worker.member_id,
        m.RoleGrant(role=m.ROLE_VOLUNTEER),
        m.RoleGrant(role=m.ROLE_GRID_WORKER, grid_id=town.home_grid.grid_id),
    )
    seen = town.client.members.GetMember(
        m.GetMemberRequest(member_id=volunteer.member_id), metadata=bearer(town.client.login("13800000002"))
    ).member
    assert seen.phone == "138****0011"


def test_a_grid_worker_finds_an_elder_by_the_four_digits_a_masked_number_shows(town):
    elder = town.client.register("刘志强", "13800000014", town.home.community_id, town.home_grid.grid_id)
    town.client.register("刘志红", "13800000024", town.home.community_id, town.home_grid.grid_id)
    worker = town.client.register("赵明", "13800000002", town.home.community_id, town.home_grid.grid_id)
    town.client.set_roles(
        town.admin_token,
        worker.member_id,
        m.RoleGrant(role=m.ROLE_VOLUNTEER),
        m.RoleGrant(role=m.ROLE_GRID_WORKER, grid_id=town.home_grid.grid_id),
    )
    token = town.client.login("13800000002")

    def search(query: str) -> list[str]:
        request = m.ListMembersRequest(grid_id=town.home_grid.grid_id, query=query)
        return [x.member_id for x in town.client.members.ListMembers(request, metadata=bearer(token)).members]

    assert search("0014") == [elder.member_id]
    assert search("001") == []  # three digits are not the tail a masked number shows


def test_a_service_reads_a_community_by_id_and_lists_every_member_for_its_audit(town, pg_settings):
    from datetime import timedelta

    from jifen.caller import Caller
    from jifen.tokens import TokenIssuer

    client = town.client
    home = client.register("王秀兰", "13800000011", town.home.community_id)
    other = client.register("李建国", "13800000012", town.other.community_id)
    service = TokenIssuer.from_file(pg_settings.private_key_path, timedelta(hours=1)).issue(
        Caller(service="points")
    )[0]
    read = client.directory.GetCommunity(
        m.GetCommunityRequest(community_id=town.other.community_id), metadata=bearer(service)
    ).community
    assert (read.name, read.street_id) == ("天庆嘉园社区", town.street_id)
    missing = status_of(
        lambda: client.directory.GetCommunity(m.GetCommunityRequest(community_id="01-no-such-community"))
    )
    assert missing.code() == grpc.StatusCode.NOT_FOUND
    listed = client.members.ListMembers(m.ListMembersRequest(page_size=200), metadata=bearer(service))
    assert {home.member_id, other.member_id} <= {x.member_id for x in listed.members}
