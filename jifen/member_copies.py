"""Keeping a copy of members from the members service's events, as points and the market do.

Delivery is at least once and unordered: the inbox drops repeats, and an event older than the
copy already kept is skipped, so a late member.updated never undoes a deactivation.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from jifen.caller import Caller, Grant
from jifen.clock import as_utc
from jifen.envelope import Envelope
from jifen.errors import account_deactivated


class Copy(Protocol):
    id: str
    community_id: str
    street_id: str
    grid_id: str
    updated_at: datetime
    # The roles members last announced; None for a copy kept before copies held roles.
    grants: tuple[Grant, ...] | None

    @property
    def active(self) -> bool: ...


class Copies(Protocol):
    def member(self, member_id: str) -> Copy | None: ...
    def put_member(self, member) -> None: ...


def event_time(stamp, envelope: Envelope) -> datetime:
    """The time the event states, or when it was sent if it states none."""
    return as_utc(stamp.ToDatetime()) if stamp.seconds else as_utc(envelope.occurred_at)


def keep_newer(people: Copies, copy: Copy) -> bool:
    """Stores the copy unless a newer one is kept; True when stored."""
    known = people.member(copy.id)
    if known is not None and known.updated_at and copy.updated_at < known.updated_at:
        return False
    people.put_member(copy)
    return True


def refuse_deactivated(caller: Caller, known: Copy | None) -> Caller:
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


def known_caller(caller: Caller, known: Copy | None) -> Caller:
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
