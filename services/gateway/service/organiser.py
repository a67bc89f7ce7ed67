"""The organiser's check-in screen: the rotating code, large, with a QR that opens the check-in page.

The QR's link carries the token points signs for the activity and the current window, not the
digits: a token cannot be guessed, so scanning is not slowed by the limit on typed codes.
"""

from __future__ import annotations

from urllib.parse import urlencode

from . import translate, views
from .gateway import Services
from .session import Session


def check_in_screen(
    services: Services, session: Session, activity_id: str, base_url: str
) -> views.CheckInScreen:
    who = session.credentials
    activity = services.points.activity(who, activity_id)
    answer = services.points.check_in_code(who, activity_id)
    expires_at = translate.when(answer, "expires_at")
    now = services.clock()
    # Refresh a little after the code turns, so the screen never shows a stale code for long.
    left = int((expires_at - now).total_seconds()) + 1 if expires_at else 15
    query = urlencode({"token": answer.qr_payload})
    return views.CheckInScreen(
        activity_id=activity_id,
        title=activity.title,
        code=answer.code,
        expires_at=expires_at,
        check_in_url=f"{base_url.rstrip('/')}/activities/{activity_id}/check-in?{query}",
        refresh_seconds=max(3, min(left, 30)),
    )
