"""The ledger over gRPC on the real PostgreSQL: concurrency, idempotency, and what the audit finds."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import grpc
import pytest
import sqlalchemy as sa

from jifen.clock import utcnow
from jifen.points.v1 import ledger_pb2 as pb
from jifen.timestamps import to_timestamp
from services.points.adapters import tables
from services.points.adapters.ledger_audit import audit_engine

PRICE = 30


def award(town, admin, member_id, points, request_id):
    return town.ledger.Award(
        pb.AwardRequest(request_id=request_id, member_id=member_id, points=points, reason="志愿服务表彰"),
        metadata=town.token(admin),
    )


def hold_request(hold_id, member_id, amount=PRICE):
    return pb.HoldRequest(
        request_id=f"req-{hold_id}",
        hold_id=hold_id,
        member_id=member_id,
        amount=amount,
        deadline=to_timestamp(utcnow() + timedelta(days=7)),
        reason="兑换 毛巾 ×1",
    )


def balance(town, member_id):
    return town.ledger.GetBalance(pb.GetBalanceRequest(member_id=member_id), metadata=town.market).balance


def audit(town):
    engine = sa.create_engine(town.settings.points_db_url)
    try:
        return audit_engine(engine)
    finally:
        engine.dispose()


def test_fifty_concurrent_holds_against_a_balance_for_ten(points_town):
    admin = points_town.admin("m-admin")
    points_town.register("m-vol")
    award(points_town, admin, "m-vol", PRICE * 10, "seed")

    def attempt(i):
        try:
            points_town.ledger.Hold(hold_request(f"red-{i}", "m-vol"), metadata=points_town.market)
            return "ok"
        except grpc.RpcError as err:
            return err.code()

    with ThreadPoolExecutor(max_workers=25) as pool:
        outcomes = list(pool.map(attempt, range(50)))

    assert outcomes.count("ok") == 10
    assert outcomes.count(grpc.StatusCode.FAILED_PRECONDITION) == 40
    after = balance(points_town, "m-vol")
    assert (after.available, after.held) == (0, PRICE * 10)
    assert audit(points_town) == []


def test_one_request_id_replayed_twenty_times_at_once_posts_once(points_town):
    admin = points_town.admin("m-admin")
    points_town.register("m-vol")

    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(lambda _: award(points_town, admin, "m-vol", 50, "once"), range(20)))

    assert len({r.entry.entry_id for r in replies}) == 1
    assert balance(points_town, "m-vol").available == 50
    entries = points_town.ledger.ListEntries(
        pb.ListEntriesRequest(member_id="m-vol"), metadata=points_town.token(admin)
    ).entries
    assert len(entries) == 1
    with pytest.raises(grpc.RpcError) as err:
        award(points_town, admin, "m-vol", 60, "once")
    assert err.value.code() == grpc.StatusCode.ALREADY_EXISTS


def test_capture_and_release_race_resolves_the_hold_once(points_town):
    admin = points_town.admin("m-admin")
    points_town.register("m-vol")
    award(points_town, admin, "m-vol", 100, "seed")
    points_town.ledger.Hold(hold_request("red-1", "m-vol", 100), metadata=points_town.market)

    def capture(_):
        try:
            return points_town.ledger.Capture(
                pb.CaptureRequest(request_id="cap", hold_id="red-1"), metadata=points_town.market
            ).hold.state
        except grpc.RpcError as err:
            return err.code()

    def release(_):
        try:
            return points_town.ledger.Release(
                pb.ReleaseRequest(request_id="rel", hold_id="red-1", reason="取消"),
                metadata=points_town.market,
            ).hold.state
        except grpc.RpcError as err:
            return err.code()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda i: (capture if i % 2 else release)(i), range(10)))

    final = points_town.ledger.GetHold(pb.GetHoldRequest(hold_id="red-1"), metadata=points_town.market).hold
    after = balance(points_town, "m-vol")
    if final.state == pb.HOLD_STATE_CAPTURED:
        assert (after.available, after.held) == (0, 0)
    else:
        assert final.state == pb.HOLD_STATE_RELEASED
        assert (after.available, after.held) == (100, 0)
    assert all(r in (final.state, grpc.StatusCode.FAILED_PRECONDITION) for r in results)
    with sa.create_engine(points_town.settings.points_db_url).connect() as conn:
        kinds = conn.execute(sa.select(tables.entries.c.kind).order_by(tables.entries.c.seq)).scalars().all()
    assert kinds in (["award", "hold", "capture"], ["award", "hold", "release"])
    assert audit(points_town) == []


def test_a_deactivated_member_is_frozen_and_refused(points_town):
    from jifen.events.v1 import members_pb2 as member_events

    admin = points_town.admin("m-admin")
    volunteer = points_town.register("m-vol")
    award(points_town, admin, "m-vol", 100, "seed")
    points_town.announce(
        "member.deactivated",
        member_events.MemberDeactivated(
            member_id="m-vol", reason="搬离社区", deactivated_at=to_timestamp(utcnow())
        ),
    )
    with pytest.raises(grpc.RpcError) as err:
        points_town.ledger.Hold(hold_request("red-1", "m-vol"), metadata=points_town.market)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert balance(points_town, "m-vol").status == pb.ACCOUNT_STATUS_FROZEN
    # Their token still verifies, but points knows they are gone.
    with pytest.raises(grpc.RpcError) as err:
        points_town.ledger.GetBalance(pb.GetBalanceRequest(), metadata=points_town.token(volunteer))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert err.value.details() == "账号已停用，请联系社区管理员"


def test_a_volunteer_reads_only_their_own_account(points_town):
    admin = points_town.admin("m-admin")
    me = points_town.register("m-me")
    points_town.register("m-other")
    award(points_town, admin, "m-me", 10, "seed")
    mine = points_town.ledger.GetBalance(pb.GetBalanceRequest(), metadata=points_town.token(me)).balance
    assert (mine.member_id, mine.available) == ("m-me", 10)
    for call, request in (
        (points_town.ledger.GetBalance, pb.GetBalanceRequest(member_id="m-other")),
        (points_town.ledger.ListEntries, pb.ListEntriesRequest(member_id="m-other")),
    ):
        with pytest.raises(grpc.RpcError) as err:
            call(request, metadata=points_town.token(me))
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_demoted_admins_still_valid_token_is_refused_once_the_change_arrives(points_town):
    from jifen.caller import VOLUNTEER, Grant

    admin = points_town.admin("a-demoted")
    points_town.register("v-demoted-target")
    token = points_town.token(admin)
    award(points_town, admin, "v-demoted-target", 5, "before-demotion")

    points_town.change_roles(admin, Grant(VOLUNTEER))

    with pytest.raises(grpc.RpcError) as refused:
        points_town.ledger.Award(
            pb.AwardRequest(
                request_id="after-demotion", member_id="v-demoted-target", points=5, reason="表彰"
            ),
            metadata=token,
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert balance(points_town, "v-demoted-target").available == 5
