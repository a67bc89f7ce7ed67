"""What shop staff do at the counter: look up the order a volunteer presents, hand it over (核销)."""

from __future__ import annotations

from datetime import timedelta

from jifen.ids import new_id

from . import translate, views
from .calendar import LOCAL
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session, require


def find(services: Services, session: Session, code: str = "", qr: str = "") -> views.Order:
    """The order behind a code or a scanned QR, so staff see who and what before they hand it over."""
    require(session.is_staff, session)
    code, qr = _presented(session, code, qr)
    return translate.order(services.market.find_pickup(session.credentials, code, qr))


def confirm(
    services: Services, session: Session, code: str = "", qr: str = "", request_id: str = ""
) -> views.Order:
    require(session.is_staff, session)
    code, qr = _presented(session, code, qr)
    found = services.market.confirm(session.credentials, request_id or new_id(), code, qr)
    return translate.order(found)


def pickups(
    services: Services, session: Session, days: int = 30
) -> tuple[list[views.Order], list[views.Order]]:
    """(collected today, the shop's orders of the last `days` days), newest first."""
    require(session.is_staff, session)
    now = services.clock()
    found = services.market.orders(
        session.credentials, shop_id=session.shop_id, created_after=now - timedelta(days=days)
    )
    history = [translate.order(o) for o in found]
    today = now.astimezone(LOCAL).date()
    collected_today = [
        o for o in history if o.collected_at is not None and o.collected_at.astimezone(LOCAL).date() == today
    ]
    return collected_today, history


def _presented(session: Session, code: str, qr: str) -> tuple[str, str]:
    code, qr = "".join((code or "").split()), (qr or "").strip()
    if not code and not qr:
        raise ActionError(Kind.INVALID, session.gettext("请输入 8 位核销码"), "pickup_code")
    return (code, "") if code else ("", qr)
