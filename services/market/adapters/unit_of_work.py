"""The market unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import Connection

from jifen.unit_of_work import SqlUnitOfWork

from .catalog_repository import SqlItems, SqlShops, SqlStockChanges
from .people_repository import SqlPeople
from .redemptions_repository import SqlRedemptions, SqlSecrets


class MarketUnitOfWork(SqlUnitOfWork):
    producer = "market"

    def _open(self, connection: Connection) -> None:
        self.people = SqlPeople(connection)
        self.shops = SqlShops(connection)
        self.items = SqlItems(connection)
        self.stock_changes = SqlStockChanges(connection)
        self.redemptions = SqlRedemptions(connection)
        self.secrets = SqlSecrets(connection)
