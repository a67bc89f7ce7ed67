"""Alembic, run per service against that service's own database."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, pool

from jifen.db import ensure_sqlite_folder
from jifen.tables import IDEMPOTENCY_KEY_LENGTH, RUNTIME_METADATA


def config(script_location: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(script_location: Path, url: str) -> None:
    command.upgrade(config(script_location, url), "head")


def revision(script_location: Path, url: str, message: str) -> None:
    command.revision(config(script_location, url), message=message, autogenerate=True)


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's migrations/env.py (online only: a service migrates its live database)."""
    url = context.config.get_main_option("sqlalchemy.url")
    # A plain engine: DDL must not run inside the BEGIN IMMEDIATE that make_engine adds for SQLite.
    ensure_sqlite_folder(url)
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_runtime_tables(op) -> None:
    """Creates the outbox, inbox, dead-letter and idempotency tables in a service's first migration."""
    bind = op.get_bind()
    for table in RUNTIME_METADATA.sorted_tables:
        table.create(bind=bind, checkfirst=True)


def widen_idempotency_keys(op) -> None:
    """Room for the caller before the request id (see jifen.idempotency); databases made by a first
    migration that already uses the wider column are left as they are."""
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.alter_column(
            "request_id", existing_type=sa.String(100), type_=sa.String(IDEMPOTENCY_KEY_LENGTH)
        )


def narrow_idempotency_keys(op) -> None:
    """Back to request ids without their caller. The scoped keys mean nothing to the older code (it
    would never find them), and some would not fit, so they go."""
    op.execute(sa.text("DELETE FROM idempotency_keys"))
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.alter_column(
            "request_id", existing_type=sa.String(IDEMPOTENCY_KEY_LENGTH), type_=sa.String(100)
        )
