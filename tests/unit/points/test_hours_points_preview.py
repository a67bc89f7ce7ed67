"""The approval queue shows what each pending record will earn, computed as approval computes it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from services.points.domain.rules import DEFAULT_RULES, RuleVersion
from services.points.entrypoints import activity_messages
from services.points.service.hours import decisions as hour_decisions
from services.points.service.hours import recording as hours
from services.points.service.hours.commands import ApproveHours, HoursEntry, ListHourRecords, RecordHours

from .fake_activities import MONDAY, PointsUow, Town, at, plan, signed_up_for_hours
from .fakes import FixedRules

AFTER = MONDAY + timedelta(days=2)


def queue(uow, actor, activity):
    views, _ = hours.list_hour_records(ListHourRecords(actor, activity_id=activity.id, status="pending"), uow)
    return {v.record.member_id: v for v in views}


def test_the_preview_uses_the_version_in_force_at_the_activity_and_equals_what_approval_accrues():
    earlier = RuleVersion(
        "v-co-1", "co-a", "", MONDAY - timedelta(days=10), replace(DEFAULT_RULES, points_per_hour=20)
    )
    # Published after the activity: it must change neither the preview nor the accrual.
    later = RuleVersion(
        "v-co-2", "co-a", "", AFTER - timedelta(hours=1), replace(DEFAULT_RULES, points_per_hour=100)
    )
    uow = PointsUow(rules=FixedRules(earlier, later))
    town = Town(uow)
    town.volunteers(2)
    activity = plan(uow, town)
    signed_up_for_hours(uow, town.organiser, activity, ["vol-0", "vol-1"])
    entries = (HoursEntry("vol-0", 60), HoursEntry("vol-1", 100))
    hours.record_hours(RecordHours("rec-1", town.organiser, activity.id, entries), uow, at(AFTER))

    shown = queue(uow, town.admin, activity)
    assert shown["vol-0"].preview.points == 24  # 1 h × 20 × 1.2 (difficulty 2)
    assert shown["vol-0"].preview.version.id == "v-co-1"
    # 100 minutes round down to 90: 1.5 h × 20 × 1.2 = 36.
    assert shown["vol-1"].preview.points == 36
    assert shown["vol-1"].preview.calculation.startswith("100 分钟按 30 分钟")
    assert all(v.record.points_accrued == 0 for v in shown.values())

    ids = tuple(v.record.id for v in shown.values())
    approved = hour_decisions.approve_hours(ApproveHours("ap-1", town.admin, ids, False, ""), uow, at(AFTER))
    for view in approved:
        before = shown[view.record.member_id].preview
        assert view.record.points_accrued == before.points
        assert view.record.calculation == before.calculation
        assert view.record.rule_version_id == before.version.id
        assert view.preview is None
        assert uow.ledger.account(view.record.member_id).available == before.points


def test_the_message_carries_the_preview_while_pending_and_none_once_decided():
    uow = PointsUow()
    town = Town(uow)
    town.volunteers(1)
    activity = plan(uow, town)
    signed_up_for_hours(uow, town.organiser, activity, ["vol-0"])
    (pending,) = hours.record_hours(
        RecordHours("rec-1", town.organiser, activity.id, (HoursEntry("vol-0", 150),)), uow, at(AFTER)
    )
    message = activity_messages.hour_record(pending)
    assert message.points_preview == 30  # 2.5 h × 10 × 1.2
    assert message.preview_calculation == "2.5 小时 × 10 分/小时 × 1.2（难度 2） = 30"
    assert message.preview_rule_version_id == pending.preview.version.id
    (done,) = hour_decisions.approve_hours(
        ApproveHours("ap-1", town.admin, (pending.record.id,), False, ""), uow, at(AFTER)
    )
    decided = activity_messages.hour_record(done)
    assert (decided.points_preview, decided.preview_calculation) == (0, "")
    assert decided.points_accrued == 30
