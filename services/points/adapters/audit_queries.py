"""The audit trail over entries and rule_versions: one UNION ALL, newest first, paged in SQL."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc

from ..domain.audit_trail import ADJUSTMENT, AWARD, COMMENDATION, RULE_PUBLICATION, AuditEvent, AuditFilter
from .tables import entries, rule_versions


def _window(column, where: AuditFilter):
    conditions = []
    if where.created_after is not None:
        conditions.append(column >= where.created_after)
    if where.created_before is not None:
        conditions.append(column < where.created_before)
    return conditions


def _ledger_actions(where: AuditFilter):
    # A commendation is an award whose points came from a rule version.
    kind = sa.case(
        (entries.c.kind == "adjustment", sa.literal(ADJUSTMENT)),
        (entries.c.rule_version_id != "", sa.literal(COMMENDATION)),
        else_=sa.literal(AWARD),
    )
    wanted = set(where.kinds)
    by_entry_kind = (("award", {AWARD, COMMENDATION}), ("adjustment", {ADJUSTMENT}))
    entry_kinds = [k for k, audit in by_entry_kind if audit & wanted]
    query = sa.select(
        entries.c.id.label("id"),
        kind.label("kind"),
        entries.c.created_by.label("actor_id"),
        entries.c.created_at.label("occurred_at"),
        entries.c.reason.label("reason"),
        entries.c.member_id.label("member_id"),
        entries.c.amount.label("points"),
        entries.c.source_id.label("source_id"),
        entries.c.rule_version_id.label("rule_version_id"),
    ).where(
        entries.c.community_id == where.community_id,
        entries.c.kind.in_(entry_kinds),
        *_window(entries.c.created_at, where),
    )
    if AWARD not in where.kinds:
        query = query.where(sa.or_(entries.c.kind != "award", entries.c.rule_version_id != ""))
    if COMMENDATION not in where.kinds:
        query = query.where(sa.or_(entries.c.kind != "award", entries.c.rule_version_id == ""))
    return query


def _publications(where: AuditFilter):
    reason = sa.case(
        (rule_versions.c.note == "", rule_versions.c.title),
        else_=rule_versions.c.title + sa.literal("：") + rule_versions.c.note,
    )
    scope = sa.or_(
        sa.and_(rule_versions.c.community_id == where.community_id, rule_versions.c.street_id == ""),
        sa.and_(rule_versions.c.community_id == "", rule_versions.c.street_id == where.street_id),
    )
    return sa.select(
        rule_versions.c.id.label("id"),
        sa.literal(RULE_PUBLICATION).label("kind"),
        rule_versions.c.published_by.label("actor_id"),
        rule_versions.c.published_at.label("occurred_at"),
        reason.label("reason"),
        sa.literal("").label("member_id"),
        sa.cast(sa.literal(0), sa.BigInteger).label("points"),
        rule_versions.c.id.label("source_id"),
        rule_versions.c.id.label("rule_version_id"),
    ).where(scope, *_window(rule_versions.c.published_at, where))


class SqlAuditTrail:
    def __init__(self, connection: Connection):
        self.connection = connection

    def events(self, where: AuditFilter, offset: int, limit: int) -> list[AuditEvent]:
        parts = []
        if {AWARD, COMMENDATION, ADJUSTMENT} & set(where.kinds):
            parts.append(_ledger_actions(where))
        if RULE_PUBLICATION in where.kinds:
            parts.append(_publications(where))
        if not parts:
            return []
        union = sa.union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
        newest_first = (union.c.occurred_at.desc(), union.c.id.desc())
        query = sa.select(union).order_by(*newest_first).offset(offset).limit(limit)
        return [
            AuditEvent(
                id=row.id,
                kind=row.kind,
                actor_id=row.actor_id,
                occurred_at=as_utc(row.occurred_at),
                reason=row.reason,
                member_id=row.member_id,
                points=int(row.points),
                source_id=row.source_id,
                rule_version_id=row.rule_version_id,
            )
            for row in self.connection.execute(query)
        ]
