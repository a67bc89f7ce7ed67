"""The members composition root: builds the api and the event parts from settings."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

import redis

from jifen import tls
from jifen.composition import EventParts
from jifen.db import make_engine
from jifen.grpc_server import GrpcApp, build_server
from jifen.members.v1 import members_pb2_grpc
from jifen.outbox import OutboxRelay
from jifen.rate_limit import FailureLimiter
from jifen.settings import Settings
from jifen.tokens import TokenIssuer, TokenVerifier

from .adapters.passwords import Argon2Passwords
from .adapters.unit_of_work import MembersUnitOfWork
from .domain.member import Member
from .entrypoints.directory_servicer import DirectoryServicer
from .entrypoints.members_servicer import MembersServicer
from .entrypoints.policy import DESCRIPTORS, POLICY
from .service import login, registration
from .service.commands import CreateAdmin

NAME = "members"
MIGRATIONS = Path(__file__).parent / "migrations"


def build_api(
    settings: Settings, redis_client: redis.Redis, passwords: Argon2Passwords | None = None
) -> GrpcApp:
    engine = make_engine(settings.db_url(NAME), pool_size=settings.grpc_workers)
    uow = partial(MembersUnitOfWork, engine)
    passwords = passwords or Argon2Passwords()
    limiter = FailureLimiter(
        redis_client,
        f"{settings.redis_namespace}:login",
        settings.login_max_failures,
        settings.login_window_seconds,
    )
    clients = FailureLimiter(
        redis_client,
        f"{settings.redis_namespace}:login-client",
        settings.login_max_attempts_per_client,
        settings.login_window_seconds,
    )
    registrations = FailureLimiter(
        redis_client,
        f"{settings.redis_namespace}:register-client",
        settings.registration_max_per_client,
        settings.registration_window_seconds,
    )
    tokens = TokenIssuer.from_file(settings.private_key_path, timedelta(minutes=settings.token_ttl_minutes))
    return build_server(
        NAME,
        settings.bind(NAME),
        [
            (
                members_pb2_grpc.add_MembersServiceServicer_to_server,
                MembersServicer(
                    uow,
                    passwords,
                    limiter,
                    tokens,
                    clients,
                    timedelta(days=settings.refresh_token_ttl_days),
                    registrations,
                ),
            ),
            (members_pb2_grpc.add_DirectoryServiceServicer_to_server, DirectoryServicer(uow)),
        ],
        DESCRIPTORS,
        POLICY,
        TokenVerifier.from_file(settings.public_key_path),
        settings.grpc_workers,
        resolve=lambda caller: login.current_identity(caller, uow()),
        with_reflection=settings.grpc_reflection,
        credentials=tls.server_credentials(settings),
    )


def build_events(settings: Settings) -> EventParts:
    engine = make_engine(settings.db_url(NAME), pool_size=2)
    relay = OutboxRelay(engine, settings.outbox_lease_seconds, settings.outbox_batch_size)
    return EventParts(engine, relay)


def create_admin(settings: Settings, name: str, phone: str, street: str, password: str) -> Member:
    engine = make_engine(settings.db_url(NAME), pool_size=1)
    try:
        cmd = CreateAdmin(name=name, phone=phone, street_name=street, password=password)
        return registration.create_admin(cmd, MembersUnitOfWork(engine), Argon2Passwords())
    finally:
        engine.dispose()
