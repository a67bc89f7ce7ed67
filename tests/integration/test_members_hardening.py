"""What a careless or hostile client can send, answered with a clear status and no change."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
import sqlalchemy as sa

from jifen.caller import ADMIN, ANONYMOUS, Caller, Grant
from jifen.members.v1 import members_pb2 as m
from jifen.tables import IDEMPOTENCY_KEYS, OUTBOX
from services.members.adapters import tables
from services.members.entrypoints.policy import DESCRIPTORS, POLICY
from tests.members_client import PASSWORD, bearer, rid
from tests.undecodable import refusals_of_undecodable_requests


def code_of(call) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.RpcError) as err:
        call()
    return err.value.code(), err.value.details()


def test_a_nul_byte_in_any_field_is_invalid_argument_naming_it(town):
    assert code_of(
        lambda: town.client.members.GetMember(
            m.GetMemberRequest(member_id="abc\x00"), metadata=bearer(town.admin_token)
        )
    ) == (grpc.StatusCode.INVALID_ARGUMENT, "member_id: 含有不允许的字符")
    code, details = code_of(lambda: town.client.register("王\x00秀兰", "13800000011", town.home.community_id))
    assert (code, details.split(":")[0]) == (grpc.StatusCode.INVALID_ARGUMENT, "name")


def row_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    watched = (*tables.metadata.sorted_tables, OUTBOX, IDEMPOTENCY_KEYS)
    with engine.connect() as db:
        found = {t.name: db.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in watched}
    engine.dispose()
    return found


def test_a_string_that_is_not_utf8_is_invalid_argument_on_every_mutating_rpc(town, pg_settings):
    admin = Caller(member_id="the-town-admin", grants=(Grant(ADMIN, street_id=town.street_id),))
    callers = [(ANONYMOUS, list), (admin, lambda: bearer(town.admin_token))]
    before = row_counts(pg_settings.members_db_url)
    tried, wrong = refusals_of_undecodable_requests(town.client.channel, DESCRIPTORS, POLICY, callers)
    assert wrong == [], "\n".join(wrong)
    assert "/jifen.members.v1.MembersService/RegisterVolunteer" in tried and len(tried) >= 10
    assert row_counts(pg_settings.members_db_url) == before


@pytest.mark.parametrize(
    ("field", "request_"),
    [
        (
            "address",
            lambda t: m.CreateCommunityRequest(
                request_id=rid(), street_id=t.street_id, name="新社区", address="很长" * 150
            ),
        ),
        ("page_token", lambda t: m.ListCommunitiesRequest(page_token="eyJvIjogOTk5OTk5OTk5OTk5OTk5OTk5OX0=")),
    ],
)
def test_over_long_input_is_refused_before_it_reaches_the_database(town, field, request_):
    method = "CreateCommunity" if field == "address" else "ListCommunities"
    code, details = code_of(
        lambda: getattr(town.client.directory, method)(request_(town), metadata=bearer(town.admin_token))
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT and details.startswith(f"{field}: ")


def test_thirty_parallel_wrong_passwords_are_checked_at_most_five_times(town):
    town.client.register("王秀兰", "13800000011", town.home.community_id)

    def guess(i):
        return code_of(lambda: town.client.login("13800000011", f"guess-{i:04d}"))[0]

    with ThreadPoolExecutor(30) as pool:
        codes = list(pool.map(guess, range(30)))
    assert codes.count(grpc.StatusCode.UNAUTHENTICATED) <= 5
    assert codes.count(grpc.StatusCode.RESOURCE_EXHAUSTED) >= 25


def test_a_deactivated_admins_token_stops_working_at_once(town):
    admin = town.client.register("孙丽娟", "13800000015", town.home.community_id)
    town.client.set_roles(
        town.admin_token, admin.member_id, m.RoleGrant(role=m.ROLE_ADMIN, community_id=town.home.community_id)
    )
    token = town.client.login("13800000015")
    town.client.members.DeactivateMember(
        m.DeactivateMemberRequest(request_id=rid(), member_id=admin.member_id, reason="离职"),
        metadata=bearer(town.admin_token),
    )
    code, details = code_of(
        lambda: town.client.directory.CreateGrid(
            m.CreateGridRequest(request_id=rid(), community_id=town.home.community_id, name="第九网格"),
            metadata=bearer(token),
        )
    )
    # The answer login gives them too: known, but not allowed in.
    assert (code, details) == (grpc.StatusCode.PERMISSION_DENIED, "账号已停用，请联系社区管理员")


def test_a_demoted_admin_loses_admin_powers_before_their_token_expires(town):
    admin = town.client.register("孙丽娟", "13800000015", town.home.community_id)
    town.client.set_roles(
        town.admin_token, admin.member_id, m.RoleGrant(role=m.ROLE_ADMIN, community_id=town.home.community_id)
    )
    token = town.client.login("13800000015")
    town.client.set_roles(town.admin_token, admin.member_id, m.RoleGrant(role=m.ROLE_VOLUNTEER))
    code, _ = code_of(
        lambda: town.client.directory.CreateGrid(
            m.CreateGridRequest(request_id=rid(), community_id=town.home.community_id, name="第九网格"),
            metadata=bearer(token),
        )
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED
    assert town.client.login("13800000015", PASSWORD)


def test_only_the_gateway_may_say_whose_address_a_login_comes_from(town, pg_settings):
    """Members counts every login attempt per person's address; a client that names an address
    itself is still counted by its own (here all attempts come from this test's one address)."""
    from datetime import timedelta

    from jifen.caller import Caller
    from jifen.tokens import TokenIssuer

    town.client.register("王秀兰", "13800000011", town.home.community_id)
    gateway = TokenIssuer.from_file(pg_settings.private_key_path, timedelta(hours=1)).issue(
        Caller(service="gateway")
    )[0]
    limit = pg_settings.login_max_attempts_per_client

    def log_in(n: int, vouched: bool) -> grpc.StatusCode:
        metadata = [("x-client-address", f"10.3.{n // 250}.{n % 250 + 1}")]
        if vouched:
            metadata.append(("authorization", f"Bearer {gateway}"))
        request = m.LoginRequest(phone="13800000011", password=PASSWORD)
        try:
            town.client.members.Login(request, metadata=metadata)
        except grpc.RpcError as err:
            return err.code()
        return grpc.StatusCode.OK

    assert {log_in(n, vouched=True) for n in range(limit + 10)} == {grpc.StatusCode.OK}
    told = [log_in(n, vouched=False) for n in range(limit + 1)]
    assert told[-1] == grpc.StatusCode.RESOURCE_EXHAUSTED
