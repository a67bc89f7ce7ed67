"""What the needs use cases answer with: a need with the names a reader needs, and the report's counts."""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.need import Need
from ..ports import UnitOfWork


@dataclass(frozen=True)
class NeedView:
    need: Need
    status: str
    # member id -> name, for the claims and notes.
    names: dict[str, str]
    caller_claimed: bool
    awarded: tuple[str, ...] = ()


def need_view(uow: UnitOfWork, need: Need, caller_id: str, awarded: tuple[str, ...] = ()) -> NeedView:
    ids = sorted({c.member_id for c in need.claims} | {n.member_id for n in need.notes})
    names = {i: m.name for i, m in uow.people.members(ids).items()} if ids else {}
    return NeedView(need, need.status, names, need.claim_of(caller_id) is not None, awarded)


@dataclass(frozen=True)
class Count:
    key: str
    posted: int = 0
    claimed: int = 0
    closed: int = 0


@dataclass(frozen=True)
class NeedsReport:
    total: Count
    by_unit: list[Count]
    by_grid: list[Count]
