"""The outbox messages of activities and hours: each of their domain events -> (event type,
jifen.events.v1 message, occurred at), registered on the points outbox adapter's `to_message`."""

from __future__ import annotations

from jifen.events.v1 import points_pb2 as events
from jifen.timestamps import to_timestamp

from ..domain.activity_events import HoursApproved
from .outbox_messages import Message, to_message


@to_message.register
def _hours_approved(event: HoursApproved) -> Message:
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
