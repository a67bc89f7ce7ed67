"""The needs list (问题清单 / 需求清单): a need a community posts, its claims and its close (办结).

A need wants `wanted` claims (people, or partner units through one of their members). Claims beyond
that are refused; a rejected claim frees its place. Closing records who is to be awarded; the ledger
awards each member at most once per need (the repository keeps who was awarded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from jifen.domain_events import Aggregate
from jifen.errors import FailedPrecondition, NotFound

from . import events

OPEN = "open"
CLAIMED = "claimed"
CLOSED = "closed"

ACTIVE = "active"
REJECTED = "rejected"

# Entries awarded for a need carry this source type and the need's id.
FROM_NEED = "need"


@dataclass
class Claim:
    id: str
    need_id: str
    member_id: str
    organization_id: str
    organization_name: str
    state: str
    claimed_at: datetime

    @property
    def active(self) -> bool:
        return self.state == ACTIVE


@dataclass(frozen=True)
class Note:
    id: str
    need_id: str
    member_id: str
    text: str
    written_at: datetime


@dataclass
class Need(Aggregate):
    id: str
    community_id: str
    grid_id: str
    place: str
    title: str
    description: str
    category: str
    points: int
    wanted: int
    deadline: datetime | None
    posted_by: str
    posted_at: datetime
    closed: bool = False
    result: str = ""
    closed_at: datetime | None = None
    claims: list[Claim] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # What changed since loading, for the repository to write.
    new_claims: list[Claim] = field(default_factory=list)
    changed_claims: list[Claim] = field(default_factory=list)
    new_notes: list[Note] = field(default_factory=list)

    @classmethod
    def post(cls, **fields) -> Need:
        need = cls(**fields)
        need.record(
            events.NeedPosted(
                need.id, need.community_id, need.grid_id, need.title, need.points, need.wanted, need.posted_at
            )
        )
        return need

    @property
    def active_claims(self) -> list[Claim]:
        return [c for c in self.claims if c.active]

    @property
    def status(self) -> str:
        if self.closed:
            return CLOSED
        return CLAIMED if len(self.active_claims) >= self.wanted else OPEN

    def claim_of(self, member_id: str) -> Claim | None:
        return next((c for c in self.active_claims if c.member_id == member_id), None)

    def claim(
        self, claim_id: str, member_id: str, organization_id: str, organization_name: str, now: datetime
    ) -> Claim:
        if self.closed:
            raise FailedPrecondition("该需求已办结，不能认领", "the need is closed")
        if self.deadline is not None and self.deadline <= now:
            raise FailedPrecondition("该需求已过截止时间，不能认领", "the need's deadline has passed")
        if any(c.member_id == member_id and c.state == REJECTED for c in self.claims):
            raise FailedPrecondition("您的认领已被退回，不能再次认领", "your claim of this need was rejected")
        if self.claim_of(member_id) is not None:
            raise FailedPrecondition("您已认领该需求", "you already claimed this need")
        if organization_id and any(c.organization_id == organization_id for c in self.active_claims):
            raise FailedPrecondition("该单位已认领该需求", "the unit already claimed this need")
        if len(self.active_claims) >= self.wanted:
            raise FailedPrecondition("该需求的认领名额已满", "every place of the need is claimed")
        claim = Claim(claim_id, self.id, member_id, organization_id, organization_name, ACTIVE, now)
        self.claims.append(claim)
        self.new_claims.append(claim)
        self.record(events.NeedClaimed(self.id, self.community_id, claim.id, member_id, organization_id, now))
        return claim

    def reject(self, claim_id: str) -> Claim:
        if self.closed:
            raise FailedPrecondition("该需求已办结，不能退回认领", "the need is closed")
        claim = next((c for c in self.claims if c.id == claim_id), None)
        if claim is None:
            raise NotFound("找不到该认领", f"claim {claim_id!r} not found", "claim_id")
        if not claim.active:
            raise FailedPrecondition("该认领已被退回", "the claim was already rejected")
        claim.state = REJECTED
        self.changed_claims.append(claim)
        return claim

    def note(self, note_id: str, member_id: str, text: str, now: datetime) -> Note:
        note = Note(note_id, self.id, member_id, text, now)
        self.notes.append(note)
        self.new_notes.append(note)
        return note

    def close(self, result: str, awarded: tuple[str, ...], now: datetime) -> None:
        if self.closed:
            raise FailedPrecondition("该需求已办结", "the need is already closed")
        self.closed = True
        self.result = result
        self.closed_at = now
        self.record(events.NeedClosed(self.id, self.community_id, result, awarded, self.points, now))

    def reopen(self) -> None:
        if not self.closed:
            raise FailedPrecondition("该需求尚未办结，无需重新打开", "the need is not closed")
        self.closed = False
        self.closed_at = None

    def award_reason(self) -> str:
        return f"需求办结：{self.title}"[:200]


@dataclass(frozen=True)
class Resource:
    """What a partner unit offers the community (资源清单)."""

    id: str
    community_id: str
    unit_name: str
    title: str
    description: str
    contact: str
    updated_at: datetime
