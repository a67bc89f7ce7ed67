"""The ledger's events, as the contract messages of jifen.events.v1 (amounts signed as in the entry)."""

from __future__ import annotations

from jifen.events.v1 import points_pb2 as events
from jifen.timestamps import to_timestamp

from ..domain.ledger import Entry, Hold


def accrued(entry: Entry, hour_record_id: str, activity_id: str) -> events.PointsAccrued:
    return events.PointsAccrued(
        entry_id=entry.id,
        member_id=entry.member_id,
        community_id=entry.community_id,
        hour_record_id=hour_record_id,
        activity_id=activity_id,
        amount=entry.amount,
        balance_after=entry.balance_after,
        rule_version_id=entry.rule_version_id,
        calculation=entry.calculation,
        lot_expires_at=to_timestamp(entry.lot_expires_at),
        accrued_at=to_timestamp(entry.created_at),
    )


def awarded(entry: Entry, commendation: str) -> events.PointsAwarded:
    return events.PointsAwarded(
        entry_id=entry.id,
        member_id=entry.member_id,
        community_id=entry.community_id,
        amount=entry.amount,
        balance_after=entry.balance_after,
        commendation=commendation,
        reason=entry.reason,
        rule_version_id=entry.rule_version_id,
        lot_expires_at=to_timestamp(entry.lot_expires_at),
        awarded_by=entry.created_by,
        awarded_at=to_timestamp(entry.created_at),
    )


def adjusted(entry: Entry) -> events.PointsAdjusted:
    return events.PointsAdjusted(
        entry_id=entry.id,
        member_id=entry.member_id,
        community_id=entry.community_id,
        amount=entry.amount,
        balance_after=entry.balance_after,
        reason=entry.reason,
        lot_expires_at=to_timestamp(entry.lot_expires_at),
        adjusted_by=entry.created_by,
        adjusted_at=to_timestamp(entry.created_at),
    )


def expired(entry: Entry) -> events.PointsExpired:
    return events.PointsExpired(
        entry_id=entry.id,
        member_id=entry.member_id,
        community_id=entry.community_id,
        amount=entry.amount,
        balance_after=entry.balance_after,
        lots_expired_at=to_timestamp(entry.lot_expires_at),
        expired_at=to_timestamp(entry.created_at),
    )


def held(entry: Entry, hold: Hold) -> events.PointsHeld:
    return events.PointsHeld(
        entry_id=entry.id,
        hold_id=hold.id,
        member_id=entry.member_id,
        community_id=entry.community_id,
        amount=entry.amount,
        balance_after=entry.balance_after,
        reason=hold.reason,
        deadline=to_timestamp(hold.deadline),
        held_at=to_timestamp(entry.created_at),
    )


def captured(entry: Entry, hold: Hold) -> events.PointsCaptured:
    return events.PointsCaptured(
        entry_id=entry.id,
        hold_id=hold.id,
        member_id=entry.member_id,
        community_id=entry.community_id,
        points_spent=hold.amount,
        captured_at=to_timestamp(entry.created_at),
    )


def released(entry: Entry, hold: Hold, deadline_passed: bool) -> events.PointsReleased:
    return events.PointsReleased(
        entry_id=entry.id,
        hold_id=hold.id,
        member_id=entry.member_id,
        community_id=entry.community_id,
        amount=entry.amount,
        balance_after=entry.balance_after,
        reason=hold.release_reason,
        deadline_passed=deadline_passed,
        released_at=to_timestamp(entry.created_at),
    )
