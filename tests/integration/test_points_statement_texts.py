"""What volunteers read on their statements, over gRPC on the real PostgreSQL: names and dates, never ids."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from jifen import migrations
from jifen.clock import utcnow
from jifen.points.v1 import ledger_pb2 as lp
from jifen.points.v1 import rules_pb2 as rp
from jifen.timestamps import to_timestamp
from services.points import bootstrap as points_bootstrap
from services.points.domain.rules import DEFAULT_RULES, Commendation, local_date
from services.points.entrypoints import rule_messages
from tests.integration.points_town import HOME, OTHER
from tests.servers import drop_database, fresh_database

# A ULID as jifen.ids makes them, in either case.
ULID = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}(?![0-9A-Za-z])")
RULES = replace(DEFAULT_RULES, commendations=(Commendation("优秀志愿者", 300),))


def publish(town, admin, request_id, community, **fields):
    request = rp.PublishRuleVersionRequest(
        request_id=request_id, community_id=community, rules=rule_messages.rule_set(RULES), **fields
    )
    return town.rules.PublishRuleVersion(request, metadata=admin).rule_version


def test_the_commendation_line_names_the_rule_version_by_its_title_and_date(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    town.register("m-vol")
    version = publish(town, admin, "titled", HOME, title="张苏滩社区积分办法")
    assert version.title == "张苏滩社区积分办法"

    entry = town.ledger.AwardCommendation(
        lp.AwardCommendationRequest(
            request_id="commend", member_id="m-vol", commendation="优秀志愿者", citation="2026年度"
        ),
        metadata=admin,
    ).entry

    since = local_date(version.effective_from.ToDatetime(tzinfo=UTC))
    assert entry.calculation == f"「优秀志愿者」按「张苏滩社区积分办法」（{since}起施行）计 300 分"
    assert entry.rule_version_id == version.rule_version_id
    statement = town.ledger.ListEntries(lp.ListEntriesRequest(member_id="m-vol"), metadata=admin).entries
    assert [e.calculation for e in statement] == [entry.calculation]
    assert not ULID.search(entry.reason + entry.calculation)


def test_untitled_versions_are_titled_by_their_date_and_the_built_in_rules_by_name(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin", OTHER))
    tomorrow = utcnow().replace(microsecond=0) + timedelta(days=1)
    version = publish(town, admin, "untitled", OTHER, effective_from=to_timestamp(tomorrow))
    assert version.title == f"{local_date(tomorrow)}起施行的积分规则"
    fetched = town.rules.GetRuleVersion(
        rp.GetRuleVersionRequest(rule_version_id=version.rule_version_id), metadata=admin
    ).rule_version
    assert fetched.title == version.title
    built_in = town.rules.ResolveRuleVersion(
        rp.ResolveRuleVersionRequest(community_id=OTHER), metadata=admin
    ).rule_version
    assert built_in.title == "内置默认积分规则"


@pytest.fixture
def database_before_titles():
    url = fresh_database("points")
    command.upgrade(migrations.config(points_bootstrap.MIGRATIONS, url), "0002")
    yield url
    drop_database(url)


def test_versions_published_before_titles_existed_are_titled_by_the_migration(database_before_titles):
    engine = sa.create_engine(database_before_titles)
    columns = ("id", "community_id", "street_id", "effective_from", "rules", "published_at")
    versions = sa.table("rule_versions", *(sa.column(c) for c in columns))
    # 17:00 UTC on 28 February is 1 March in Beijing.
    since = datetime(2026, 2, 28, 17, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            versions.insert().values(
                id="01kb0000000000000000000000",
                community_id=HOME,
                street_id="",
                effective_from=since,
                rules="{}",
                published_at=since,
            )
        )
    migrations.upgrade(points_bootstrap.MIGRATIONS, database_before_titles)
    with engine.connect() as conn:
        titles = dict(conn.execute(sa.text("SELECT id, title FROM rule_versions")).all())
    engine.dispose()
    assert titles == {
        "default-0": "内置默认积分规则",
        "01kb0000000000000000000000": "2026年3月1日起施行的积分规则",
    }
