"""What the market does when the members service announces something: keep its copy of members.

The market needs to know who a member is (grid, community) for 代兑换 and scope checks, and
which shop a staff member works at for Shop.staff_ids. Delivery is at least once and unordered:
the inbox drops repeats, and a member event older than the copy already kept is skipped, so a
late member.updated never undoes a deactivation or a role change.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from jifen.caller import STAFF
from jifen.envelope import Envelope
from jifen.events.v1 import members_pb2 as events
from jifen.member_copies import event_time, grants_of, keep_newer

from ..domain.people import ACTIVE, DEACTIVATED, CommunityCopy, MemberCopy
from .ports import UnitOfWork


def member_registered(uow: UnitOfWork, envelope: Envelope) -> None:
    event = envelope.parse(events.MemberRegistered)
    _know_community(uow, event.community_id, event.street_id)
    keep_newer(uow.people, _copy(event, ACTIVE, event_time(event.registered_at, envelope)))


def member_updated(uow: UnitOfWork, envelope: Envelope) -> None:
    event = envelope.parse(events.MemberUpdated)
    _know_community(uow, event.community_id, event.street_id)
    status = DEACTIVATED if event.status == DEACTIVATED else ACTIVE
    keep_newer(uow.people, _copy(event, status, event_time(event.updated_at, envelope)))


def member_deactivated(uow: UnitOfWork, envelope: Envelope) -> None:
    event = envelope.parse(events.MemberDeactivated)
    _set_status(uow, event.member_id, DEACTIVATED, event_time(event.deactivated_at, envelope))


def member_reactivated(uow: UnitOfWork, envelope: Envelope) -> None:
    event = envelope.parse(events.MemberReactivated)
    _set_status(uow, event.member_id, ACTIVE, event_time(event.reactivated_at, envelope))


def community_created(uow: UnitOfWork, envelope: Envelope) -> None:
    event = envelope.parse(events.CommunityCreated)
    uow.people.put_community(CommunityCopy(event.community_id, event.street_id, event.name))


def _copy(event: events.MemberRegistered | events.MemberUpdated, status: str, at: datetime) -> MemberCopy:
    return MemberCopy(
        id=event.member_id,
        name=event.name,
        community_id=event.community_id,
        street_id=event.street_id,
        grid_id=event.grid_id,
        status=status,
        updated_at=at,
        staff_shop_id=next((r.shop_id for r in event.roles if r.role == STAFF and r.shop_id), ""),
        grants=grants_of(event),
        # Registration leaves 代兑换 on; only member.updated can say it was switched off.
        proxy_redemption_refused=getattr(event, "proxy_redemption_refused", False),
    )


def _set_status(uow: UnitOfWork, member_id: str, status: str, at: datetime) -> None:
    known = uow.people.member(member_id)
    if known is None:
        # The registration has not arrived yet; it will, and this later event must still win,
        # so the consumer parks it and retries rather than dropping it.
        raise LookupError(f"member {member_id} not known yet")
    keep_newer(uow.people, replace(known, status=status, updated_at=at))


def _know_community(uow: UnitOfWork, community_id: str, street_id: str) -> None:
    # A member may arrive before their community's community.created; keep what the member says.
    if community_id and uow.people.community(community_id) is None:
        uow.people.put_community(CommunityCopy(community_id, street_id, ""))
