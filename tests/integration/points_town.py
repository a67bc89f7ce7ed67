"""The points api on the real PostgreSQL and Redis, with members known to it through real member events.

Members are announced exactly as the members worker would: envelopes of jifen.events.v1 handed to
the points consumer, so the accounts the tests use are opened by the production code path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import grpc
import pytest

from jifen import migrations
from jifen.caller import ADMIN, GRID_WORKER, VOLUNTEER, Caller, Grant
from jifen.clock import utcnow
from jifen.db import make_engine
from jifen.envelope import Envelope
from jifen.events.v1 import members_pb2 as member_events
from jifen.points.v1 import (
    activities_pb2_grpc,
    certificates_pb2_grpc,
    ledger_pb2_grpc,
    needs_pb2_grpc,
    reports_pb2_grpc,
    rules_pb2_grpc,
)
from jifen.redis_client import connect
from jifen.settings import Settings
from jifen.timestamps import to_timestamp
from jifen.tokens import TokenIssuer
from services.points import bootstrap as points_bootstrap
from tests.conftest import free_port
from tests.servers import REDIS_URL, drop_database, fresh_database, service_database

STREET = "st-yannan"
HOME = "co-zhangsutan"
OTHER = "co-tianqing"


@pytest.fixture
def points_db():
    """An engine on a fresh, migrated points database, for tests below the gRPC api."""
    url = fresh_database("points")
    migrations.upgrade(points_bootstrap.MIGRATIONS, url)
    # Room for the concurrency tests: 20 connections, the rest wait for one.
    engine = make_engine(url, pool_size=10)
    yield engine
    engine.dispose()
    drop_database(url)


@pytest.fixture
def points_settings(settings: Settings):
    port = free_port()
    with service_database("points", points_bootstrap.MIGRATIONS) as (url, namespace):
        yield settings.model_copy(
            update={
                "points_db_url": url,
                "redis_url": REDIS_URL,
                "redis_namespace": namespace,
                "points_bind": f"127.0.0.1:{port}",
                "points_target": f"127.0.0.1:{port}",
            }
        )


@dataclass
class PointsTown:
    """A street with two communities, the points api, and a way to announce members to it."""

    settings: Settings
    channel: grpc.Channel
    parts: object
    issuer: TokenIssuer
    members: dict[str, Caller] = field(default_factory=dict)
    # Other services' consumers that hear the same member events (the market's, in market tests).
    listeners: list = field(default_factory=list)

    @property
    def ledger(self) -> ledger_pb2_grpc.LedgerServiceStub:
        return ledger_pb2_grpc.LedgerServiceStub(self.channel)

    @property
    def activities(self) -> activities_pb2_grpc.ActivitiesServiceStub:
        return activities_pb2_grpc.ActivitiesServiceStub(self.channel)

    @property
    def rules(self) -> rules_pb2_grpc.RulesServiceStub:
        return rules_pb2_grpc.RulesServiceStub(self.channel)

    @property
    def reports(self) -> reports_pb2_grpc.ReportsServiceStub:
        return reports_pb2_grpc.ReportsServiceStub(self.channel)

    @property
    def needs(self) -> needs_pb2_grpc.NeedsServiceStub:
        return needs_pb2_grpc.NeedsServiceStub(self.channel)

    @property
    def certificates(self) -> certificates_pb2_grpc.CertificatesServiceStub:
        return certificates_pb2_grpc.CertificatesServiceStub(self.channel)

    def announce(self, event_type: str, message) -> None:
        """Delivers a members event to the points consumer, as the members worker would."""
        envelope = Envelope.wrap(event_type, "members", message, utcnow())
        for consumer in [self.parts.consumer, *self.listeners]:
            consumer.handle(envelope.to_dict())

    def register(self, member_id: str, community: str = HOME, grid: str = "", *grants: Grant) -> Caller:
        grants = grants or (Grant(VOLUNTEER),)
        self.announce(
            "member.registered",
            member_events.MemberRegistered(
                member_id=member_id,
                name=f"成员{member_id[-4:]}",
                community_id=community,
                street_id=STREET,
                grid_id=grid,
                roles=[member_events.MemberRole(**g.to_claim()) for g in grants],
                registered_at=to_timestamp(utcnow()),
            ),
        )
        caller = Caller(
            member_id=member_id, grants=grants, community_id=community, street_id=STREET, grid_id=grid
        )
        self.members[member_id] = caller
        return caller

    def change_roles(self, caller: Caller, *grants: Grant) -> None:
        """Announces the member.updated members sends when an admin sets someone's roles; the
        caller's token, issued before, still names the old ones."""
        self.announce(
            "member.updated",
            member_events.MemberUpdated(
                member_id=caller.member_id,
                name=f"成员{caller.member_id[-4:]}",
                community_id=caller.community_id,
                street_id=caller.street_id,
                grid_id=caller.grid_id,
                roles=[member_events.MemberRole(**g.to_claim()) for g in grants],
                status="active",
                updated_at=to_timestamp(utcnow()),
            ),
        )

    def admin(self, member_id: str, community: str = HOME) -> Caller:
        return self.register(member_id, community, "", Grant(ADMIN, community_id=community))

    def grid_worker(self, member_id: str, grid: str) -> Caller:
        return self.register(member_id, HOME, grid, Grant(GRID_WORKER, grid_id=grid))

    def token(self, caller: Caller, ttl: timedelta | None = None) -> list[tuple[str, str]]:
        token, _ = self.issuer.issue(caller, ttl)
        return [("authorization", f"Bearer {token}")]

    @property
    def market(self) -> list[tuple[str, str]]:
        return self.token(Caller(service="market"))


@pytest.fixture
def points_town(points_settings: Settings):
    app = points_bootstrap.build_api(points_settings, connect(points_settings.redis_url))
    app.start()
    parts = points_bootstrap.build_events(points_settings)
    channel = grpc.insecure_channel(points_settings.points_target)
    issuer = TokenIssuer.from_file(points_settings.private_key_path, timedelta(hours=1))
    town = PointsTown(points_settings, channel, parts, issuer)
    for community in (HOME, OTHER):
        town.announce(
            "community.created",
            member_events.CommunityCreated(community_id=community, street_id=STREET, name=community),
        )
    yield town
    channel.close()
    app.stop(0)
    parts.close()


@pytest.fixture
def engine(points_db):
    """The points database's engine under the name the tests below the gRPC api use; a module on
    another database (the market's, the runtime's tables) defines its own."""
    return points_db
