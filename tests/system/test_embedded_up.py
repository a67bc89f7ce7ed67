"""`jifen up --demo`, as a newcomer runs it.

One process, no servers; probes and reflection answer and the demo logins work.
"""

from __future__ import annotations

import grpc
import pytest
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from jifen import demo
from jifen.members.v1 import members_pb2 as m
from jifen.points.v1 import ledger_pb2 as ledger_pb
from jifen.points.v1 import ledger_pb2_grpc as ledger_grpc
from jifen.tables import OUTBOX
from tests.conftest import free_port
from tests.members_client import MembersClient, bearer
from tests.processes import jifen, wait_until

pytestmark = pytest.mark.system


@pytest.fixture
def embedded(tmp_path):
    port, points_port = free_port(), free_port()
    env = {
        "JIFEN_MEMBERS_BIND": f"127.0.0.1:{port}",
        "JIFEN_MEMBERS_TARGET": f"127.0.0.1:{port}",
        "JIFEN_POINTS_BIND": f"127.0.0.1:{points_port}",
        "JIFEN_POINTS_TARGET": f"127.0.0.1:{points_port}",
    }
    process = jifen("jifen-up", ["up", "--demo", "--data-dir", str(tmp_path / "data")], env, tmp_path)
    wait_until(
        lambda: "demo logins" in process.log(), timeout=60, what="the demo to be seeded", processes=(process,)
    )
    client = MembersClient(f"127.0.0.1:{port}")
    client.points_channel = grpc.insecure_channel(f"127.0.0.1:{points_port}")
    yield client, process
    client.points_channel.close()
    client.close()
    assert process.stop() == 0, process.log()


def test_health_answers_serving_and_reflection_lists_the_members_services(embedded):
    client, _ = embedded
    health = health_pb2_grpc.HealthStub(client.channel)
    for service in ("", "jifen.members.v1.MembersService", "jifen.members.v1.DirectoryService"):
        assert (
            health.Check(health_pb2.HealthCheckRequest(service=service)).status
            == health_pb2.HealthCheckResponse.SERVING
        )
    services = set(ProtoReflectionDescriptorDatabase(client.channel).get_services())
    assert {
        "jifen.members.v1.MembersService",
        "jifen.members.v1.DirectoryService",
        "grpc.health.v1.Health",
    } <= services


def test_the_printed_demo_logins_work_and_the_street_is_there(embedded):
    client, process = embedded
    assert demo.ADMIN_PHONE in process.log() and demo.PASSWORD in process.log()
    token = client.login(demo.ADMIN_PHONE, demo.PASSWORD)
    communities = client.directory.ListCommunities(m.ListCommunitiesRequest()).communities
    assert {c.name for c in communities} == set(demo.COMMUNITIES)
    volunteers = client.members.ListMembers(
        m.ListMembersRequest(role=m.ROLE_VOLUNTEER), metadata=bearer(token)
    )
    assert {v.name for v in volunteers.members} >= {name for name, _, _ in demo.VOLUNTEERS}
    with pytest.raises(grpc.RpcError) as err:
        client.login(demo.ADMIN_PHONE, "wrong-password")
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_the_in_process_bus_publishes_every_event_the_demo_caused(embedded, tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'data' / 'members.db'}")

    def states():
        with engine.connect() as conn:
            return dict(
                conn.execute(sa.select(OUTBOX.c.status, sa.func.count()).group_by(OUTBOX.c.status)).all()
            )

    published = wait_until(lambda: set(states()) == {"published"} and states(), what="the outbox to drain")
    engine.dispose()
    # The street admin, 2 communities, 6 grids, 7 registrations and 2 role changes.
    assert published == {"published": 1 + 2 + 6 + 7 + 2}


def test_the_demo_volunteers_have_points_for_last_weeks_hours_under_last_weeks_rules(embedded):
    client, _ = embedded
    token = client.login("13800000011", demo.PASSWORD)  # 王秀兰
    ledger = ledger_grpc.LedgerServiceStub(client.points_channel)
    balance = ledger.GetBalance(ledger_pb.GetBalanceRequest(), metadata=bearer(token)).balance
    # 3 h of 环境卫生整治 (difficulty 2: 3 × 10 × 1.2 = 36) and the 优秀志愿者 commendation (200).
    assert (balance.available, balance.certified_minutes) == (236, 180)
    statement = ledger.ListEntries(ledger_pb.ListEntriesRequest(), metadata=bearer(token)).entries
    accrual = next(e for e in statement if e.kind == ledger_pb.ENTRY_KIND_ACCRUAL)
    # The community's own rules were published today; last week's activity keeps the rules then in force.
    assert accrual.rule_version_id == "default-0"
    assert accrual.calculation == "3 小时 × 10 分/小时 × 1.2（难度 2） = 36"
    health = health_pb2_grpc.HealthStub(client.points_channel)
    for service in ("jifen.points.v1.ActivitiesService", "jifen.points.v1.LedgerService"):
        assert (
            health.Check(health_pb2.HealthCheckRequest(service=service)).status
            == health_pb2.HealthCheckResponse.SERVING
        )
