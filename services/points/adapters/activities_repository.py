"""Activities, participants and hour records over SQLAlchemy Core."""

from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc

from ..domain.activity import CANCELLED, ENDED, IN_PROGRESS, SCHEDULED, WITHDRAWN, Activity, Participant
from ..domain.hours import REJECTED, HourRecord
from ..service.activities.ports import ActivityFilter
from ..service.hours.ports import HourFilter, Visibility
from .tables import activities, communities, hour_records, participants

ACTIVITY_TIMES = ("start_time", "end_time", "created_at", "updated_at")
PARTICIPANT_TIMES = ("signed_up_at", "check_in_time", "check_out_time")
RECORD_TIMES = ("check_in_time", "check_out_time", "decided_at", "created_at", "updated_at")


def _times(row, names: tuple[str, ...]) -> dict:
    values = dict(row._mapping)
    for name in names:
        values[name] = as_utc(values[name])
    return values


class SqlActivities:
    def __init__(self, connection: Connection):
        self.connection = connection

    # --- activities ---

    def add(self, activity: Activity) -> None:
        self.connection.execute(activities.insert().values(**asdict(activity)))

    def get(self, activity_id: str, lock: bool = False) -> Activity | None:
        query = sa.select(activities).where(activities.c.id == activity_id)
        # SQLite has no row locks; its BEGIN IMMEDIATE already serialises writing transactions.
        row = self.connection.execute(query.with_for_update() if lock else query).first()
        return _activity(row) if row else None

    def many(self, activity_ids: list[str]) -> dict[str, Activity]:
        if not activity_ids:
            return {}
        rows = self.connection.execute(sa.select(activities).where(activities.c.id.in_(set(activity_ids))))
        return {row.id: _activity(row) for row in rows}

    def save(self, activity: Activity) -> bool:
        values = asdict(activity)
        # The count changes only through the conditional updates below.
        del values["signed_up_count"], values["id"]
        condition = [activities.c.id == activity.id]
        if activity.capacity:
            # Decided in the UPDATE itself, so a sign-up committing meanwhile is counted.
            condition.append(activities.c.signed_up_count <= activity.capacity)
        changed = self.connection.execute(activities.update().where(*condition).values(**values)).rowcount
        return changed == 1

    def list(self, where: ActivityFilter, offset: int, limit: int) -> list[Activity]:
        query = sa.select(activities)
        if where.community_id:
            query = query.where(activities.c.community_id == where.community_id)
        if where.status:
            query = query.where(_status_is(where.status, where.now))
        if where.organiser_id:
            query = query.where(activities.c.organiser_id == where.organiser_id)
        if where.signed_up_member_id:
            query = query.where(
                activities.c.id.in_(
                    sa.select(participants.c.activity_id).where(
                        participants.c.member_id == where.signed_up_member_id,
                        participants.c.status != WITHDRAWN,
                    )
                )
            )
        if where.starts_after is not None:
            query = query.where(activities.c.start_time >= where.starts_after)
        if where.starts_before is not None:
            query = query.where(activities.c.start_time < where.starts_before)
        if where.query:
            query = query.where(activities.c.title.contains(where.query, autoescape=True))
        query = query.order_by(activities.c.start_time, activities.c.id).offset(offset).limit(limit)
        return [_activity(row) for row in self.connection.execute(query)]

    # --- the count of members signed up: conditional updates only ---

    def take_place(self, activity_id: str) -> bool:
        changed = self.connection.execute(
            activities.update()
            .where(
                activities.c.id == activity_id,
                activities.c.cancelled.is_(False),
                sa.or_(activities.c.capacity == 0, activities.c.signed_up_count < activities.c.capacity),
            )
            .values(signed_up_count=activities.c.signed_up_count + 1)
        ).rowcount
        return changed == 1

    def force_place(self, activity_id: str) -> None:
        grown = activities.c.signed_up_count + 1
        self.connection.execute(
            activities.update()
            .where(activities.c.id == activity_id)
            .values(
                signed_up_count=grown,
                # Hours already served put the member on the list even when it is full; the
                # capacity grows with it so that count ≤ capacity stays true.
                capacity=sa.case(
                    (sa.and_(activities.c.capacity != 0, grown > activities.c.capacity), grown),
                    else_=activities.c.capacity,
                ),
            )
        )

    def free_place(self, activity_id: str) -> None:
        self.connection.execute(
            activities.update()
            .where(activities.c.id == activity_id, activities.c.signed_up_count > 0)
            .values(signed_up_count=activities.c.signed_up_count - 1)
        )

    # --- participants ---

    def participant(self, activity_id: str, member_id: str) -> Participant | None:
        row = self.connection.execute(
            sa.select(participants).where(
                participants.c.activity_id == activity_id, participants.c.member_id == member_id
            )
        ).first()
        return _participant(row) if row else None

    def add_participant(self, participant: Participant) -> None:
        self.connection.execute(participants.insert().values(**asdict(participant)))

    def save_participant(self, participant: Participant, was: str) -> bool:
        values = asdict(participant)
        changed = self.connection.execute(
            participants.update()
            .where(
                participants.c.activity_id == participant.activity_id,
                participants.c.member_id == participant.member_id,
                participants.c.status == was,
            )
            .values(**values)
        ).rowcount
        return changed == 1

    def participants(
        self, activity_id: str, statuses: tuple[str, ...], offset: int, limit: int
    ) -> list[Participant]:
        rows = self.connection.execute(
            sa.select(participants)
            .where(participants.c.activity_id == activity_id, participants.c.status.in_(statuses))
            .order_by(participants.c.signed_up_at, participants.c.member_id)
            .offset(offset)
            .limit(limit)
        )
        return [_participant(row) for row in rows]

    def signed_up(self, activity_ids: list[str], member_id: str) -> set[str]:
        if not activity_ids or not member_id:
            return set()
        rows = self.connection.execute(
            sa.select(participants.c.activity_id).where(
                participants.c.activity_id.in_(set(activity_ids)),
                participants.c.member_id == member_id,
                participants.c.status != WITHDRAWN,
            )
        )
        return {row.activity_id for row in rows}


