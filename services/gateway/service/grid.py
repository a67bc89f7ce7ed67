"""What a grid worker does: find a volunteer of their grid and redeem for them (代兑换)."""

from __future__ import annotations

from . import translate, views
from .gateway import Services
from .session import Session, require
from .volunteer import redeem, with_slots


def volunteers(services: Services, session: Session, query: str = "") -> list[views.Volunteer]:
    require(session.is_grid_worker, session)
    found = []
    for grid_id in session.grid_ids:
        found += services.members.grid_members(session.credentials, grid_id, (query or "").strip())
    return [
        views.Volunteer(member_id=m.member_id, name=m.name, phone=m.phone, grid_id=m.grid_id) for m in found
    ]


def volunteer(services: Services, session: Session, member_id: str) -> views.Volunteer:
    require(session.is_grid_worker, session)
    found = services.members.member(session.credentials, member_id)
    return views.Volunteer(
        member_id=found.member_id, name=found.name, phone=found.phone, grid_id=found.grid_id
    )


def redeem_for(
    services: Services,
    session: Session,
    member_id: str,
    item_id: str,
    quantity: int,
    request_id: str,
    slot_id: str = "",
) -> views.Order:
    require(session.is_grid_worker, session)
    return redeem(services, session, item_id, quantity, request_id, for_member=member_id, slot_id=slot_id)


def goods_for(
    services: Services, session: Session, member_id: str
) -> tuple[views.Volunteer, int, list[views.Item]]:
    """The volunteer, their points, and the goods of the community marked with what they can afford."""
    person = volunteer(services, session, member_id)
    available = services.points.balance(session.credentials, member_id).available
    found = services.market.items(session.credentials, session.caller.community_id)
    return person, available, [with_slots(services, session, translate.item(i, available)) for i in found]


def item_for(
    services: Services, session: Session, member_id: str, item_id: str
) -> tuple[views.Volunteer, int, views.Item]:
    person = volunteer(services, session, member_id)
    available = services.points.balance(session.credentials, member_id).available
    found = translate.item(services.market.item(session.credentials, item_id), available)
    return person, available, with_slots(services, session, found)
