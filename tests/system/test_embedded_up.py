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
from jifen.tables import OUTBOX
from tests.conftest import free_port
from tests.members_client import MembersClient, bearer
from tests.processes import jifen, wait_until

pytestmark = pytest.mark.system


@pytest.fixture
def embedded(tmp_path):
    port = free_port()
    env = {"JIFEN_MEMBERS_BIND": f"127.0.0.1:{port}", "JIFEN_MEMBERS_TARGET": f"127.0.0.1:{port}"}
    process = jifen("jifen-up", ["up", "--demo", "--data-dir", str(tmp_path / "data")], env, tmp_path)
    wait_until(
        lambda: "demo logins" in process.log(), timeout=60, what="the demo to be seeded", processes=(process,)
    )
    client = MembersClient(f"127.0.0.1:{port}")
    yield client, process
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
