"""What activities and hour records record happened: plain events their aggregates record.

The outbox adapter (adapters/activity_outbox_messages.py) turns each into its jifen.events.v1 message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class HoursApproved:
    """An hour record certified: its minutes now count, and the member's totals after them."""

    hour_record_id: str
    activity_id: str
    activity_title: str
    community_id: str
    member_id: str
    minutes: int
    check_in_time: datetime
    check_out_time: datetime
    certified_minutes_total: int
    star_level: int
    star_level_changed: bool
    overridden: bool
    approved_by: str
    approved_at: datetime
