"""An admin creates a community and uses it at once, before its community.created reaches points or
the market: members api, points api and market api on PostgreSQL, with no worker running."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa

from jifen.clock import as_utc, utcnow
from jifen.envelope import Envelope
from jifen.market.v1 import market_pb2 as mk
from jifen.points.v1 import activities_pb2 as ap
from jifen.points.v1 import rules_pb2 as rp
from jifen.tables import DEAD_LETTERS, OUTBOX
from jifen.timestamps import to_timestamp
from services.market.adapters import tables as market_tables
from services.points.adapters import tables as points_tables
from services.points.domain.rules import DEFAULT_RULES
from services.points.entrypoints import rule_messages
from tests.members_client import bearer, rid


def _members_events(pg_settings, event_type: str, mentioning: str = "") -> list[Envelope]:
    """Events waiting in the members outbox, as the members worker would publish them."""
    engine = sa.create_engine(pg_settings.members_db_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(OUTBOX).where(OUTBOX.c.type == event_type)).all()
    engine.dispose()
    return [
        Envelope(r.event_id, r.type, as_utc(r.occurred_at), r.producer, json.loads(r.payload))
        for r in rows
        if mentioning in r.payload
    ]


def _community_row(engine, table, community_id: str):
    with engine.connect() as conn:
        return conn.execute(
            sa.select(table.c.street_id, table.c.name).where(table.c.id == community_id)
        ).one_or_none()


def test_a_community_created_a_moment_ago_takes_rules_activities_and_a_shop_before_its_event_arrives(
    town, market_town, pg_settings
):
    points_town = market_town.points
    admin = town.admin_token
    # The street admin has been around for a while: points knows them (their registration arrived).
    for envelope in _members_events(pg_settings, "member.registered"):
        points_town.parts.consumer.handle(envelope.to_dict())

    new = town.client.community(admin, town.street_id, "新建社区")

    published = points_town.rules.PublishRuleVersion(
        rp.PublishRuleVersionRequest(
            request_id=rid(),
            community_id=new.community_id,
            rules=rule_messages.rule_set(replace(DEFAULT_RULES, points_per_hour=12)),
        ),
        metadata=bearer(admin),
    )
    assert published.rule_version.community_id == new.community_id
    start = utcnow() + timedelta(days=2)
    planned = points_town.activities.CreateActivity(
        ap.CreateActivityRequest(
            request_id=rid(),
            community_id=new.community_id,
            title="新社区环境整治",
            category="environment",
            difficulty=2,
            start_time=to_timestamp(start),
            end_time=to_timestamp(start + timedelta(hours=2)),
            place="新建社区 1 号楼",
        ),
        metadata=bearer(admin),
    ).activity
    assert planned.community_id == new.community_id
    # A street points has heard nothing of yet: its communities are read through as well.
    street_rules = points_town.rules.PublishRuleVersion(
        rp.PublishRuleVersionRequest(
            request_id=rid(), street_id=town.street_id, rules=rule_messages.rule_set(DEFAULT_RULES)
        ),
        metadata=bearer(admin),
    )
    assert street_rules.rule_version.street_id == town.street_id
    shop = market_town.market.CreateShop(
        mk.CreateShopRequest(
            request_id=rid(), community_id=new.community_id, name="新建社区积分超市", address="1 号楼"
        ),
        metadata=bearer(admin),
    ).shop
    assert shop.community_id == new.community_id

    points_engine = sa.create_engine(points_town.settings.points_db_url)
    try:
        kept = (town.street_id, "新建社区")
        assert _community_row(points_engine, points_tables.communities, new.community_id) == kept
        assert _community_row(market_town.engine, market_tables.communities, new.community_id) == kept

        # The event arrives late, and changes nothing.
        (created,) = _members_events(pg_settings, "community.created", new.community_id)
        for consumer in (points_town.parts.consumer, market_town.parts.consumer):
            assert consumer.handle(created.to_dict()) is True
            assert consumer.handle(created.to_dict()) is False
        assert _community_row(points_engine, points_tables.communities, new.community_id) == kept
        assert _community_row(market_town.engine, market_tables.communities, new.community_id) == kept
        with points_engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(DEAD_LETTERS)).scalar_one() == 0
    finally:
        points_engine.dispose()
