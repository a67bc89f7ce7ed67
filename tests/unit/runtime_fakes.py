"""In-memory stand-ins for the runtime parts every unit of work carries: transactions, outbox, idempotency."""

from __future__ import annotations

import copy

from jifen.domain_events import RecordsEvents
from jifen.errors import Conflict


class FakeTransactions(RecordsEvents):
    """The transaction half of every fake unit of work. The parts named in STATE are copied when a
    transaction starts and put back unless it commits, so an uncommitted transaction leaves no trace.
    As in the SQL unit of work, every part with a `seen` list gets the transaction's, and the commit
    sends what the aggregates recorded through the service's outbox adapter (`to_message`)."""

    STATE: tuple[str, ...] = ()
    commits = 0
    _snapshot = None

    def __enter__(self):
        self._snapshot = copy.deepcopy([getattr(self, name) for name in self.STATE])
        self.start_recording()
        for name in self.STATE:
            part = getattr(self, name)
            if hasattr(part, "seen"):
                part.seen = self.seen
        return self

    def commit(self):
        self.send_recorded(self.outbox)
        self._snapshot = None
        self.commits += 1

    def __exit__(self, *exc):
        if self._snapshot is not None:
            for name, value in zip(self.STATE, self._snapshot, strict=True):
                setattr(self, name, value)
        self._snapshot = None

    @property
    def event_types(self) -> list[str]:
        return [t for t, _ in self.outbox.events]


class FakeOutbox:
    def __init__(self):
        self.events: list[tuple[str, object]] = []

    def add(self, event_type, message, occurred_at=None):
        self.events.append((event_type, message))


class FakeIdempotency:
    def __init__(self):
        self.rows: dict[tuple[str, str], tuple[str, dict]] = {}

    def find(self, operation, request_id):
        return self.rows.get((operation, request_id))

    def record(self, operation, request_id, digest, result):
        # The table's primary key: a second record of one request is a race the use case lost.
        if (operation, request_id) in self.rows:
            raise Conflict(f"idempotency record {operation} {request_id} exists")
        self.rows[(operation, request_id)] = (digest, result)


class DatabaseGone(Exception):
    """What the fake database raises once it is gone."""


class GoneAfterCommit:
    """A fake unit of work whose database goes away the moment a transaction commits: any later
    read, write or new transaction raises. A use case must answer from what it committed."""

    def __init__(self, uow):
        object.__setattr__(self, "_uow", uow)
        object.__setattr__(self, "gone", False)

    def __getattr__(self, name):
        if self.gone:
            raise DatabaseGone(f"uow.{name} after the commit")
        return getattr(self._uow, name)

    def __setattr__(self, name, value):
        setattr(self._uow, name, value)

    def __enter__(self):
        if self.gone:
            raise DatabaseGone("a new transaction after the commit")
        self._uow.__enter__()
        return self

    def commit(self):
        self._uow.commit()
        object.__setattr__(self, "gone", True)

    def __exit__(self, *exc):
        return self._uow.__exit__(*exc)


class FakeMembersDirectory:
    """The members service as points or the market asks it directly: the communities it has, every
    member id, or no answer at all (`reachable = False` raises the service's own `unavailable`)."""

    def __init__(self, unavailable: type[Exception], communities, member_ids: tuple[str, ...] = ()):
        self.unavailable = unavailable
        self.communities = {c.id: c for c in communities}
        self.ids = member_ids
        self.reachable = True

    def _answer(self):
        if not self.reachable:
            raise self.unavailable("members UNAVAILABLE")

    def community(self, community_id):
        self._answer()
        return self.communities.get(community_id)

    def communities_of_street(self, street_id):
        self._answer()
        return [c for c in self.communities.values() if c.street_id == street_id]

    def member_ids(self, registered_before):
        self._answer()
        return list(self.ids)


class FakeMemberCopies:
    """The copy of members and communities (jifen.member_copy_repository) as points or the market keeps it."""

    def __init__(self):
        self.member_rows = {}
        self.community_rows = {}

    def member(self, member_id, lock=False):
        return self.member_rows.get(member_id)

    def members(self, member_ids):
        return {i: self.member_rows[i] for i in member_ids if i in self.member_rows}

    def put_member(self, member):
        self.member_rows[member.id] = member

    def names(self, member_ids):
        return {i: self.member_rows[i].name for i in member_ids if i in self.member_rows}

    def staff_of(self, shops):
        return {
            shop.id: tuple(
                sorted(
                    m.id
                    for m in self.member_rows.values()
                    if m.staff_shop_id == shop.id and m.active and m.community_id == shop.community_id
                )
            )
            for shop in shops
        }

    def community(self, community_id):
        return self.community_rows.get(community_id)

    def communities_of_street(self, street_id):
        return sorted(c.id for c in self.community_rows.values() if c.street_id == street_id)

    def put_community(self, community):
        self.community_rows[community.id] = community
