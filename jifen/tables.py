"""Tables every service database has: the outbox, the inbox, idempotency records, dead letters."""

from __future__ import annotations

import sqlalchemy as sa

from jifen.clock import as_utc

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# "<caller>/<request id>": a member id or service name, then a client's request id of up to 100 characters.
IDEMPOTENCY_KEY_LENGTH = 160


class UtcDateTime(sa.types.TypeDecorator):
    """A point in time stored, compared and read back in UTC.

    SQLite keeps the naive wall-clock of whatever it is given, so a value in any other zone (a local
    midnight, say) would be compared as if it were UTC. Every value bound to such a column, in a row
    or in a comparison, is turned into UTC first; every value read comes back UTC-aware.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return as_utc(value)

    def process_result_value(self, value, dialect):
        return as_utc(value)


def when(name: str, nullable: bool = False) -> sa.Column:
    """A UTC point in time (see UtcDateTime)."""
    return sa.Column(name, UtcDateTime(), nullable=nullable)


def add_runtime_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    outbox = sa.Table(
        "outbox",
        metadata,
        sa.Column("position", BigId, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(40), nullable=False, unique=True),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("producer", sa.String(40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        # pending -> published, or failed after too many attempts (kept for an operator to retry).
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("claimed_until", sa.DateTime(timezone=True)),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Index("ix_outbox_status_position", "status", "position"),
    )
    processed = sa.Table(
        "processed_events",
        metadata,
        sa.Column("event_id", sa.String(40), primary_key=True),
        sa.Column("consumer", sa.String(80), primary_key=True),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
    dead = sa.Table(
        "dead_letters",
        metadata,
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("consumer", sa.String(80), nullable=False),
        sa.Column("event_id", sa.String(40), nullable=False),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("envelope", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retried_at", sa.DateTime(timezone=True)),
    )
    idempotency = sa.Table(
        "idempotency_keys",
        metadata,
        sa.Column("operation", sa.String(80), primary_key=True),
        sa.Column("request_id", sa.String(IDEMPOTENCY_KEY_LENGTH), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    return {
        "outbox": outbox,
        "processed_events": processed,
        "dead_letters": dead,
        "idempotency_keys": idempotency,
    }


RUNTIME_METADATA = sa.MetaData()
RUNTIME = add_runtime_tables(RUNTIME_METADATA)
OUTBOX = RUNTIME["outbox"]
PROCESSED_EVENTS = RUNTIME["processed_events"]
DEAD_LETTERS = RUNTIME["dead_letters"]
IDEMPOTENCY_KEYS = RUNTIME["idempotency_keys"]
