"""A database or Redis that cannot be reached: an outage to wait out, not a bug in the request.

PostgreSQL restarting for ten seconds fails every request meanwhile. Those answers are UNAVAILABLE,
so clients and the gateway know to retry, and each is logged as one line: a traceback per request
would bury the one warning that says when the outage began (and the line that says it ended).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import psycopg2
import psycopg2.errors
import redis.exceptions
import sqlalchemy.exc

DATABASE = "the database"
REDIS = "Redis"

# SQLSTATEs of a connection lost or refused by the server: class 08 (connection exception), the
# server shutting down or starting up, and no connection slot left.
_LOST_SQLSTATES = (
    *("08000", "08001", "08003", "08004", "08006", "08007", "08P01"),
    *("57P01", "57P02", "57P03", "53300"),
)
_LOST = (psycopg2.InterfaceError, *(psycopg2.errors.lookup(code) for code in _LOST_SQLSTATES))


def unreachable(exc: BaseException) -> str:
    """What could not be reached (DATABASE or REDIS) when exc, or what caused it, is a lost or
    refused connection; "" for any other error."""
    for error in _chain(exc):
        if isinstance(error, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
            return REDIS
        if isinstance(error, sqlalchemy.exc.DBAPIError) and (
            error.connection_invalidated or _lost(error.orig)
        ):
            return DATABASE
        # Every pooled connection busy past the pool's timeout: the database is not answering in time.
        if isinstance(error, sqlalchemy.exc.TimeoutError) or _lost(error):
            return DATABASE
    return ""


def _lost(error: BaseException | None) -> bool:
    # libpq's own failures (refused, closed, timed out) carry no SQLSTATE: the bare OperationalError.
    # Its subclasses are errors the server reported (a deadlock, a cancelled query): not outages.
    return type(error) is psycopg2.OperationalError or isinstance(error, _LOST)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and those it was raised from or while handling (a rollback on a dead connection)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def reason(exc: BaseException) -> str:
    """The driver's first line about the failure, without SQLAlchemy's statement and links."""
    inner = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    return lines[0] if lines else type(inner).__name__


class OutageLog:
    """Logs requests failed by an outage: a warning when one starts, one line per request, and an
    info line when a request succeeds again. Shared by the threads of one server."""

    def __init__(self, name: str, log: logging.Logger):
        self.name = name
        self.log = log
        self._lock = threading.Lock()
        self._failed: dict[str, int] = {}

    def failed(self, method: str, what: str, exc: BaseException) -> None:
        why = reason(exc)
        with self._lock:
            starts = what not in self._failed
            self._failed[what] = self._failed.get(what, 0) + 1
        if starts:
            self.log.warning(
                "%s: %s cannot be reached (%s); answering UNAVAILABLE until it can", self.name, what, why
            )
        self.log.info("%s answered UNAVAILABLE: %s cannot be reached (%s)", method, what, why)

    def succeeded(self) -> None:
        if not self._failed:  # the usual case, read without the lock
            return
        with self._lock:
            ended, self._failed = self._failed, {}
        for what, count in ended.items():
            self.log.info("%s: requests succeed again after %d failed for want of %s", self.name, count, what)
