"""In-memory rule versions (with the community → street → default fallback) and leaderboard sums."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jifen.caller import ADMIN, Caller, Grant
from jifen.errors import Conflict
from services.points.domain.people import ACTIVE, CommunityCopy, MemberCopy
from services.points.domain.rules import BUILT_IN_TITLE, BUILT_IN_VERSION_ID, DEFAULT_RULES, RuleVersion
from services.points.service.rules.ports import ApprovedHourRow

from .fakes import FakeUnitOfWork

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
STREET = "st-1"
HOME = CommunityCopy("co-a", STREET, "张苏滩社区")
OTHER = CommunityCopy("co-b", STREET, "天庆嘉园社区")
ELSEWHERE = CommunityCopy("co-z", "st-2", "别处社区")


class FakeRules:
    """Rule versions in a list, as the table keeps them; `communities` stands for the communities table."""

    def __init__(self):
        self.versions = [
            RuleVersion(
                BUILT_IN_VERSION_ID, "", "", EPOCH, DEFAULT_RULES, published_at=EPOCH, title=BUILT_IN_TITLE
            )
        ]
        self.communities: dict[str, CommunityCopy] = {}
        self.hour_rows: list[tuple[ApprovedHourRow, str]] = []

    def add(self, version):
        scope = (version.community_id, version.street_id, version.effective_from)
        if any((v.community_id, v.street_id, v.effective_from) == scope for v in self.versions):
            raise Conflict("uq_rule_versions_scope_from")
        if self.get(version.id) is not None:
            raise Conflict("rule_versions_pkey")
        self.versions.append(version)

    def get(self, version_id):
        return next((v for v in self.versions if v.id == version_id), None)

    def in_force(self, community_id, street_id, at):
        scopes = [("", "")]
        if street_id:
            scopes.insert(0, ("", street_id))
        if community_id:
            scopes.insert(0, (community_id, ""))
        for scope in scopes:
            started = [
                v for v in self.versions if (v.community_id, v.street_id) == scope and v.effective_from <= at
            ]
            if started:
                return max(started, key=lambda v: v.effective_from)
        raise LookupError("the built-in default version is missing")

    def of_scope(self, community_id, street_id, offset, limit):
        found = [v for v in self.versions if (v.community_id, v.street_id) == (community_id, street_id)]
        found.sort(key=lambda v: (v.effective_from, v.id), reverse=True)
        return found[offset : offset + limit]

    def at_scope_from(self, community_id, street_id, effective_from):
        return next(
            (
                v
                for v in self.versions
                if (v.community_id, v.street_id, v.effective_from)
                == (community_id, street_id, effective_from)
            ),
            None,
        )

    def street_known(self, street_id):
        return any(c.street_id == street_id for c in self.communities.values())

    def street_communities(self, street_id):
        return sorted((c for c in self.communities.values() if c.street_id == street_id), key=lambda c: c.id)

    def first_community_versions(self, community_ids):
        firsts: dict[str, datetime] = {}
        for v in self.versions:
            if v.community_id in community_ids:
                firsts[v.community_id] = min(firsts.get(v.community_id, v.effective_from), v.effective_from)
        return firsts

    def approved_hours(self, community_ids, start, end):
        found = [
            row
            for row, status in self.hour_rows
            if status == "approved"
            and row.community_id in community_ids
            and start <= row.activity_start < end
        ]
        return sorted(found, key=lambda r: (r.member_id, r.hour_record_id))


@dataclass
class EarnedRow:
    member_id: str
    community_id: str
    kind: str
    amount: int
    created_at: datetime


@dataclass
class HoursRow:
    member_id: str
    minutes: int
    status: str
    decided_at: datetime | None


class FakeLeaderboardSums:
    """The sums of adapters/leaderboard_queries.py over plain lists."""

    def __init__(self):
        self.accounts: dict[str, str] = {}
        self.earned: list[EarnedRow] = []
        self.hours: list[HoursRow] = []

    def account_community(self, member_id):
        return self.accounts.get(member_id)

    @staticmethod
    def _within(moment, window):
        start, end = window
        return (start is None or moment >= start) and (end is None or moment < end)

    def member_points(self, member_id, community_id, windows):
        rows = [
            e
            for e in self.earned
            if e.member_id == member_id
            and e.community_id == community_id
            and e.kind in ("accrual", "award", "adjustment")
        ]
        return [sum(e.amount for e in rows if self._within(e.created_at, w)) for w in windows]

    def member_minutes(self, member_id, windows):
        rows = [h for h in self.hours if h.member_id == member_id and h.status == "approved" and h.decided_at]
        return [sum(h.minutes for h in rows if self._within(h.decided_at, w)) for w in windows]

    def earned_points(self):
        for e in self.earned:
            if (
                e.kind in ("accrual", "award", "adjustment")
                and self.accounts.get(e.member_id) == e.community_id
            ):
                yield e.community_id, e.member_id, e.amount, e.created_at

    def certified_minutes(self):
        for h in self.hours:
            if h.status == "approved" and h.decided_at and h.member_id in self.accounts:
                yield self.accounts[h.member_id], h.member_id, h.minutes, h.decided_at


class Clock:
    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


def rules_uow() -> FakeUnitOfWork:
    """A unit of work over FakeRules, with the street's two communities and one elsewhere known."""
    uow = FakeUnitOfWork(rules=FakeRules())
    for community in (HOME, OTHER, ELSEWHERE):
        uow.people.put_community(community)
        uow.rules.communities[community.id] = community
    return uow


def add_member(uow: FakeUnitOfWork, member_id: str, name: str, community: CommunityCopy = HOME) -> None:
    uow.people.put_member(MemberCopy(member_id, name, community.id, community.street_id, "", ACTIVE, NOW))


def admin_of(community: CommunityCopy) -> Caller:
    return Caller(member_id=f"admin-{community.id}", grants=(Grant(ADMIN, community_id=community.id),))


def street_admin(street_id: str = STREET) -> Caller:
    return Caller(member_id=f"admin-{street_id}", grants=(Grant(ADMIN, street_id=street_id),))
