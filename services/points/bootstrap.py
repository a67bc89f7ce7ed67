"""The points composition root: builds the api, the worker's event parts and its jobs from settings."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

import redis

from jifen import tls
from jifen.clock import utcnow
from jifen.composition import EventParts, Job
from jifen.db import make_engine
from jifen.grpc_server import GrpcApp, build_server
from jifen.inbox import EventConsumer
from jifen.member_copies import live_caller
from jifen.outbox import OutboxRelay
from jifen.points.v1 import (
    activities_pb2_grpc,
    certificates_pb2_grpc,
    ledger_pb2_grpc,
    needs_pb2_grpc,
    reports_pb2_grpc,
    rules_pb2_grpc,
)
from jifen.rate_limit import FailureLimiter
from jifen.redis_client import connect
from jifen.service_token import service_token
from jifen.settings import Settings
from jifen.tokens import TokenVerifier

from .adapters.ledger_audit import audit_engine
from .adapters.members_client import GrpcMembers
from .adapters.redis_leaderboards import RedisLeaderboards
from .adapters.unit_of_work import PointsUnitOfWork
from .entrypoints.activities_servicer import ActivitiesServicer
from .entrypoints.certificates_servicer import CertificatesServicer
from .entrypoints.ledger_servicer import LedgerServicer
from .entrypoints.needs_servicer import NeedsServicer
from .entrypoints.policy import DESCRIPTORS, POLICY
from .entrypoints.reports_servicer import ReportsServicer
from .entrypoints.rules_servicer import RulesServicer
from .service import jobs, subscriptions
from .service.activities.check_in import CodeLimits
from .service.leaderboards import handlers as leaderboards

NAME = "points"
MIGRATIONS = Path(__file__).parent / "migrations"


def members_client(settings: Settings) -> GrpcMembers:
    token = service_token(settings, NAME)
    return GrpcMembers(settings.target("members"), token, settings.call_timeout_seconds)


def code_limits(settings: Settings, redis_client: redis.Redis) -> CodeLimits:
    prefix, window = f"{settings.redis_namespace}:check-in", settings.check_in_code_window_seconds
    return CodeLimits(
        per_member=FailureLimiter(
            redis_client, f"{prefix}:member", settings.check_in_code_max_failures, window
        ),
        per_activity=FailureLimiter(
            redis_client, f"{prefix}:activity", settings.check_in_code_max_failures_per_activity, window
        ),
    )


def build_api(settings: Settings, redis_client: redis.Redis) -> GrpcApp:
    engine = make_engine(settings.db_url(NAME), pool_size=settings.grpc_workers)
    uow = partial(PointsUnitOfWork, engine, members_client(settings))
    boards = RedisLeaderboards(redis_client, settings.redis_namespace)
    return build_server(
        NAME,
        settings.bind(NAME),
        [
            (
                activities_pb2_grpc.add_ActivitiesServiceServicer_to_server,
                ActivitiesServicer(
                    uow,
                    code_limits(settings, redis_client),
                    code_window_seconds=settings.check_in_code_seconds,
                    hours_clock_skew=timedelta(minutes=settings.hours_clock_skew_minutes),
                ),
            ),
            (rules_pb2_grpc.add_RulesServiceServicer_to_server, RulesServicer(uow)),
            (ledger_pb2_grpc.add_LedgerServiceServicer_to_server, LedgerServicer(uow, boards)),
            (reports_pb2_grpc.add_ReportsServiceServicer_to_server, ReportsServicer(uow)),
            (needs_pb2_grpc.add_NeedsServiceServicer_to_server, NeedsServicer(uow)),
            (certificates_pb2_grpc.add_CertificatesServiceServicer_to_server, CertificatesServicer(uow)),
        ],
        DESCRIPTORS,
        POLICY,
        TokenVerifier.from_file(settings.public_key_path),
        settings.grpc_workers,
        resolve=lambda caller: live_caller(caller, uow()),
        with_reflection=settings.grpc_reflection,
        credentials=tls.server_credentials(settings),
    )


def build_events(settings: Settings) -> EventParts:
    engine = make_engine(settings.db_url(NAME), pool_size=2)
    uow = partial(PointsUnitOfWork, engine)
    boards = RedisLeaderboards(connect(settings.redis_url), settings.redis_namespace)
    return EventParts(
        engine,
        OutboxRelay(engine, settings.outbox_lease_seconds, settings.outbox_batch_size),
        EventConsumer(NAME, engine, uow, subscriptions.handlers(boards)),
        jobs=[
            Job("expire_lots", settings.points_job_interval_seconds, partial(jobs.expire_lots, uow)),
            Job(
                "release_overdue_holds",
                settings.points_job_interval_seconds,
                partial(jobs.release_overdue_holds, uow),
            ),
        ],
    )


def rebuild_leaderboards(settings: Settings) -> int:
    """Recomputes every board into settings.redis_url from the database; returns the entries written."""
    engine = make_engine(settings.db_url(NAME), pool_size=1)
    client = connect(settings.redis_url)
    try:
        boards = RedisLeaderboards(client, settings.redis_namespace)
        return leaderboards.rebuild(partial(PointsUnitOfWork, engine), boards)
    finally:
        client.close()
        engine.dispose()


def audit(settings: Settings) -> list[str]:
    """Checks every account against the invariants of DESIGN §5, and that every member registered
    longer than JIFEN_AUDIT_GRACE_SECONDS ago has one; returns what is wrong."""
    engine = make_engine(settings.db_url(NAME), pool_size=1)
    members = members_client(settings)
    try:
        return audit_engine(engine, members, utcnow() - timedelta(seconds=settings.audit_grace_seconds))
    finally:
        members.close()
        engine.dispose()
