"""The dashboard's redemption figures of a community or a street, summed by the database (report_sums).

A redemption counts when it is collected (handed over at the counter), in the month of its
collection; its points are quantity × unit points as redeemed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from jifen.caller import Caller
from jifen.errors import InvalidArgument, denied
from jifen.months import Month, month_range

from .lookups import known_community
from .ports import UnitOfWork
from .scope import require_admin

DEFAULT_TOP_N = 10
MAX_TOP_N = 100


@dataclass(frozen=True)
class Scope:
    """Exactly one is set: one community, or every community of a street."""

    community_id: str = ""
    street_id: str = ""


@dataclass(frozen=True)
class ShopMonth:
    shop_id: str
    shop_name: str
    month: str
    collected: int
    units: int
    points: int


@dataclass(frozen=True)
class TopGood:
    item_id: str
    item_name: str
    shop_id: str
    units: int
    points: int


class ReportSums(Protocol):
    def shop_months(self, scope: Scope, months: list[Month]) -> list[ShopMonth]: ...
    def top_goods(self, scope: Scope, months: list[Month], limit: int) -> list[TopGood]: ...


@dataclass(frozen=True)
class GetRedemptionSummary:
    actor: Caller
    community_id: str
    street_id: str
    from_month: str
    to_month: str
    top_n: int = 0


def _top_n(value: int) -> int:
    if value == 0:
        return DEFAULT_TOP_N
    if not 1 <= value <= MAX_TOP_N:
        raise InvalidArgument(
            "top_n", f"排行数量须在 1 到 {MAX_TOP_N} 之间", f"must be between 1 and {MAX_TOP_N}"
        )
    return value


def _scope(actor: Caller, uow: UnitOfWork, community_id: str, street_id: str) -> Scope:
    if bool(community_id) == bool(street_id):
        raise InvalidArgument(
            "community_id",
            "请指定一个社区或一个街道（只能选其一）",
            "give exactly one of community_id and street_id",
        )
    if street_id:
        if not actor.administers_street(street_id):
            raise denied()
        return Scope(street_id=street_id)
    known_community(uow, community_id)
    require_admin(actor, uow, community_id)
    return Scope(community_id=community_id)


def redemption_summary(query: GetRedemptionSummary, uow: UnitOfWork) -> tuple[list[ShopMonth], list[TopGood]]:
    months = month_range(query.from_month, query.to_month)
    limit = _top_n(query.top_n)
    with uow:
        scope = _scope(query.actor, uow, query.community_id, query.street_id)
        sums: ReportSums = uow.report_sums
        return sums.shop_months(scope, months), sums.top_goods(scope, months, limit)
