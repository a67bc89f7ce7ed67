"""The copy of members and communities that points and the market keep from the members service's events.

Both services keep the same copy, through the same handlers; what each does on top of it (points
opens, freezes and moves an account) is its `MemberHook`. Pure: no database or gRPC imports, so a
service's domain may import it (the SQL half is jifen.member_copy_repository, the tables
jifen.member_copy_tables, the direct caller jifen.members_client).

Delivery is at least once and unordered: the inbox drops repeats, and an event older than the
copy already kept is skipped, so a late member.updated never undoes a deactivation or a role change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from jifen.caller import STAFF, Caller, Grant
from jifen.clock import as_utc
from jifen.envelope import Envelope
from jifen.errors import account_deactivated
from jifen.events.v1 import members_pb2 as events

ACTIVE = "active"
DEACTIVATED = "deactivated"


@dataclass(frozen=True)
class MemberCopy:
    id: str
    name: str
    community_id: str
    street_id: str
    grid_id: str
    status: str
    updated_at: datetime
    # The shop a staff member works at (their ROLE_STAFF grant); "" for everyone else.
    staff_shop_id: str = ""
    # The roles members last announced for them; None for a copy kept before copies held roles.
    grants: tuple[Grant, ...] | None = None
    # The member switched 代兑换 off: no grid worker may redeem for them.
    proxy_redemption_refused: bool = False

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class CommunityCopy:
    id: str
    street_id: str
    name: str = ""


class MemberCopies(Protocol):
    """The repository the handlers below keep the copy in (uow.people)."""

    def member(self, member_id: str, lock: bool = False) -> MemberCopy | None: ...
    def put_member(self, member: MemberCopy) -> None: ...
    def community(self, community_id: str) -> CommunityCopy | None: ...
    def put_community(self, community: CommunityCopy) -> None: ...


class HasMemberCopies(Protocol):
    people: MemberCopies


class MembersUnavailable(Exception):
    """The members service did not answer; nothing can be said about what it knows."""


class MemberHook:
    """What a service does besides keeping the copy. The market needs nothing more than the copy
    (its staff's shop and the 代兑换 switch are in it); points follows with its accounts."""

    def registered(self, uow: Any, copy: MemberCopy) -> None:
        """After member.registered, whether or not a newer copy was already kept."""

    def updated(self, uow: Any, before: MemberCopy | None, copy: MemberCopy) -> Any:
        """After member.updated was kept; what it returns, the handler returns."""

    def status_changed(self, uow: Any, copy: MemberCopy) -> None:
        """After member.deactivated or member.reactivated was kept."""


class MemberCopyHandlers:
    """The handlers of members' events, each `(uow, envelope)`, for a service's event table."""

    def __init__(self, hook: MemberHook):
        self.hook = hook

    def member_registered(self, uow: HasMemberCopies, envelope: Envelope) -> None:
        event = envelope.parse(events.MemberRegistered)
        _know_community(uow.people, event.community_id, event.street_id)
        copy = copy_of(event, ACTIVE, event_time(event.registered_at, envelope))
        keep_newer(uow.people, copy)
        self.hook.registered(uow, copy)

    def member_updated(self, uow: HasMemberCopies, envelope: Envelope) -> Any:
        event = envelope.parse(events.MemberUpdated)
        _know_community(uow.people, event.community_id, event.street_id)
        before = uow.people.member(event.member_id)
        status = DEACTIVATED if event.status == DEACTIVATED else ACTIVE
        copy = copy_of(event, status, event_time(event.updated_at, envelope))
        if not is_newer(copy, before):
            return None
        uow.people.put_member(copy)
        return self.hook.updated(uow, before, copy)

    def member_deactivated(self, uow: HasMemberCopies, envelope: Envelope) -> None:
        event = envelope.parse(events.MemberDeactivated)
        self._set_status(uow, event.member_id, DEACTIVATED, event_time(event.deactivated_at, envelope))

    def member_reactivated(self, uow: HasMemberCopies, envelope: Envelope) -> None:
        event = envelope.parse(events.MemberReactivated)
        self._set_status(uow, event.member_id, ACTIVE, event_time(event.reactivated_at, envelope))

    def community_created(self, uow: HasMemberCopies, envelope: Envelope) -> None:
        event = envelope.parse(events.CommunityCreated)
        uow.people.put_community(CommunityCopy(event.community_id, event.street_id, event.name))

    def _set_status(self, uow: HasMemberCopies, member_id: str, status: str, at: datetime) -> None:
        known = uow.people.member(member_id)
        if known is None:
            # The registration has not arrived yet; it will, and this later event must still win,
            # so the consumer parks it and retries rather than dropping it.
            raise LookupError(f"member {member_id} not known yet")
        copy = replace(known, status=status, updated_at=at)
        if is_newer(copy, known):
            uow.people.put_member(copy)
            self.hook.status_changed(uow, copy)


def copy_of(event: events.MemberRegistered | events.MemberUpdated, status: str, at: datetime) -> MemberCopy:
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


def _know_community(people: MemberCopies, community_id: str, street_id: str) -> None:
    # A member may arrive before their community's community.created; keep what the member says.
    if community_id and people.community(community_id) is None:
        people.put_community(CommunityCopy(community_id, street_id, ""))


def event_time(stamp, envelope: Envelope) -> datetime:
    """The time the event states, or when it was sent if it states none."""
    return as_utc(stamp.ToDatetime()) if stamp.seconds else as_utc(envelope.occurred_at)


def is_newer(copy: MemberCopy, known: MemberCopy | None) -> bool:
    """False when the copy already kept is newer than this one."""
    return known is None or not known.updated_at or copy.updated_at >= known.updated_at


def keep_newer(people: MemberCopies, copy: MemberCopy) -> bool:
    """Stores the copy unless a newer one is kept; True when stored."""
    if not is_newer(copy, people.member(copy.id)):
        return False
    people.put_member(copy)
    return True


def refuse_deactivated(caller: Caller, known: MemberCopy | None) -> Caller:
    """A token of a member since deactivated lives on until it expires; the copy says it is void."""
    if known is not None and not known.active:
        raise account_deactivated()
    return caller


def grants_of(event) -> tuple[Grant, ...]:
    """The roles a member.registered or member.updated announces."""
    return tuple(Grant(r.role, r.community_id, r.street_id, r.shop_id, r.grid_id) for r in event.roles)


def grants_to_text(grants: tuple[Grant, ...] | None) -> str | None:
    return None if grants is None else json.dumps([g.to_claim() for g in grants], ensure_ascii=False)


def grants_from_text(text: str | None) -> tuple[Grant, ...] | None:
    return None if text is None else tuple(Grant(**claim) for claim in json.loads(text))


def known_caller(caller: Caller, known: MemberCopy | None) -> Caller:
    """The caller as the copy knows them now. A token names the roles and place its member had when
    it was issued and lives on until it expires; the copy follows members' events, so a demoted
    admin or a fired staff member loses those powers here one event after members took them away.
    Only roles both the token and the copy name count: a new role comes with the next refreshed
    token, as it always has. A member not copied yet, or copied before copies held roles, keeps
    what the token says."""
    refuse_deactivated(caller, known)
    if known is None or known.grants is None:
        return caller
    return replace(
        caller,
        grants=tuple(g for g in caller.grants if g in known.grants),
        community_id=known.community_id,
        street_id=known.street_id,
        grid_id=known.grid_id,
    )


def live_caller(caller: Caller, uow: Any) -> Caller:
    """The caller with the roles members last announced for them, read in a transaction of its own:
    a deactivated member's token is refused, and a demoted admin's or fired staff member's lost roles
    are gone (the token lives on). Points and the market resolve every caller through this."""
    with uow:
        known = uow.people.member(caller.member_id)
    return known_caller(caller, known)
