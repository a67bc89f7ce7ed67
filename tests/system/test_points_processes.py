"""Points in the production topology: members and points, each an api and a worker, on the real servers.

A volunteer registered in members gets a points account through RabbitMQ; points awarded reach
the leaderboard in Redis through the points worker; the ledger audit finds nothing wrong.
"""

from __future__ import annotations

import grpc
import pytest
import sqlalchemy as sa

from jifen.points.v1 import ledger_pb2 as lp
from jifen.points.v1 import ledger_pb2_grpc as lp_grpc
from services.points.adapters.ledger_audit import audit_engine
from tests.members_client import bearer
from tests.processes import jifen, members_up, set_up, topology_env, wait_until
from tests.servers import drop_database, require_rabbitmq, require_redis

pytestmark = pytest.mark.system
ADMIN = ("周海燕", "13800000000", "雁南街道")


@pytest.fixture
def town(tmp_path, keys):
    require_redis()
    require_rabbitmq()
    env, urls, ports = topology_env(("members", "points"), keys, "jifen-system")
    set_up(env, ADMIN, tmp_path)
    # Consumers first: nameko drops events no queue is bound for yet (DESIGN §8).
    processes = [jifen("points-worker", ["worker", "points"], env, tmp_path)]
    wait_until(
        lambda: "Connected to amqp" in processes[0].log(), what="points-worker", processes=tuple(processes)
    )
    processes += [
        jifen("members-worker", ["worker", "members"], env, tmp_path),
        jifen("points-api", ["serve", "points"], env, tmp_path),
        jifen("members-api", ["serve", "members"], env, tmp_path),
    ]
    client = wait_until(
        lambda: members_up(f"127.0.0.1:{ports['members']}"), what="members-api", processes=tuple(processes)
    )
    channel = grpc.insecure_channel(f"127.0.0.1:{ports['points']}")
    grpc.channel_ready_future(channel).result(timeout=30)
    yield client, lp_grpc.LedgerServiceStub(channel), urls["points"], tuple(processes)
    channel.close()
    client.close()
    for process in processes:
        process.stop()
    for url in urls.values():
        drop_database(url)


def test_a_registered_volunteer_earns_points_and_climbs_the_leaderboard(town):
    client, ledger, points_url, processes = town
    admin = client.login(ADMIN[1])
    community = client.community(admin, client.street_id(ADMIN[2]), "张苏滩社区")
    member = client.register("王秀兰", "13800000011", community.community_id)
    volunteer = client.login("13800000011")

    def opened():
        try:
            return ledger.GetBalance(lp.GetBalanceRequest(), metadata=bearer(volunteer)).balance
        except grpc.RpcError as err:
            assert err.code() == grpc.StatusCode.NOT_FOUND, err
            return None

    assert (
        wait_until(opened, what="the account to open from member.registered", processes=processes).available
        == 0
    )
    ledger.Award(
        lp.AwardRequest(
            request_id="award-1", member_id=member.member_id, points=120, reason="防汛值守表现突出"
        ),
        metadata=bearer(admin),
    )

    def ranked():
        board = ledger.GetLeaderboard(
            lp.GetLeaderboardRequest(
                community_id=community.community_id,
                period=lp.LEADERBOARD_PERIOD_ALL_TIME,
                metric=lp.LEADERBOARD_METRIC_POINTS,
            ),
            metadata=bearer(volunteer),
        )
        return board if board.entries else None

    board = wait_until(ranked, what="the worker to put the award on the leaderboard", processes=processes)
    assert (board.entries[0].member_id, board.entries[0].value, board.caller.rank) == (
        member.member_id,
        120,
        1,
    )
    engine = sa.create_engine(points_url)
    try:
        assert audit_engine(engine) == []
    finally:
        engine.dispose()
