"""Reading accounts: the balance a member sees and their statement."""

from __future__ import annotations

from jifen import paging
from jifen.clock import utcnow
from jifen.errors import InvalidArgument
from jifen.timestamps import created_window

from ...domain.ledger import Entry
from ..lookups import known_entry, known_member
from ..ports import UnitOfWork
from ..scope import may_read_account, refused
from .commands import GetBalance, ListEntries
from .ports import EntryFilter
from .posting import no_account, star_hours_of
from .views import Balance, Posted, balance_of


def current_balance(uow: UnitOfWork, member_id: str) -> Balance:
    """Inside an open unit of work."""
    account = uow.ledger.account(member_id)
    if account is None:
        raise no_account(member_id)
    return balance_of(account, star_hours_of(uow, member_id, utcnow()))


def posted_entry(uow: UnitOfWork, entry_id: str) -> Posted:
    """An entry and its member's current balance, read inside an open unit of work."""
    entry = known_entry(uow, entry_id)
    return Posted(entry, current_balance(uow, entry.member_id))


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
    target = known_member(uow, member_id)
    if not may_read_account(actor, target):
        raise refused()
