"""A consumer whose own database refuses connections for a while loses no event.

The production topology as processes (members api and worker, points and market workers) on
PostgreSQL and RabbitMQ. While volunteers register, the points database refuses every connection
for about ten seconds: points can neither handle the member.registered events nor park them (its
dead_letters table is in that same database), so each goes back to RabbitMQ and comes again. Once
the database is back, every event has been handled exactly once and the audits find every member.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from jifen.tables import DEAD_LETTERS, OUTBOX, PROCESSED_EVENTS
from services.market.adapters import tables as market_tables
from services.points.adapters import tables as points_tables
from tests.processes import jifen, members_up, set_up, topology_env, wait_until
from tests.servers import drop_database, refuse_connections, require_rabbitmq, require_redis

pytestmark = pytest.mark.system
ADMIN = ("周海燕", "13800000000", "雁南街道")
VOLUNTEERS = 30
OUTAGE_SECONDS = 10


@pytest.fixture
def town(tmp_path, keys):
    require_redis()
    require_rabbitmq()
    env, urls, ports = topology_env(("members", "points", "market"), keys, "jifen-system-outage")
    # Every member counts in the audits here, however recently registered.
    env["JIFEN_AUDIT_GRACE_SECONDS"] = "0"
    set_up(env, ADMIN, tmp_path)
    # Consumers first: nameko drops events no queue is bound for yet (DESIGN §8).
    consumers = [jifen(f"{s}-worker", ["worker", s], env, tmp_path) for s in ("points", "market")]
    for worker in consumers:
        wait_until(lambda w=worker: "Connected to amqp" in w.log(), what=worker.name, processes=(worker,))
    processes = [
        *consumers,
        jifen("members-worker", ["worker", "members"], env, tmp_path),
        jifen("members-api", ["serve", "members"], env, tmp_path),
    ]
    client = wait_until(
        lambda: members_up(f"127.0.0.1:{ports['members']}"), what="members-api", processes=tuple(processes)
    )
    engines = {service: sa.create_engine(url) for service, url in urls.items()}
    yield client, env, urls, engines, tuple(processes), tmp_path
    refuse_connections(urls["points"], refuse=False)
    client.close()
    for process in processes:
        process.stop()
    for engine in engines.values():
        engine.dispose()
    for url in urls.values():
        drop_database(url)


def _column(engine, query) -> list:
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


def _audit(service: str, env: dict, log_dir) -> tuple[int, str]:
    done = jifen(f"audit-{service}", ["audit", service], env, log_dir)
    code = done.popen.wait(120)
    done.stop()
    # The console wraps long lines; the sentences are compared without its line breaks.
    return code, " ".join(done.log().split())


def test_an_outage_of_the_points_database_loses_no_member_registered_and_the_audits_find_everyone(town):
    client, env, urls, engines, processes, log_dir = town
    admin = client.login(ADMIN[1])
    community = client.community(admin, client.street_id(ADMIN[2]), "张苏滩社区")

    def register(i: int) -> str:
        return client.register(f"志愿者{i:02d}", f"139{i:08d}", community.community_id).member_id

    volunteers = [register(i) for i in range(3)]
    refuse_connections(urls["points"])
    began = time.monotonic()
    for i in range(3, VOLUNTEERS):
        volunteers.append(register(i))
        time.sleep(max(0.0, began + OUTAGE_SECONDS * (i - 2) / (VOLUNTEERS - 3) - time.monotonic()))
    points_worker = processes[0]
    # The events reached points during the outage and went back to RabbitMQ rather than vanishing.
    wait_until(
        lambda: "it stays with the broker" in points_worker.log(),
        what="points to hand an event back",
        processes=processes,
    )
    refuse_connections(urls["points"], refuse=False)

    members_events = _column(
        engines["members"], sa.select(OUTBOX.c.event_id).where(OUTBOX.c.type == "member.registered")
    )
    assert len(members_events) == VOLUNTEERS + 1  # and the admin

    def handled() -> list:
        found = _column(
            engines["points"],
            sa.select(PROCESSED_EVENTS.c.event_id).where(
                PROCESSED_EVENTS.c.consumer == "points", PROCESSED_EVENTS.c.event_id.in_(members_events)
            ),
        )
        return found if len(found) == len(members_events) else []

    processed = wait_until(handled, timeout=120, what="points to handle every event", processes=processes)
    assert sorted(processed) == sorted(members_events)
    accounts = _column(
        engines["points"],
        sa.select(points_tables.accounts.c.member_id).where(
            points_tables.accounts.c.member_id.in_(volunteers)
        ),
    )
    assert sorted(accounts) == sorted(volunteers)
    assert _column(engines["points"], sa.select(DEAD_LETTERS.c.event_id)) == []
    copies = _column(engines["market"], sa.select(market_tables.members.c.id))
    assert set(volunteers) <= set(copies)

    code, log = _audit("points", env, log_dir)
    assert code == 0, log
    code, log = _audit("market", env, log_dir)
    assert code == 0, log


def test_the_audits_find_a_member_without_a_points_account_or_a_market_copy(town):
    client, env, _urls, engines, processes, log_dir = town
    admin = client.login(ADMIN[1])
    community = client.community(admin, client.street_id(ADMIN[2]), "张苏滩社区")
    lost = client.register("王秀兰", "13800000011", community.community_id).member_id
    kept = client.register("李建国", "13800000012", community.community_id).member_id

    def arrived() -> bool:
        opened = _column(
            engines["points"],
            sa.select(points_tables.accounts.c.member_id).where(
                points_tables.accounts.c.member_id.in_([lost, kept])
            ),
        )
        copied = _column(
            engines["market"],
            sa.select(market_tables.members.c.id).where(market_tables.members.c.id.in_([lost, kept])),
        )
        return len(opened) == len(copied) == 2

    wait_until(arrived, what="both members to reach points and the market", processes=processes)
    assert _audit("points", env, log_dir)[0] == 0
    with engines["points"].begin() as conn:
        conn.execute(points_tables.accounts.delete().where(points_tables.accounts.c.member_id == lost))
    with engines["market"].begin() as conn:
        conn.execute(market_tables.members.delete().where(market_tables.members.c.id == lost))

    code, log = _audit("points", env, log_dir)
    assert code == 1, log
    assert f"{lost}: a member of the members service without a points account" in log
    assert kept not in log
    code, log = _audit("market", env, log_dir)
    assert code == 1, log
    assert f"{lost}: a member of the members service without a copy in the market" in log
