"""The transactional outbox and its relay.

A use case adds events through SqlOutbox on its own connection, so they commit with the
business rows. The relay (a nameko @timer in production, the in-process bus when embedded)
claims unpublished rows with a lease, publishes them, and marks them published. A relay that
dies after claiming leaves rows whose lease runs out and are claimed again: delivery is
at-least-once and consumers drop duplicates by event id.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from google.protobuf.message import Message
from sqlalchemy import Connection, Engine

from jifen.clock import Clock, as_utc, utcnow
from jifen.envelope import Envelope
from jifen.tables import OUTBOX

log = logging.getLogger("jifen.outbox")

MAX_ATTEMPTS = 25
MAX_BACKOFF_SECONDS = 300


class SqlOutbox:
    def __init__(self, connection: Connection, producer: str):
        self.connection = connection
        self.producer = producer

    def add(self, event_type: str, message: Message, occurred_at: datetime | None = None) -> Envelope:
        envelope = Envelope.wrap(event_type, self.producer, message, occurred_at or utcnow())
        self.connection.execute(
            OUTBOX.insert().values(
                event_id=envelope.event_id,
                type=envelope.type,
                producer=envelope.producer,
                occurred_at=envelope.occurred_at,
                payload=json.dumps(envelope.payload, ensure_ascii=False),
                status="pending",
                attempts=0,
            )
        )
        return envelope


Publish = Callable[[Envelope], None]


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts, MAX_BACKOFF_SECONDS))


class OutboxRelay:
    def __init__(self, engine: Engine, lease_seconds: int = 30, batch_size: int = 100, clock: Clock = utcnow):
        self.engine = engine
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self.clock = clock

    def run_once(self, publish: Publish) -> int:
        """Publishes what is due; returns how many events went out."""
        sent = 0
        for envelope in self._claim():
            try:
                publish(envelope)
            except Exception as exc:  # any transport failure: keep the row, retry later
                self._failed(envelope.event_id, exc)
                continue
            self._published(envelope.event_id)
            sent += 1
        return sent

    def _claim(self) -> list[Envelope]:
        now = self.clock()
        due = sa.and_(
            OUTBOX.c.status == "pending",
            sa.or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < now),
            sa.or_(OUTBOX.c.next_attempt_at.is_(None), OUTBOX.c.next_attempt_at <= now),
        )
        with self.engine.begin() as conn:
            # SKIP LOCKED lets several relays share the table without handing out a row twice.
            rows = conn.execute(
                sa.select(OUTBOX)
                .where(due)
                .order_by(OUTBOX.c.position)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if rows:
                conn.execute(
                    OUTBOX.update()
                    .where(OUTBOX.c.position.in_([r.position for r in rows]))
                    .values(claimed_until=now + self.lease)
                )
        return [
            Envelope(r.event_id, r.type, as_utc(r.occurred_at), r.producer, json.loads(r.payload))
            for r in rows
        ]

    def _published(self, event_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                OUTBOX.update()
                .where(OUTBOX.c.event_id == event_id)
                .values(status="published", published_at=self.clock(), claimed_until=None, last_error=None)
            )

    def _failed(self, event_id: str, exc: Exception) -> None:
        log.warning("publishing event %s failed: %s", event_id, exc)
        with self.engine.begin() as conn:
            attempts = (
                conn.execute(sa.select(OUTBOX.c.attempts).where(OUTBOX.c.event_id == event_id)).scalar_one()
                + 1
            )
            conn.execute(
                OUTBOX.update()
                .where(OUTBOX.c.event_id == event_id)
                .values(
                    attempts=attempts,
                    claimed_until=None,
                    next_attempt_at=self.clock() + backoff(attempts),
                    last_error=f"{type(exc).__name__}: {exc}"[:2000],
                    status="failed" if attempts >= MAX_ATTEMPTS else "pending",
                )
            )

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(OUTBOX.c.status, sa.func.count()).group_by(OUTBOX.c.status)).all()
        return {status: count for status, count in rows}

    def retry_failed(self) -> int:
        """Puts events that gave up back in the queue (after an operator fixed the cause)."""
        with self.engine.begin() as conn:
            return conn.execute(
                OUTBOX.update()
                .where(OUTBOX.c.status == "failed")
                .values(status="pending", attempts=0, next_attempt_at=None, claimed_until=None)
            ).rowcount
