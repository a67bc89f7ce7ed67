"""The dashboard's sums over collected redemptions (see service/reports.py).

Each row is put in its month by a CASE over the months' UTC edges and grouped on that, so the same
SQL runs on PostgreSQL and on the embedded SQLite and no redemption leaves the database.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.months import Month

from ..domain.redemption import COLLECTED
from ..service.reports import Scope, ShopMonth, TopGood
from .tables import communities, items, redemptions, shops

_POINTS = redemptions.c.quantity * redemptions.c.unit_points


def _collected(scope: Scope, months: list[Month]) -> list:
    if scope.community_id:
        place = redemptions.c.community_id == scope.community_id
    else:
        place = redemptions.c.community_id.in_(
            sa.select(communities.c.id).where(communities.c.street_id == scope.street_id)
        )
    return [
        place,
        redemptions.c.status == COLLECTED,
        redemptions.c.collected_at >= months[0].start,
        redemptions.c.collected_at < months[-1].end,
    ]


class SqlReportSums:
    def __init__(self, connection: Connection):
        self.connection = connection

    def shop_months(self, scope: Scope, months: list[Month]) -> list[ShopMonth]:
        month = sa.case(
            *[(redemptions.c.collected_at < m.end, index) for index, m in enumerate(months)], else_=-1
        ).label("month")
        query = (
            sa.select(
                redemptions.c.shop_id,
                month,
                sa.func.count(),
                sa.func.sum(redemptions.c.quantity),
                sa.func.sum(_POINTS),
            )
            .where(*_collected(scope, months))
            .group_by(redemptions.c.shop_id, month)
        )
        rows = self.connection.execute(query).all()
        names = dict(
            self.connection.execute(
                sa.select(shops.c.id, shops.c.name).where(shops.c.id.in_({r[0] for r in rows}))
            ).all()
        )
        found = [
            ShopMonth(shop_id, names.get(shop_id, ""), months[index].label, int(n), int(units), int(points))
            for shop_id, index, n, units, points in rows
        ]
        return sorted(found, key=lambda s: (s.month, s.shop_name, s.shop_id))

    def top_goods(self, scope: Scope, months: list[Month], limit: int) -> list[TopGood]:
        units = sa.func.sum(redemptions.c.quantity)
        points = sa.func.sum(_POINTS)
        sums = (
            sa.select(redemptions.c.item_id, units.label("units"), points.label("points"))
            .where(*_collected(scope, months))
            .group_by(redemptions.c.item_id)
            .order_by(units.desc(), points.desc(), redemptions.c.item_id)
            .limit(limit)
            .subquery()
        )
        query = (
            sa.select(sums.c.item_id, items.c.name, items.c.shop_id, sums.c.units, sums.c.points)
            .select_from(sums.join(items, items.c.id == sums.c.item_id))
            .order_by(sums.c.units.desc(), sums.c.points.desc(), sums.c.item_id)
        )
        return [
            TopGood(item_id, name, shop_id, int(u), int(p))
            for item_id, name, shop_id, u, p in self.connection.execute(query)
        ]
