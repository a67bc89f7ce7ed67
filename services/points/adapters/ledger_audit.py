"""The audit of DESIGN §5 over the points database: every account against its entries, lots and holds,
and every member of the members service against the accounts (one is opened per member.registered)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Engine

from ..domain import audit
from ..service.ports import Directory, MembersUnavailable
from .ledger_repository import SqlLedger, entry_of, lot_of
from .tables import accounts, entries, holds, lots


def audit_engine(
    engine: Engine, members: Directory | None = None, registered_before: datetime | None = None
) -> list[str]:
    """Every broken invariant, one sentence each; empty when the ledger is sound.

    One repeatable-read snapshot, so accounts written meanwhile cannot look inconsistent. Members is
    asked first: a member it lists was registered before the snapshot began.
    """
    found: list[str] = []
    member_ids: list[str] | None = None
    if members is not None and registered_before is not None:
        try:
            member_ids = members.member_ids(registered_before)
        except MembersUnavailable as exc:
            found.append(f"members did not answer ({exc}): members were not checked against accounts")
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        ledger = SqlLedger(conn)
        for member_id in conn.execute(
            sa.select(accounts.c.member_id).order_by(accounts.c.member_id)
        ).scalars():
            account = ledger.account(member_id)
            rows = [
                entry_of(r) for r in conn.execute(sa.select(entries).where(entries.c.member_id == member_id))
            ]
            member_lots = [
                lot_of(r) for r in conn.execute(sa.select(lots).where(lots.c.member_id == member_id))
            ]
            hold_ids = conn.execute(sa.select(holds.c.id).where(holds.c.member_id == member_id)).scalars()
            found += audit.problems(account, rows, member_lots, [ledger.hold(h) for h in hold_ids])
        # The check constraints make these impossible; the audit says so rather than assuming it.
        negative = conn.execute(
            sa.select(sa.func.count())
            .select_from(accounts)
            .where((accounts.c.available < 0) | (accounts.c.held < 0))
        ).scalar_one()
        if negative:
            found.append(f"{negative} accounts with a negative balance")
        if member_ids is not None:
            opened = set(conn.execute(sa.select(accounts.c.member_id)).scalars())
            found += audit.members_without_account(member_ids, opened)
    return found
