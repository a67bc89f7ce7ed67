"""Preview of a draft rule version: what it would have given for a past period, member by member.

It reads approved hour records and writes nothing. The draft is compared only where it would
have governed: for a community scope, every approved record of that community; for a street
scope, the records of the street's communities that had no community version of their own in
force at the activity's start (a community version beats the street's, so the draft would not
have applied there). Commendations and adjustments are not included, and the draft's daily cap
does not undo approvals already made (the proto says so).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from jifen import paging
from jifen.clock import Clock, utcnow
from jifen.errors import InvalidArgument

from ...domain.rules import RuleSet
from ..ports import UnitOfWork
from .commands import PreviewRuleVersion
from .handlers import Scope, require_admin_of_scope, scope_of
from .ports import ApprovedHourRow
from .views import Preview, PreviewRow

MAX_PERIOD = timedelta(days=366)


def preview_rule_version(query: PreviewRuleVersion, uow: UnitOfWork, clock: Clock = utcnow) -> Preview:
    requested = scope_of(query.community_id, query.street_id)
    draft = query.rules.validated()
    start, end = _period(query.period_start, query.period_end, clock())
    page = paging.page(query.page_size, query.page_token)
    with uow:
        scope = require_admin_of_scope(uow, query.actor, requested)
        records = _governed_records(uow, scope, start, end)
        names = uow.people.members(sorted({r.member_id for r in records}))
    rows = member_rows(draft, records, {m.id: (m.name, m.community_id) for m in names.values()})
    shown = rows[page.offset : page.offset + page.size]
    return Preview(
        rows=shown,
        next_page_token=page.next_token(len(shown)) if page.offset + len(shown) < len(rows) else "",
        total_current_points=sum(r.current_points for r in rows),
        total_draft_points=sum(r.draft_points for r in rows),
        member_count=len(rows),
    )


def _period(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    if start is None:
        raise InvalidArgument("period_start", "请指定预览时段的开始时间", "is required")
    if end is None:
        raise InvalidArgument("period_end", "请指定预览时段的结束时间", "is required")
    if end <= start:
        raise InvalidArgument("period_end", "结束时间须晚于开始时间", "must be after period_start")
    if end > now:
        raise InvalidArgument(
            "period_end",
            "只能预览已经过去的时段",
            "must not be in the future: the preview covers a past period",
        )
    if end - start > MAX_PERIOD:
        raise InvalidArgument("period_end", "预览时段最长 366 天", "the period may span at most 366 days")
    return start, end


def _governed_records(uow: UnitOfWork, scope: Scope, start: datetime, end: datetime) -> list[ApprovedHourRow]:
    if scope.community is not None:
        return uow.rules.approved_hours([scope.community.id], start, end)
    community_ids = [c.id for c in uow.rules.street_communities(scope.street_id)]
    own_from = uow.rules.first_community_versions(community_ids)
    return [
        r
        for r in uow.rules.approved_hours(community_ids, start, end)
        if r.community_id not in own_from or r.activity_start < own_from[r.community_id]
    ]


def member_rows(
    draft: RuleSet, records: list[ApprovedHourRow], members: dict[str, tuple[str, str]]
) -> list[PreviewRow]:
    """One row per member, ordered by member_id; `members` maps id → (name, community_id)."""
    grouped: dict[str, list[ApprovedHourRow]] = {}
    for record in records:
        grouped.setdefault(record.member_id, []).append(record)
    rows = []
    for member_id in sorted(grouped):
        mine = grouped[member_id]
        name, community_id = members.get(member_id, ("", mine[0].community_id))
        rows.append(
            PreviewRow(
                member_id=member_id,
                member_name=name,
                community_id=community_id,
                hour_record_count=len(mine),
                minutes=sum(r.minutes for r in mine),
                current_points=sum(r.points_accrued for r in mine),
                # Per record, as each accrual is computed and rounded on its own.
                draft_points=sum(draft.points_for(r.minutes, r.difficulty, r.category)[0] for r in mine),
            )
        )
    return rows
