"""The needs list on PostgreSQL: claims of one need queue, a close awards once, and the ledger stays sound."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import grpc
import sqlalchemy as sa

from jifen.points.v1 import ledger_pb2 as lp
from jifen.points.v1 import needs_pb2 as np
from services.points.adapters import tables
from services.points.adapters.ledger_audit import audit_engine
from tests.integration.points_town import HOME


def rid() -> str:
    return uuid.uuid4().hex


def post(town, admin, wanted: int, points: int = 40) -> np.Need:
    return town.needs.PostNeed(
        np.PostNeedRequest(
            request_id=rid(),
            community_id=HOME,
            grid_id="gr-1",
            place="5 号楼",
            title="楼道堆物清理",
            category="environment",
            points=points,
            wanted=wanted,
        ),
        metadata=admin,
    ).need


def attempt(call):
    try:
        call()
        return "ok"
    except grpc.RpcError as exc:
        return exc.code().name


def test_twenty_concurrent_claims_of_a_need_wanting_three_make_exactly_three(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    need = post(town, admin, wanted=3)
    tokens = [town.token(town.register(f"m-vol-{i:02d}")) for i in range(20)]

    def claim(token):
        return attempt(
            lambda: town.needs.ClaimNeed(
                np.ClaimNeedRequest(request_id=rid(), need_id=need.need_id), metadata=token
            )
        )

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(claim, tokens))
    assert results.count("ok") == 3, results
    assert set(results) == {"ok", "FAILED_PRECONDITION"}
    found = town.needs.GetNeed(np.GetNeedRequest(need_id=need.need_id), metadata=admin).need
    assert (found.claimed, found.status) == (3, np.NEED_STATUS_CLAIMED)
    engine = sa.create_engine(town.settings.points_db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(sa.func.count())
            .select_from(tables.need_claims)
            .where(tables.need_claims.c.state == "active")
        ).scalar_one()
    engine.dispose()
    assert rows == 3


def test_closing_concurrently_or_twice_awards_once_with_the_need_named_and_the_audit_clean(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    need = post(town, admin, wanted=2, points=40)
    doers = ["m-doer-1", "m-doer-2"]
    for member_id in doers:
        token = town.token(town.register(member_id))
        town.needs.ClaimNeed(np.ClaimNeedRequest(request_id=rid(), need_id=need.need_id), metadata=token)

    def close(_):
        return attempt(
            lambda: town.needs.CloseNeed(
                np.CloseNeedRequest(request_id=rid(), need_id=need.need_id, result="已清理完毕"),
                metadata=admin,
            )
        )

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(close, range(8)))
    assert results.count("ok") == 1 and set(results) == {"ok", "FAILED_PRECONDITION"}, results
    # Reopened and closed again: nobody is awarded a second time.
    town.needs.ReopenNeed(np.ReopenNeedRequest(request_id=rid(), need_id=need.need_id), metadata=admin)
    again = town.needs.CloseNeed(
        np.CloseNeedRequest(request_id=rid(), need_id=need.need_id, result="复查完毕"), metadata=admin
    )
    assert list(again.awarded_member_ids) == []
    for member_id in doers:
        entries = town.ledger.ListEntries(lp.ListEntriesRequest(member_id=member_id), metadata=admin).entries
        assert [(e.amount, e.reason) for e in entries] == [(40, "需求办结：楼道堆物清理")]
        balance = town.ledger.GetBalance(lp.GetBalanceRequest(member_id=member_id), metadata=admin).balance
        assert balance.available == 40
    engine = sa.create_engine(town.settings.points_db_url)
    try:
        assert audit_engine(engine) == []
        with engine.connect() as conn:
            types = conn.execute(sa.text("select type from outbox")).scalars().all()
    finally:
        engine.dispose()
    assert types.count("need.closed") == 2 and types.count("need.claimed") == 2
    assert types.count("need.posted") == 1 and types.count("points.awarded") == 2
