"""In-memory stand-ins for the members unit of work: no I/O, so use-case tests run in milliseconds."""

from __future__ import annotations

import hashlib
from dataclasses import astuple, replace

from jifen.caller import Caller
from jifen.errors import Conflict
from services.members.adapters import outbox_messages
from services.members.domain.directory import Community, Grid, Organization, Street
from services.members.domain.member import Member
from services.members.domain.sessions import RefreshToken
from services.members.service.ports import MemberFilter
from tests.unit.runtime_fakes import FakeIdempotency, FakeOutbox, FakeTransactions


class FakeMembers:
    def __init__(self):
        self.rows: dict[str, Member] = {}
        self.orgs: set[tuple[str, str]] = set()
        # The unit of work's list of written aggregates, as the SQL repository keeps it.
        self.seen: list = []

    def add(self, member: Member) -> None:
        if member.id in self.rows or self.by_phone(member.phone):
            raise Conflict("unique")
        self.rows[member.id] = member
        self.seen.append(member)

    def save(self, member: Member) -> None:
        self.rows[member.id] = member
        self.seen.append(member)

    def get(self, member_id: str, lock: bool = False) -> Member | None:
        member = self.rows.get(member_id)
        return None if member is None else self._loaded(member)

    def _loaded(self, member: Member) -> Member:
        """As the SQL repository reads a member back: its organizations, and its roles in a fixed order."""
        orgs = tuple(sorted(o for o, m in self.orgs if m == member.id))
        return replace(member, organization_ids=orgs, grants=tuple(sorted(member.grants, key=astuple)))

    def by_phone(self, phone: str) -> Member | None:
        return next((self._loaded(m) for m in self.rows.values() if m.phone == phone), None)

    def list(self, where: MemberFilter, offset: int, limit: int) -> list[Member]:
        def visible(m: Member) -> bool:
            scoped = not (where.community_ids or where.street_ids) or (
                m.community_id in where.community_ids or m.street_id in where.street_ids
            )
            return (
                scoped
                and (not where.grid_id or m.grid_id == where.grid_id)
                and (not where.role or any(g.role == where.role for g in m.grants))
                and (not where.status or m.status == where.status)
                and (not where.query or _matches(where.query, m, where.whole_phone))
            )

        found = sorted((m for m in self.rows.values() if visible(m)), key=lambda m: m.id)
        return [self._loaded(m) for m in found[offset : offset + limit]]

    def join_organization(self, organization_id: str, member_id: str, now) -> bool:
        if (organization_id, member_id) in self.orgs:
            return False
        self.orgs.add((organization_id, member_id))
        return True


class FakeDirectory:
    def __init__(self, members: FakeMembers | None = None):
        self.streets_: dict[str, Street] = {}
        self.communities_: dict[str, Community] = {}
        self.grids_: dict[str, Grid] = {}
        self.organizations_: dict[str, Organization] = {}
        # Whose organizations: an organization's member count is counted from them, as the SQL does.
        self.members = members or FakeMembers()
        self.seen: list = []

    def add_street(self, street):
        if self.street_by_name(street.name):
            raise Conflict("streets.name")
        self.streets_[street.id] = street

    def street(self, street_id):
        return self.streets_.get(street_id)

    def street_by_name(self, name):
        return next((s for s in self.streets_.values() if s.name == name), None)

    def streets(self, offset, limit):
        return sorted(self.streets_.values(), key=lambda s: s.id)[offset : offset + limit]

    def add_community(self, community):
        if self.community_named(community.street_id, community.name):
            raise Conflict("uq_communities_street_name")
        self.communities_[community.id] = community
        self.seen.append(community)

    def community(self, community_id):
        return self.communities_.get(community_id)

    def save_community(self, community):
        self.communities_[community.id] = community
        self.seen.append(community)

    def community_named(self, street_id, name):
        return next(
            (c for c in self.communities_.values() if (c.street_id, c.name) == (street_id, name)), None
        )

    def communities(self, street_id, offset, limit):
        found = [c for c in self.communities_.values() if not street_id or c.street_id == street_id]
        return sorted(found, key=lambda c: c.id)[offset : offset + limit]

    def add_grid(self, grid):
        if self.grid_named(grid.community_id, grid.name):
            raise Conflict("uq_grids_community_name")
        self.grids_[grid.id] = grid
        self.seen.append(grid)

    def grid(self, grid_id):
        return self.grids_.get(grid_id)

    def grid_named(self, community_id, name):
        return next(
            (g for g in self.grids_.values() if (g.community_id, g.name) == (community_id, name)), None
        )

    def grids(self, community_id, offset, limit):
        found = [g for g in self.grids_.values() if not community_id or g.community_id == community_id]
        return sorted(found, key=lambda g: g.id)[offset : offset + limit]

    def add_organization(self, organization):
        self.organizations_[organization.id] = organization

    def organization(self, organization_id):
        found = self.organizations_.get(organization_id)
        return None if found is None else self._counted(found)

    def _counted(self, organization):
        count = sum(1 for o, _ in self.members.orgs if o == organization.id)
        return replace(organization, member_count=count)

    def organizations(self, community_id, street_id, offset, limit):
        found = [
            o
            for o in self.organizations_.values()
            if (not community_id or o.community_id == community_id)
            and (not street_id or o.street_id == street_id)
        ]
        return [self._counted(o) for o in sorted(found, key=lambda o: o.id)[offset : offset + limit]]


