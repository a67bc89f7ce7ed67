"""The production topology as real processes.

members-api and members-worker on PostgreSQL, Redis and RabbitMQ.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc

from jifen.members.v1 import members_pb2 as m
from jifen.tables import OUTBOX
from tests.conftest import free_port
from tests.members_client import MembersClient, bearer
from tests.processes import ROOT, Process, jifen, members_up, wait_until
from tests.servers import AMQP_URL, REDIS_URL, drop_database, fresh_database, require_rabbitmq, require_redis

pytestmark = pytest.mark.system
ADMIN = ("周海燕", "13800000000", "雁南街道")


@dataclass
class Topology:
    client: MembersClient
    api: Process
    worker: Process
    db_url: str
    target: str


@pytest.fixture
def topology(tmp_path, keys):
    require_redis()
    require_rabbitmq()
    url = fresh_database("members")
    port = free_port()
    env = {
        "JIFEN_MEMBERS_DB_URL": url,
        "JIFEN_REDIS_URL": REDIS_URL,
        "JIFEN_AMQP_URL": AMQP_URL,
        "JIFEN_MEMBERS_BIND": f"127.0.0.1:{port}",
        "JIFEN_MEMBERS_TARGET": f"127.0.0.1:{port}",
        "JIFEN_TOKEN_PRIVATE_KEY_FILE": str(keys[0]),
        "JIFEN_TOKEN_PUBLIC_KEY_FILE": str(keys[1]),
        "JIFEN_OUTBOX_INTERVAL_SECONDS": "0.2",
        "JIFEN_ADMIN_PASSWORD": "secret-123",
    }
    for step in (
        ["migrate", "members"],
        ["admin", "create", "--name", ADMIN[0], "--phone", ADMIN[1], "--street", ADMIN[2]],
    ):
        done = jifen("setup", step, env, tmp_path)
        assert done.popen.wait(60) == 0, done.log()
    worker = jifen("members-worker", ["worker", "members"], env, tmp_path)
    api = jifen("members-api", ["serve", "members"], env, tmp_path)
    client = wait_until(lambda: members_up(f"127.0.0.1:{port}"), what="members-api", processes=(api, worker))
    yield Topology(client, api, worker, url, f"127.0.0.1:{port}")
    client.close()
    for process in (api, worker):
        process.stop()
    drop_database(url)


def test_register_login_get_across_real_processes_and_the_event_leaves(topology):
    client = topology.client
    admin = client.login(ADMIN[1])
    community = client.community(admin, client.street_id(ADMIN[2]), "张苏滩社区")
    member = client.register("王秀兰", "13800000011", community.community_id)
    token = client.login("13800000011")
    read = client.members.GetMember(
        m.GetMemberRequest(member_id=member.member_id), metadata=bearer(token)
    ).member
    assert (read.name, read.community_id) == ("王秀兰", community.community_id)

    engine = sa.create_engine(topology.db_url)

    def registered_published():
        with engine.connect() as conn:
            return conn.execute(
                sa.select(OUTBOX.c.status).where(
                    OUTBOX.c.type == "member.registered", OUTBOX.c.payload.contains(member.member_id)
                )
            ).scalar()

    assert wait_until(
        lambda: registered_published() == "published",
        what="the worker to publish",
        processes=(topology.worker,),
    )
    engine.dispose()


def test_a_client_in_another_language_registers_logs_in_and_reads_back(topology):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "@grpc" / "grpc-js").exists():
        pytest.fail("node and `make node` are part of the test set-up; run `make test`")
    client = topology.client
    admin = client.login(ADMIN[1])
    community = client.community(admin, client.street_id(ADMIN[2]), "张苏滩社区")
    done = subprocess.run(
        [node, "tests/clients/members_client.js", topology.target, "13900000001", community.community_id],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["read"]["member_id"] == result["registered"]
    assert (result["read"]["name"], result["read"]["phone"]) == ("Node 志愿者", "13900000001")
    assert result["rotated"]  # read with the access token a refresh gave; the refresh token was replaced


def test_members_api_stops_gracefully_on_sigterm(topology):
    client = topology.client
    health = health_pb2_grpc.HealthStub(client.channel)
    status = health.Check(health_pb2.HealthCheckRequest(service="jifen.members.v1.MembersService")).status
    assert status == health_pb2.HealthCheckResponse.SERVING
    assert topology.api.stop(signal.SIGTERM) == 0
