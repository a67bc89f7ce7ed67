"""The outbox relay and the inbox on the real PostgreSQL: no event lost, none published or applied twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from jifen.bus.in_process import InProcessBus
from jifen.clock import utcnow
from jifen.composition import EventParts
from jifen.db import make_engine
from jifen.envelope import Envelope
from jifen.events.v1 import members_pb2 as events
from jifen.inbox import EventConsumer, EventNotSettled
from jifen.outbox import OutboxRelay
from jifen.tables import DEAD_LETTERS, OUTBOX, RUNTIME_METADATA
from jifen.unit_of_work import SqlUnitOfWork
from tests.servers import drop_database, fresh_database, refuse_connections

effects = sa.Table("effects", sa.MetaData(), sa.Column("member_id", sa.String(40)))


class RelayUnitOfWork(SqlUnitOfWork):
    producer = "members"


@pytest.fixture
def consumer_db():
    """A second database, the consumer's own, that a test can take down and bring back."""
    url = fresh_database("consumer")
    engine = make_engine(url, pool_size=5)
    RUNTIME_METADATA.create_all(engine)
    effects.metadata.create_all(engine)
    yield url, engine
    refuse_connections(url, refuse=False)
    engine.dispose()
    drop_database(url)


@pytest.fixture
def engine():
    url = fresh_database("runtime")
    engine = make_engine(url, pool_size=20)
    RUNTIME_METADATA.create_all(engine)
    effects.metadata.create_all(engine)
    yield engine
    engine.dispose()
    drop_database(url)


def add_events(engine, count: int) -> None:
    with RelayUnitOfWork(engine) as uow:
        for i in range(count):
            uow.outbox.add("member.registered", events.MemberRegistered(member_id=f"m{i}"))
        uow.commit()


def test_two_relays_at_once_publish_every_event_exactly_once(engine):
    add_events(engine, 300)
    published: list[str] = []
    lock = threading.Lock()

    def publish(envelope: Envelope) -> None:
        with lock:
            published.append(envelope.event_id)

    def drain() -> None:
        relay = OutboxRelay(engine, batch_size=20)
        while relay.run_once(publish):
            pass

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _: drain(), range(2)))
    assert len(published) == len(set(published)) == 300
    assert OutboxRelay(engine).counts() == {"published": 300}


def test_a_failed_publish_stays_visible_and_is_retried_after_a_backoff(engine):
    add_events(engine, 1)
    now = [utcnow()]
    relay = OutboxRelay(engine, clock=lambda: now[0])

    def broker_down(envelope):
        raise ConnectionError("broker unreachable")

    assert relay.run_once(broker_down) == 0
    with engine.connect() as conn:
        row = conn.execute(sa.select(OUTBOX)).one()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ConnectionError: broker unreachable")
    sent: list[str] = []
    assert relay.run_once(lambda e: sent.append(e.event_id)) == 0  # still backing off
    now[0] += timedelta(minutes=1)
    assert relay.run_once(lambda e: sent.append(e.event_id)) == 1
    assert relay.counts() == {"published": 1}


def points_consumer(engine, handler) -> EventConsumer:
    """A consumer named like the points service's, listening to member.registered."""
    return EventConsumer(
        "points",
        engine,
        lambda: RelayUnitOfWork(engine),
        {("members", "member.registered"): handler},
        retry_delay=0,
    )


def registered_event() -> Envelope:
    return Envelope.wrap("member.registered", "members", events.MemberRegistered(member_id="m1"), utcnow())


def _record(uow, envelope):
    uow.connection.execute(effects.insert().values(member_id=envelope.payload["member_id"]))


def test_ten_simultaneous_deliveries_of_one_event_apply_it_once(engine):
    consumer = points_consumer(engine, _record)
    envelope = registered_event()
    with ThreadPoolExecutor(10) as pool:
        changed = list(pool.map(lambda _: consumer.handle(envelope.to_dict()), range(10)))
    assert changed.count(True) == 1
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(effects)).scalar() == 1


def test_a_handler_that_keeps_failing_is_parked_and_replayed_once_fixed(engine):
    broken = [True]

    def flaky(uow, envelope):
        if broken[0]:
            raise RuntimeError("points database full")
        _record(uow, envelope)

    consumer = points_consumer(engine, flaky)
    envelope = registered_event()
    assert consumer.handle(envelope.to_dict()) is False
    with engine.connect() as conn:
        parked = conn.execute(sa.select(DEAD_LETTERS)).one()
    assert parked.event_id == envelope.event_id and "points database full" in parked.error
    broken[0] = False
    assert consumer.retry_dead_letters() == 1
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(effects)).scalar() == 1


def test_a_handlers_own_constraint_error_is_retried_and_parked_not_taken_for_a_duplicate(engine):
    def duplicate_key(uow, envelope):
        uow.connection.execute(sa.text("insert into processed_events values ('x', 'y', 't', now())"))
        uow.connection.execute(sa.text("insert into processed_events values ('x', 'y', 't', now())"))

    consumer = points_consumer(engine, duplicate_key)
    envelope = registered_event()
    assert consumer.handle(envelope.to_dict()) is False
    with engine.connect() as conn:
        assert conn.execute(sa.select(DEAD_LETTERS.c.event_id)).scalars().all() == [envelope.event_id]


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_an_event_whose_consumer_database_refuses_connections_is_handed_back_and_handled_once_it_returns(
    consumer_db,
):
    url, consumer_engine = consumer_db
    consumer = points_consumer(consumer_engine, _record)
    envelope = registered_event()
    refuse_connections(url)
    with pytest.raises(EventNotSettled):
        consumer.handle(envelope.to_dict())
    refuse_connections(url, refuse=False)
    assert consumer.handle(envelope.to_dict()) is True
    assert consumer.handle(envelope.to_dict()) is False
    # Handed back, not parked: the event was fine, only the storage was away.
    assert (_count(consumer_engine, effects), _count(consumer_engine, DEAD_LETTERS)) == (1, 0)


def test_an_event_that_fails_and_cannot_be_parked_either_is_handed_back_not_dropped(engine):
    url = fresh_database("noparking")
    no_dead_letters = make_engine(url, pool_size=1)  # a database without the dead_letters table
    try:

        def broken(uow, envelope):
            raise RuntimeError("points database full")

        consumer = EventConsumer(
            "points",
            no_dead_letters,
            lambda: RelayUnitOfWork(engine),
            {("members", "member.registered"): broken},
            retry_delay=0,
        )
        with pytest.raises(EventNotSettled):
            consumer.handle(registered_event().to_dict())
    finally:
        no_dead_letters.dispose()
        drop_database(url)


def test_the_embedded_bus_keeps_an_event_whose_consumer_database_is_down_and_delivers_it_later(
    engine, consumer_db
):
    url, consumer_engine = consumer_db
    add_events(engine, 1)
    now = [utcnow()]
    consumer = points_consumer(consumer_engine, _record)
    bus = InProcessBus([EventParts(engine, OutboxRelay(engine, clock=lambda: now[0]), consumer)])
    refuse_connections(url)
    assert bus.drain() == 0
    refuse_connections(url, refuse=False)
    assert OutboxRelay(engine).counts() == {"pending": 1}
    now[0] += timedelta(minutes=1)
    assert bus.drain() == 1
    assert OutboxRelay(engine).counts() == {"published": 1}
    assert (_count(consumer_engine, effects), _count(consumer_engine, DEAD_LETTERS)) == (1, 0)
