"""The organiser's check-in screen, for a phone or a projector at the activity."""

from __future__ import annotations

import segno
from fastapi import APIRouter, Depends, Request
from markupsafe import Markup

from ..service import organiser
from ..service.session import Session
from .context import gateway, session
from .render import render

router = APIRouter(include_in_schema=False)


@router.get("/activities/{activity_id}/screen")
def screen(request: Request, activity_id: str, me: Session = Depends(session)):
    found = organiser.check_in_screen(gateway(request).services, me, activity_id, str(request.base_url))
    # Drawn into the page itself, so the code and its QR always belong to the same moment.
    qr = Markup(
        segno.make(found.check_in_url, error="m").svg_inline(
            scale=8, border=2, title=found.code, omitsize=True
        )
    )
    return render(request, "screen.html", me, screen=found, qr=qr)
