"""Pictures of goods, served from the market service, so every gateway replica answers the same.
A new picture gets a new address, so browsers keep one for a year without asking again."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from ..service import admin_market
from ..service.session import Session
from .context import gateway, session

router = APIRouter(include_in_schema=False)


@router.get("/media/items/{image_id}")
def item_image(request: Request, image_id: str, me: Session = Depends(session)):
    headers = {"Cache-Control": "private, max-age=31536000, immutable", "ETag": f'"{image_id}"'}
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    content_type, data = admin_market.image(gateway(request).services, me, image_id)
    return Response(data, media_type=content_type, headers=headers)
