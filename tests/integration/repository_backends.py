"""The backends a repository contract runs on: the in-memory fake, SQLite and PostgreSQL.

The SQL repositories are the truth; a fake that answers differently is fixed, not the contract. Each
backend is a factory of units of work, used as `with committed(uow) as tx:`; the fake keeps its state
across transactions as the database does. PostgreSQL is skipped when it is unreachable, and fails under
CI=true (tests/servers.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from jifen import migrations
from jifen.db import make_engine
from jifen.errors import Conflict
from tests.servers import drop_database, fresh_database

FAKE, SQLITE, POSTGRESQL = "fake", "sqlite", "postgresql"
BACKENDS = (FAKE, SQLITE, pytest.param(POSTGRESQL, marks=pytest.mark.postgres))


@contextmanager
def sql_engine(backend: str, tmp_path: Path, name: str, migrations_dir: Path) -> Iterator[Engine]:
    """An engine on a fresh database of the backend, at the service's newest schema."""
    url = f"sqlite:///{tmp_path}/{name}.db" if backend == SQLITE else fresh_database(name)
    migrations.upgrade(migrations_dir, url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        if backend == POSTGRESQL:
            drop_database(url)


@contextmanager
def units_of_work(
    backend: str, tmp_path: Path, name: str, migrations_dir: Path, sql: Callable, fake: Callable
) -> Iterator[Callable]:
    """A factory of units of work on the backend: `sql(engine)` opens one over SQL, `fake()` is the one
    in-memory unit of work every transaction of a test goes through."""
    if backend == FAKE:
        only = fake()
        yield lambda: only
        return
    with sql_engine(backend, tmp_path, name, migrations_dir) as engine:
        yield lambda: sql(engine)


@contextmanager
def committed(uow_factory: Callable):
    """One transaction that commits when the block ends without an error."""
    with uow_factory() as uow:
        yield uow
        uow.commit()


def check_idempotency_records(
    uow_factory: Callable, operation: str, other_operation: str, result: dict
) -> None:
    """The contract of the idempotency store every unit of work carries (jifen/idempotency_store.py):
    a record is found by operation and request id, and a second record of one request is refused."""
    with committed(uow_factory) as tx:
        assert tx.idempotency.find(operation, "r-1") is None
        tx.idempotency.record(operation, "r-1", "digest-1", result)
    with uow_factory() as tx:
        assert tx.idempotency.find(operation, "r-1") == ("digest-1", result)
        assert tx.idempotency.find(other_operation, "r-1") is None
    with pytest.raises(Conflict), committed(uow_factory) as tx:
        tx.idempotency.record(operation, "r-1", "digest-2", {})
    with uow_factory() as tx:
        assert tx.idempotency.find(operation, "r-1") == ("digest-1", result)
