"""Ledger domain objects as jifen.points.v1 messages, and the enums between them."""

from __future__ import annotations

from jifen.points.v1 import ledger_pb2 as pb
from jifen.proto_enums import enum_names
from jifen.timestamps import to_timestamp

from ..domain.ledger import Entry, Hold
from ..service.ledger.views import Balance

KIND, KIND_NAME = enum_names(pb.EntryKind, "ENTRY_KIND_")
SOURCE, _ = enum_names(pb.EntrySource, "ENTRY_SOURCE_")
ACCOUNT_STATUS, _ = enum_names(pb.AccountStatus, "ACCOUNT_STATUS_")
HOLD_STATE, _ = enum_names(pb.HoldState, "HOLD_STATE_")


def balance(value: Balance) -> pb.Balance:
    return pb.Balance(
        member_id=value.member_id,
        available=value.available,
        held=value.held,
        lifetime_earned=value.lifetime_earned,
        certified_minutes=value.certified_minutes,
        star_level=value.star_level,
        status=ACCOUNT_STATUS[value.status],
        next_expiry_points=value.next_expiry_points,
        next_expiry_at=to_timestamp(value.next_expiry_at),
        minutes_to_next_star=value.minutes_to_next_star,
    )


def entry(value: Entry) -> pb.LedgerEntry:
    return pb.LedgerEntry(
        entry_id=value.id,
        member_id=value.member_id,
        kind=KIND[value.kind],
        amount=value.amount,
        held_change=value.held_change,
        balance_after=value.balance_after,
        held_after=value.held_after,
        reason=value.reason,
        source_type=SOURCE[value.source_type],
        source_id=value.source_id,
        hold_id=value.hold_id,
        rule_version_id=value.rule_version_id,
        calculation=value.calculation,
        lot_expires_at=to_timestamp(value.lot_expires_at),
        created_by=value.created_by,
        created_at=to_timestamp(value.created_at),
    )


def hold(value: Hold) -> pb.Hold:
    return pb.Hold(
        hold_id=value.id,
        member_id=value.member_id,
        amount=value.amount,
        state=HOLD_STATE[value.state],
        deadline=to_timestamp(value.deadline),
        reason=value.reason,
        release_reason=value.release_reason,
        created_at=to_timestamp(value.created_at),
        resolved_at=to_timestamp(value.resolved_at),
    )
