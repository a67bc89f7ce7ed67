"""Approving and rejecting hour records: points under the rules of the activity's time, never one's own."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from jifen.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.points.domain.hours import (
    APPROVED,
    DAILY_CAP_EXCEEDED,
    LONGER_THAN_ACTIVITY,
    PENDING,
    REJECTED,
)
from services.points.domain.rules import BUILT_IN_VERSION_ID, DEFAULT_RULES, RuleVersion
from services.points.service.hours import decisions as hour_decisions
from services.points.service.hours import recording as hours
from services.points.service.hours.commands import ApproveHours, HoursEntry, RecordHours, RejectHours

from .fake_activities import (
    MONDAY,
    PointsUow,
    Town,
    at,
    plan,
    signed_up_for_hours,
    street_admin,
    street_rules,
)
from .fakes import FixedRules

AFTER = MONDAY + timedelta(days=2)


def record(uow, actor, activity, *entries, request_id="rec-1"):
    signed_up_for_hours(uow, actor, activity, [e.member_id for e in entries])
    return [
        v.record
        for v in hours.record_hours(
            RecordHours(request_id, actor, activity.id, tuple(entries)), uow, at(AFTER)
        )
    ]


def approve(uow, actor, *ids, request_id="ap-1", override=False, reason="", now=AFTER):
    return [
        v.record
        for v in hour_decisions.approve_hours(
            ApproveHours(request_id, actor, ids, override, reason), uow, at(now)
        )
    ]


def reject(uow, actor, *ids, reason="未到场", request_id="rj-1"):
    return [
        v.record
        for v in hour_decisions.reject_hours(RejectHours(request_id, actor, ids, reason), uow, at(AFTER))
    ]


def test_approval_certifies_the_minutes_and_accrues_points_with_the_calculation(uow, town, activity):
    town.volunteers(1)
    (pending,) = record(uow, town.organiser, activity, HoursEntry("vol-0", 150))
    (done,) = approve(uow, town.admin, pending.id)
    # 150 minutes, rounded down to whole 30 minutes; 2.5 h × 10 × 1.2 (difficulty 2) = 30.
    assert done.status == APPROVED
    assert done.points_accrued == 30
    assert done.rule_version_id == BUILT_IN_VERSION_ID
    assert done.calculation == "2.5 小时 × 10 分/小时 × 1.2（难度 2） = 30"
    assert (done.decided_by, done.decided_at) == (town.admin.member_id, AFTER)
    assert not done.overridden
    account = uow.ledger.account("vol-0")
    assert (account.available, account.certified_minutes) == (30, 150)
    (entry,) = uow.ledger.entry_rows
    assert entry.source_id == pending.id and entry.rule_version_id == BUILT_IN_VERSION_ID
    assert entry.reason == "环境卫生整治 服务 150 分钟"
    # The default rules let points expire at the end of the following year (Shanghai time).
    assert entry.lot_expires_at is not None and entry.lot_expires_at.year == AFTER.year + 1
    assert uow.event_types[-2:] == ["points.accrued", "hours.approved"]
    event = uow.outbox.events[-1][1]
    assert (event.hour_record_id, event.member_id, event.minutes) == (pending.id, "vol-0", 150)
    assert (event.certified_minutes_total, event.star_level, event.star_level_changed) == (150, 0, False)
    assert (event.activity_title, event.community_id, event.approved_by) == (
        "环境卫生整治",
        town.HOME,
        town.admin.member_id,
    )


def test_points_use_the_version_in_force_at_the_activity_start_not_a_later_one():
    earlier = RuleVersion(
        "v-co-1", "co-a", "", MONDAY - timedelta(days=10), replace(DEFAULT_RULES, points_per_hour=20)
    )
    later = RuleVersion(
        "v-co-2", "co-a", "", AFTER - timedelta(hours=1), replace(DEFAULT_RULES, points_per_hour=100)
    )
    uow = PointsUow(rules=FixedRules(earlier, later))
    town = Town(uow)
    town.volunteers(1)
    activity = plan(uow, town)
    (pending,) = record(uow, town.admin, activity, HoursEntry("vol-0", 60))
    (done,) = approve(uow, town.organiser, pending.id)
    assert done.rule_version_id == "v-co-1"
    assert done.points_accrued == 24  # 1 h × 20 × 1.2
    assert uow.ledger.entry_rows[0].rule_version_id == "v-co-1"


def test_the_organiser_approves_the_records_of_their_activity(uow, town, activity):
    town.volunteers(2)
    ids = [r.id for r in record(uow, town.admin, activity, HoursEntry("vol-0", 60), HoursEntry("vol-1", 60))]
    assert [r.status for r in approve(uow, town.organiser, *ids)] == [APPROVED, APPROVED]


def test_an_admin_of_another_community_cannot_approve_and_nothing_is_written(uow, town, activity):
    town.volunteers(1)
    (pending,) = record(uow, town.organiser, activity, HoursEntry("vol-0", 60))
    with pytest.raises(PermissionDenied):
        approve(uow, town.other_admin, pending.id)
    assert uow.hours.rows[pending.id].status == "pending"
    assert uow.ledger.entry_rows == []
    assert "hours.approved" not in uow.event_types


def test_a_street_admin_approves_in_every_community_of_the_street(uow, town, activity):
    town.volunteers(1)
    (pending,) = record(uow, town.organiser, activity, HoursEntry("vol-0", 60))
    assert approve(uow, street_admin(), pending.id)[0].status == APPROVED


def test_nobody_approves_or_rejects_their_own_hours(uow, town, activity):
    (own,) = record(uow, town.organiser, activity, HoursEntry(town.organiser.member_id, 60))
    with pytest.raises(PermissionDenied):
        approve(uow, town.organiser, own.id)
    with pytest.raises(PermissionDenied):
        reject(uow, town.organiser, own.id)
    (admins,) = record(
        uow, town.organiser, activity, HoursEntry(town.admin.member_id, 60), request_id="rec-2"
    )
    with pytest.raises(PermissionDenied):
        approve(uow, town.admin, admins.id, request_id="ap-2")
    # Someone else certifies them.
    assert approve(uow, town.admin, own.id, request_id="ap-3")[0].status == APPROVED


def test_a_flagged_record_needs_an_override_with_a_reason(uow, town, activity):
    town.volunteers(1)
    (long,) = record(uow, town.organiser, activity, HoursEntry("vol-0", 240))
    assert long.flags == (LONGER_THAN_ACTIVITY,)
    with pytest.raises(FailedPrecondition) as refused:
        approve(uow, town.admin, long.id)
    assert long.id in refused.value.zh and "longer_than_activity" in refused.value.en
    with pytest.raises(FailedPrecondition):
        approve(uow, town.admin, long.id, request_id="ap-2", override=True, reason="  ")
    with pytest.raises(FailedPrecondition):
        approve(uow, town.admin, long.id, request_id="ap-3", reason="延长了值守")
    assert uow.ledger.entry_rows == []
    (done,) = approve(uow, town.admin, long.id, request_id="ap-4", override=True, reason="暴雨后延长清理")
    assert done.overridden and done.override_reason == "暴雨后延长清理"
    assert done.flags == (LONGER_THAN_ACTIVITY,)
    assert uow.outbox.events[-1][1].overridden


def test_flags_are_recomputed_at_the_decision():
    uow = PointsUow(rules=FixedRules(street_rules(daily_hour_cap_minutes=120)))
    town = Town(uow)
    town.volunteers(1)
    start = MONDAY + timedelta(days=1)
    one = plan(uow, town, "p1", title="上午", start_time=start, end_time=start + timedelta(hours=3))
    two = plan(
        uow,
        town,
        "p2",
        title="下午",
        start_time=start + timedelta(hours=4),
        end_time=start + timedelta(hours=7),
    )
    (first,) = record(uow, town.organiser, one, HoursEntry("vol-0", 90))
    (second,) = record(uow, town.organiser, two, HoursEntry("vol-0", 90), request_id="rec-2")
    assert second.flags == (DAILY_CAP_EXCEEDED,)
    # Stale flags stored on the record do not decide: approval looks again.
    uow.hours.rows[first.id] = replace(uow.hours.rows[first.id], flags=())
    with pytest.raises(FailedPrecondition):
        approve(uow, town.admin, first.id)
    reject(uow, town.admin, second.id)
    assert approve(uow, town.admin, first.id, request_id="ap-2")[0].flags == ()


def test_a_batch_is_all_or_nothing(uow, town, activity):
    town.volunteers(2)
    good, flagged = record(uow, town.organiser, activity, HoursEntry("vol-0", 60), HoursEntry("vol-1", 500))
    with pytest.raises(FailedPrecondition) as refused:
        approve(uow, town.admin, good.id, flagged.id)
    assert refused.value.field == "hour_record_ids[1]"
    assert uow.hours.rows[good.id].status == "pending"
    assert uow.ledger.entry_rows == []
    with pytest.raises(NotFound) as unknown:
        approve(uow, town.admin, good.id, "nope", request_id="ap-2")
    assert unknown.value.field == "hour_record_ids[1]"
    assert uow.ledger.entry_rows == []


def test_only_pending_records_are_decided(uow, town, activity):
    town.volunteers(2)
    first, second = record(uow, town.organiser, activity, HoursEntry("vol-0", 60), HoursEntry("vol-1", 60))
    approve(uow, town.admin, first.id)
    with pytest.raises(FailedPrecondition) as refused:
        approve(uow, town.admin, first.id, request_id="ap-2")
    assert first.id in refused.value.zh
    assert uow.ledger.account("vol-0").available == 12
    reject(uow, town.admin, second.id)
    with pytest.raises(FailedPrecondition):
        approve(uow, town.admin, second.id, request_id="ap-3")
    with pytest.raises(FailedPrecondition):
        reject(uow, town.admin, first.id, request_id="rj-2")


def test_a_retried_approval_posts_once(uow, town, activity):
    town.volunteers(1)
    (pending,) = record(uow, town.organiser, activity, HoursEntry("vol-0", 60))
    approve(uow, town.admin, pending.id)
    (again,) = approve(uow, town.admin, pending.id)
    assert again.status == APPROVED
    assert len(uow.ledger.entry_rows) == 1


def test_a_member_without_a_points_account_cannot_be_approved(uow, town, activity):
    town.volunteers(1)
    (pending,) = record(uow, town.organiser, activity, HoursEntry("vol-0", 60))
    del uow.ledger.accounts["vol-0"]
    with pytest.raises(NotFound):
        approve(uow, town.admin, pending.id)
    assert uow.hours.rows[pending.id].status == "pending"


def test_reaching_a_hundred_certified_hours_raises_the_star_level(uow, town, activity):
    town.volunteers(1)
    account = uow.ledger.accounts["vol-0"]
    uow.ledger.accounts["vol-0"] = replace(account, certified_minutes=100 * 60 - 30)
    (pending,) = record(uow, town.organiser, activity, HoursEntry("vol-0", 60))
    approve(uow, town.admin, pending.id)
    event = uow.outbox.events[-1][1]
    assert (event.certified_minutes_total, event.star_level, event.star_level_changed) == (
        100 * 60 + 30,
        1,
        True,
    )


def test_rejection_needs_a_reason_and_keeps_it(uow, town, activity):
    town.volunteers(1)
    (pending,) = record(uow, town.organiser, activity, HoursEntry("vol-0", 60))
    with pytest.raises(InvalidArgument) as refused:
        reject(uow, town.admin, pending.id, reason="")
    assert refused.value.field == "reason"
    with pytest.raises(InvalidArgument):
        reject(uow, town.admin, pending.id, reason="长" * 201)
    with pytest.raises(PermissionDenied):
        reject(uow, town.other_admin, pending.id)
    (done,) = reject(uow, town.organiser, pending.id, reason="当天未到场")
    assert (done.status, done.reject_reason, done.decided_by) == (
        REJECTED,
        "当天未到场",
        town.organiser.member_id,
    )
    assert uow.ledger.entry_rows == []


def test_no_records_named_is_bad_input(uow, town):
    with pytest.raises(InvalidArgument) as refused:
        approve(uow, town.admin)
    assert refused.value.field == "hour_record_ids"


def test_a_record_named_twice_is_bad_input(uow, town, activity):
    town.volunteers(1)
    (pending,) = record(uow, town.organiser, activity, HoursEntry("vol-0", 60))
    with pytest.raises(InvalidArgument) as refused:
        approve(uow, town.admin, pending.id, pending.id)
    assert refused.value.field == "hour_record_ids[1]"
    assert uow.ledger.entry_rows == []


def test_a_record_that_ends_in_the_future_is_not_paid_before_it_is_served(uow, town, activity):
    town.volunteers(1)
    during = activity.start_time + timedelta(hours=1)
    # A record written while future ends were still accepted (here: with a day's tolerance).
    signed_up_for_hours(uow, town.organiser, activity, ["vol-0"])
    (early,) = hours.record_hours(
        RecordHours("rec-1", town.organiser, activity.id, (HoursEntry("vol-0", 180),)),
        uow,
        at(during),
        clock_skew=timedelta(days=1),
    )
    with pytest.raises(FailedPrecondition) as refused:
        approve(uow, town.admin, early.record.id, now=during)
    assert "服务结束时间不能晚于现在" in refused.value.zh and refused.value.field == "hour_record_ids[0]"
    assert uow.ledger.entry_rows == []
    assert uow.hours.rows[early.record.id].status == PENDING
    (approved,) = approve(uow, town.admin, early.record.id, request_id="ap-2", now=activity.end_time)
    assert approved.status == APPROVED
