"""Integration fixtures: the members api on the real PostgreSQL and Redis servers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from jifen.members.v1 import members_pb2 as m
from jifen.settings import Settings
from services.members import bootstrap as members_bootstrap
from services.members.adapters.passwords import Argon2Passwords
from tests.members_client import MembersClient
from tests.servers import REDIS_URL, service_database

ADMIN_PHONE = "13800000000"
STREET = "雁南街道"


@pytest.fixture
def pg_settings(settings: Settings):
    """Settings pointing the members service at a fresh PostgreSQL database and the real Redis."""
    with service_database("members", members_bootstrap.MIGRATIONS) as (url, namespace):
        yield settings.model_copy(
            update={"members_db_url": url, "redis_url": REDIS_URL, "redis_namespace": namespace}
        )


@dataclass
class Town:
    """A street admin, two communities with a grid each, as the stories start from."""

    client: MembersClient
    street_id: str
    admin_token: str
    home: m.Community
    other: m.Community
    home_grid: m.Grid
    other_grid: m.Grid


@pytest.fixture
def members_api(pg_settings: Settings):
    from jifen.redis_client import connect

    # Cheap argon2 parameters keep dozens of logins fast; production uses the library's strong defaults.
    app = members_bootstrap.build_api(
        pg_settings,
        connect(pg_settings.redis_url),
        passwords=Argon2Passwords(time_cost=1, memory_cost=1024, parallelism=1),
    )
    app.start()
    yield app
    app.stop(0)


@pytest.fixture
def town(pg_settings: Settings, members_api) -> Town:
    members_bootstrap.create_admin(
        pg_settings, name="周海燕", phone=ADMIN_PHONE, street=STREET, password="secret-123"
    )
    client = MembersClient(pg_settings.members_target)
    token = client.login(ADMIN_PHONE)
    street_id = client.street_id(STREET)
    home = client.community(token, street_id, "张苏滩社区")
    other = client.community(token, street_id, "天庆嘉园社区")
    yield Town(
        client,
        street_id,
        token,
        home,
        other,
        client.grid(token, home.community_id, "第一网格"),
        client.grid(token, other.community_id, "第一网格"),
    )
    client.close()


# The points api fixtures live beside their helpers; importing them here makes them available to every test.
from tests.integration.market_town import market_town  # noqa: E402, F401
from tests.integration.points_town import engine, points_db, points_settings, points_town  # noqa: E402, F401
