"""The market unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from jifen.unit_of_work import SqlUnitOfWork

from ..domain.pickup import PickupKey
from ..service.ports import Directory
from . import outbox_messages
from .catalog_repository import SqlItems, SqlShops, SqlStockChanges
from .item_images_repository import SqlItemImages
from .people_repository import SqlPeople
from .redemptions_repository import SqlRedemptions, SqlSecrets
from .report_queries import SqlReportSums
from .slots_repository import SqlServiceSlots


class MarketUnitOfWork(SqlUnitOfWork):
    producer = "market"
    to_message = staticmethod(outbox_messages.to_message)

    def __init__(
        self, engine: Engine, directory: Directory | None = None, pickup_keys: tuple[PickupKey, ...] = ()
    ):
        super().__init__(engine)
        self.directory = directory
        self.pickup_keys = pickup_keys

    def _open(self, connection: Connection) -> None:
        self.people = SqlPeople(connection)
        self.shops = SqlShops(connection)
        self.items = SqlItems(connection)
        self.service_slots = SqlServiceSlots(connection)
        # These note what they write in `seen`: its events go out at commit.
        self.stock_changes = SqlStockChanges(connection, self.seen)
        self.item_images = SqlItemImages(connection)
        self.redemptions = SqlRedemptions(connection, self.seen)
        self.report_sums = SqlReportSums(connection)
        self.secrets = SqlSecrets(connection, self.pickup_keys)
