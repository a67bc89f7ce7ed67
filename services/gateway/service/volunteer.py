"""What a volunteer does: see their points and hours, take part in activities, redeem goods."""

from __future__ import annotations

from datetime import timedelta

from jifen.ids import new_id

from . import translate, views
from .calendar import month_bounds, month_of, shift_month
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session


def home(services: Services, session: Session) -> views.Home:
    who = session.credentials
    balance = services.points.balance(who)
    now = services.clock()
    month = month_of(now)
    rank, ranked = 0, 0
    if session.caller.community_id:
        year, number = (int(part) for part in month.split("-"))
        board = services.points.month_rank(who, session.caller.community_id, year, number)
        rank = board.caller.rank if board.HasField("caller") else 0
        ranked = board.total_members
    certified, to_next = translate.certified_hours(balance)
    return views.Home(
        name=session.caller.name,
        available=balance.available,
        held=balance.held,
        next_expiry_points=balance.next_expiry_points,
        next_expiry_at=translate.when(balance, "next_expiry_at"),
        certified_hours=certified,
        star_level=balance.star_level,
        hours_to_next_star=to_next,
        rank=rank,
        ranked_members=ranked,
        month=month,
    )


def statement(services: Services, session: Session, month: str = "") -> views.Statement:
    this_month = month_of(services.clock())
    month = month or this_month
    start, end = month_bounds(month)
    entries: list[views.Entry] = []
    token = ""
    # A month of one volunteer is a few dozen entries; the page cap only guards against a runaway loop.
    for _ in range(20):
        page = services.points.entries(session.credentials, start, end, token)
        entries += [translate.entry(e) for e in page.entries]
        token = page.next_page_token
        if not token:
            break
    return views.Statement(
        month=month,
        this_month=this_month,
        previous_month=shift_month(month, -1),
        next_month=shift_month(month, 1),
        entries=entries,
    )


def activities(services: Services, session: Session) -> list[views.Activity]:
    """Activities not over yet, soonest first: those under way today still take check-ins."""
    now = services.clock()
    found = services.points.activities_starting_after(
        session.credentials, session.caller.community_id, now - timedelta(days=1)
    )
    shown = [translate.activity(a) for a in found]
    return sorted((a for a in shown if a.end_time and a.end_time > now), key=lambda a: a.start_time or now)


def activity(services: Services, session: Session, activity_id: str) -> views.Activity:
    return translate.activity(services.points.activity(session.credentials, activity_id))


def sign_up(services: Services, session: Session, activity_id: str, request_id: str = "") -> views.Activity:
    found = services.points.sign_up(session.credentials, request_id or new_id(), activity_id)
    return translate.activity(found)


def withdraw(services: Services, session: Session, activity_id: str, request_id: str = "") -> views.Activity:
    found = services.points.withdraw(session.credentials, request_id or new_id(), activity_id)
    return translate.activity(found)


def check_in(
    services: Services,
    session: Session,
    activity_id: str,
    code: str,
    request_id: str = "",
    qr_token: str = "",
) -> views.Participation:
    code, qr_token = _proof(code, qr_token, session)
    found = services.points.check_in(session.credentials, request_id or new_id(), activity_id, code, qr_token)
    return translate.participation(found)


def check_out(
    services: Services,
    session: Session,
    activity_id: str,
    code: str,
    request_id: str = "",
    qr_token: str = "",
) -> views.Participation:
    code, qr_token = _proof(code, qr_token, session)
    who, request_id = session.credentials, request_id or new_id()
    answer = services.points.check_out(who, request_id, activity_id, code, qr_token)
    return translate.participation(answer.participant, answer.hour_record.minutes)


def my_hours(services: Services, session: Session) -> list[views.HourRecord]:
    records = services.points.hour_records(session.credentials, session.member_id)
    return [translate.hour_record(r) for r in records]


