"""Pictures of goods: an admin of the item's community uploads one, any member sees it.

The market keeps the bytes, so any web app replica serves the same picture; a new upload is a new
image (its own id), so a served picture never changes and browsers may keep it for good.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from jifen.clock import Clock, utcnow
from jifen.errors import NotFound
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain.catalog import Item
from ...domain.item_image import ItemImage, content_type
from ..lookups import known_item
from ..ports import UnitOfWork
from ..scope import require_admin
from .commands import UploadItemImage


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_item_image(cmd: UploadItemImage, uow: UnitOfWork, clock: Clock = utcnow) -> tuple[Item, str]:
    return _keep_image(cmd, uow, content_type(cmd.image), clock)


def _uploaded(uow: UnitOfWork, ref: dict) -> tuple[Item, str]:
    return known_item(uow, ref["item_id"]), ref["image_id"]


@idempotent("market.UploadItemImage", view=_uploaded)
def _keep_image(cmd: UploadItemImage, uow: UnitOfWork, kind: str, clock: Clock) -> dict:
    item = known_item(uow, cmd.item_id)
    require_admin(cmd.actor, uow, item.community_id)
    now = clock()
    image = ItemImage(
        id=new_id(),
        item_id=item.id,
        content_type=kind,
        data=cmd.image,
        sha256=cmd.sha256,
        uploaded_by=cmd.actor.member_id,
        created_at=now,
    )
    uow.item_images.add(image)
    uow.items.save_details(item.id, replace(item.details, image_url=image.url), now)
    return {"item_id": item.id, "image_id": image.id}


def get_item_image(image_id: str, uow: UnitOfWork) -> ItemImage:
    with uow:
        found = uow.item_images.get(image_id.strip()) if image_id.strip() else None
    if found is None:
        raise NotFound("没有找到这张图片", "no such picture")
    return found
