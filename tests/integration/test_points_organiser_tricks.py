"""An organiser with a second, self-registered account tries every way to turn an activity into points,
on the real PostgreSQL: each is refused with a clear status and nothing is written (issue 15, item 4)."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.field_mask_pb2 import FieldMask

from jifen.clock import utcnow
from jifen.points.v1 import activities_pb2 as ap
from jifen.points.v1 import ledger_pb2 as lp
from jifen.tables import OUTBOX
from jifen.timestamps import to_timestamp
from services.points.adapters import tables
from tests.integration.points_town import HOME, OTHER

NOW = utcnow().replace(microsecond=0)


def ts(delta: timedelta):
    return to_timestamp(NOW + delta)


def written(town) -> dict:
    """Everything a trick could have changed."""
    engine = sa.create_engine(town.settings.points_db_url)
    with engine.connect() as db:
        found = {
            "records": sorted(
                (r.member_id, r.minutes, r.status)
                for r in db.execute(
                    sa.select(
                        tables.hour_records.c.member_id,
                        tables.hour_records.c.minutes,
                        tables.hour_records.c.status,
                    )
                )
            ),
            "participants": sorted(
                (p.member_id, p.status)
                for p in db.execute(sa.select(tables.participants.c.member_id, tables.participants.c.status))
            ),
            "organisers": sorted(db.execute(sa.select(tables.activities.c.organiser_id)).scalars()),
            "entries": db.execute(sa.select(sa.func.count()).select_from(tables.entries)).scalar_one(),
            "outbox": db.execute(sa.select(sa.func.count()).select_from(OUTBOX)).scalar_one(),
        }
    engine.dispose()
    return found


def refused(call, request, metadata, code) -> str:
    with pytest.raises(grpc.RpcError) as err:
        call(request, metadata=metadata)
    assert err.value.code() == code, err.value.details()
    return err.value.details()


def test_an_organiser_with_a_second_account_cannot_mint_points_and_nothing_is_written(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    organiser = town.token(town.register("m-organiser"))
    puppet = town.token(town.register("m-puppet"))
    volunteer = town.token(town.register("m-volunteer"))
    town.register("m-stranger")
    town.register("m-outsider", OTHER)
    acts = town.activities
    # Seven hours, two places: 840 minutes in all.
    activity_id = acts.CreateActivity(
        ap.CreateActivityRequest(
            request_id="plan",
            community_id=HOME,
            title="社区大扫除",
            category="environment",
            difficulty=1,
            start_time=ts(-timedelta(hours=6)),
            end_time=ts(timedelta(hours=1)),
            capacity=2,
            organiser_id="m-organiser",
        ),
        metadata=admin,
    ).activity.activity_id
    for who, token in (("puppet", puppet), ("volunteer", volunteer)):
        acts.SignUp(ap.SignUpRequest(request_id=f"su-{who}", activity_id=activity_id), metadata=token)
    before = written(town)

    def hours(request_id, *entries):
        return ap.RecordHoursRequest(request_id=request_id, activity_id=activity_id, entries=list(entries))

    denied, precondition = grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.FAILED_PRECONDITION
    # Hours for someone of the community who never signed up.
    assert "未报名" in refused(
        acts.RecordHours, hours("t1", ap.HoursInput(member_id="m-stranger", minutes=120)), organiser, denied
    )
    # Hours for a member of another community, even by the admin.
    for token in (organiser, admin):
        outsider = ap.HoursInput(member_id="m-outsider", minutes=120)
        assert "社区" in refused(acts.RecordHours, hours("t2", outsider), token, precondition)
    # Adding the stranger first, by signing them up or checking them in.
    refused(
        acts.SignUp,
        ap.SignUpRequest(request_id="t3", activity_id=activity_id, member_id="m-stranger"),
        organiser,
        denied,
    )
    refused(
        acts.CheckIn,
        ap.CheckInRequest(request_id="t4", activity_id=activity_id, member_id="m-stranger"),
        organiser,
        precondition,
    )
    # Handing the organiser role to the second account.
    refused(
        acts.UpdateActivity,
        ap.UpdateActivityRequest(
            request_id="t5",
            activity_id=activity_id,
            organiser_id="m-puppet",
            update_mask=FieldMask(paths=["organiser_id"]),
        ),
        organiser,
        denied,
    )
    # More hours than two places can serve in seven hours (480 + 480 > 840).
    assert "合计不能超过 840 分钟" in refused(
        acts.RecordHours,
        hours("t6", long_day_for("m-puppet"), long_day_for("m-volunteer")),
        organiser,
        precondition,
    )
    assert written(town) == before

    # Hours the organiser records for their second account are not theirs to approve.
    (puppets,) = acts.RecordHours(
        hours("rec-puppet", ap.HoursInput(member_id="m-puppet", minutes=300)), metadata=organiser
    ).hour_records
    # A flagged record (longer than the activity) an admin recorded is not the organiser's to override.
    (flagged,) = acts.RecordHours(hours("rec-vol", long_day_for("m-volunteer")), metadata=admin).hour_records
    assert list(flagged.flags) == [ap.HOUR_RECORD_FLAG_LONGER_THAN_ACTIVITY]
    recorded = written(town)
    assert "自己记录" in refused(
        acts.ApproveHours,
        ap.ApproveHoursRequest(request_id="t7", hour_record_ids=[puppets.hour_record_id]),
        organiser,
        denied,
    )
    assert "只有管理员可以特批" in refused(
        acts.ApproveHours,
        ap.ApproveHoursRequest(
            request_id="t8", hour_record_ids=[flagged.hour_record_id], override=True, override_reason="加班"
        ),
        organiser,
        denied,
    )
    assert written(town) == recorded
    balance = town.ledger.GetBalance(lp.GetBalanceRequest(member_id="m-puppet"), metadata=admin).balance
    assert (balance.available, balance.certified_minutes) == (0, 0)

    # Someone else, the admin, may certify what the organiser recorded.
    approved = acts.ApproveHours(
        ap.ApproveHoursRequest(request_id="ok", hour_record_ids=[puppets.hour_record_id]), metadata=admin
    ).hour_records[0]
    assert (approved.status, approved.decided_by) == (ap.HOUR_RECORD_STATUS_APPROVED, "m-admin")


def long_day_for(member_id: str) -> ap.HoursInput:
    """Eight hours ending an hour ago: longer than the seven-hour activity, so flagged."""
    started = NOW - timedelta(hours=9)
    return ap.HoursInput(
        member_id=member_id,
        minutes=480,
        check_in_time=to_timestamp(started),
        check_out_time=to_timestamp(started + timedelta(minutes=480)),
    )