class FakeRefreshTokens:
    """Keeps the SQL adapter's guard: a token is used or ended at most once (a conditional UPDATE)."""

    def __init__(self):
        self.rows: dict[str, RefreshToken] = {}

    def add(self, token):
        self.rows[token.token_hash] = token

    def get(self, token_hash):
        return self.rows.get(token_hash)

    def use(self, token_hash, now):
        found = self.rows.get(token_hash)
        if found is None or found.used_at is not None or found.revoked_at is not None:
            return False
        self.rows[token_hash] = replace(found, used_at=now)
        return True

    def revoke_family(self, family_id, now):
        self._revoke(lambda t: t.family_id == family_id, now)

    def revoke_member(self, member_id, now):
        self._revoke(lambda t: t.member_id == member_id, now)

    def forget_expired(self, member_id, now):
        self.rows = {
            h: t for h, t in self.rows.items() if not (t.member_id == member_id and t.expires_at <= now)
        }

    def _revoke(self, which, now):
        for token_hash, token in list(self.rows.items()):
            if which(token) and token.revoked_at is None:
                self.rows[token_hash] = replace(token, revoked_at=now)


class FakeRoleChanges:
    def __init__(self):
        self.rows = []

    def add(self, change):
        self.rows.append(change)

    def list(self, where, offset, limit):
        found = [
            c
            for c in self.rows
            if c.community_id == where.community_id
            and c.kind in where.kinds
            and (where.created_after is None or c.occurred_at >= where.created_after)
            and (where.created_before is None or c.occurred_at < where.created_before)
        ]
        return sorted(found, key=lambda c: (c.occurred_at, c.id), reverse=True)[offset : offset + limit]


class FakeUnitOfWork(FakeTransactions):
    """Keeps state across transactions; a transaction that is not committed leaves no trace.
    At commit it sends what the aggregates recorded through the service's own outbox adapter."""

    to_message = outbox_messages.to_message
    STATE = ("members", "directory", "refresh_tokens", "role_changes", "outbox", "idempotency")

    def __init__(self):
        self.members = FakeMembers()
        self.directory = FakeDirectory(self.members)
        self.refresh_tokens = FakeRefreshTokens()
        self.role_changes = FakeRoleChanges()
        self.outbox = FakeOutbox()
        self.idempotency = FakeIdempotency()


class FakePasswords:
    def hash(self, password: str) -> str:
        return "fake$" + hashlib.sha256(password.encode()).hexdigest()

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == self.hash(password)


class FakeTokens:
    """Access tokens that name their member and a serial; `issued` keeps the identity each carries."""

    def __init__(self):
        self.issued: dict[str, Caller] = {}

    def issue(self, caller):
        from datetime import UTC, datetime, timedelta

        token = f"token-for-{caller.member_id}-{len(self.issued)}"
        self.issued[token] = caller
        return token, datetime.now(UTC) + timedelta(minutes=15)


def _matches(query: str, member, whole_phone: bool) -> bool:
    """As the SQL repository: part of the name, its last four digits, or (if allowed) the whole phone."""
    tail = len(query) == 4 and query.isdigit() and member.phone.endswith(query)
    return query in member.name or (whole_phone and member.phone == query) or tail
