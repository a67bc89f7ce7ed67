"""The services' answers as views: proto messages in, the plain models of views.py out."""

from __future__ import annotations

from jifen.market.v1 import market_pb2 as mpb
from jifen.points.v1 import activities_pb2 as apb
from jifen.points.v1 import ledger_pb2 as lpb
from jifen.proto_enums import enum_names
from jifen.timestamps import from_timestamp

from . import views
from .calendar import hours

_, ENTRY_KIND = enum_names(lpb.EntryKind, "ENTRY_KIND_")
_, ACTIVITY_STATUS = enum_names(apb.ActivityStatus, "ACTIVITY_STATUS_")
_, PARTICIPANT_STATUS = enum_names(apb.ParticipantStatus, "PARTICIPANT_STATUS_")
_, HOUR_STATUS = enum_names(apb.HourRecordStatus, "HOUR_RECORD_STATUS_")
_, HOUR_FLAG = enum_names(apb.HourRecordFlag, "HOUR_RECORD_FLAG_")
_, LIMIT_PERIOD = enum_names(mpb.LimitPeriod, "LIMIT_PERIOD_")
_, ORDER_STATUS = enum_names(mpb.RedemptionStatus, "REDEMPTION_STATUS_")


def when(message, field: str):
    return from_timestamp(getattr(message, field), message.HasField(field))


def entry(value: lpb.LedgerEntry) -> views.Entry:
    return views.Entry(
        created_at=when(value, "created_at"),
        kind=ENTRY_KIND.get(value.kind, ""),
        amount=value.amount,
        held_change=value.held_change,
        balance_after=value.balance_after,
        reason=value.reason,
        calculation=value.calculation,
    )


def activity(value: apb.Activity) -> views.Activity:
    return views.Activity(
        activity_id=value.activity_id,
        title=value.title,
        category=value.category,
        difficulty=value.difficulty,
        place=value.place,
        start_time=when(value, "start_time"),
        end_time=when(value, "end_time"),
        capacity=value.capacity,
        signed_up_count=value.signed_up_count,
        signed_up=value.caller_signed_up,
        status=ACTIVITY_STATUS.get(value.status, ""),
        organiser_id=value.organiser_id,
        description=value.description,
    )


def participation(value: apb.Participant, minutes: int = 0) -> views.Participation:
    return views.Participation(
        activity_id=value.activity_id,
        status=PARTICIPANT_STATUS.get(value.status, ""),
        check_in_time=when(value, "check_in_time"),
        check_out_time=when(value, "check_out_time"),
        minutes=minutes,
    )


def hour_record(value: apb.HourRecord) -> views.HourRecord:
    return views.HourRecord(
        hour_record_id=value.hour_record_id,
        activity_title=value.activity_title,
        minutes=value.minutes,
        status=HOUR_STATUS.get(value.status, ""),
        check_in_time=when(value, "check_in_time"),
        check_out_time=when(value, "check_out_time"),
        reject_reason=value.reject_reason,
        flags=[HOUR_FLAG.get(flag, "") for flag in value.flags],
    )


def item(value: mpb.Item, available: int | None) -> views.Item:
    return views.Item(
        item_id=value.item_id,
        shop_id=value.shop_id,
        name=value.name,
        description=value.description,
        points_price=value.points_price,
        in_stock=value.stock,
        per_member_limit=value.per_member_limit,
        limit_period=LIMIT_PERIOD.get(value.limit_period, "none"),
        affordable=available is None or value.points_price <= available,
        image_url=value.image_url,
        is_service=value.kind == mpb.ITEM_KIND_SERVICE,
        provider_name=value.provider_name,
    )


def slot(value: mpb.ServiceSlot) -> views.Slot:
    return views.Slot(
        slot_id=value.slot_id,
        starts_at=when(value, "starts_at"),
        ends_at=when(value, "ends_at"),
        place=value.place,
        capacity=value.capacity,
        booked=value.booked,
    )


def order(value: mpb.Redemption, code: str = "") -> views.Order:
    return views.Order(
        redemption_id=value.redemption_id,
        item_name=value.item_name,
        quantity=value.quantity,
        points_total=value.points_total,
        status=ORDER_STATUS.get(value.status, ""),
        failure_reason=value.failure_reason,
        pickup_code=code or value.pickup_code,
        member_id=value.member_id,
        placed_by=value.placed_by,
        shop_id=value.shop_id,
        created_at=when(value, "created_at"),
        expires_at=when(value, "expires_at"),
        member_name=value.member_name,
        placed_by_name=value.placed_by_name,
        collected_at=when(value, "collected_at"),
        slot_starts_at=when(value, "slot_starts_at"),
        slot_ends_at=when(value, "slot_ends_at"),
        slot_place=value.slot_place,
        provider_name=value.provider_name,
    )


def certified_hours(balance: lpb.Balance) -> tuple[float, float]:
    return hours(balance.certified_minutes), hours(balance.minutes_to_next_star)
