"""What points does when the members service announces something: keep its copy, open and freeze accounts.

Delivery is at least once and unordered: the inbox drops repeats, and a member event older than
the copy already kept is skipped, so a late member.updated never undoes a deactivation.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from jifen.envelope import Envelope
from jifen.events.v1 import members_pb2 as events
from jifen.member_copies import event_time, grants_of, keep_newer

from ..domain.ledger import ACTIVE, FROZEN, Account
from ..domain.people import ACTIVE as MEMBER_ACTIVE
from ..domain.people import DEACTIVATED, CommunityCopy, MemberCopy
from .ports import UnitOfWork


def member_registered(uow: UnitOfWork, envelope: Envelope) -> None:
    event = envelope.parse(events.MemberRegistered)
    at = event_time(event.registered_at, envelope)
    _know_community(uow, event.community_id, event.street_id)
    copy = MemberCopy(
        event.member_id,
        event.name,
        event.community_id,
        event.street_id,
        event.grid_id,
        MEMBER_ACTIVE,
        at,
        grants_of(event),
    )
    keep_newer(uow.people, copy)
    uow.ledger.open(Account(member_id=event.member_id, community_id=event.community_id), at)


def member_updated(uow: UnitOfWork, envelope: Envelope) -> str:
    """Returns the community the member left, or "" when it did not change."""
    event = envelope.parse(events.MemberUpdated)
    at = event_time(event.updated_at, envelope)
    _know_community(uow, event.community_id, event.street_id)
    before = uow.people.member(event.member_id)
    status = DEACTIVATED if event.status == DEACTIVATED else MEMBER_ACTIVE
    place = (event.community_id, event.street_id, event.grid_id)
    copy = MemberCopy(event.member_id, event.name, *place, status, at, grants_of(event))
    if not keep_newer(uow.people, copy):
        return ""
    if uow.ledger.account(event.member_id) is None:
        uow.ledger.open(Account(member_id=event.member_id, community_id=event.community_id), at)
    uow.ledger.set_status(event.member_id, FROZEN if status == DEACTIVATED else ACTIVE, at)
    if before is not None and before.community_id != event.community_id:
        uow.ledger.move(event.member_id, event.community_id, at)
        return before.community_id
    return ""


def member_deactivated(uow: UnitOfWork, envelope: Envelope) -> None:
    event = envelope.parse(events.MemberDeactivated)
    _set_status(uow, event.member_id, DEACTIVATED, FROZEN, event_time(event.deactivated_at, envelope))


def member_reactivated(uow: UnitOfWork, envelope: Envelope) -> None:
    event = envelope.parse(events.MemberReactivated)
    _set_status(uow, event.member_id, MEMBER_ACTIVE, ACTIVE, event_time(event.reactivated_at, envelope))


def community_created(uow: UnitOfWork, envelope: Envelope) -> None:
    event = envelope.parse(events.CommunityCreated)
    uow.people.put_community(CommunityCopy(event.community_id, event.street_id, event.name))


def _set_status(
    uow: UnitOfWork, member_id: str, member_status: str, account_status: str, at: datetime
) -> None:
    known = uow.people.member(member_id)
    if known is None:
        # The registration has not arrived yet; it will, and this later event must still win.
        raise LookupError(f"member {member_id} not known yet")
    if keep_newer(uow.people, replace(known, status=member_status, updated_at=at)):
        uow.ledger.set_status(member_id, account_status, at)


def _know_community(uow: UnitOfWork, community_id: str, street_id: str) -> None:
    if community_id and uow.people.community(community_id) is None:
        uow.people.put_community(CommunityCopy(community_id, street_id, ""))