def _status_is(status: str, now):
    """The SQL condition for a status derived from the times (ActivityStatus)."""
    live = activities.c.cancelled.is_(False)
    if status == CANCELLED:
        return activities.c.cancelled.is_(True)
    if status == SCHEDULED:
        return sa.and_(live, activities.c.start_time > now)
    if status == IN_PROGRESS:
        return sa.and_(live, activities.c.start_time <= now, activities.c.end_time > now)
    if status == ENDED:
        return sa.and_(live, activities.c.end_time <= now)
    raise ValueError(f"unknown activity status {status!r}")


def _activity(row) -> Activity:
    return Activity(**_times(row, ACTIVITY_TIMES))


def _participant(row) -> Participant:
    return Participant(**_times(row, PARTICIPANT_TIMES))


class SqlHourRecords:
    def __init__(self, connection: Connection, seen: list | None = None):
        self.connection = connection
        # The unit of work's list: records written here send what they recorded at its commit.
        self.seen = [] if seen is None else seen

    def add(self, record: HourRecord) -> None:
        self.connection.execute(hour_records.insert().values(**_record_row(record)))
        self.seen.append(record)

    def get(self, record_id: str, lock: bool = False) -> HourRecord | None:
        query = sa.select(hour_records).where(hour_records.c.id == record_id)
        row = self.connection.execute(query.with_for_update() if lock else query).first()
        return _record(row) if row else None

    def many(self, record_ids: list[str]) -> dict[str, HourRecord]:
        if not record_ids:
            return {}
        rows = self.connection.execute(sa.select(hour_records).where(hour_records.c.id.in_(set(record_ids))))
        return {row.id: _record(row) for row in rows}

    def save(self, record: HourRecord, was: str) -> bool:
        values = _record_row(record)
        del values["id"]
        changed = self.connection.execute(
            hour_records.update()
            .where(hour_records.c.id == record.id, hour_records.c.status == was)
            .values(**values)
        ).rowcount
        if changed == 1:
            self.seen.append(record)
        return changed == 1

    def current(self, activity_id: str, member_id: str) -> HourRecord | None:
        row = self.connection.execute(
            sa.select(hour_records)
            .where(
                hour_records.c.activity_id == activity_id,
                hour_records.c.member_id == member_id,
                hour_records.c.status != REJECTED,
            )
            .order_by(hour_records.c.created_at.desc())
            .limit(1)
        ).first()
        return _record(row) if row else None

    def total_minutes(self, activity_id: str, statuses: tuple[str, ...]) -> int:
        total = self.connection.execute(
            sa.select(sa.func.coalesce(sa.func.sum(hour_records.c.minutes), 0)).where(
                hour_records.c.activity_id == activity_id, hour_records.c.status.in_(statuses)
            )
        ).scalar_one()
        return int(total)

    def around(self, member_id: str, start, end) -> list[HourRecord]:
        rows = self.connection.execute(
            sa.select(hour_records).where(
                hour_records.c.member_id == member_id,
                hour_records.c.status != REJECTED,
                hour_records.c.check_in_time < end,
                hour_records.c.check_out_time > start,
            )
        )
        return [_record(row) for row in rows]

    def list(self, where: HourFilter, offset: int, limit: int) -> list[HourRecord]:
        query = sa.select(hour_records).where(_visible(where.visible))
        if where.activity_id:
            query = query.where(hour_records.c.activity_id == where.activity_id)
        if where.member_id:
            query = query.where(hour_records.c.member_id == where.member_id)
        if where.community_id:
            query = query.where(hour_records.c.community_id == where.community_id)
        if where.status:
            query = query.where(hour_records.c.status == where.status)
        if where.flagged_only:
            query = query.where(hour_records.c.flags != "")
        if where.served_after is not None:
            query = query.where(hour_records.c.check_in_time >= where.served_after)
        if where.served_before is not None:
            query = query.where(hour_records.c.check_in_time < where.served_before)
        query = query.order_by(hour_records.c.check_in_time.desc(), hour_records.c.id.desc())
        return [_record(row) for row in self.connection.execute(query.offset(offset).limit(limit))]


def _visible(visible: Visibility):
    parts = []
    if visible.member_id:
        parts.append(hour_records.c.member_id == visible.member_id)
    if visible.organiser_id:
        parts.append(
            hour_records.c.activity_id.in_(
                sa.select(activities.c.id).where(activities.c.organiser_id == visible.organiser_id)
            )
        )
    if visible.community_ids:
        parts.append(hour_records.c.community_id.in_(visible.community_ids))
    if visible.street_ids:
        parts.append(
            hour_records.c.community_id.in_(
                sa.select(communities.c.id).where(communities.c.street_id.in_(visible.street_ids))
            )
        )
    return sa.or_(*parts) if parts else sa.false()


def _record_row(record: HourRecord) -> dict:
    values = asdict(record)
    values["flags"] = ",".join(record.flags)
    return values


def _record(row) -> HourRecord:
    values = _times(row, RECORD_TIMES)
    values["flags"] = tuple(f for f in values["flags"].split(",") if f)
    return HourRecord(**values)
