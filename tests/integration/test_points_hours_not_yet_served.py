"""Hours for time not yet served, over gRPC on the real PostgreSQL: refused, and never paid."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
import sqlalchemy as sa

from jifen.clock import utcnow
from jifen.points.v1 import activities_pb2 as ap
from jifen.points.v1 import ledger_pb2 as lp
from jifen.timestamps import to_timestamp
from services.points.adapters import tables
from tests.integration.points_town import HOME


def running_activity(town, admin):
    """An activity that started an hour ago and ends in two hours."""
    start = utcnow().replace(microsecond=0) - timedelta(hours=1)
    request = ap.CreateActivityRequest(
        request_id="plan",
        community_id=HOME,
        title="环境卫生整治",
        category="environment",
        difficulty=2,
        start_time=to_timestamp(start),
        end_time=to_timestamp(start + timedelta(hours=3)),
        place="3 号楼",
    )
    return town.activities.CreateActivity(request, metadata=admin).activity, start


def hour_rows(town):
    engine = sa.create_engine(town.settings.points_db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(tables.hour_records)).mappings().all()
    finally:
        engine.dispose()


def test_hours_ending_after_now_are_refused_and_an_early_record_is_not_paid(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    town.register("m-vol")
    activity, start = running_activity(town, admin)

    def record(request_id, *entries):
        return town.activities.RecordHours(
            ap.RecordHoursRequest(request_id=request_id, activity_id=activity.activity_id, entries=entries),
            metadata=admin,
        )

    # Three hours from a start an hour ago end two hours from now.
    with pytest.raises(grpc.RpcError) as err:
        record("whole-activity", ap.HoursInput(member_id="m-vol", minutes=180))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert err.value.details().startswith("entries[0].minutes: 服务结束时间不能晚于现在")
    ends_later = start + timedelta(hours=2)
    with pytest.raises(grpc.RpcError) as err:
        record(
            "given-times",
            ap.HoursInput(
                member_id="m-vol",
                minutes=120,
                check_in_time=to_timestamp(start),
                check_out_time=to_timestamp(ends_later),
            ),
        )
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert err.value.details().startswith("entries[0].check_out_time: 服务结束时间不能晚于现在")
    assert hour_rows(town) == []

    (served,) = record("served", ap.HoursInput(member_id="m-vol", minutes=60)).hour_records
    # A record that (like one written before this check existed) claims time not yet served.
    engine = sa.create_engine(town.settings.points_db_url)
    with engine.begin() as conn:
        conn.execute(
            sa.update(tables.hour_records)
            .where(tables.hour_records.c.id == served.hour_record_id)
            .values(check_out_time=utcnow() + timedelta(hours=1), minutes=120)
        )
    engine.dispose()
    # Decided by a second admin: whoever recorded hours never approves them.
    second_admin = town.token(town.admin("m-admin-2"))
    with pytest.raises(grpc.RpcError) as err:
        town.activities.ApproveHours(
            ap.ApproveHoursRequest(request_id="approve", hour_record_ids=[served.hour_record_id]),
            metadata=second_admin,
        )
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "服务结束时间不能晚于现在" in err.value.details()
    balance = town.ledger.GetBalance(lp.GetBalanceRequest(member_id="m-vol"), metadata=admin).balance
    assert (balance.available, balance.certified_minutes) == (0, 0)
    assert [row["status"] for row in hour_rows(town)] == ["pending"]
