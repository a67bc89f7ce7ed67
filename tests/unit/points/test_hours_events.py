"""An hour record keeps its own rules and records what happened to it; the outbox adapter maps that."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from jifen.errors import FailedPrecondition, PermissionDenied
from services.points.adapters.outbox_messages import to_message
from services.points.domain import events as activity_events
from services.points.domain.activity import Activity
from services.points.domain.events import HoursApproved
from services.points.domain.hours import APPROVED, RECORDED, Earning, HourRecord
from services.points.domain.rules import BUILT_IN_VERSION_ID, DEFAULT_RULES, RuleVersion

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
START = NOW - timedelta(days=1)
VERSION = RuleVersion(BUILT_IN_VERSION_ID, "", "", START - timedelta(days=30), DEFAULT_RULES)
ACTIVITY = Activity(
    "act-1",
    "co-a",
    "环境卫生整治",
    "",
    "environment",
    2,
    START,
    START + timedelta(hours=3),
    "",
    10,
    "org-1",
    "secret",
    "admin-1",
    START,
    START,
)


@dataclass(frozen=True)
class Totals:
    certified_minutes: int = 150
    star_level: int = 1
    star_level_changed: bool = True


def pending(**changes) -> HourRecord:
    fields = dict(
        id="hr-1",
        activity_id=ACTIVITY.id,
        community_id="co-a",
        member_id="vol-1",
        minutes=150,
        check_in_time=START,
        check_out_time=START + timedelta(minutes=150),
        source=RECORDED,
        recorded_by="admin-1",
        created_at=NOW,
        updated_at=NOW,
    )
    fields.update(changes)
    return HourRecord(**fields)


def test_every_activity_and_hour_event_has_its_outbox_message():
    recorded = [
        c for _, c in inspect.getmembers(activity_events, inspect.isclass) if dataclasses.is_dataclass(c)
    ]
    assert recorded and all(c in to_message.registry for c in recorded)


def test_an_approved_record_records_hours_approved_dated_by_the_approval():
    record = pending()
    approved = record.approve("org-1", NOW, Earning(VERSION, 30, "150 分钟"), "", ACTIVITY, Totals())
    assert approved.status == APPROVED
    assert record.pull_events() == []
    [event] = approved.pull_events()
    assert isinstance(event, HoursApproved)
    event_type, message, occurred_at = to_message(event)
    assert (event_type, occurred_at) == ("hours.approved", NOW)
    assert (message.hour_record_id, message.activity_title, message.approved_by) == (
        "hr-1",
        "环境卫生整治",
        "org-1",
    )
    assert (message.certified_minutes_total, message.star_level, message.star_level_changed) == (150, 1, True)


def test_no_one_decides_their_own_hours_nor_certifies_hours_they_recorded():
    with pytest.raises(PermissionDenied) as own:
        pending().approve("vol-1", NOW, Earning(VERSION, 30, ""), "", ACTIVITY, Totals())
    assert own.value.zh == "不能审核自己的服务时长"
    with pytest.raises(PermissionDenied) as recorder:
        pending().approve("admin-1", NOW, Earning(VERSION, 30, ""), "", ACTIVITY, Totals())
    assert recorder.value.zh == "不能审核自己记录的服务时长，须由其他组织者或管理员审核"
    with pytest.raises(PermissionDenied):
        pending().reject("vol-1", NOW, "未到场")


def test_a_decided_record_is_not_decided_again():
    rejected = pending().reject("org-1", NOW, "未到场")
    with pytest.raises(FailedPrecondition):
        rejected.approve("org-1", NOW, Earning(VERSION, 30, ""), "", ACTIVITY, Totals())
    assert rejected.pull_events() == []
