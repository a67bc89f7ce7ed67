"""member.registered travels outbox -> members-worker -> RabbitMQ -> a consumer's worker.

Delivery is at least once; the effect is exactly once.
"""

from __future__ import annotations

import sys
import uuid
from datetime import timedelta
from functools import partial

import kombu
import pytest
import sqlalchemy as sa

from jifen import migrations
from jifen.clock import utcnow
from jifen.db import make_engine
from jifen.tables import OUTBOX, RUNTIME_METADATA
from services.members.adapters.passwords import Argon2Passwords
from services.members.adapters.unit_of_work import MembersUnitOfWork
from services.members.bootstrap import MIGRATIONS
from services.members.domain.directory import Community, Street
from services.members.service import registration
from services.members.service.commands import RegisterVolunteer
from tests.integration.probe_tables import metadata as probe_metadata
from tests.integration.probe_tables import received
from tests.processes import Process, jifen, wait_until
from tests.servers import AMQP_URL, drop_database, fresh_database, require_rabbitmq


@pytest.fixture
def members_db():
    url = fresh_database("members")
    migrations.upgrade(MIGRATIONS, url)
    engine = make_engine(url)
    with MembersUnitOfWork(engine) as uow:
        uow.directory.add_street(Street("st-1", "雁南街道", utcnow()))
        uow.directory.add_community(Community("co-1", "st-1", "张苏滩社区", "", utcnow()))
        uow.commit()
    yield url, engine
    engine.dispose()
    drop_database(url)


@pytest.fixture
def probe(tmp_path):
    """The consumer worker, started first so its queue is bound before anything is published."""
    require_rabbitmq()
    url = fresh_database("probe")
    engine = make_engine(url)
    RUNTIME_METADATA.create_all(engine)
    probe_metadata.create_all(engine)
    name = f"probe_{uuid.uuid4().hex[:8]}"
    queue = f"evt-members-member.registered--{name}.on_member_registered"
    process = Process(
        "probe-worker",
        [
            sys.executable,
            "-m",
            "nameko",
            "run",
            "--config",
            "jifen/bus/nameko.yaml",
            "tests.integration.probe_worker",
        ],
        {"PROBE_DB_URL": url, "PROBE_SERVICE_NAME": name, "JIFEN_AMQP_URL": AMQP_URL},
        tmp_path,
    )
    with kombu.Connection(AMQP_URL) as conn:
        wait_until(partial(_queue_exists, conn, queue), what=f"queue {queue}", processes=(process,))
        yield engine, process
        conn.default_channel.queue_delete(queue)
    process.stop()
    engine.dispose()
    drop_database(url)


def _queue_exists(conn: kombu.Connection, queue: str) -> bool:
    try:
        conn.channel().queue_declare(queue, passive=True)
        return True
    except Exception:
        return False


def _received(engine, event_id: str) -> list:
    """What the probe recorded of this event (other runs on the same broker may add their own)."""
    with engine.connect() as conn:
        return conn.execute(
            sa.select(received.c.event_id, received.c.member_id).where(received.c.event_id == event_id)
        ).all()


def _register(engine) -> str:
    cmd = RegisterVolunteer(
        request_id=uuid.uuid4().hex,
        name="王秀兰",
        phone="13800000011",
        password="secret-123",
        community_id="co-1",
    )
    return registration.register_volunteer(cmd, MembersUnitOfWork(engine), Argon2Passwords(1, 1024, 1)).id


def test_an_event_committed_while_no_relay_ran_is_delivered_once_and_a_duplicate_changes_nothing(
    members_db, probe, tmp_path
):
    url, members_engine = members_db
    probe_engine, probe_process = probe
    # The member is committed with its outbox row, and then the process "dies": nothing was published.
    member_id = _register(members_engine)
    with members_engine.begin() as db:
        # A relay that crashed after claiming the row leaves a lease; the row must still go out after it.
        db.execute(OUTBOX.update().values(claimed_until=utcnow() + timedelta(seconds=2)))
        event_id = db.execute(sa.select(OUTBOX.c.event_id)).scalar_one()

    worker = jifen(
        "members-worker",
        ["worker", "members"],
        {
            "JIFEN_MEMBERS_DB_URL": url,
            "JIFEN_AMQP_URL": AMQP_URL,
            "JIFEN_OUTBOX_INTERVAL_SECONDS": "0.2",
            "JIFEN_OUTBOX_LEASE_SECONDS": "2",
        },
        tmp_path,
    )
    try:
        rows = wait_until(
            lambda: _received(probe_engine, event_id),
            what="the probe to receive member.registered",
            processes=(worker,),
        )
        assert [(r.event_id, r.member_id) for r in rows] == [(event_id, member_id)]

        # The relay publishes the same event again (as after a crash between publish and marking it).
        with members_engine.begin() as db:
            db.execute(OUTBOX.update().values(status="pending", published_at=None, claimed_until=None))
        wait_until(
            lambda: f"probe delivery {event_id} changed=False" in probe_process.log(),
            what="the duplicate to reach the probe",
            processes=(worker, probe_process),
        )
        assert probe_process.log().count(f"probe delivery {event_id}") == 2
        assert len(_received(probe_engine, event_id)) == 1
    finally:
        worker.stop()
