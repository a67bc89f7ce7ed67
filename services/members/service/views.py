"""What the members use cases answer with, besides the domain objects themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.member import Member
from .lookups import known_member


@dataclass(frozen=True)
class LoggedIn:
    token: str
    expires_at: datetime
    member: Member
    refresh_token: str
    refresh_expires_at: datetime


def produced_member(uow, ref: dict) -> Member:
    """The member a command's result names, read in the transaction that answers (see idempotent's view)."""
    return known_member(uow, ref["member_id"])
