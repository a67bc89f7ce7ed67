"""The points ledger (DESIGN §5): an account changes only by posting immutable entries.

An Account is loaded with its open lots, changed by the methods below, and saved with the
entries and lot changes it collected. Invariants, for every account and at every commit:
  available ≥ 0, held ≥ 0;
  available + held = Σ (amount + held_change) of its entries;
  available = Σ remaining of its lots; held = Σ lot allocations of its open holds.
Spending (holds, negative adjustments) and expiry take the oldest lots first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from jifen.domain_events import Aggregate
from jifen.errors import AlreadyExists, FailedPrecondition

from . import events

# Entry kinds.
ACCRUAL = "accrual"
AWARD = "award"
ADJUSTMENT = "adjustment"
HOLD = "hold"
CAPTURE = "capture"
RELEASE = "release"
EXPIRY = "expiry"
EARNING_KINDS = (ACCRUAL, AWARD, ADJUSTMENT)

# Entry sources.
FROM_HOUR_RECORD = "hour_record"
FROM_AWARD = "award"
FROM_ADMIN = "admin"
FROM_REDEMPTION = "redemption"
FROM_EXPIRY = "expiry"

# Account status.
ACTIVE = "active"
FROZEN = "frozen"

# Hold states.
HELD = "held"
CAPTURED = "captured"
RELEASED = "released"
EXPIRED = "expired"


@dataclass
class Lot:
    id: str
    member_id: str
    entry_id: str
    amount: int
    remaining: int
    earned_at: datetime
    expires_at: datetime | None

    def due(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now and self.remaining > 0


@dataclass(frozen=True)
class Entry:
    id: str
    member_id: str
    seq: int
    community_id: str
    kind: str
    amount: int
    held_change: int
    balance_after: int
    held_after: int
    reason: str
    source_type: str
    source_id: str
    created_at: datetime
    hold_id: str = ""
    rule_version_id: str = ""
    calculation: str = ""
    lot_expires_at: datetime | None = None
    created_by: str = ""


@dataclass
class Hold:
    id: str
    member_id: str
    amount: int
    state: str
    deadline: datetime
    reason: str
    created_at: datetime
    release_reason: str = ""
    resolved_at: datetime | None = None
    # lot id -> points taken from it.
    allocations: dict[str, int] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return self.state == HELD

    def same_request(self, member_id: str, amount: int) -> bool:
        return self.member_id == member_id and self.amount == amount

    def check_placed_again(self, member_id: str, amount: int) -> None:
        """A Hold sent again with this hold id: only the same hold, still open or spent, is answered."""
        if self.state in (RELEASED, EXPIRED):
            raise FailedPrecondition("该冻结已解冻，不能再次冻结", "this hold_id was already released")
        if not self.same_request(member_id, amount):
            raise AlreadyExists(
                "该冻结编号已用于另一笔冻结", "this hold_id was already used for another hold", "hold_id"
            )

    def check_capturable(self) -> None:
        if self.state in (RELEASED, EXPIRED):
            raise FailedPrecondition(
                "该冻结已解冻，不能扣减", f"the hold is already {self.state}; it cannot be captured"
            )

    def check_releasable(self) -> None:
        """Points once captured are spent; releasing a released hold again is answered, not refused."""
        if self.state == CAPTURED:
            raise FailedPrecondition("积分已扣减，不能解冻", "the hold was captured; it cannot be released")


@dataclass(frozen=True)
class Earning:
    """Points being earned, and what the statement says about them."""

    kind: str
    amount: int
    reason: str
    source_type: str
    source_id: str
    lot_expires_at: datetime | None = None
    rule_version_id: str = ""
    calculation: str = ""
    created_by: str = ""
    # What the event says beyond the entry: the activity of an accrual, the commendation of an award.
    activity_id: str = ""
    commendation: str = ""


@dataclass
class Account(Aggregate):
    member_id: str
    community_id: str
    available: int = 0
    held: int = 0
    lifetime_earned: int = 0
    certified_minutes: int = 0
    status: str = ACTIVE
    version: int = 0
    last_seq: int = 0
    # Lots with points left, oldest first.
    lots: list[Lot] = field(default_factory=list)
    # What changed since loading, for the repository to write.
    new_entries: list[Entry] = field(default_factory=list)
    new_lots: list[Lot] = field(default_factory=list)
    changed_lots: dict[str, Lot] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    # --- Earning ---

    def earn(self, earning: Earning, entry_id: str, lot_id: str, now: datetime) -> Entry:
        """Posts an accrual, award or positive adjustment; a positive amount becomes a new lot."""
        if earning.kind not in EARNING_KINDS or earning.amount < 0:
            raise ValueError(f"not an earning: {earning}")
        self.available += earning.amount
        self.lifetime_earned += earning.amount
        if earning.amount > 0:
            lot = Lot(
                lot_id, self.member_id, entry_id, earning.amount, earning.amount, now, earning.lot_expires_at
            )
            self.lots.append(lot)
            self.lots.sort(key=_fifo)
            self.new_lots.append(lot)
        entry = self._post(
            entry_id,
            now,
            kind=earning.kind,
            amount=earning.amount,
            reason=earning.reason,
            source_type=earning.source_type,
            source_id=earning.source_id,
            rule_version_id=earning.rule_version_id,
            calculation=earning.calculation,
            lot_expires_at=earning.lot_expires_at if earning.amount > 0 else None,
            created_by=earning.created_by,
        )
        if earning.kind == ACCRUAL:
            self.record(events.PointsAccrued(entry, earning.source_id, earning.activity_id))
        elif earning.kind == AWARD:
            self.record(events.PointsAwarded(entry, earning.commendation))
        else:
            self.record(events.PointsAdjusted(entry))
        return entry

    def take_back(
        self, amount: int, reason: str, source_id: str, created_by: str, entry_id: str, now: datetime
    ) -> Entry:
        """A negative adjustment: never below zero; the oldest lots give first."""
        if amount <= 0:
            raise ValueError("take_back needs a positive amount")
        if amount > self.available:
            raise FailedPrecondition(
                f"可用积分只有 {self.available}，不能扣减 {amount}",
                f"only {self.available} points are available; cannot take back {amount}",
            )
        self._consume(amount)
        self.available -= amount
        self.lifetime_earned -= amount
        entry = self._post(
            entry_id,
            now,
            kind=ADJUSTMENT,
            amount=-amount,
            reason=reason,
            source_type=FROM_ADMIN,
            source_id=source_id,
            created_by=created_by,
        )
        self.record(events.PointsAdjusted(entry))
        return entry

    def certify(self, minutes: int) -> int:
        """Adds approved minutes (认证时长); spending never touches them. Returns the new total."""
        if minutes <= 0:
            raise ValueError("certified minutes must be positive")
        self.certified_minutes += minutes
        return self.certified_minutes

    # --- Two-phase spending ---

    def hold(
        self, hold_id: str, amount: int, deadline: datetime, reason: str, entry_id: str, now: datetime
    ) -> tuple[Hold, Entry]:
        if not self.active:
            raise FailedPrecondition(
                "该积分账户已冻结，不能使用积分", "the account is frozen; points cannot be spent"
            )
        if amount > self.available:
            raise FailedPrecondition(
                f"积分不足：需要 {amount}，可用 {self.available}",
                f"insufficient points: {amount} needed, {self.available} available",
            )
        allocations = self._consume(amount)
        self.available -= amount
        self.held += amount
        hold = Hold(hold_id, self.member_id, amount, HELD, deadline, reason, now, allocations=allocations)
        entry = self._post(
            entry_id,
            now,
            kind=HOLD,
            amount=-amount,
            held_change=amount,
            reason=reason,
            source_type=FROM_REDEMPTION,
            source_id=hold_id,
            hold_id=hold_id,
        )
        self.record(events.PointsHeld(entry, hold_id, reason, deadline))
        return hold, entry

    def capture(self, hold: Hold, created_by: str, entry_id: str, now: datetime) -> Entry:
        self._require_open(hold)
        self.held -= hold.amount
        hold.state, hold.resolved_at = CAPTURED, now
        entry = self._post(
            entry_id,
            now,
            kind=CAPTURE,
            amount=0,
            held_change=-hold.amount,
            reason=hold.reason,
            source_type=FROM_REDEMPTION,
            source_id=hold.id,
            hold_id=hold.id,
            created_by=created_by,
        )
        self.record(events.PointsCaptured(entry, hold.id, hold.amount))
        return entry

    def release(
        self,
        hold: Hold,
        hold_lots: list[Lot],
        reason: str,
        deadline_passed: bool,
        created_by: str,
        entry_id: str,
        now: datetime,
    ) -> Entry:
        """Returns held points to the lots they came from (`hold_lots`, loaded by the repository)."""
        self._require_open(hold)
        by_id = {lot.id: lot for lot in hold_lots}
        for lot_id, taken in hold.allocations.items():
            # A lot changed earlier in this transaction (expired just now) is newer than the stored one.
            lot = self._find_lot(lot_id) or self.changed_lots.get(lot_id) or by_id[lot_id]
            lot.remaining += taken
            self._changed(lot)
            if lot not in self.lots:
                self.lots.append(lot)
        self.lots.sort(key=_fifo)
        self.held -= hold.amount
        self.available += hold.amount
        hold.state = EXPIRED if deadline_passed else RELEASED
        hold.release_reason, hold.resolved_at = reason, now
        entry = self._post(
            entry_id,
            now,
            kind=RELEASE,
            amount=hold.amount,
            held_change=-hold.amount,
            reason=f"{hold.reason}（{reason}）" if hold.reason else reason,
            source_type=FROM_REDEMPTION,
            source_id=hold.id,
            hold_id=hold.id,
            created_by=created_by,
        )
        self.record(events.PointsReleased(entry, hold.id, reason, deadline_passed))
        return entry

    # --- Expiry ---

    def expire_due(self, entry_id: str, now: datetime) -> Entry | None:
        """Posts one expiry entry for every lot past its date; None when nothing is due."""
        due = [lot for lot in self.lots if lot.due(now)]
        if not due:
            return None
        total = sum(lot.remaining for lot in due)
        for lot in due:
            lot.remaining = 0
            self._changed(lot)
        self.lots = [lot for lot in self.lots if lot.remaining > 0]
        self.available -= total
        latest = max(lot.expires_at for lot in due)
        entry = self._post(
            entry_id,
            now,
            kind=EXPIRY,
            amount=-total,
            reason=f"积分到期（{len(due)} 笔）",
            source_type=FROM_EXPIRY,
            source_id=entry_id,
            lot_expires_at=latest,
        )
        self.record(events.PointsExpired(entry))
        return entry

    def next_expiry(self) -> tuple[int, datetime | None]:
        """The points of the lots that expire next, and when."""
        dated = [lot for lot in self.lots if lot.expires_at is not None and lot.remaining > 0]
        if not dated:
            return 0, None
        first = min(lot.expires_at for lot in dated)
        return sum(lot.remaining for lot in dated if lot.expires_at == first), first

    # --- Internals ---

    def _require_open(self, hold: Hold) -> None:
        if hold.member_id != self.member_id:
            raise ValueError("hold of another account")
        if not hold.open:
            raise FailedPrecondition(
                f"该冻结已结束（{HOLD_STATE_ZH[hold.state]}）", f"the hold is already {hold.state}"
            )

    def _consume(self, amount: int) -> dict[str, int]:
        """Takes `amount` from the oldest lots; returns how much from which."""
        taken: dict[str, int] = {}
        left = amount
        for lot in self.lots:
            if left == 0:
                break
            part = min(lot.remaining, left)
            if part:
                lot.remaining -= part
                left -= part
                taken[lot.id] = part
                self._changed(lot)
        if left:
            raise AssertionError(f"lots of {self.member_id} hold {amount - left} < {amount} available")
        self.lots = [lot for lot in self.lots if lot.remaining > 0]
        return taken

    def _changed(self, lot: Lot) -> None:
        if lot not in self.new_lots:
            self.changed_lots[lot.id] = lot

    def _find_lot(self, lot_id: str) -> Lot | None:
        return next((lot for lot in self.lots if lot.id == lot_id), None)

    def _post(self, entry_id: str, now: datetime, **fields) -> Entry:
        self.last_seq += 1
        fields.setdefault("held_change", 0)
        entry = Entry(
            id=entry_id,
            member_id=self.member_id,
            seq=self.last_seq,
            community_id=self.community_id,
            balance_after=self.available,
            held_after=self.held,
            created_at=now,
            **fields,
        )
        self.new_entries.append(entry)
        return entry


HOLD_STATE_ZH = {HELD: "冻结中", CAPTURED: "已扣减", RELEASED: "已解冻", EXPIRED: "已超时解冻"}


def _fifo(lot: Lot) -> tuple:
    return (lot.earned_at, lot.id)


def tombstone(hold_id: str, reason: str, now: datetime) -> Hold:
    """A Release for a hold never placed: recorded released with nothing, so a late Hold is refused."""
    return Hold(hold_id, "", 0, RELEASED, now, "", now, release_reason=reason, resolved_at=now)
