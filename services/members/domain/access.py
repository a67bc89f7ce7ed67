"""Who may act on whom: the pure rules behind the scope checks the policy table names.

A member's roles each apply somewhere (a Place). An admin manages a member only when the
admin's own scope covers where the member lives and every place the member's roles apply to,
so a community admin can never touch a street admin, nor hand out a role outside their scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jifen.caller import Caller

from .member import Member


@dataclass(frozen=True)
class Place:
    """A community (with its street), or a whole street when community_id is empty."""

    community_id: str
    street_id: str


def home(member: Member) -> Place:
    return Place(member.community_id, member.street_id)


def covers(caller: Caller, place: Place) -> bool:
    if not place.community_id:
        return caller.administers_street(place.street_id)
    return caller.administers(place.community_id, place.street_id)


def may_view(caller: Caller, member: Member) -> bool:
    return (
        caller.member_id == member.id
        or bool(caller.service)
        or covers(caller, home(member))
        or caller.serves_grid(member.grid_id)
    )


def may_see_phone(caller: Caller, member: Member) -> bool:
    """The whole number: the member themself and the admins of where they live; others see it masked."""
    return caller.member_id == member.id or covers(caller, home(member))


def may_manage(caller: Caller, member: Member, role_places: Iterable[Place]) -> bool:
    return covers(caller, home(member)) and all(covers(caller, place) for place in role_places)
