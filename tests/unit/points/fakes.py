"""In-memory stand-ins for the points unit of work's people and ledger (other parts bring their own)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime

from jifen.errors import Conflict
from services.points.adapters.outbox_messages import to_message
from services.points.domain.audit_trail import ADJUSTMENT, AWARD, COMMENDATION, RULE_PUBLICATION, AuditEvent
from services.points.domain.ledger import HELD, Account, Entry, Hold, Lot
from services.points.domain.people import CommunityCopy
from services.points.domain.rules import BUILT_IN_TITLE, BUILT_IN_VERSION_ID, DEFAULT_RULES, RuleVersion
from services.points.service.ledger.ports import EntryFilter
from tests.unit.runtime_fakes import FakeIdempotency, FakeMembersDirectory, FakeOutbox, FakeTransactions
from tests.unit.runtime_fakes import FakeMemberCopies as FakePeople

from .fake_needs import FakeNeeds, FakeResources

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class FakeLedger:
    """Keeps rows as the tables do; an account is saved only if its version is unchanged."""

    def __init__(self):
        self.accounts: dict[str, Account] = {}
        self.entry_rows: list[Entry] = []
        self.lot_rows: dict[str, Lot] = {}
        self.hold_rows: dict[str, Hold] = {}
        # The unit of work's list, handed over when a transaction starts (as SqlLedger gets it).
        self.seen: list = []

    def __deepcopy__(self, memo):
        # Entries are frozen and accounts are stored without lots, so a cheap copy is a full snapshot.
        twin = FakeLedger()
        twin.accounts = {k: copy.copy(v) for k, v in self.accounts.items()}
        twin.entry_rows = list(self.entry_rows)
        twin.lot_rows = {k: copy.copy(v) for k, v in self.lot_rows.items()}
        twin.hold_rows = {k: replace(v, allocations=dict(v.allocations)) for k, v in self.hold_rows.items()}
        return twin

    def open(self, account, now):
        if account.member_id in self.accounts:
            return False
        self.accounts[account.member_id] = replace(
            account, lots=[], new_entries=[], new_lots=[], changed_lots={}
        )
        return True

    def account(self, member_id):
        stored = self.accounts.get(member_id)
        if stored is None:
            return None
        lots = sorted(
            (
                copy.copy(lot)
                for lot in self.lot_rows.values()
                if lot.member_id == member_id and lot.remaining
            ),
            key=lambda lot: (lot.earned_at, lot.id),
        )
        last = max((e.seq for e in self.entry_rows if e.member_id == member_id), default=0)
        return replace(stored, lots=lots, last_seq=last, new_entries=[], new_lots=[], changed_lots={})

    lock = account

    def save(self, account, now):
        stored = self.accounts[account.member_id]
        if stored.version != account.version:
            raise Conflict("account changed concurrently")
        self.entry_rows.extend(account.new_entries)
        for lot in [*account.new_lots, *account.changed_lots.values()]:
            self.lot_rows[lot.id] = copy.copy(lot)
        account.version += 1
        self.accounts[account.member_id] = replace(
            account, status=stored.status, lots=[], new_entries=[], new_lots=[], changed_lots={}
        )
        account.new_entries, account.new_lots, account.changed_lots = [], [], {}
        self.seen.append(account)

    def set_status(self, member_id, status, now):
        stored = self.accounts[member_id]
        self.accounts[member_id] = replace(stored, status=status, version=stored.version + 1)

    def move(self, member_id, community_id, now):
        stored = self.accounts[member_id]
        self.accounts[member_id] = replace(stored, community_id=community_id, version=stored.version + 1)

    def hold(self, hold_id):
        found = self.hold_rows.get(hold_id)
        return copy.deepcopy(found) if found else None

    def add_hold(self, hold):
        if hold.id in self.hold_rows:
            raise Conflict("hold exists")
        self.hold_rows[hold.id] = copy.deepcopy(hold)

    def save_hold(self, hold):
        if self.hold_rows[hold.id].state != HELD:
            raise Conflict("hold resolved concurrently")
        self.hold_rows[hold.id] = copy.deepcopy(hold)

    def lots(self, lot_ids):
        return [copy.copy(self.lot_rows[i]) for i in lot_ids if i in self.lot_rows]

    def entry(self, entry_id):
        return next((e for e in self.entry_rows if e.id == entry_id), None)

    def entries(self, where: EntryFilter, offset, limit):
        found = [
            e
            for e in self.entry_rows
            if e.member_id == where.member_id
            and (not where.kinds or e.kind in where.kinds)
            and (where.created_after is None or e.created_at >= where.created_after)
            and (where.created_before is None or e.created_at < where.created_before)
        ]
        return sorted(found, key=lambda e: -e.seq)[offset : offset + limit]

    def members_with_due_lots(self, now, limit):
        return sorted({lot.member_id for lot in self.lot_rows.values() if lot.due(now)})[:limit]

    def overdue_holds(self, now, limit):
        due = [h for h in self.hold_rows.values() if h.state == HELD and h.deadline <= now]
        return [copy.deepcopy(h) for h in sorted(due, key=lambda h: h.deadline)[:limit]]


class FixedRules:
    """Rule versions in a list; in_force takes the latest of the most specific scope that has one."""

    def __init__(self, *versions: RuleVersion):
        # As migration 0002 writes it: published at the epoch it starts from.
        built_in = RuleVersion(
            BUILT_IN_VERSION_ID, "", "", EPOCH, DEFAULT_RULES, published_at=EPOCH, title=BUILT_IN_TITLE
        )
        self.versions = [built_in, *versions]

    def add(self, version):
        # The table's keys: one version per id, and per scope and start.
        scope = (version.community_id, version.street_id, version.effective_from)
        if any(
            v.id == version.id or (v.community_id, v.street_id, v.effective_from) == scope
            for v in self.versions
        ):
            raise Conflict("rule_versions")
        self.versions.append(version)

    def get(self, version_id):
        return next((v for v in self.versions if v.id == version_id), None)

    def in_force(self, community_id, street_id, at):
        # An empty community or street names no scope of its own (not the default's).
        scopes = [s for s in ((community_id, ""), ("", street_id)) if any(s)]
        for scope in [*scopes, ("", "")]:
            found = [
                v for v in self.versions if (v.community_id, v.street_id) == scope and v.effective_from <= at
            ]
            if found:
                return max(found, key=lambda v: v.effective_from)
        raise AssertionError("the built-in version is always in force")


class FakeAuditTrail:
    """Reads the fake ledger's entries and the rule versions as the SQL union does."""

    def __init__(self, uow):
        self.uow = uow

    def events(self, where, offset, limit):
        def within(at):
            return (where.created_after is None or at >= where.created_after) and (
                where.created_before is None or at < where.created_before
            )

        found = []
        for e in self.uow.ledger.entry_rows:
            if e.community_id != where.community_id or e.kind not in ("award", "adjustment"):
                continue
            kind = ADJUSTMENT if e.kind == "adjustment" else COMMENDATION if e.rule_version_id else AWARD
            if kind in where.kinds and within(e.created_at):
                found.append(
                    AuditEvent(
                        e.id,
                        kind,
                        e.created_by,
                        e.created_at,
                        e.reason,
                        e.member_id,
                        e.amount,
                        e.source_id,
                        e.rule_version_id,
                    )
                )
        for v in self.uow.rules.versions:
            scoped = (v.community_id, v.street_id) in ((where.community_id, ""), ("", where.street_id))
            if RULE_PUBLICATION in where.kinds and scoped and v.published_at and within(v.published_at):
                reason = f"{v.title}：{v.note}" if v.note else v.title
                publication = (v.id, RULE_PUBLICATION, v.published_by, v.published_at, reason, "", 0)
                found.append(AuditEvent(*publication, source_id=v.id, rule_version_id=v.id))
        found.sort(key=lambda a: (a.occurred_at, a.id), reverse=True)
        return found[offset : offset + limit]


class FakeUnitOfWork(FakeTransactions):
    """Keeps state across transactions; a transaction that is not committed leaves no trace.

    Like the SQL unit of work, it sends what the aggregates recorded through the points outbox
    adapter at commit: every part that has a `seen` attribute gets the transaction's list.
    """

    to_message = to_message

    def __init__(self, rules=None, activities=None, hours=None):
        self.people = FakePeople()
        self.ledger = FakeLedger()
        self.rules = rules or FixedRules()
        self.activities = activities
        self.hours = hours
        self.certificates = None
        self.audit_trail = FakeAuditTrail(self)
        self.needs = FakeNeeds()
        self.resources = FakeResources()
        self.outbox = FakeOutbox()
        self.idempotency = FakeIdempotency()
        # The members service asked directly; None: only what its events brought is known.
        self.directory = None

    STATE = (
        "people",
        "ledger",
        "rules",
        "activities",
        "hours",
        "certificates",
        "needs",
        "resources",
        "outbox",
        "idempotency",
    )


class FakeDirectory(FakeMembersDirectory):
    def __init__(self, *communities: CommunityCopy, member_ids: tuple[str, ...] = ()):
        from services.points.service.ports import MembersUnavailable

        super().__init__(MembersUnavailable, communities, member_ids)
