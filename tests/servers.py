"""The real servers tests use: reachable, or skipped locally with a reason, or failed under CI=true."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse

import pytest
import redis
import sqlalchemy as sa

from jifen import migrations

PG_URL = os.environ.get("JIFEN_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("JIFEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
AMQP_URL = os.environ.get("JIFEN_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url.replace("postgresql+psycopg2", "postgresql"))
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def require(name: str, url: str, default_port: int) -> None:
    if _reachable(url, default_port):
        return
    reason = f"{name} is not reachable at {url}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI=true a missing server is a failure, not a skip")
    pytest.skip(reason)


def require_postgres() -> None:
    require("PostgreSQL", PG_URL, 5432)


def require_redis() -> None:
    require("Redis", REDIS_URL, 6379)


def require_rabbitmq() -> None:
    require("RabbitMQ", AMQP_URL, 5672)


def fresh_database(prefix: str) -> str:
    """Creates an empty PostgreSQL database and returns its URL."""
    require_postgres()
    name = f"jifen_test_{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(f"{PG_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return f"{PG_URL}/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(f"{PG_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def refuse_connections(url: str, refuse: bool = True) -> None:
    """Makes a database refuse new connections and ends its open ones (an outage of that database
    alone), or lets it accept them again."""
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(f"{PG_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if refuse else "true"}')
        if refuse:
            conn.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )
    admin.dispose()


@contextmanager
def refusing_connections(url: str) -> Iterator[None]:
    """The database refuses new connections and loses its open ones, as in an outage, until the block ends."""
    refuse_connections(url)
    try:
        yield
    finally:
        refuse_connections(url, refuse=False)


@contextmanager
def redis_namespace() -> Iterator[str]:
    """A Redis key prefix of the test's own, so parallel runs on one server never meet; its keys go after."""
    require_redis()
    namespace = f"jifen-test-{uuid.uuid4().hex[:8]}"
    try:
        yield namespace
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{namespace}:*"):
            client.delete(key)
        client.close()


@contextmanager
def service_database(service: str, migrations_dir) -> Iterator[tuple[str, str]]:
    """A fresh database for the service with its migrations applied, and a Redis namespace; both go after."""
    with redis_namespace() as namespace:
        url = fresh_database(service)
        try:
            migrations.upgrade(migrations_dir, url)
            yield url, namespace
        finally:
            drop_database(url)
