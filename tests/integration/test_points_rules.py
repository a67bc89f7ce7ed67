"""Rule versions on the real PostgreSQL: the fallback, publishing through the servicer, the preview query."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import sqlalchemy as sa
from google.protobuf.timestamp_pb2 import Timestamp

from jifen import grpc_server
from jifen.caller import Caller
from jifen.clock import utcnow
from jifen.errors import AlreadyExists, Conflict, InvalidArgument, PermissionDenied
from jifen.points.v1 import rules_pb2 as pb
from services.points.adapters import tables
from services.points.adapters.unit_of_work import PointsUnitOfWork
from services.points.domain.people import ACTIVE, MemberCopy
from services.points.domain.rules import DEFAULT_RULES, STAR_HOURS_BEIJING, STAR_HOURS_NATIONAL, RuleVersion
from services.points.entrypoints import rule_messages
from services.points.entrypoints.rules_servicer import RulesServicer
from tests.integration.points_places import ADMIN_HOME, HOME, OTHER, STREET, STREET_ADMIN


@pytest.fixture
def uow_factory(engine):
    factory = partial(PointsUnitOfWork, engine)
    with factory() as uow:
        for community in (HOME, OTHER):
            uow.people.put_community(community)
        for member_id, name, community in [
            ("m-1", "王秀兰", HOME),
            ("m-2", "李建国", HOME),
            ("m-3", "张伟", OTHER),
        ]:
            uow.people.put_member(MemberCopy(member_id, name, community.id, STREET, "", ACTIVE, utcnow()))
        uow.commit()
    return factory


def version(version_id, effective_from, points_per_hour, community_id="", street_id=""):
    rules = replace(DEFAULT_RULES, points_per_hour=points_per_hour)
    return RuleVersion(
        version_id, community_id, street_id, effective_from, rules, published_at=effective_from
    )


def test_in_force_falls_back_from_community_to_street_to_the_built_in_default(uow_factory):
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    with uow_factory() as uow:
        uow.rules.add(version("street-1", t0 + timedelta(days=10), 15, street_id=STREET))
        uow.rules.add(version("home-1", t0 + timedelta(days=20), 20, community_id=HOME.id))
        uow.rules.add(version("home-2", t0 + timedelta(days=30), 30, community_id=HOME.id))
        uow.commit()

    with uow_factory() as uow:

        def at(community, days):
            return uow.rules.in_force(community.id, community.street_id, t0 + timedelta(days=days)).id

        assert at(HOME, 5) == "default-0"
        assert at(HOME, 10) == "street-1"
        assert at(HOME, 25) == "home-1"
        assert at(HOME, 30) == "home-2"
        assert at(OTHER, 40) == "street-1"
        assert uow.rules.in_force("co-new", "st-2", t0).id == "default-0"
        # The built-in default holds the rules of local practice.
        assert uow.rules.get("default-0").rules == DEFAULT_RULES
        assert [v.id for v in uow.rules.of_scope(HOME.id, "", 0, 10)] == ["home-2", "home-1"]
        assert [v.id for v in uow.rules.of_scope("", STREET, 0, 10)] == ["street-1"]
        assert uow.rules.street_known(STREET) and not uow.rules.street_known("st-9")
        assert uow.rules.first_community_versions([HOME.id, OTHER.id]) == {HOME.id: t0 + timedelta(days=20)}


@pytest.fixture
def as_caller():
    tokens = []

    def set_caller(caller: Caller):
        tokens.append(grpc_server._CALLER.set(caller))

    yield set_caller
    for token in reversed(tokens):
        grpc_server._CALLER.reset(token)


def stamp(moment: datetime) -> Timestamp:
    result = Timestamp()
    result.FromDatetime(moment)
    return result


def publish_request(request_id, points_per_hour, **fields):
    return pb.PublishRuleVersionRequest(
        request_id=request_id,
        rules=rule_messages.rule_set(replace(DEFAULT_RULES, points_per_hour=points_per_hour)),
        **fields,
    )


def test_publishing_today_leaves_last_weeks_version_in_force(uow_factory, as_caller):
    servicer = RulesServicer(uow_factory)
    last_week = stamp(utcnow() - timedelta(days=7))
    before = servicer.ResolveRuleVersion(
        pb.ResolveRuleVersionRequest(community_id=HOME.id, at=last_week), None
    )
    as_caller(ADMIN_HOME)

    published = servicer.PublishRuleVersion(
        publish_request("r1", 40, community_id=HOME.id, note="提高"), None
    ).rule_version
    again = servicer.PublishRuleVersion(publish_request("r1", 40, community_id=HOME.id, note="提高"), None)

    assert again.rule_version == published
    assert published.published_by == "admin-a" and published.note == "提高"
    now = servicer.ResolveRuleVersion(pb.ResolveRuleVersionRequest(community_id=HOME.id), None).rule_version
    assert now.rule_version_id == published.rule_version_id and now.rules.points_per_hour == 40
    after = servicer.ResolveRuleVersion(
        pb.ResolveRuleVersionRequest(community_id=HOME.id, at=last_week), None
    )
    assert after == before and after.rule_version.rule_version_id == "default-0"
    got = servicer.GetRuleVersion(pb.GetRuleVersionRequest(rule_version_id=published.rule_version_id), None)
    assert got.rule_version == published


def test_publish_refusals_write_nothing(uow_factory, engine, as_caller):
    servicer = RulesServicer(uow_factory)
    later = stamp(utcnow() + timedelta(days=3))
    as_caller(STREET_ADMIN)
    servicer.PublishRuleVersion(publish_request("r1", 20, street_id=STREET, effective_from=later), None)

    with pytest.raises(AlreadyExists):
        servicer.PublishRuleVersion(publish_request("r2", 25, street_id=STREET, effective_from=later), None)
    with pytest.raises(PermissionDenied):
        servicer.PublishRuleVersion(publish_request("r3", 25), None)
    with pytest.raises(InvalidArgument):
        servicer.PublishRuleVersion(
            publish_request("r4", 25, street_id=STREET, effective_from=stamp(utcnow() - timedelta(hours=1))),
            None,
        )
    with pytest.raises(InvalidArgument):
        servicer.PublishRuleVersion(publish_request("r5", 0, community_id=HOME.id), None)

    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(tables.rule_versions)).scalar() == 2
    listed = servicer.ListRuleVersions(pb.ListRuleVersionsRequest(street_id=STREET), None)
    assert [v.rules.points_per_hour for v in listed.rule_versions] == [20]


def test_the_table_refuses_a_second_version_of_one_scope_and_time(uow_factory):
    """The last guard when two publishers pass the use case's check at once: one commits, one conflicts."""
    later = utcnow() + timedelta(days=1)
    with uow_factory() as uow:
        uow.rules.add(version("first", later, 20, community_id=HOME.id))
        uow.commit()

    with pytest.raises(Conflict), uow_factory() as uow:
        uow.rules.add(version("second", later, 30, community_id=HOME.id))
        uow.commit()

    with uow_factory() as uow:
        assert [v.id for v in uow.rules.of_scope(HOME.id, "", 0, 10)] == ["first"]


