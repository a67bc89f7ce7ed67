"""The points unit of work, composed of the capabilities' ports, and the member copy every capability reads.

Each capability's own ports live beside its use cases (ledger/ports.py, rules/ports.py,
leaderboards/ports.py, ...).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, Self

from jifen.domain_events import Happenings

from ..domain.people import CommunityCopy, MemberCopy
from .ledger.ports import Ledger
from .rules.ports import RuleRepository


class People(Protocol):
    """Members and communities as the members service announced them."""

    def member(self, member_id: str) -> MemberCopy | None: ...
    def members(self, member_ids: list[str]) -> dict[str, MemberCopy]: ...
    def put_member(self, member: MemberCopy) -> None: ...
    def community(self, community_id: str) -> CommunityCopy | None: ...
    def put_community(self, community: CommunityCopy) -> None: ...


class MembersUnavailable(Exception):
    """The members service did not answer; nothing can be said about what it knows."""


class Directory(Protocol):
    """The members service asked directly, for what its events have not brought yet, and for the audit.

    Raises MembersUnavailable when members does not answer.
    """

    def community(self, community_id: str) -> CommunityCopy | None: ...
    def communities_of_street(self, street_id: str) -> list[CommunityCopy]: ...
    def member_ids(self, registered_before: datetime) -> list[str]: ...
    def partner_unit(self, member_id: str, organization_id: str, street_id: str) -> str | None:
        """The name of the partner unit the member belongs to, or None when they do not belong to it."""
        ...


class UnitOfWork(Protocol):
    people: People
    ledger: Ledger
    rules: RuleRepository
    # The activity, hour-record, leaderboard, report and audit-trail ports live beside their use
    # cases (activities/, hours/, leaderboards/ports.py, reports.py, audit_trail.py).
    activities: object
    hours: object
    leaderboard_sums: object
    report_sums: object
    audit_trail: object
    # The needs list and the resource list (needs/ports.py).
    needs: object
    resources: object
    certificates: object
    # What a use case did that belongs to no single aggregate; sent with the aggregates' events at commit.
    happenings: Happenings
    # Set in the api: a community or street created a moment ago is read through from members.
    directory: Directory | None

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc) -> None: ...
    def commit(self) -> None: ...
