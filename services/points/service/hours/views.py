"""What the hour use cases answer with: records with the names a reader needs and, while pending,
what approving them would earn now."""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.hours import Earning, HourRecord
from ..ports import UnitOfWork
from .flags import rules_in_force


@dataclass(frozen=True)
class HourRecordView:
    record: HourRecord
    activity_title: str
    member_name: str
    # For a pending record: what approving it would accrue now.
    preview: Earning | None = None


def records(uow: UnitOfWork, found: list[HourRecord]) -> list[HourRecordView]:
    people = uow.people.members([r.member_id for r in found])
    activities = uow.activities.many([r.activity_id for r in found])
    versions = {
        a: rules_in_force(uow, activities[a])
        for a in {r.activity_id for r in found if r.pending and r.activity_id in activities}
    }
    return [
        HourRecordView(
            r,
            activities[r.activity_id].title if r.activity_id in activities else "",
            people[r.member_id].name if r.member_id in people else "",
            r.earning(versions[r.activity_id], activities[r.activity_id])
            if r.activity_id in versions and r.pending
            else None,
        )
        for r in found
    ]


def records_of(uow: UnitOfWork, ref: dict) -> list[HourRecordView]:
    """The hour records a result names, in the use case's own transaction (also what a replay returns)."""
    record_ids = ref["hour_record_ids"]
    found = uow.hours.many(record_ids)
    return records(uow, [found[i] for i in record_ids])
