"""Random sequences of ledger operations never break an invariant of DESIGN §5, nor lose or create points."""

from __future__ import annotations

import copy
from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from jifen.errors import FailedPrecondition
from services.points.domain import audit
from services.points.service import jobs
from services.points.service.ledger.posting import ApprovedHours, post_approved_hours

from .fakes import FakeUnitOfWork
from .ledger_setup import Clock, capture, give, hold, release, take, volunteer

MEMBERS = ("v1", "v2")
member = st.sampled_from(MEMBERS)
points = st.integers(min_value=1, max_value=500)


class LedgerMachine(RuleBasedStateMachine):
    @initialize()
    def town(self):
        self.uow = FakeUnitOfWork()
        self.clock = Clock()
        for m in MEMBERS:
            volunteer(self.uow, m)
        self.requests = 0
        self.holds: list[str] = []
        # What has come in and gone out, counted independently of the ledger.
        self.earned = dict.fromkeys(MEMBERS, 0)
        self.spent = dict.fromkeys(MEMBERS, 0)
        self.entries_seen: list = []

    def _request(self) -> str:
        self.requests += 1
        return f"req-{self.requests}"

    @rule(m=member, minutes=st.integers(min_value=0, max_value=600))
    def accrue(self, m, minutes):
        with self.uow:
            amount = minutes // 6
            post_approved_hours(
                self.uow,
                ApprovedHours(
                    m,
                    self._request(),
                    "act",
                    max(minutes, 1),
                    amount,
                    "default-0",
                    "calc",
                    self.clock() + timedelta(days=30),
                    "服务",
                    "org",
                ),
                self.clock(),
            )
            self.uow.commit()
        self.earned[m] += amount

    @rule(m=member, amount=points)
    def award(self, m, amount):
        give(self.uow, m, amount, self._request(), self.clock)
        self.earned[m] += amount

    @rule(m=member, amount=points)
    def take_back(self, m, amount):
        try:
            take(self.uow, m, amount, self._request(), self.clock)
            self.earned[m] -= amount
        except FailedPrecondition:
            pass

    @rule(m=member, amount=points)
    def place_hold(self, m, amount):
        hold_id = self._request()
        try:
            hold(self.uow, hold_id, m, amount, self.clock, days=3)
            self.holds.append(hold_id)
        except FailedPrecondition:
            pass

    @precondition(lambda self: self.holds)
    @rule(index=st.integers(min_value=0, max_value=50))
    def capture_one(self, index):
        hold_id = self.holds[index % len(self.holds)]
        found = self.uow.ledger.hold(hold_id)
        try:
            capture(self.uow, hold_id, self.clock)
        except FailedPrecondition:
            assert found.state in ("released", "expired")
            return
        if found.state == "held":
            self.spent[found.member_id] += found.amount

    @precondition(lambda self: self.holds)
    @rule(index=st.integers(min_value=0, max_value=50))
    def release_one(self, index):
        hold_id = self.holds[index % len(self.holds)]
        try:
            release(self.uow, hold_id, self.clock)
        except FailedPrecondition:
            assert self.uow.ledger.hold(hold_id).state == "captured"

    @rule(hours=st.integers(min_value=1, max_value=24 * 40))
    def time_passes(self, hours):
        self.clock.advance(hours=hours)
        jobs.release_overdue_holds(lambda: self.uow, self.clock)
        jobs.expire_lots(lambda: self.uow, self.clock)
        ledger = self.uow.ledger
        assert not any(lot.due(self.clock()) for lot in ledger.lot_rows.values())
        assert not any(h.state == "held" and h.deadline <= self.clock() for h in ledger.hold_rows.values())

    def expired(self, m) -> int:
        return -sum(e.amount for e in self.uow.ledger.entry_rows if e.member_id == m and e.kind == "expiry")

    @invariant()
    def every_account_is_sound(self):
        ledger = self.uow.ledger
        for m in MEMBERS:
            account = ledger.accounts[m]
            rows = [e for e in ledger.entry_rows if e.member_id == m]
            assert audit.problems(account, rows, ledger.lot_rows.values(), ledger.hold_rows.values()) == []

    @invariant()
    def no_points_are_lost_or_made(self):
        for m in MEMBERS:
            account = self.uow.ledger.accounts[m]
            assert account.available + account.held == self.earned[m] - self.spent[m] - self.expired(m)
            assert account.lifetime_earned == self.earned[m]

    @invariant()
    def entries_are_never_changed(self):
        rows = self.uow.ledger.entry_rows
        assert rows[: len(self.entries_seen)] == self.entries_seen
        self.entries_seen = copy.deepcopy(rows)


LedgerMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)
TestLedgerInvariants = LedgerMachine.TestCase
