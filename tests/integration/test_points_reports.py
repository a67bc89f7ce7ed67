"""The dashboard's monthly figures on the real PostgreSQL, from entries and hour records the use cases
posted on known days, checked against numbers worked out by hand.

Each step runs at its own moment through the use case's clock, so the months are fixed whatever day
the test runs. Months are Asia/Shanghai ones: a point posted at 00:30 on 1 October in Shanghai
(16:30 UTC on 30 September) is October's.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import partial

import grpc
import pytest

from jifen.caller import ADMIN, Caller, Grant
from jifen.db import make_engine
from jifen.months import LOCAL
from jifen.points.v1 import reports_pb2 as pb
from services.points.adapters.unit_of_work import PointsUnitOfWork
from services.points.service import activities, hour_decisions, hours, jobs
from services.points.service import activity_commands as act
from services.points.service.ledger import awards, holds
from services.points.service.ledger import commands as led
from tests.integration.points_town import HOME, OTHER, STREET, PointsTown

MARKET = Caller(service="market")
FIELDS = (
    "month",
    "points_issued",
    "points_taken_back",
    "points_spent",
    "points_held",
    "points_expired",
    "certified_minutes",
    "active_volunteers",
)


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def rid() -> str:
    return uuid.uuid4().hex


class Seeder:
    def __init__(self, town: PointsTown):
        self.engine = make_engine(town.settings.points_db_url, pool_size=2)
        self.uow = partial(PointsUnitOfWork, self.engine)

    def award(self, when, actor, member_id, points):
        awards.award(led.Award(rid(), actor, member_id, points, "志愿服务表彰"), self.uow(), lambda: when)

    def adjust(self, when, actor, member_id, points):
        awards.adjust(led.Adjust(rid(), actor, member_id, points, "更正"), self.uow(), lambda: when)

    def hold(self, when, hold_id, member_id, amount):
        deadline = when + timedelta(days=60)
        cmd = led.PlaceHold(rid(), MARKET, hold_id, member_id, amount, deadline, "兑换 毛巾 ×1")
        holds.place_hold(cmd, self.uow(), lambda: when)

    def capture(self, when, hold_id):
        holds.capture(led.CaptureHold(rid(), MARKET, hold_id), self.uow(), lambda: when)

    def release(self, when, hold_id):
        cmd = led.ReleaseHold(rid(), MARKET, hold_id, "cancelled by member")
        holds.release(cmd, self.uow(), lambda: when)

    def activity(self, when, actor, start, end) -> str:
        cmd = act.CreateActivity(rid(), actor, HOME, "河道清理", "environment", 3, start, end)
        return activities.create_activity(cmd, self.uow(), lambda: when).activity.id

    def record(self, when, actor, activity_id, member_id, minutes) -> str:
        cmd = act.RecordHours(rid(), actor, activity_id, (act.HoursEntry(member_id, minutes),))
        return hours.record_hours(cmd, self.uow(), lambda: when)[0].record.id

    def approve(self, when, actor, record_id):
        hour_decisions.approve_hours(act.ApproveHours(rid(), actor, (record_id,)), self.uow(), lambda: when)

    def reject(self, when, actor, record_id):
        cmd = act.RejectHours(rid(), actor, (record_id,), "未到场")
        hour_decisions.reject_hours(cmd, self.uow(), lambda: when)


@pytest.fixture
def seeded(points_town: PointsTown):
    """Default rules: 10 points an hour, ×1.5 at difficulty 3, lots expire at the end of the next year."""
    town = points_town
    recorder, approver = town.admin("m-recorder"), town.admin("m-approver")
    street_admin = town.register("m-street", OTHER, "", Grant(ADMIN, street_id=STREET))
    for member_id in ("m-v1", "m-v2", "m-v3"):
        town.register(member_id, HOME)
    town.register("m-v4", OTHER)
    seed = Seeder(town)

    seed.award(at(2025, 6, 15), recorder, "m-v3", 100)  # before the range; expires on 1 January 2027
    seed.award(at(2026, 9, 10), recorder, "m-v1", 50)
    seed.award(at(2026, 9, 11), street_admin, "m-v4", 30)  # OTHER: the street's figures only
    seed.adjust(at(2026, 10, 1, 0, 30), recorder, "m-v2", 7)  # 30 September in UTC
    seed.hold(at(2026, 10, 5), "red-1", "m-v1", 20)
    seed.capture(at(2026, 10, 6), "red-1")
    seed.adjust(at(2026, 10, 15), recorder, "m-v1", -10)
    seed.hold(at(2026, 10, 20), "red-2", "m-v1", 15)  # still held at the end of October
    seed.release(at(2026, 11, 3), "red-2")

    november = seed.activity(at(2026, 11, 1), recorder, at(2026, 11, 7, 9), at(2026, 11, 7, 12))
    first = seed.record(at(2026, 11, 7, 13), recorder, november, "m-v1", 120)  # 2 h × 10 × 1.5 = 30
    second = seed.record(at(2026, 11, 7, 13), recorder, november, "m-v2", 60)  # 1 h × 10 × 1.5 = 15
    refused = seed.record(at(2026, 11, 7, 13), recorder, november, "m-v3", 60)
    seed.approve(at(2026, 11, 8), approver, first)
    seed.approve(at(2026, 11, 8), approver, second)
    seed.reject(at(2026, 11, 8), approver, refused)
    seed.hold(at(2026, 11, 10), "red-3", "m-v2", 5)  # held at the end of November

    # Served on 30 November, approved in December: December's minutes.
    late = seed.activity(at(2026, 11, 25), recorder, at(2026, 11, 30, 14), at(2026, 11, 30, 16))
    seed.approve(at(2026, 12, 1), approver, seed.record(at(2026, 11, 30, 17), recorder, late, "m-v3", 60))
    seed.capture(at(2026, 12, 2), "red-3")

    assert jobs.expire_lots(seed.uow, lambda: at(2027, 1, 2)) >= 1  # m-v3's 100 from 2025
    seed.engine.dispose()
    return town, {"admin": town.token(recorder), "street": town.token(street_admin)}


def summary(town, token, **scope) -> list[tuple]:
    request = pb.GetMonthlySummaryRequest(from_month="2026-09", to_month="2027-01", **scope)
    months = town.reports.GetMonthlySummary(request, metadata=token).months
    return [tuple(getattr(m, f) for f in FIELDS) for m in months]


def test_a_community_dashboard_shows_each_months_points_hours_and_active_volunteers(seeded):
    town, tokens = seeded
    assert summary(town, tokens["admin"], community_id=HOME) == [
        # month    issued taken spent held expired minutes active
        ("2026-09", 50, 0, 0, 0, 0, 0, 0),  # an award makes nobody active
        ("2026-10", 7, 10, 20, 15, 0, 0, 0),
        ("2026-11", 45, 0, 0, 5, 0, 180, 2),  # the rejected hour counts nowhere
        ("2026-12", 15, 0, 5, 0, 0, 60, 1),
        ("2027-01", 0, 0, 0, 0, 100, 0, 0),
    ]


def test_a_street_admin_sees_the_whole_street_and_a_community_admin_only_their_own(seeded):
    town, tokens = seeded
    street = summary(town, tokens["street"], street_id=STREET)
    assert [m[1] for m in street] == [80, 7, 45, 15, 0]
    assert [m[2:] for m in street] == [m[2:] for m in summary(town, tokens["admin"], community_id=HOME)]
    assert summary(town, tokens["street"], community_id=OTHER)[0][1] == 30
    for scope in ({"community_id": OTHER}, {"street_id": STREET}):
        with pytest.raises(grpc.RpcError) as err:
            summary(town, tokens["admin"], **scope)
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
