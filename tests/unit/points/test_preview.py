"""Previewing a draft: member by member, what it would have given against what was accrued."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from jifen.errors import InvalidArgument, NotFound, PermissionDenied
from services.points.domain.rules import DEFAULT_RULES, RuleVersion
from services.points.service.rules.commands import PreviewRuleVersion
from services.points.service.rules.ports import ApprovedHourRow
from services.points.service.rules.preview import preview_rule_version

from .fake_rules import (
    ELSEWHERE,
    HOME,
    NOW,
    OTHER,
    STREET,
    Clock,
    add_member,
    admin_of,
    street_admin,
)

START = NOW - timedelta(days=30)
END = NOW - timedelta(days=1)
# 20 points an hour, exact minutes, cleanup counts double.
DRAFT = replace(DEFAULT_RULES, points_per_hour=20, rounding_minutes=1, category_multipliers={"cleanup": 200})


def record(uow, record_id, member_id, minutes, accrued, difficulty=1, category="care", days_ago=10, **kw):
    community = kw.get("community", HOME)
    row = ApprovedHourRow(
        hour_record_id=record_id,
        member_id=member_id,
        community_id=community.id,
        minutes=minutes,
        points_accrued=accrued,
        activity_start=NOW - timedelta(days=days_ago),
        difficulty=difficulty,
        category=category,
    )
    uow.rules.hour_rows.append((row, kw.get("status", "approved")))


@pytest.fixture
def uow(rules_uow):
    uow = rules_uow
    add_member(uow, "m-1", "王秀兰")
    add_member(uow, "m-2", "李建国")
    add_member(uow, "m-3", "张伟", OTHER)
    # m-2: 90 min at difficulty 3 (×1.5) in cleanup: accrued 22 under the default (1.5 h × 10 × 1.5).
    record(uow, "h-1", "m-2", 90, 22, difficulty=3, category="cleanup")
    # m-1: 75 min at ×1.0 (rounded down to 60: 10) and 60 min at ×1.2 (12).
    record(uow, "h-2", "m-1", 75, 10)
    record(uow, "h-3", "m-1", 60, 12, difficulty=2)
    # Not in the preview: pending, before the period, in another community.
    record(uow, "h-4", "m-1", 600, 0, status="pending")
    record(uow, "h-5", "m-1", 600, 100, days_ago=40)
    record(uow, "h-6", "m-3", 120, 20, community=OTHER, days_ago=20)
    record(uow, "h-7", "m-3", 60, 10, community=OTHER, days_ago=5)
    return uow


def preview(uow, **changes):
    fields = dict(actor=admin_of(HOME), rules=DRAFT, period_start=START, period_end=END, community_id=HOME.id)
    fields.update(changes)
    return preview_rule_version(PreviewRuleVersion(**fields), uow, Clock())


def _points(row):
    return row.current_points, row.draft_points, row.difference


def test_each_member_gets_a_row_with_draft_and_current_points(uow):
    result = preview(uow)

    rows = [
        (r.member_id, r.member_name, r.community_id, r.hour_record_count, r.minutes, *_points(r))
        for r in result.rows
    ]
    assert rows == [
        # 75 min × 20 × 1.0 = 25; 60 min × 20 × 1.2 = 24.
        ("m-1", "王秀兰", HOME.id, 2, 135, 22, 49, 27),
        # 90 min × 20 × 1.5 × 2.0 (cleanup) = 90.
        ("m-2", "李建国", HOME.id, 1, 90, 22, 90, 68),
    ]
    assert (result.total_current_points, result.total_draft_points, result.member_count) == (44, 139, 2)
    assert result.next_page_token == ""


def test_pages_are_ordered_by_member_and_totals_cover_every_page(uow):
    first = preview(uow, page_size=1)
    second = preview(uow, page_size=1, page_token=first.next_page_token)

    assert [r.member_id for r in first.rows] == ["m-1"]
    assert [r.member_id for r in second.rows] == ["m-2"]
    assert second.next_page_token == ""
    assert first.total_draft_points == second.total_draft_points == 139
    assert first.member_count == 2


def test_a_street_draft_skips_communities_whose_own_version_was_in_force(uow):
    # 天庆嘉园 got its own version 10 days ago: its later record would not have used a street version.
    uow.rules.versions.append(
        RuleVersion("v-other", OTHER.id, "", NOW - timedelta(days=10), DEFAULT_RULES, published_at=NOW)
    )

    result = preview(uow, actor=street_admin(), community_id="", street_id=STREET)

    by_member = {r.member_id: r for r in result.rows}
    assert sorted(by_member) == ["m-1", "m-2", "m-3"]
    # Only h-6 (20 days ago, before 天庆嘉园's own version); 120 min × 20 = 40.
    assert (by_member["m-3"].hour_record_count, by_member["m-3"].current_points) == (1, 20)
    assert by_member["m-3"].draft_points == 40
    assert by_member["m-3"].community_id == OTHER.id


def test_a_member_points_no_longer_knows_keeps_the_community_of_their_records(uow):
    record(uow, "h-8", "m-gone", 60, 10)

    row = next(r for r in preview(uow).rows if r.member_id == "m-gone")

    assert (row.member_name, row.community_id, row.draft_points) == ("", HOME.id, 20)


def test_an_empty_period_gives_no_rows(uow):
    result = preview(uow, period_start=NOW - timedelta(days=60), period_end=NOW - timedelta(days=50))

    assert (result.rows, result.member_count, result.total_draft_points) == ([], 0, 0)


@pytest.mark.parametrize(
    ("period", "field"),
    [
        ({"period_start": None}, "period_start"),
        ({"period_end": None}, "period_end"),
        ({"period_end": START}, "period_end"),
        ({"period_end": START - timedelta(days=1)}, "period_end"),
        ({"period_end": NOW + timedelta(minutes=1)}, "period_end"),
        ({"period_start": END - timedelta(days=367)}, "period_end"),
    ],
    ids=["no-start", "no-end", "empty", "reversed", "future", "over-366-days"],
)
def test_the_period_must_be_a_past_span_of_at_most_366_days(uow, period, field):
    with pytest.raises(InvalidArgument) as raised:
        preview(uow, **period)
    assert raised.value.field == field


def test_a_draft_with_bad_parameters_is_refused(uow):
    with pytest.raises(InvalidArgument) as raised:
        preview(uow, rules=replace(DRAFT, difficulty_multipliers=(100,)))
    assert raised.value.field == "rules.difficulty_multipliers"


def test_only_admins_of_the_drafts_scope_may_preview(uow):
    with pytest.raises(PermissionDenied):
        preview(uow, actor=admin_of(OTHER))
    with pytest.raises(PermissionDenied):
        preview(uow, actor=admin_of(HOME), community_id="", street_id=STREET)
    with pytest.raises(PermissionDenied):
        preview(uow, actor=street_admin(), community_id="")
    with pytest.raises(NotFound):
        preview(uow, actor=admin_of(ELSEWHERE), community_id="co-nowhere")


def test_previewing_writes_nothing(uow):
    versions = list(uow.rules.versions)

    preview(uow)

    assert uow.commits == 0
    assert uow.rules.versions == versions
    assert uow.outbox.events == []
