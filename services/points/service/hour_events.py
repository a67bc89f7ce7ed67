"""The hours.approved event, as the contract message jifen.events.v1.HoursApproved."""

from __future__ import annotations

from jifen.events.v1 import points_pb2 as events
from jifen.timestamps import to_timestamp

from ..domain.activity import Activity
from ..domain.hours import HourRecord
from .ledger.posting import Certified

HOURS_APPROVED = "hours.approved"


def approved(record: HourRecord, activity: Activity, certified: Certified) -> events.HoursApproved:
    return events.HoursApproved(
        hour_record_id=record.id,
        activity_id=activity.id,
        activity_title=activity.title,
        community_id=activity.community_id,
        member_id=record.member_id,
        minutes=record.minutes,
        check_in_time=to_timestamp(record.check_in_time),
        check_out_time=to_timestamp(record.check_out_time),
        certified_minutes_total=certified.certified_minutes,
        star_level=certified.star_level,
        star_level_changed=certified.star_level_changed,
        overridden=record.overridden,
        approved_by=record.decided_by,
        approved_at=to_timestamp(record.decided_at),
    )
