"""The members events, as the contract messages of jifen.events.v1."""

from __future__ import annotations

from jifen.events.v1 import members_pb2 as events
from jifen.timestamps import to_timestamp

from ..domain.directory import Community, Grid
from ..domain.member import Member

MEMBER_REGISTERED = "member.registered"
MEMBER_UPDATED = "member.updated"
MEMBER_DEACTIVATED = "member.deactivated"
MEMBER_REACTIVATED = "member.reactivated"
COMMUNITY_CREATED = "community.created"
GRID_CREATED = "grid.created"


def _profile(member: Member) -> dict:
    """What every consumer keeps of a member: who, where, which roles."""
    return {
        "member_id": member.id,
        "name": member.name,
        "community_id": member.community_id,
        "street_id": member.street_id,
        "grid_id": member.grid_id,
        "roles": [events.MemberRole(**g.to_claim()) for g in member.grants],
    }


def registered(member: Member) -> events.MemberRegistered:
    return events.MemberRegistered(**_profile(member), registered_at=to_timestamp(member.created_at))


def updated(member: Member) -> events.MemberUpdated:
    return events.MemberUpdated(
        **_profile(member),
        status=member.status,
        updated_at=to_timestamp(member.updated_at),
        proxy_redemption_refused=member.proxy_redemption_refused,
    )


def deactivated(member: Member) -> events.MemberDeactivated:
    return events.MemberDeactivated(
        member_id=member.id, reason=member.deactivation_reason, deactivated_at=to_timestamp(member.updated_at)
    )


def reactivated(member: Member) -> events.MemberReactivated:
    return events.MemberReactivated(member_id=member.id, reactivated_at=to_timestamp(member.updated_at))


def community_created(community: Community) -> events.CommunityCreated:
    return events.CommunityCreated(
        community_id=community.id, street_id=community.street_id, name=community.name
    )


def grid_created(grid: Grid) -> events.GridCreated:
    return events.GridCreated(grid_id=grid.id, community_id=grid.community_id, name=grid.name)
