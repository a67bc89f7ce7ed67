"""Rule versions in the points database, and the read-only queries the rules use cases need."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc

from ..domain.people import CommunityCopy
from ..domain.rules import RuleVersion
from ..service.rules.ports import ApprovedHourRow
from . import rule_codec
from .tables import activities, communities, hour_records, rule_versions

APPROVED = "approved"


class SqlRules:
    def __init__(self, connection: Connection):
        self.connection = connection

    def add(self, version: RuleVersion) -> None:
        self.connection.execute(
            rule_versions.insert().values(
                id=version.id,
                community_id=version.community_id,
                street_id=version.street_id,
                effective_from=version.effective_from,
                rules=rule_codec.dumps(version.rules),
                note=version.note,
                published_by=version.published_by,
                published_at=version.published_at,
                title=version.title,
            )
        )

    def get(self, version_id: str) -> RuleVersion | None:
        row = self.connection.execute(
            sa.select(rule_versions).where(rule_versions.c.id == version_id)
        ).first()
        return _version(row) if row else None

    def in_force(self, community_id: str, street_id: str, at: datetime) -> RuleVersion:
        """The latest version started by `at` of the community, else of its street, else the default."""
        scopes = [sa.and_(rule_versions.c.community_id == "", rule_versions.c.street_id == "")]
        if community_id:
            scopes.append(
                sa.and_(rule_versions.c.community_id == community_id, rule_versions.c.street_id == "")
            )
        if street_id:
            scopes.append(sa.and_(rule_versions.c.community_id == "", rule_versions.c.street_id == street_id))
        # 0 = community, 1 = street, 2 = default: the narrowest scope with a started version wins.
        breadth = sa.case(
            (rule_versions.c.community_id != "", 0), (rule_versions.c.street_id != "", 1), else_=2
        )
        row = self.connection.execute(
            sa.select(rule_versions)
            .where(sa.or_(*scopes), rule_versions.c.effective_from <= at)
            .order_by(breadth, rule_versions.c.effective_from.desc())
            .limit(1)
        ).first()
        if row is None:
            # Migration 0002 writes the default version from the epoch; without it the schema is broken.
            raise LookupError("no rule version in force: the built-in default version is missing")
        return _version(row)

    def of_scope(self, community_id: str, street_id: str, offset: int, limit: int) -> list[RuleVersion]:
        rows = self.connection.execute(
            sa.select(rule_versions)
            .where(rule_versions.c.community_id == community_id, rule_versions.c.street_id == street_id)
            .order_by(rule_versions.c.effective_from.desc(), rule_versions.c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [_version(row) for row in rows]

    def at_scope_from(
        self, community_id: str, street_id: str, effective_from: datetime
    ) -> RuleVersion | None:
        row = self.connection.execute(
            sa.select(rule_versions).where(
                rule_versions.c.community_id == community_id,
                rule_versions.c.street_id == street_id,
                rule_versions.c.effective_from == effective_from,
            )
        ).first()
        return _version(row) if row else None

    def street_known(self, street_id: str) -> bool:
        """Points knows a street only through the communities the members service announced."""
        found = self.connection.execute(
            sa.select(communities.c.id).where(communities.c.street_id == street_id).limit(1)
        ).first()
        return found is not None

    def street_communities(self, street_id: str) -> list[CommunityCopy]:
        rows = self.connection.execute(
            sa.select(communities).where(communities.c.street_id == street_id).order_by(communities.c.id)
        )
        return [CommunityCopy(row.id, row.street_id, row.name) for row in rows]

    def first_community_versions(self, community_ids: list[str]) -> dict[str, datetime]:
        """When each community's own versions begin; a community absent from the result has none.

        A scope's versions never end (the next one of the same scope takes over), so a community
        version is in force at t exactly when the community's first one started by t.
        """
        if not community_ids:
            return {}
        rows = self.connection.execute(
            sa.select(rule_versions.c.community_id, sa.func.min(rule_versions.c.effective_from))
            .where(rule_versions.c.community_id.in_(set(community_ids)))
            .group_by(rule_versions.c.community_id)
        )
        return {row[0]: as_utc(row[1]) for row in rows}

    def approved_hours(
        self, community_ids: list[str], start: datetime, end: datetime
    ) -> list[ApprovedHourRow]:
        """Approved hour records of those communities whose activity started in [start, end)."""
        if not community_ids:
            return []
        rows = self.connection.execute(
            sa.select(
                hour_records.c.id,
                hour_records.c.member_id,
                hour_records.c.community_id,
                hour_records.c.minutes,
                hour_records.c.points_accrued,
                activities.c.start_time,
                activities.c.difficulty,
                activities.c.category,
            )
            .select_from(hour_records.join(activities, activities.c.id == hour_records.c.activity_id))
            .where(
                hour_records.c.community_id.in_(set(community_ids)),
                hour_records.c.status == APPROVED,
                activities.c.start_time >= start,
                activities.c.start_time < end,
            )
            .order_by(hour_records.c.member_id, hour_records.c.id)
        )
        return [
            ApprovedHourRow(
                hour_record_id=row.id,
                member_id=row.member_id,
                community_id=row.community_id,
                minutes=row.minutes,
                points_accrued=row.points_accrued,
                activity_start=as_utc(row.start_time),
                difficulty=row.difficulty,
                category=row.category,
            )
            for row in rows
        ]


def _version(row) -> RuleVersion:
    return RuleVersion(
        id=row.id,
        community_id=row.community_id,
        street_id=row.street_id,
        effective_from=as_utc(row.effective_from),
        rules=rule_codec.loads(row.rules),
        note=row.note,
        published_by=row.published_by,
        published_at=as_utc(row.published_at),
        title=row.title,
    )
