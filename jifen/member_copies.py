"""Keeping a copy of members from the members service's events, as points and the market do.

Delivery is at least once and unordered: the inbox drops repeats, and an event older than the
copy already kept is skipped, so a late member.updated never undoes a deactivation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from jifen.caller import Caller
from jifen.clock import as_utc
from jifen.envelope import Envelope
from jifen.errors import account_deactivated


class Copy(Protocol):
    id: str
    updated_at: datetime

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