def _activity(conn, activity_id, community, start, difficulty, category):
    now = utcnow()
    conn.execute(
        tables.activities.insert().values(
            id=activity_id,
            community_id=community.id,
            title="环境整治",
            category=category,
            difficulty=difficulty,
            start_time=start,
            end_time=start + timedelta(hours=3),
            capacity=0,
            signed_up_count=0,
            organiser_id="org-1",
            cancelled=False,
            check_in_secret="s",
            created_by="admin-a",
            created_at=now,
            updated_at=now,
        )
    )


def _hours(conn, record_id, activity_id, community, member_id, minutes, accrued, status="approved"):
    now = utcnow()
    conn.execute(
        tables.hour_records.insert().values(
            id=record_id,
            activity_id=activity_id,
            community_id=community.id,
            member_id=member_id,
            minutes=minutes,
            check_in_time=now,
            check_out_time=now,
            status=status,
            source="recorded",
            recorded_by="org-1",
            decided_at=now if status == "approved" else None,
            points_accrued=accrued,
            created_at=now,
            updated_at=now,
        )
    )


def test_preview_compares_a_draft_with_what_was_accrued(uow_factory, engine, as_caller):
    now = utcnow()
    with engine.begin() as conn:
        _activity(conn, "a-1", HOME, now - timedelta(days=10), 3, "cleanup")
        _activity(conn, "a-2", HOME, now - timedelta(days=40), 1, "care")
        _activity(conn, "a-3", OTHER, now - timedelta(days=5), 1, "care")
        _hours(conn, "h-1", "a-1", HOME, "m-2", 90, 22)
        _hours(conn, "h-2", "a-1", HOME, "m-1", 75, 15)
        _hours(conn, "h-3", "a-1", HOME, "m-1", 60, 0, status="pending")
        _hours(conn, "h-4", "a-2", HOME, "m-1", 60, 10)
        _hours(conn, "h-5", "a-3", OTHER, "m-3", 60, 10)
    as_caller(ADMIN_HOME)
    draft = replace(DEFAULT_RULES, points_per_hour=20, rounding_minutes=1)
    request = pb.PreviewRuleVersionRequest(
        community_id=HOME.id,
        rules=rule_messages.rule_set(draft),
        period_start=stamp(now - timedelta(days=30)),
        period_end=stamp(now - timedelta(minutes=1)),
    )

    result = RulesServicer(uow_factory).PreviewRuleVersion(request, None)

    assert [(r.member_id, r.member_name, r.hour_record_count, r.minutes) for r in result.rows] == [
        ("m-1", "王秀兰", 1, 75),
        ("m-2", "李建国", 1, 90),
    ]
    # 75 min × 20 × 1.5 = 37 (37.5 floored); 90 min × 20 × 1.5 = 45.
    assert [(r.current_points, r.draft_points, r.difference) for r in result.rows] == [
        (15, 37, 22),
        (22, 45, 23),
    ]
    assert (result.total_current_points, result.total_draft_points, result.member_count) == (37, 82, 2)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(tables.rule_versions)).scalar() == 1


