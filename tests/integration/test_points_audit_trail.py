"""The points audit trail on the real PostgreSQL: every award, commendation, adjustment and rule
publication done through the RPCs is read back with its actor, time and reason; another community's
admin is refused (PERMISSION_DENIED)."""

from __future__ import annotations

from datetime import UTC, timedelta

import grpc
import pytest

from jifen.caller import ADMIN, Grant
from jifen.clock import utcnow
from jifen.points.v1 import ledger_pb2 as pb
from jifen.points.v1 import rules_pb2 as rul
from jifen.timestamps import to_timestamp
from tests.integration.points_town import HOME, OTHER, STREET

RULES = rul.RuleSet(
    points_per_hour=12,
    difficulty_multipliers=[100, 120, 150, 180, 200],
    rounding_minutes=30,
    rounding_mode=rul.ROUNDING_MODE_DOWN,
    daily_hour_cap_minutes=480,
    commendations=[rul.Commendation(name="优秀志愿者", points=200)],
    expiry_policy=rul.EXPIRY_POLICY_NEVER,
)


def everything_an_admin_does(town):
    """Publishes rules, awards (single and bulk), commends (single and bulk) and adjusts in HOME."""
    admin = town.token(town.admin("m-admin"))
    a, b = town.register("m-vol-a").member_id, town.register("m-vol-b").member_id
    town.rules.PublishRuleVersion(
        rul.PublishRuleVersionRequest(
            request_id="rules-1", community_id=HOME, rules=RULES, note="表彰加到200分", title="2026年新规"
        ),
        metadata=admin,
    )
    town.ledger.Award(
        pb.AwardRequest(request_id="aw-1", member_id=a, points=30, reason="河道清理"), metadata=admin
    )
    town.ledger.BulkAward(
        pb.BulkAwardRequest(request_id="aw-2", member_ids=[a, b], points=5, reason="五一值守"), metadata=admin
    )
    town.ledger.AwardCommendation(
        pb.AwardCommendationRequest(
            request_id="co-1", member_id=a, commendation="优秀志愿者", citation="常年值守"
        ),
        metadata=admin,
    )
    town.ledger.BulkAwardCommendation(
        pb.BulkAwardCommendationRequest(
            request_id="co-2", member_ids=[a, b], commendation="优秀志愿者", citation="抗洪抢险"
        ),
        metadata=admin,
    )
    town.ledger.Adjust(
        pb.AdjustRequest(request_id="ad-1", member_id=b, points=-3, reason="重复登记扣回"), metadata=admin
    )
    return admin, a, b


def audit(town, metadata, **fields):
    return town.ledger.ListAuditEvents(pb.ListAuditEventsRequest(**fields), metadata=metadata)


def test_an_admin_reads_every_award_adjustment_and_publication_with_who_when_and_why(points_town):
    town = points_town
    started = utcnow() - timedelta(seconds=1)
    admin, a, b = everything_an_admin_does(town)

    events = audit(town, admin, community_id=HOME).events

    # Newest first: the adjustment came last, the publication first.
    assert (events[0].kind, events[0].member_id, events[0].points, events[0].reason) == (
        pb.AUDIT_KIND_ADJUSTMENT, b, -3, "重复登记扣回"
    )
    assert (events[-1].kind, events[-1].member_id, events[-1].points, events[-1].reason) == (
        pb.AUDIT_KIND_RULE_PUBLICATION, "", 0, "2026年新规：表彰加到200分"
    )
    assert all(e.actor_id == "m-admin" for e in events)
    assert all(started <= e.occurred_at.ToDatetime(tzinfo=UTC) <= utcnow() for e in events)
    times = [e.occurred_at.ToDatetime() for e in events]
    assert times == sorted(times, reverse=True)
    by_kind = {}
    for e in events:
        by_kind.setdefault(e.kind, []).append(e)
    assert sorted((e.member_id, e.points) for e in by_kind[pb.AUDIT_KIND_AWARD]) == [(a, 5), (a, 30), (b, 5)]
    assert sorted(e.member_id for e in by_kind[pb.AUDIT_KIND_COMMENDATION]) == [a, a, b]
    assert all("优秀志愿者" in e.reason for e in by_kind[pb.AUDIT_KIND_COMMENDATION])
    publication = by_kind[pb.AUDIT_KIND_RULE_PUBLICATION][0]
    assert publication.rule_version_id == publication.source_id == publication.audit_event_id
    assert all(e.rule_version_id == publication.rule_version_id for e in by_kind[pb.AUDIT_KIND_COMMENDATION])


def test_the_audit_filters_by_kind_and_time_window_and_pages_newest_first(points_town):
    town = points_town
    admin, _, b = everything_an_admin_does(town)

    adjustments = audit(town, admin, community_id=HOME, kinds=[pb.AUDIT_KIND_ADJUSTMENT]).events
    assert [(e.member_id, e.points) for e in adjustments] == [(b, -3)]
    publications = audit(town, admin, kinds=[pb.AUDIT_KIND_RULE_PUBLICATION]).events
    assert [e.reason for e in publications] == ["2026年新规：表彰加到200分"]
    future = to_timestamp(utcnow() + timedelta(hours=1))
    assert list(audit(town, admin, community_id=HOME, created_after=future).events) == []

    everything = list(audit(town, admin, community_id=HOME).events)
    pages, token = [], ""
    while True:
        page = audit(town, admin, community_id=HOME, page_size=3, page_token=token)
        pages.extend(page.events)
        token = page.next_page_token
        if not token:
            break
    assert [e.audit_event_id for e in pages] == [e.audit_event_id for e in everything]
    assert len(everything) == 8


def test_a_street_admin_reads_the_trail_and_another_communitys_admin_is_refused(points_town):
    town = points_town
    everything_an_admin_does(town)
    street_admin = town.token(town.register("m-street", OTHER, "", Grant(ADMIN, street_id=STREET)))
    assert len(audit(town, street_admin, community_id=HOME).events) == 8

    other_admin = town.token(town.admin("m-other-admin", OTHER))
    with pytest.raises(grpc.RpcError) as refused:
        audit(town, other_admin, community_id=HOME)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    # Their own community's trail holds none of HOME's actions.
    assert list(audit(town, other_admin).events) == []


def test_a_volunteer_cannot_read_the_audit_trail(points_town):
    town = points_town
    everything_an_admin_does(town)
    volunteer = town.token(town.register("m-curious"))
    with pytest.raises(grpc.RpcError) as refused:
        audit(town, volunteer, community_id=HOME)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize(
    "fields, code, field",
    [
        ({"kinds": [99]}, grpc.StatusCode.INVALID_ARGUMENT, "kinds"),
        ({"page_size": -1}, grpc.StatusCode.INVALID_ARGUMENT, "page_size"),
        ({"page_token": "not-a-token"}, grpc.StatusCode.INVALID_ARGUMENT, "page_token"),
        (
            {
                "created_after": to_timestamp(utcnow()),
                "created_before": to_timestamp(utcnow() - timedelta(days=1)),
            },
            grpc.StatusCode.INVALID_ARGUMENT,
            "created_before",
        ),
    ],
)
def test_a_bad_audit_query_is_refused_naming_the_field(points_town, fields, code, field):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    with pytest.raises(grpc.RpcError) as refused:
        audit(town, admin, **{"community_id": HOME, **fields})
    assert refused.value.code() == code
    assert refused.value.details().startswith(f"{field}: ")
