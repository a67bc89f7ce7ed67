"""The ledger's invariants (DESIGN §5), checked over one account's stored rows.

Pure: the audit command loads the rows from the database, the property tests from their fakes,
and both ask the same question.
"""

from __future__ import annotations

from collections.abc import Iterable

from .ledger import HELD, Account, Entry, Hold, Lot


def problems(account: Account, entries: list[Entry], lots: Iterable[Lot], holds: Iterable[Hold]) -> list[str]:
    """Every broken invariant of one account, as a sentence; empty when it is sound."""
    found = []
    who = account.member_id
    if account.available < 0 or account.held < 0:
        found.append(f"{who}: negative balance (available {account.available}, held {account.held})")
    total = sum(e.amount + e.held_change for e in entries)
    if total != account.available + account.held:
        found.append(f"{who}: entries sum to {total}, balance is {account.available + account.held}")
    available, held = 0, 0
    for entry in sorted(entries, key=lambda e: e.seq):
        available += entry.amount
        held += entry.held_change
        if (entry.balance_after, entry.held_after) != (available, held):
            found.append(f"{who}: entry {entry.seq} states {entry.balance_after}/{entry.held_after}")
            break
    seqs = sorted(e.seq for e in entries)
    if seqs != list(range(1, len(seqs) + 1)):
        found.append(f"{who}: entry sequence has gaps or repeats")
    open_holds = [h for h in holds if h.member_id == who and h.state == HELD]
    if sum(h.amount for h in open_holds) != account.held:
        found.append(f"{who}: open holds total {sum(h.amount for h in open_holds)}, held is {account.held}")
    if any(sum(h.allocations.values()) != h.amount for h in open_holds):
        found.append(f"{who}: an open hold's lots do not add up to its amount")
    remaining = sum(lot.remaining for lot in lots if lot.member_id == who)
    if remaining != account.available:
        found.append(f"{who}: lots hold {remaining}, available is {account.available}")
    if any(lot.remaining < 0 or lot.remaining > lot.amount for lot in lots):
        found.append(f"{who}: a lot's remaining is outside 0..amount")
    return found


def members_without_account(member_ids: Iterable[str], account_ids: set[str]) -> list[str]:
    """Members the members service has and points opened no account for (a lost member.registered)."""
    missing = sorted(set(member_ids) - account_ids)
    return [f"{who}: a member of the members service without a points account" for who in missing]