def test_a_street_sets_its_star_thresholds_and_its_communities_follow_them(uow_factory, as_caller):
    servicer = RulesServicer(uow_factory)
    home = servicer.ResolveRuleVersion(pb.ResolveRuleVersionRequest(community_id=HOME.id), None)
    assert list(home.rule_version.rules.star_hours) == list(STAR_HOURS_NATIONAL)
    as_caller(STREET_ADMIN)
    beijing = replace(DEFAULT_RULES, star_hours=STAR_HOURS_BEIJING)
    servicer.PublishRuleVersion(
        pb.PublishRuleVersionRequest(
            request_id="stars", street_id=STREET, rules=rule_messages.rule_set(beijing), title="北京标准星级"
        ),
        None,
    )
    home = servicer.ResolveRuleVersion(pb.ResolveRuleVersionRequest(community_id=HOME.id), None)
    assert list(home.rule_version.rules.star_hours) == list(STAR_HOURS_BEIJING)
    for wrong in ([100, 200, 500], [100, 300, 300, 800, 1000], [0, 200, 500, 800, 1000]):
        rules = rule_messages.rule_set(DEFAULT_RULES)
        rules.ClearField("star_hours")
        rules.star_hours.extend(wrong)
        with pytest.raises(InvalidArgument) as err:
            servicer.PublishRuleVersion(
                pb.PublishRuleVersionRequest(request_id=f"bad-{wrong}", street_id=STREET, rules=rules), None
            )
        assert err.value.field == "rules.star_hours"
