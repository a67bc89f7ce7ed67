"""Every points command answers from what its own transaction wrote: the database going away right
after the commit cannot turn points given, held or spent, or hours recorded, into an error."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from services.points.domain.activity import CHECKED_IN, CHECKED_OUT, SIGNED_UP, WITHDRAWN
from services.points.domain.hours import APPROVED, PENDING, REJECTED
from services.points.domain.ledger import CAPTURED, HELD, RELEASED
from services.points.domain.rules import DEFAULT_RULES
from services.points.service import activities, check_in, hour_decisions, hours, sign_ups
from services.points.service.activity_commands import (
    ApproveHours,
    CancelActivity,
    CheckIn,
    CheckOut,
    HoursEntry,
    RecordHours,
    RejectHours,
    SignUp,
    UpdateActivity,
    Withdraw,
)
from services.points.service.ledger import awards
from services.points.service.ledger.commands import Adjust, Award
from services.points.service.rules import handlers as rules
from services.points.service.rules.commands import PublishRuleVersion
from tests.unit.runtime_fakes import GoneAfterCommit

from . import ledger_setup as ledger
from .fake_activities import MONDAY, PointsUow, Town, at, code_limits, plan
from .fake_rules import HOME, Clock, admin_of, rules_uow


def test_points_given_held_spent_and_released_are_answered_from_the_commit():
    uow = ledger.FakeUnitOfWork()
    ledger.volunteer(uow, "v1")
    admin, clock = ledger.admin_of(ledger.HOME), ledger.Clock()

    given = awards.award(Award("a1", admin, "v1", 100, "社区活动"), GoneAfterCommit(uow), clock)
    assert (given.entry.amount, given.balance.available) == (100, 100)
    taken = awards.adjust(Adjust("a2", admin, "v1", -10, "更正"), GoneAfterCommit(uow), clock)
    assert (taken.entry.amount, taken.balance.available) == (-10, 90)

    held = ledger.hold(GoneAfterCommit(uow), "h1", "v1", 30)
    assert (held.hold.state, held.balance.available, held.balance.held) == (HELD, 60, 30)
    assert ledger.capture(GoneAfterCommit(uow), "h1").state == CAPTURED
    ledger.hold(uow, "h2", "v1", 20)
    assert ledger.release(GoneAfterCommit(uow), "h2").state == RELEASED


def test_a_published_rule_version_is_answered_from_the_commit():
    uow = rules_uow()
    cmd = PublishRuleVersion(
        "r1", admin_of(HOME), replace(DEFAULT_RULES, points_per_hour=20), community_id=HOME.id
    )
    version = rules.publish_rule_version(cmd, GoneAfterCommit(uow), Clock())
    assert (version.community_id, version.rules.points_per_hour) == (HOME.id, 20)


def test_activities_sign_ups_and_hours_are_answered_from_the_commit():
    uow = PointsUow()
    town = Town(uow)
    activity = plan(GoneAfterCommit(uow), town)
    assert activity.title == "环境卫生整治"
    renamed = UpdateActivity("u1", town.admin, activity.id, ("title",), title="楼道清理")
    assert activities.update_activity(renamed, GoneAfterCommit(uow), at(MONDAY)).activity.title == "楼道清理"

    first, second = town.volunteers(2)
    joined, seen = sign_ups.sign_up(SignUp("s1", first, activity.id), GoneAfterCommit(uow), at(MONDAY))
    assert (joined.participant.status, seen.activity.signed_up_count) == (SIGNED_UP, 1)
    sign_ups.sign_up(SignUp("s2", second, activity.id), uow, at(MONDAY))
    left, _ = sign_ups.withdraw(Withdraw("w1", second, activity.id), GoneAfterCommit(uow), at(MONDAY))
    assert left.participant.status == WITHDRAWN

    arrive = activity.start_time
    vouched = CheckIn("in", town.organiser, activity.id, member_id=first.member_id)
    came = check_in.check_in(vouched, GoneAfterCommit(uow), code_limits(), at(arrive))
    assert came.participant.status == CHECKED_IN
    out, served = check_in.check_out(
        CheckOut("out", town.organiser, activity.id, member_id=first.member_id),
        GoneAfterCommit(uow),
        code_limits(),
        at(arrive + timedelta(hours=2)),
    )
    assert (out.participant.status, served.record.minutes) == (CHECKED_OUT, 120)

    after = activity.end_time + timedelta(days=1)
    recorded = hours.record_hours(
        RecordHours("rec", town.admin, activity.id, (HoursEntry(second.member_id, 90),)),
        GoneAfterCommit(uow),
        at(after),
    )
    assert [(v.record.member_id, v.record.status) for v in recorded] == [(second.member_id, PENDING)]
    approved = hour_decisions.approve_hours(
        ApproveHours("ap", town.admin, (served.record.id,)), GoneAfterCommit(uow), at(after)
    )
    assert approved[0].record.status == APPROVED and approved[0].record.points_accrued > 0
    rejected = hour_decisions.reject_hours(
        RejectHours("rj", town.admin, (recorded[0].record.id,), "未到场"), GoneAfterCommit(uow), at(after)
    )
    assert rejected[0].record.status == REJECTED

    other = plan(uow, town, request_id="plan-2")
    cancelled = activities.cancel_activity(
        CancelActivity("c1", town.admin, other.id, "天气原因"), GoneAfterCommit(uow), at(MONDAY)
    )
    assert cancelled.activity.cancelled
