"""The points outbox adapter: each domain event -> (event type, jifen.events.v1 message, occurred at).

The one place that builds jifen.events.v1 messages for the points outbox. One function per event
class, registered on `to_message`.
"""

from __future__ import annotations

from datetime import datetime
from functools import singledispatch
from typing import Any

from jifen.events.v1 import points_pb2 as events
from jifen.timestamps import to_timestamp

from ..domain import events as happened
from ..domain.ledger import Entry

Message = tuple[str, Any, datetime | None]


@singledispatch
def to_message(event: object) -> Message:
    raise TypeError(f"no outbox message for {type(event).__name__}")


def _whose(entry: Entry) -> dict:
    return {"entry_id": entry.id, "member_id": entry.member_id, "community_id": entry.community_id}


def _moved(entry: Entry) -> dict:
    """Whose entry it is and what it moved: the fields every balance-changing event carries."""
    return {**_whose(entry), "amount": entry.amount, "balance_after": entry.balance_after}


@to_message.register
def _accrued(event: happened.PointsAccrued) -> Message:
    entry = event.entry
    return (
        "points.accrued",
        events.PointsAccrued(
            **_moved(entry),
            hour_record_id=event.hour_record_id,
            activity_id=event.activity_id,
            rule_version_id=entry.rule_version_id,
            calculation=entry.calculation,
            lot_expires_at=to_timestamp(entry.lot_expires_at),
            accrued_at=to_timestamp(entry.created_at),
        ),
        entry.created_at,
    )


@to_message.register
def _awarded(event: happened.PointsAwarded) -> Message:
    entry = event.entry
    return (
        "points.awarded",
        events.PointsAwarded(
            **_moved(entry),
            commendation=event.commendation,
            reason=entry.reason,
            rule_version_id=entry.rule_version_id,
            lot_expires_at=to_timestamp(entry.lot_expires_at),
            awarded_by=entry.created_by,
            awarded_at=to_timestamp(entry.created_at),
        ),
        entry.created_at,
    )


@to_message.register
def _adjusted(event: happened.PointsAdjusted) -> Message:
    entry = event.entry
    return (
        "points.adjusted",
        events.PointsAdjusted(
            **_moved(entry),
            reason=entry.reason,
            lot_expires_at=to_timestamp(entry.lot_expires_at),
            adjusted_by=entry.created_by,
            adjusted_at=to_timestamp(entry.created_at),
        ),
        entry.created_at,
    )


@to_message.register
def _expired(event: happened.PointsExpired) -> Message:
    entry = event.entry
    return (
        "points.expired",
        events.PointsExpired(
            **_moved(entry),
            lots_expired_at=to_timestamp(entry.lot_expires_at),
            expired_at=to_timestamp(entry.created_at),
        ),
        entry.created_at,
    )


@to_message.register
def _held(event: happened.PointsHeld) -> Message:
    entry = event.entry
    return (
        "points.held",
        events.PointsHeld(
            **_moved(entry),
            hold_id=event.hold_id,
            reason=event.reason,
            deadline=to_timestamp(event.deadline),
            held_at=to_timestamp(entry.created_at),
        ),
        entry.created_at,
    )


@to_message.register
def _captured(event: happened.PointsCaptured) -> Message:
    entry = event.entry
    return (
        "points.captured",
        events.PointsCaptured(
            **_whose(entry),
            hold_id=event.hold_id,
            points_spent=event.points_spent,
            captured_at=to_timestamp(entry.created_at),
        ),
        entry.created_at,
    )


@to_message.register
def _released(event: happened.PointsReleased) -> Message:
    entry = event.entry
    return (
        "points.released",
        events.PointsReleased(
            **_moved(entry),
            hold_id=event.hold_id,
            reason=event.reason,
            deadline_passed=event.deadline_passed,
            released_at=to_timestamp(entry.created_at),
        ),
        entry.created_at,
    )


@to_message.register
def _hours_approved(event: happened.HoursApproved) -> Message:
    return (
        "hours.approved",
        events.HoursApproved(
            hour_record_id=event.hour_record_id,
            activity_id=event.activity_id,
            activity_title=event.activity_title,
            community_id=event.community_id,
            member_id=event.member_id,
            minutes=event.minutes,
            check_in_time=to_timestamp(event.check_in_time),
            check_out_time=to_timestamp(event.check_out_time),
            certified_minutes_total=event.certified_minutes_total,
            star_level=event.star_level,
            star_level_changed=event.star_level_changed,
            overridden=event.overridden,
            approved_by=event.approved_by,
            approved_at=to_timestamp(event.approved_at),
        ),
        event.approved_at,
    )


@to_message.register
def _need_posted(event: happened.NeedPosted) -> Message:
    return (
        "need.posted",
        events.NeedPosted(
            need_id=event.need_id,
            community_id=event.community_id,
            grid_id=event.grid_id,
            title=event.title,
            points=event.points,
            wanted=event.wanted,
            posted_at=to_timestamp(event.posted_at),
        ),
        event.posted_at,
    )


@to_message.register
def _need_claimed(event: happened.NeedClaimed) -> Message:
    return (
        "need.claimed",
        events.NeedClaimed(
            need_id=event.need_id,
            community_id=event.community_id,
            claim_id=event.claim_id,
            member_id=event.member_id,
            organization_id=event.organization_id,
            claimed_at=to_timestamp(event.claimed_at),
        ),
        event.claimed_at,
    )


@to_message.register
def _need_closed(event: happened.NeedClosed) -> Message:
    return (
        "need.closed",
        events.NeedClosed(
            need_id=event.need_id,
            community_id=event.community_id,
            result=event.result,
            awarded_member_ids=list(event.awarded_member_ids),
            points_each=event.points_each,
            closed_at=to_timestamp(event.closed_at),
        ),
        event.closed_at,
    )


@to_message.register
def _certificate_issued(event: happened.CertificateIssued) -> Message:
    return (
        "certificate.issued",
        events.CertificateIssued(
            serial=event.serial,
            member_id=event.member_id,
            community_id=event.community_id,
            from_date=event.from_date.isoformat(),
            to_date=event.to_date.isoformat(),
            total_minutes=event.total_minutes,
            issued_by=event.issued_by,
            issued_at=to_timestamp(event.issued_at),
        ),
        event.issued_at,
    )
