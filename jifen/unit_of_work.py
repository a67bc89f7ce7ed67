"""The unit of work: one database transaction around a use case.

It rolls back unless commit() is called. Business rows, outbox rows and idempotency records
are written through the same connection, so they commit or vanish together. At commit it sends
the events the aggregates it saw recorded through the service's outbox adapter (`to_message`).
"""

from __future__ import annotations

from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from jifen.domain_events import RecordsEvents
from jifen.errors import Conflict
from jifen.idempotency_store import SqlIdempotencyStore
from jifen.inbox import SqlInbox
from jifen.outbox import SqlOutbox


class SqlUnitOfWork(RecordsEvents):
    """Base of each service's unit of work; subclasses open their repositories in `_open`, handing
    `self.seen` to those whose aggregates record events."""

    producer: str = ""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.connection: Connection | None = None

    def __enter__(self) -> Self:
        self.connection = self.engine.connect()
        self._transaction = self.connection.begin()
        self.outbox = SqlOutbox(self.connection, self.producer)
        self.idempotency = SqlIdempotencyStore(self.connection)
        self.inbox = SqlInbox(self.connection)
        self.start_recording()
        self._open(self.connection)
        return self

    def _open(self, connection: Connection) -> None:
        """Subclasses attach their repositories to the connection here."""

    def commit(self) -> None:
        self.send_recorded(self.outbox)
        try:
            self._transaction.commit()
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from exc

    def rollback(self) -> None:
        if self._transaction.is_active:
            self._transaction.rollback()

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.rollback()
        finally:
            self.connection.close()
            self.connection = None
        if isinstance(exc, IntegrityError):
            # A unique constraint decided a race; the use case retries once (see idempotency.run).
            raise Conflict(str(exc.orig)) from exc
