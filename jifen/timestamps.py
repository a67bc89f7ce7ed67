"""datetime -> google.protobuf.Timestamp, in one place."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from jifen.clock import as_utc


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
    """The UTC datetime of a message's Timestamp field, or None when the field is not set."""
    return from_timestamp(getattr(message, field), message.HasField(field))
