"""Idempotent event consumers.

The event id is recorded in processed_events in the same transaction as the consumer's
writes, so a redelivered event changes nothing. A handler that keeps failing is retried a
few times and then parked in dead_letters (visible, replayable with `jifen events retry`)
rather than blocking the queue or vanishing.

An event is settled only when it was handled or parked. When the consumer's own database cannot
be reached, neither is possible (dead_letters lives in that same database): handle() raises
EventNotSettled and the transport must keep the event and offer it again later (the nameko
worker requeues it to RabbitMQ after a pause; the in-process bus leaves it in the outbox).
A lost or refused connection is never a reason to park: the event is fine, the storage is not.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from jifen.clock import utcnow
from jifen.envelope import Envelope
from jifen.errors import Conflict
from jifen.tables import DEAD_LETTERS, PROCESSED_EVENTS

log = logging.getLogger("jifen.inbox")

Handler = Callable[[Any, Envelope], None]
ATTEMPTS = 3


class EventNotSettled(Exception):
    """The event was neither handled nor parked: the transport must not acknowledge it."""


def storage_unreachable(exc: BaseException) -> bool:
    """A lost, refused or broken database connection (or a transient lock): worth trying again later.

    OperationalError also covers PostgreSQL's serialization failures and deadlocks and SQLite's
    "database is locked", all of which pass by themselves.
    """
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError))


class SqlInbox:
    def __init__(self, connection: Connection):
        self.connection = connection

    def seen(self, event_id: str, consumer: str) -> bool:
        return (
            self.connection.execute(
                sa.select(PROCESSED_EVENTS.c.event_id).where(
                    PROCESSED_EVENTS.c.event_id == event_id, PROCESSED_EVENTS.c.consumer == consumer
                )
            ).first()
            is not None
        )

    def mark(self, envelope: Envelope, consumer: str) -> None:
        self.connection.execute(
            PROCESSED_EVENTS.insert().values(
                event_id=envelope.event_id, consumer=consumer, event_type=envelope.type, processed_at=utcnow()
            )
        )


class EventConsumer:
    """Routes envelopes to a service's handlers, each event once per consumer."""

    def __init__(
        self,
        name: str,
        engine: Engine,
        uow_factory: Callable[[], Any],
        handlers: dict[tuple[str, str], Handler],
        retry_delay: float = 0.2,
    ):
        self.name = name
        self.engine = engine
        self.uow_factory = uow_factory
        self.handlers = handlers
        self.retry_delay = retry_delay

    @property
    def subscriptions(self) -> list[tuple[str, str]]:
        """(producer, event type) pairs this consumer listens to."""
        return list(self.handlers)

    def handle(self, body: dict) -> bool:
        """Processes one delivered envelope; returns True when it changed something.

        Raises EventNotSettled when the event was neither handled nor parked.
        """
        try:
            envelope = Envelope.from_dict(body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # Not an event at all: no handler could ever take it, and requeueing it would loop.
            log.error(
                "%s: dropping a message that is not an event envelope (%s): %.300r",
                self.name,
                exc,
                body,
            )
            return False
        handler = self.handlers.get((envelope.producer, envelope.type))
        if handler is None:
            return False
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._apply(handler, envelope)
            except Exception as exc:
                if storage_unreachable(exc):
                    raise self._not_settled(envelope, exc) from exc
                if attempt == ATTEMPTS:
                    try:
                        self._dead_letter(envelope, exc)
                    except Exception as parking:
                        raise self._not_settled(envelope, parking) from parking
                    return False
                log.warning(
                    "%s: handling %s %s failed (attempt %d): %s",
                    self.name,
                    envelope.type,
                    envelope.event_id,
                    attempt,
                    exc,
                )
                time.sleep(self.retry_delay * attempt)
        return False

    def _apply(self, handler: Handler, envelope: Envelope) -> bool:
        try:
            with self.uow_factory() as uow:
                if uow.inbox.seen(envelope.event_id, self.name):
                    return False
                handler(uow, envelope)
                uow.inbox.mark(envelope, self.name)
                uow.commit()
                return True
        except Conflict:
            # A twin delivery that committed first makes this one a duplicate; any other
            # constraint error is the handler's own failure and must be retried or parked.
            with self.uow_factory() as uow:
                if uow.inbox.seen(envelope.event_id, self.name):
                    return False
            raise

    def _not_settled(self, envelope: Envelope, exc: Exception) -> EventNotSettled:
        # One line, no traceback: during an outage every delivery says the same thing.
        log.warning(
            "%s: cannot handle or park %s %s now, it stays with the broker: %s",
            self.name,
            envelope.type,
            envelope.event_id,
            str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        )
        return EventNotSettled(f"{self.name}: {envelope.type} {envelope.event_id} not settled: {exc}")

    def _dead_letter(self, envelope: Envelope, exc: Exception) -> None:
        log.error(
            "%s: parking event %s %s after %d attempts: %s",
            self.name,
            envelope.type,
            envelope.event_id,
            ATTEMPTS,
            exc,
        )
        with self.engine.begin() as conn:
            conn.execute(
                DEAD_LETTERS.insert().values(
                    consumer=self.name,
                    event_id=envelope.event_id,
                    event_type=envelope.type,
                    envelope=envelope.to_json(),
                    error=f"{type(exc).__name__}: {exc}"[:4000],
                    failed_at=utcnow(),
                )
            )

    def retry_dead_letters(self) -> int:
        """Replays parked events whose cause has been fixed; returns how many went through this time."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(DEAD_LETTERS).where(
                    DEAD_LETTERS.c.consumer == self.name, DEAD_LETTERS.c.retried_at.is_(None)
                )
            ).all()
        done = 0
        for row in rows:
            envelope = Envelope.from_dict(json.loads(row.envelope))
            handler = self.handlers.get((envelope.producer, envelope.type))
            try:
                if handler is not None:
                    self._apply(handler, envelope)
            except Exception as exc:
                log.warning("%s: parked event %s still fails: %s", self.name, envelope.event_id, exc)
                continue
            with self.engine.begin() as conn:
                conn.execute(
                    DEAD_LETTERS.update().where(DEAD_LETTERS.c.id == row.id).values(retried_at=utcnow())
                )
            done += 1
        return done
