"""The idempotency records in SQL: written on the unit of work's connection, so they commit with the work."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import utcnow
from jifen.tables import IDEMPOTENCY_KEYS


class SqlIdempotencyStore:
    def __init__(self, connection: Connection):
        self.connection = connection

    def find(self, operation: str, request_id: str) -> tuple[str, dict] | None:
        row = self.connection.execute(
            sa.select(IDEMPOTENCY_KEYS.c.fingerprint, IDEMPOTENCY_KEYS.c.result).where(
                IDEMPOTENCY_KEYS.c.operation == operation, IDEMPOTENCY_KEYS.c.request_id == request_id
            )
        ).first()
        return (row.fingerprint, json.loads(row.result)) if row else None

    def record(self, operation: str, request_id: str, digest: str, result: dict) -> None:
        self.connection.execute(
            IDEMPOTENCY_KEYS.insert().values(
                operation=operation,
                request_id=request_id,
                fingerprint=digest,
                result=json.dumps(result),
                created_at=utcnow(),
            )
        )
