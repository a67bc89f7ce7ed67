"""datetime -> google.protobuf.Timestamp, in one place."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from jifen.clock import as_utc
from jifen.errors import InvalidArgument


def to_timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(as_utc(value))
    return stamp


def from_timestamp(stamp: Timestamp, has_value: bool = True) -> datetime | None:
    """The UTC datetime of a Timestamp field, or None when the field was not set."""
    if not has_value or (stamp.seconds == 0 and stamp.nanos == 0):
        return None
    return stamp.ToDatetime(tzinfo=UTC)


def field_time(message, field: str) -> datetime | None:
    """The UTC datetime of a message's Timestamp field, or None when the field is not set.

    A client can send any seconds and nanos; one outside the years 1–9999 is bad input.
    """
    try:
        return from_timestamp(getattr(message, field), message.HasField(field))
    except ValueError:
        raise InvalidArgument(field, "时间无效", "is not a valid time") from None


def created_window(created_after: datetime | None, created_before: datetime | None) -> None:
    """Refuses a [created_after, created_before) window that ends before it starts."""
    if created_after and created_before and created_before <= created_after:
        raise InvalidArgument("created_before", "结束时间须晚于开始时间", "must be after created_after")
