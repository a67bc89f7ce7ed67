"""What the ledger use cases answer with: a balance, a posted entry with the balance after it, a hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...domain.ledger import Account, Entry, Hold
from ...domain.rules import STAR_HOURS, minutes_to_next_star, star_level


@dataclass(frozen=True)
class Balance:
    member_id: str
    available: int
    held: int
    lifetime_earned: int
    certified_minutes: int
    star_level: int
    status: str
    next_expiry_points: int
    next_expiry_at: datetime | None
    minutes_to_next_star: int = 0


def balance_of(account: Account, star_hours: tuple[int, ...] = STAR_HOURS) -> Balance:
    """The balance, with the star level under the thresholds of the member's rules in force."""
    points, when = account.next_expiry()
    return Balance(
        member_id=account.member_id,
        available=account.available,
        held=account.held,
        lifetime_earned=account.lifetime_earned,
        certified_minutes=account.certified_minutes,
        star_level=star_level(account.certified_minutes, star_hours),
        status=account.status,
        next_expiry_points=points,
        next_expiry_at=when,
        minutes_to_next_star=minutes_to_next_star(account.certified_minutes, star_hours),
    )


@dataclass(frozen=True)
class Posted:
    entry: Entry
    balance: Balance


@dataclass(frozen=True)
class Held:
    hold: Hold
    balance: Balance
