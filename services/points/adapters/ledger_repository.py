"""The ledger in SQL: accounts, their append-only entries, lots and holds."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc
from jifen.errors import Conflict

from ..domain.ledger import HELD, Account, Entry, Hold, Lot
from ..service.ledger.ports import EntryFilter
from .tables import accounts, entries, hold_lots, holds, lots

ENTRY_FIELDS = [c.name for c in entries.columns]


class SqlLedger:
    def __init__(self, connection: Connection, seen: list | None = None):
        self.connection = connection
        # The unit of work's list: accounts saved here send what they recorded at its commit.
        self.seen = [] if seen is None else seen

    # --- Accounts ---

    def open(self, account: Account, now: datetime) -> bool:
        """Opens the account unless it exists; True when it was opened now."""
        if self._row(account.member_id, lock=False) is not None:
            return False
        self.connection.execute(
            accounts.insert().values(
                member_id=account.member_id,
                community_id=account.community_id,
                available=0,
                held=0,
                lifetime_earned=0,
                certified_minutes=0,
                status=account.status,
                version=0,
                opened_at=now,
                updated_at=now,
            )
        )
        return True

    def account(self, member_id: str) -> Account | None:
        return self._load(member_id, lock=False)

    def lock(self, member_id: str) -> Account | None:
        # SQLite has no row locks; its BEGIN IMMEDIATE already serialises writers, and save()
        # is conditional on the version either way.
        return self._load(member_id, lock=True)

    def save(self, account: Account, now: datetime) -> None:
        changed = self.connection.execute(
            accounts.update()
            .where(accounts.c.member_id == account.member_id, accounts.c.version == account.version)
            .values(
                available=account.available,
                held=account.held,
                lifetime_earned=account.lifetime_earned,
                certified_minutes=account.certified_minutes,
                version=account.version + 1,
                updated_at=now,
            )
        ).rowcount
        if changed != 1:
            raise Conflict(f"account {account.member_id} changed concurrently")
        if account.new_entries:
            self.connection.execute(entries.insert(), [_entry_row(e) for e in account.new_entries])
        if account.new_lots:
            self.connection.execute(lots.insert(), [_lot_row(lot) for lot in account.new_lots])
        for lot in account.changed_lots.values():
            self.connection.execute(lots.update().where(lots.c.id == lot.id).values(remaining=lot.remaining))
        account.version += 1
        account.new_entries, account.new_lots, account.changed_lots = [], [], {}
        self.seen.append(account)

    def set_status(self, member_id: str, status: str, now: datetime) -> None:
        self.connection.execute(
            accounts.update()
            .where(accounts.c.member_id == member_id)
            .values(status=status, version=accounts.c.version + 1, updated_at=now)
        )

    def move(self, member_id: str, community_id: str, now: datetime) -> None:
        self.connection.execute(
            accounts.update()
            .where(accounts.c.member_id == member_id)
            .values(community_id=community_id, version=accounts.c.version + 1, updated_at=now)
        )

    # --- Holds ---

    def hold(self, hold_id: str) -> Hold | None:
        row = self.connection.execute(sa.select(holds).where(holds.c.id == hold_id)).first()
        if row is None:
            return None
        taken = self.connection.execute(
            sa.select(hold_lots.c.lot_id, hold_lots.c.amount).where(hold_lots.c.hold_id == hold_id)
        )
        return Hold(
            id=row.id,
            member_id=row.member_id,
            amount=row.amount,
            state=row.state,
            deadline=as_utc(row.deadline),
            reason=row.reason,
            created_at=as_utc(row.created_at),
            release_reason=row.release_reason,
            resolved_at=as_utc(row.resolved_at),
            allocations={r.lot_id: r.amount for r in taken},
        )

    def add_hold(self, hold: Hold) -> None:
        self.connection.execute(
            holds.insert().values(
                id=hold.id,
                member_id=hold.member_id,
                amount=hold.amount,
                state=hold.state,
                deadline=hold.deadline,
                reason=hold.reason,
                release_reason=hold.release_reason,
                created_at=hold.created_at,
                resolved_at=hold.resolved_at,
            )
        )
        if hold.allocations:
            self.connection.execute(
                hold_lots.insert(),
                [{"hold_id": hold.id, "lot_id": k, "amount": v} for k, v in hold.allocations.items()],
            )

    def save_hold(self, hold: Hold) -> None:
        changed = self.connection.execute(
            holds.update()
            .where(holds.c.id == hold.id, holds.c.state == HELD)
            .values(state=hold.state, release_reason=hold.release_reason, resolved_at=hold.resolved_at)
        ).rowcount
        if changed != 1:
            raise Conflict(f"hold {hold.id} was resolved concurrently")

    def overdue_holds(self, now: datetime, limit: int) -> list[Hold]:
        ids = self.connection.execute(
            sa.select(holds.c.id)
            .where(holds.c.state == HELD, holds.c.deadline <= now)
            .order_by(holds.c.deadline)
            .limit(limit)
        ).scalars()
        return [self.hold(hold_id) for hold_id in ids]

    # --- Lots and entries ---

    def lots(self, lot_ids: list[str]) -> list[Lot]:
        if not lot_ids:
            return []
        return [lot_of(r) for r in self.connection.execute(sa.select(lots).where(lots.c.id.in_(lot_ids)))]

    def members_with_due_lots(self, now: datetime, limit: int) -> list[str]:
        return list(
            self.connection.execute(
                sa.select(lots.c.member_id)
                .where(lots.c.expires_at <= now, lots.c.remaining > 0)
                .group_by(lots.c.member_id)
                .order_by(lots.c.member_id)
                .limit(limit)
            ).scalars()
        )

    def entry(self, entry_id: str) -> Entry | None:
        row = self.connection.execute(sa.select(entries).where(entries.c.id == entry_id)).first()
        return entry_of(row) if row else None

    def entries(self, where: EntryFilter, offset: int, limit: int) -> list[Entry]:
        query = sa.select(entries).where(entries.c.member_id == where.member_id)
        if where.kinds:
            query = query.where(entries.c.kind.in_(where.kinds))
        if where.created_after:
            query = query.where(entries.c.created_at >= where.created_after)
        if where.created_before:
            query = query.where(entries.c.created_at < where.created_before)
        rows = self.connection.execute(query.order_by(entries.c.seq.desc()).offset(offset).limit(limit))
        return [entry_of(r) for r in rows]

    # --- Loading ---

    def _row(self, member_id: str, lock: bool):
        query = sa.select(accounts).where(accounts.c.member_id == member_id)
        return self.connection.execute(query.with_for_update() if lock else query).first()

    def _load(self, member_id: str, lock: bool) -> Account | None:
        row = self._row(member_id, lock)
        if row is None:
            return None
        last_seq = self.connection.execute(
            sa.select(sa.func.coalesce(sa.func.max(entries.c.seq), 0)).where(entries.c.member_id == member_id)
        ).scalar_one()
        open_lots = self.connection.execute(
            sa.select(lots)
            .where(lots.c.member_id == member_id, lots.c.remaining > 0)
            .order_by(lots.c.earned_at, lots.c.id)
        )
        return Account(
            member_id=row.member_id,
            community_id=row.community_id,
            available=row.available,
            held=row.held,
            lifetime_earned=row.lifetime_earned,
            certified_minutes=row.certified_minutes,
            status=row.status,
            version=row.version,
            last_seq=last_seq,
            lots=[lot_of(r) for r in open_lots],
        )


def lot_of(row) -> Lot:
    return Lot(
        id=row.id,
        member_id=row.member_id,
        entry_id=row.entry_id,
        amount=row.amount,
        remaining=row.remaining,
        earned_at=as_utc(row.earned_at),
        expires_at=as_utc(row.expires_at),
    )


def _lot_row(lot: Lot) -> dict:
    return {
        "id": lot.id,
        "member_id": lot.member_id,
        "entry_id": lot.entry_id,
        "amount": lot.amount,
        "remaining": lot.remaining,
        "earned_at": lot.earned_at,
        "expires_at": lot.expires_at,
    }


def _entry_row(entry: Entry) -> dict:
    return {name: getattr(entry, name) for name in ENTRY_FIELDS}


def entry_of(row) -> Entry:
    values = {name: getattr(row, name) for name in ENTRY_FIELDS}
    values["created_at"] = as_utc(values["created_at"])
    values["lot_expires_at"] = as_utc(values["lot_expires_at"])
    return Entry(**values)
