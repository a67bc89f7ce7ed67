"""Needs and resources <-> jifen.points.v1 needs messages."""

from __future__ import annotations

from jifen.errors import InvalidArgument
from jifen.points.v1 import needs_pb2 as pb
from jifen.timestamps import to_timestamp

from ..domain.need import CLAIMED, CLOSED, OPEN, Resource
from ..service.needs.views import Count, NeedView

STATUS = {OPEN: pb.NEED_STATUS_OPEN, CLAIMED: pb.NEED_STATUS_CLAIMED, CLOSED: pb.NEED_STATUS_CLOSED}
STATUS_NAME = {number: name for name, number in STATUS.items()}


def status_name(number: int) -> str:
    if number == pb.NEED_STATUS_UNSPECIFIED:
        return ""
    if number not in STATUS_NAME:
        raise InvalidArgument("status", "未知的需求状态", "unknown status")
    return STATUS_NAME[number]


def need(view: NeedView) -> pb.Need:
    n = view.need
    return pb.Need(
        need_id=n.id,
        community_id=n.community_id,
        grid_id=n.grid_id,
        place=n.place,
        title=n.title,
        description=n.description,
        category=n.category,
        points=n.points,
        wanted=n.wanted,
        claimed=len(n.active_claims),
        status=STATUS[view.status],
        deadline=to_timestamp(n.deadline),
        posted_at=to_timestamp(n.posted_at),
        posted_by=n.posted_by,
        result=n.result,
        closed_at=to_timestamp(n.closed_at),
        claims=[
            pb.NeedClaim(
                claim_id=c.id,
                member_id=c.member_id,
                member_name=view.names.get(c.member_id, ""),
                organization_id=c.organization_id,
                organization_name=c.organization_name,
                state=c.state,
                claimed_at=to_timestamp(c.claimed_at),
            )
            for c in n.claims
        ],
        notes=[
            pb.NeedNote(
                member_id=x.member_id,
                member_name=view.names.get(x.member_id, ""),
                text=x.text,
                written_at=to_timestamp(x.written_at),
            )
            for x in n.notes
        ],
        caller_claimed=view.caller_claimed,
    )


def resource(r: Resource) -> pb.Resource:
    return pb.Resource(
        resource_id=r.id,
        community_id=r.community_id,
        unit_name=r.unit_name,
        title=r.title,
        description=r.description,
        contact=r.contact,
        updated_at=to_timestamp(r.updated_at),
    )


def count(c: Count) -> pb.NeedsCount:
    return pb.NeedsCount(key=c.key, posted=c.posted, claimed=c.claimed, closed=c.closed)
