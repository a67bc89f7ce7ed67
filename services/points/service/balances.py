"""Reading accounts: the balance a member sees and their statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen import paging
from jifen.errors import InvalidArgument
from jifen.timestamps import created_window

from ..domain.ledger import Account, Entry
from ..domain.rules import minutes_to_next_star, star_level
from . import access
from .ledger_commands import GetBalance, ListEntries
from .ports import EntryFilter, UnitOfWork
from .posting import no_account


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


def balance_of(account: Account) -> Balance:
    points, when = account.next_expiry()
    return Balance(
        member_id=account.member_id,
        available=account.available,
        held=account.held,
        lifetime_earned=account.lifetime_earned,
        certified_minutes=account.certified_minutes,
        star_level=star_level(account.certified_minutes),
        status=account.status,
        next_expiry_points=points,
        next_expiry_at=when,
        minutes_to_next_star=minutes_to_next_star(account.certified_minutes),
    )


def current_balance(uow: UnitOfWork, member_id: str) -> Balance:
    """Inside an open unit of work."""
    account = uow.ledger.account(member_id)
    if account is None:
        raise no_account(member_id)
    return balance_of(account)


def get_balance(query: GetBalance, uow: UnitOfWork) -> Balance:
    member_id = query.member_id or query.actor.member_id
    with uow:
        _readable(uow, query.actor, member_id)
        return current_balance(uow, member_id)


def list_entries(query: ListEntries, uow: UnitOfWork) -> tuple[list[Entry], str]:
    page = paging.page(query.page_size, query.page_token)
    created_window(query.created_after, query.created_before)
    member_id = query.member_id or query.actor.member_id
    with uow:
        _readable(uow, query.actor, member_id)
        where = EntryFilter(member_id, query.kinds, query.created_after, query.created_before)
        found = uow.ledger.entries(where, page.offset, page.size)
    return found, page.next_token(len(found))


def _readable(uow: UnitOfWork, actor, member_id: str) -> None:
    if not member_id:
        raise InvalidArgument("member_id", "请指定成员", "is required for a service caller")
    target = access.member(uow, member_id)
    if not access.may_read_account(actor, target):
        raise access.deny()
