"""Bulk awards over gRPC on the real PostgreSQL: fifty volunteers in one call, all or nothing, once."""

from __future__ import annotations

import grpc
import pytest
import sqlalchemy as sa

from jifen.points.v1 import ledger_pb2 as pb
from jifen.tables import IDEMPOTENCY_KEYS, OUTBOX
from services.points.adapters import tables
from services.points.adapters.ledger_audit import audit_engine
from tests.integration.points_town import HOME

POINTS = 30
REASON = "五一河道清理"


def bulk(town, admin, member_ids, request_id="event-2026-05-01", points=POINTS):
    return town.ledger.BulkAward(
        pb.BulkAwardRequest(request_id=request_id, member_ids=member_ids, points=points, reason=REASON),
        metadata=admin,
    )


def available(town, admin, member_ids):
    return [
        town.ledger.GetBalance(pb.GetBalanceRequest(member_id=m), metadata=admin).balance.available
        for m in member_ids
    ]


def written(town):
    """Rows of every table an award writes to."""
    engine = sa.create_engine(town.settings.points_db_url)
    try:
        with engine.connect() as conn:
            return {
                t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (tables.entries, tables.lots, OUTBOX, IDEMPOTENCY_KEYS)
            }
    finally:
        engine.dispose()


def deliver_events(town):
    """What the points worker does: relay the outbox to the consumer (the leaderboards follow)."""
    while town.parts.relay.run_once(lambda envelope: town.parts.consumer.handle(envelope.to_dict())):
        pass


def test_fifty_volunteers_are_awarded_in_one_call_and_a_replay_changes_nothing(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    volunteers = [town.register(f"m-vol-{i:02d}").member_id for i in range(50)]
    town.ledger.Award(
        pb.AwardRequest(request_id="earlier", member_id=volunteers[0], points=7, reason="上月表彰"),
        metadata=admin,
    )
    before = available(town, admin, volunteers)

    reply = bulk(town, admin, volunteers)

    assert [e.member_id for e in reply.entries] == volunteers
    assert {(e.kind, e.amount, e.reason) for e in reply.entries} == {(pb.ENTRY_KIND_AWARD, POINTS, REASON)}
    assert [b.available for b in reply.balances] == [n + POINTS for n in before]
    assert available(town, admin, volunteers) == [n + POINTS for n in before]
    second = pb.ListEntriesRequest(member_id=volunteers[1])
    statement = town.ledger.ListEntries(second, metadata=admin).entries
    assert [(e.entry_id, e.amount) for e in statement] == [(reply.entries[1].entry_id, POINTS)]
    after_first = written(town)

    replay = bulk(town, admin, volunteers)

    assert [e.entry_id for e in replay.entries] == [e.entry_id for e in reply.entries]
    assert available(town, admin, volunteers) == [n + POINTS for n in before]
    assert written(town) == after_first
    with pytest.raises(grpc.RpcError) as err:
        bulk(town, admin, volunteers[:49])
    assert err.value.code() == grpc.StatusCode.ALREADY_EXISTS

    deliver_events(town)
    board = town.ledger.GetLeaderboard(
        pb.GetLeaderboardRequest(
            community_id=HOME,
            period=pb.LEADERBOARD_PERIOD_ALL_TIME,
            metric=pb.LEADERBOARD_METRIC_POINTS,
            page_size=100,
        ),
        metadata=admin,
    )
    assert board.total_members == 50
    assert board.entries[0].member_id == volunteers[0] and board.entries[0].value == 7 + POINTS
    engine = sa.create_engine(town.settings.points_db_url)
    try:
        assert audit_engine(engine) == []
    finally:
        engine.dispose()


def test_a_list_with_one_unknown_member_awards_nobody(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    volunteers = [town.register(f"m-vol-{i:02d}").member_id for i in range(50)]
    before = written(town)

    with pytest.raises(grpc.RpcError) as err:
        bulk(town, admin, [*volunteers[:30], "m-nobody", *volunteers[30:]])

    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert err.value.details().startswith("member_ids[30]: 成员 m-nobody 不存在")
    assert written(town) == before
    assert set(available(town, admin, volunteers)) == {0}
    # Corrected, the same list goes through under a new request id.
    assert len(bulk(town, admin, volunteers, request_id="event-2026-05-01-fixed").entries) == 50


def test_a_bulk_commendation_names_the_rules_and_is_all_or_nothing(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    volunteers = [town.register(f"m-vol-{i:02d}").member_id for i in range(5)]

    reply = town.ledger.BulkAwardCommendation(
        pb.BulkAwardCommendationRequest(
            request_id="stars-2026", member_ids=volunteers, commendation="好人好事", citation="五一河道清理"
        ),
        metadata=admin,
    )

    assert [e.amount for e in reply.entries] == [50] * 5
    assert {e.calculation for e in reply.entries} == {"「好人好事」按「内置默认积分规则」计 50 分"}
    assert [b.available for b in reply.balances] == [50] * 5
