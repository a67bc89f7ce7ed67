"""A database or Redis that cannot be reached answers UNAVAILABLE with a plain sentence, logged
without a traceback: one warning when the outage starts, one line per failed request, one when it ends."""

from __future__ import annotations

import contextlib
import logging
import sqlite3

import grpc
import psycopg2
import psycopg2.errors
import pytest
import redis.exceptions
import sqlalchemy.exc
from grpc_health.v1 import health_pb2

from jifen import outages
from jifen.grpc_server import GuardInterceptor
from jifen.policy import PUBLIC, rule
from jifen.tokens import TokenVerifier

REFUSED = psycopg2.OperationalError(
    'connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
    "\tIs the server running on that host and accepting TCP/IP connections?\n"
)


def wrapped(orig: BaseException, kind=sqlalchemy.exc.OperationalError, **kw) -> sqlalchemy.exc.DBAPIError:
    return kind("SELECT 1", {}, orig, **kw)


@pytest.mark.parametrize(
    "exc",
    [
        wrapped(REFUSED),
        wrapped(psycopg2.errors.AdminShutdown("terminating connection due to administrator command")),
        wrapped(psycopg2.errors.CannotConnectNow("the database system is starting up")),
        wrapped(psycopg2.InterfaceError("connection already closed"), sqlalchemy.exc.InterfaceError),
        sqlalchemy.exc.DBAPIError("SELECT 1", {}, Exception("server closed"), connection_invalidated=True),
        REFUSED,
        sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 overflow 10 reached"),
    ],
    ids=["refused", "terminated", "starting up", "closed", "invalidated", "bare driver", "pool timeout"],
)
def test_a_refused_or_lost_database_connection_is_an_outage(exc):
    assert outages.unreachable(exc) == outages.DATABASE


def test_a_failed_rollback_on_a_dead_connection_is_still_the_outage_it_came_from():
    closed = sqlalchemy.exc.ResourceClosedError("This Connection is closed")
    closed.__context__ = wrapped(REFUSED)
    assert outages.unreachable(closed) == outages.DATABASE


@pytest.mark.parametrize(
    "exc", [redis.exceptions.ConnectionError("Error 111 connecting"), redis.exceptions.TimeoutError("slow")]
)
def test_redis_that_cannot_be_reached_is_an_outage(exc):
    assert outages.unreachable(exc) == outages.REDIS


@pytest.mark.parametrize(
    "exc",
    [
        wrapped(psycopg2.errors.DeadlockDetected("deadlock detected")),
        wrapped(psycopg2.errors.QueryCanceled("canceling statement due to statement timeout")),
        wrapped(psycopg2.errors.UniqueViolation("duplicate key"), sqlalchemy.exc.IntegrityError),
        wrapped(sqlite3.OperationalError("no such table: members")),
        redis.exceptions.ResponseError("WRONGTYPE"),
        ValueError("a bug"),
    ],
    ids=["deadlock", "cancelled", "unique", "sqlite bug", "redis reply", "bug"],
)
def test_errors_the_database_reports_and_bugs_are_not_outages(exc):
    assert outages.unreachable(exc) == ""


class Aborted(Exception):
    pass


class FakeContext:
    def __init__(self, metadata=()):
        self.metadata = list(metadata)
        self.code: grpc.StatusCode | None = None
        self.details = ""

    def invocation_metadata(self):
        return self.metadata

    def abort_with_status(self, status):
        self.code, self.details = status.code, status.details
        raise Aborted()

    def abort(self, code, details):
        self.code, self.details = code, details
        raise Aborted()


PATH = "/jifen.test.v1.ProbeService/Probe"


class Details:
    method = PATH


def guarded(behaviour, keys) -> grpc.RpcMethodHandler:
    """`behaviour` behind the guard, as the server would run it for a public RPC."""
    verifier = TokenVerifier.from_file(keys[1])
    guard = GuardInterceptor({PATH: rule(PUBLIC)}, verifier, name="probe")
    handler = grpc.unary_unary_rpc_method_handler(
        behaviour,
        request_deserializer=health_pb2.HealthCheckRequest.FromString,
        response_serializer=health_pb2.HealthCheckResponse.SerializeToString,
    )
    return guard.intercept_service(lambda _details: handler, Details())


def call(handler, metadata=()) -> FakeContext:
    context = FakeContext(metadata)
    with contextlib.suppress(Aborted):
        handler.unary_unary(health_pb2.HealthCheckRequest(service="x").SerializeToString(), context)
    return context


def outage(request, context):
    raise wrapped(REFUSED)


def test_an_outage_answers_unavailable_with_a_plain_sentence_and_no_traceback(keys, caplog):
    handler = guarded(outage, keys)
    caplog.set_level(logging.INFO, logger="jifen.grpc")
    zh = call(handler)
    en = call(handler, [("accept-language", "en")])
    assert (zh.code, zh.details) == (grpc.StatusCode.UNAVAILABLE, "服务暂时不可用，请稍后再试")
    assert (en.code, en.details) == (
        grpc.StatusCode.UNAVAILABLE,
        "service temporarily unavailable; try again later",
    )
    assert [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()] == []


def test_a_bug_is_still_internal_with_its_traceback(keys, caplog):
    def bug(request, context):
        raise ValueError("a bug")

    context = call(guarded(bug, keys))
    assert context.code == grpc.StatusCode.INTERNAL
    assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [ValueError]


def test_an_outage_is_warned_once_logged_once_per_request_and_its_end_noted_once(keys, caplog):
    state = {"down": True}

    def probe(request, context):
        if state["down"]:
            raise wrapped(REFUSED)
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)

    handler = guarded(probe, keys)
    caplog.set_level(logging.INFO, logger="jifen.grpc")
    for _ in range(3):
        assert call(handler).code == grpc.StatusCode.UNAVAILABLE
    state["down"] = False
    for _ in range(2):
        context = FakeContext()
        assert handler.unary_unary(health_pb2.HealthCheckRequest().SerializeToString(), context).status == 1
    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    warnings = [m for level, m in lines if level == "WARNING"]
    assert len(warnings) == 1 and "the database cannot be reached (connection to server at" in warnings[0]
    per_request = [m for _, m in lines if m.startswith(f"{PATH} answered UNAVAILABLE")]
    assert len(per_request) == 3
    assert [m for _, m in lines if "succeed again" in m] == [
        "probe: requests succeed again after 3 failed for want of the database"
    ]
    assert len(lines) == 5
    # The next outage is a new one, and warned about again.
    state["down"] = True
    call(handler)
    assert [r.levelname for r in caplog.records].count("WARNING") == 2