def supermarket(services: Services, session: Session) -> tuple[int, list[views.Item]]:
    """The goods of my community's shops, each marked with whether I can afford it now."""
    available = services.points.balance(session.credentials).available
    found = services.market.items(session.credentials, session.caller.community_id)
    items = [with_slots(services, session, translate.item(i, available)) for i in found]
    return available, sorted(items, key=lambda i: (not i.affordable, i.points_price))


def item(services: Services, session: Session, item_id: str) -> tuple[int, views.Item]:
    available = services.points.balance(session.credentials).available
    found = translate.item(services.market.item(session.credentials, item_id), available)
    return available, with_slots(services, session, found)


def with_slots(services: Services, session: Session, item: views.Item) -> views.Item:
    """A service with its slots not yet over (goods as they are)."""
    if not item.is_service:
        return item
    slots = [translate.slot(s) for s in services.market.slots(session.credentials, item.item_id)]
    return item.model_copy(update={"slots": slots})


def redeem(
    services: Services,
    session: Session,
    item_id: str,
    quantity: int,
    request_id: str,
    for_member: str = "",
    slot_id: str = "",
) -> views.Order:
    if not 1 <= quantity <= 99:
        raise ActionError(Kind.INVALID, session.gettext("数量应在 1 到 99 之间"), "quantity")
    if not request_id:
        raise ActionError(Kind.INVALID, session.gettext("请从兑换确认页提交"))
    placed = services.market.place(session.credentials, request_id, item_id, quantity, for_member, slot_id)
    return translate.order(placed)


def orders(services: Services, session: Session) -> list[views.Order]:
    found = services.market.orders(session.credentials, member_id=session.member_id)
    return [translate.order(o) for o in found]


def order(services: Services, session: Session, redemption_id: str) -> views.Order:
    return translate.order(services.market.order(session.credentials, redemption_id))


def pickup_qr(services: Services, session: Session, redemption_id: str) -> bytes:
    return services.market.qr_svg(session.credentials, redemption_id)


def new_pickup_code(services: Services, session: Session, redemption_id: str, request_id: str) -> views.Order:
    return translate.order(
        services.market.reissue(session.credentials, request_id or new_id(), redemption_id)
    )


def cancel(
    services: Services, session: Session, redemption_id: str, reason: str, request_id: str = ""
) -> views.Order:
    reason = (reason or "").strip() or session.gettext("本人取消")
    found = services.market.cancel(session.credentials, request_id or new_id(), redemption_id, reason)
    return translate.order(found)


def change_password(
    services: Services, session: Session, current: str, new: str, repeated: str, request_id: str = ""
) -> views.Done:
    if new != repeated:
        raise ActionError(Kind.INVALID, session.gettext("两次输入的新密码不一致"), "new_password")
    services.members.change_password(
        session.credentials, request_id or new_id(), session.member_id, current, new
    )
    return views.Done(message=session.gettext("密码已修改"))


def proxy_redemption_allowed(services: Services, session: Session) -> bool:
    """Whether a grid worker of the member's grid may redeem for them (代兑换)."""
    return not services.members.member(session.credentials, session.member_id).proxy_redemption_refused


def set_proxy_redemption(
    services: Services, session: Session, allowed: bool, request_id: str = ""
) -> views.Done:
    services.members.set_proxy_redemption(
        session.credentials, request_id or new_id(), session.member_id, not allowed
    )
    if allowed:
        return views.Done(message=session.gettext("已允许网格员为您代兑换"))
    return views.Done(message=session.gettext("已关闭代兑换：网格员不能再为您兑换"))


def _proof(code: str, qr_token: str, session: Session) -> tuple[str, str]:
    """(code, qr_token): digits typed win over the token of a scanned link, which may have expired."""
    code = "".join((code or "").split())
    if code:
        return code, ""
    qr_token = (qr_token or "").strip()
    if not qr_token:
        raise ActionError(Kind.INVALID, session.gettext("请输入签到码"), "code")
    return "", qr_token
