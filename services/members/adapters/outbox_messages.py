"""The members outbox adapter: each domain event as its jifen.events.v1 contract message.

The one place that builds those messages; the unit of work calls `to_message` at commit for every
event the aggregates recorded.
"""

from __future__ import annotations

from datetime import datetime
from functools import singledispatch

from jifen.caller import Grant
from jifen.events.v1 import members_pb2 as events
from jifen.timestamps import to_timestamp

from ..domain.events import (
    CommunityCreated,
    GridCreated,
    MemberDeactivated,
    MemberReactivated,
    MemberRegistered,
    MemberUpdated,
)

MEMBER_REGISTERED = "member.registered"
MEMBER_UPDATED = "member.updated"
MEMBER_DEACTIVATED = "member.deactivated"
MEMBER_REACTIVATED = "member.reactivated"
COMMUNITY_CREATED = "community.created"
GRID_CREATED = "grid.created"

Message = tuple[str, object, datetime | None]


def to_message(event: object) -> Message:
    """(event type, contract message, when it happened) for the outbox."""
    return _message(event)


def _roles(grants: tuple[Grant, ...]) -> list[events.MemberRole]:
    """What every consumer keeps of a member's roles."""
    return [events.MemberRole(**g.to_claim()) for g in grants]


@singledispatch
def _message(event: object) -> Message:
    raise TypeError(f"the members outbox has no message for {type(event).__name__}")


@_message.register
def _(event: MemberRegistered) -> Message:
    message = events.MemberRegistered(
        member_id=event.member_id,
        name=event.name,
        community_id=event.community_id,
        street_id=event.street_id,
        grid_id=event.grid_id,
        roles=_roles(event.grants),
        registered_at=to_timestamp(event.registered_at),
    )
    return MEMBER_REGISTERED, message, event.registered_at


@_message.register
def _(event: MemberUpdated) -> Message:
    message = events.MemberUpdated(
        member_id=event.member_id,
        name=event.name,
        community_id=event.community_id,
        street_id=event.street_id,
        grid_id=event.grid_id,
        roles=_roles(event.grants),
        status=event.status,
        updated_at=to_timestamp(event.updated_at),
        proxy_redemption_refused=event.proxy_redemption_refused,
    )
    return MEMBER_UPDATED, message, event.updated_at


@_message.register
def _(event: MemberDeactivated) -> Message:
    message = events.MemberDeactivated(
        member_id=event.member_id, reason=event.reason, deactivated_at=to_timestamp(event.deactivated_at)
    )
    return MEMBER_DEACTIVATED, message, event.deactivated_at


@_message.register
def _(event: MemberReactivated) -> Message:
    message = events.MemberReactivated(
        member_id=event.member_id, reactivated_at=to_timestamp(event.reactivated_at)
    )
    return MEMBER_REACTIVATED, message, event.reactivated_at


@_message.register
def _(event: CommunityCreated) -> Message:
    message = events.CommunityCreated(
        community_id=event.community_id, street_id=event.street_id, name=event.name
    )
    return COMMUNITY_CREATED, message, event.created_at


@_message.register
def _(event: GridCreated) -> Message:
    message = events.GridCreated(grid_id=event.grid_id, community_id=event.community_id, name=event.name)
    return GRID_CREATED, message, event.created_at
