"""The market composition root: builds the api, the worker's event parts and its jobs from settings."""

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
from jifen.key_files import read_ring
from jifen.market.v1 import market_pb2_grpc, reports_pb2_grpc
from jifen.member_copies import live_caller
from jifen.outbox import OutboxRelay
from jifen.rate_limit import FailureLimiter
from jifen.service_token import service_token
from jifen.settings import Settings
from jifen.tokens import TokenVerifier

from .adapters import qr_image
from .adapters.market_audit import audit_engine
from .adapters.members_client import GrpcMembers
from .adapters.points_client import GrpcPoints
from .adapters.unit_of_work import MarketUnitOfWork
from .domain.pickup import PickupKey
from .entrypoints.market_servicer import MarketServicer
from .entrypoints.policy import DESCRIPTORS, POLICY
from .entrypoints.reports_servicer import MarketReportsServicer
from .service import subscriptions
from .service.redemptions import jobs
from .service.redemptions.placing import SagaSettings
from .service.redemptions.ports import PickupLimits

NAME = "market"
MIGRATIONS = Path(__file__).parent / "migrations"


def saga_settings(settings: Settings) -> SagaSettings:
    return SagaSettings(
        pickup_window=timedelta(hours=settings.pickup_window_hours),
        abandoned_after=timedelta(seconds=settings.saga_timeout_seconds),
        proxy_orders_per_week=settings.proxy_redemptions_per_week,
    )


def points_client(settings: Settings) -> GrpcPoints:
    return GrpcPoints(settings.target("points"), service_token(settings, NAME), settings.call_timeout_seconds)


def members_client(settings: Settings) -> GrpcMembers:
    token = service_token(settings, NAME)
    return GrpcMembers(settings.target("members"), token, settings.call_timeout_seconds)


def pickup_keys(settings: Settings) -> tuple[PickupKey, ...]:
    """The pickup keys from their secret file (`jifen keys` makes it), never from the database; the
    market's api and worker read it, no other process needs it."""
    path = settings.pickup_key_path
    if not path.exists():
        raise SystemExit(f"pickup key file {path} is missing: run `jifen keys` or set JIFEN_PICKUP_KEY_FILE")
    return tuple(PickupKey(key_id, secret) for key_id, secret in read_ring(path))


def build_api(settings: Settings, redis_client: redis.Redis) -> GrpcApp:
    engine = make_engine(settings.db_url(NAME), pool_size=settings.grpc_workers)
    uow = partial(MarketUnitOfWork, engine, members_client(settings), pickup_keys(settings))
    limits = PickupLimits(
        staff=FailureLimiter(
            redis_client,
            f"{settings.redis_namespace}:pickup",
            settings.pickup_code_max_failures,
            settings.pickup_code_window_seconds,
        ),
        shop=FailureLimiter(
            redis_client,
            f"{settings.redis_namespace}:pickup-shop",
            settings.pickup_code_max_failures_per_shop,
            settings.pickup_code_window_seconds,
        ),
    )
    servicer = MarketServicer(uow, points_client(settings), limits, saga_settings(settings), qr_image.render)
    return build_server(
        NAME,
        settings.bind(NAME),
        [
            (market_pb2_grpc.add_MarketServiceServicer_to_server, servicer),
            (reports_pb2_grpc.add_MarketReportsServiceServicer_to_server, MarketReportsServicer(uow)),
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
    # The sweeper finishes orders a crash left behind, issuing their codes: it needs the keys too.
    uow = partial(MarketUnitOfWork, engine, pickup_keys=pickup_keys(settings))
    points = points_client(settings)
    saga = saga_settings(settings)
    interval = settings.market_job_interval_seconds
    return EventParts(
        engine,
        OutboxRelay(engine, settings.outbox_lease_seconds, settings.outbox_batch_size),
        EventConsumer(NAME, engine, uow, subscriptions.handlers()),
        jobs=[
            Job("sweep_reserving", interval, partial(jobs.sweep_reserving, uow, points, saga)),
            Job("expire_uncollected", interval, partial(jobs.expire_uncollected, uow, points)),
            Job("forget_legacy_pickup_key", interval, partial(jobs.forget_legacy_pickup_key, uow)),
        ],
    )


def audit(settings: Settings) -> list[str]:
    """Checks stock against redemptions and stock changes, every redemption against its hold, and
    that every member registered longer than JIFEN_AUDIT_GRACE_SECONDS ago has a copy here."""
    engine = make_engine(settings.db_url(NAME), pool_size=1)
    points = points_client(settings)
    members = members_client(settings)
    try:
        stale = utcnow() - saga_settings(settings).abandoned_after * 2
        registered_before = utcnow() - timedelta(seconds=settings.audit_grace_seconds)
        return audit_engine(engine, points, stale, members, registered_before)
    finally:
        members.close()
        points.close()
        engine.dispose()
