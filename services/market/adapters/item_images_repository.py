"""Pictures of goods over SQLAlchemy Core."""

from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.clock import as_utc

from ..domain.item_image import ItemImage
from .tables import item_images


class SqlItemImages:
    def __init__(self, connection: Connection):
        self.connection = connection

    def add(self, image: ItemImage) -> None:
        self.connection.execute(item_images.insert().values(**asdict(image)))

    def get(self, image_id: str) -> ItemImage | None:
        row = self.connection.execute(sa.select(item_images).where(item_images.c.id == image_id)).first()
        if row is None:
            return None
        return ItemImage(**{**row._mapping, "data": bytes(row.data), "created_at": as_utc(row.created_at)})
