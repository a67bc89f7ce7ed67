"""What a community or street admin does with people: find them, and open one member's record."""

from __future__ import annotations

from datetime import timedelta

from jifen.members.v1 import members_pb2 as mpb

from . import admin_scope, translate, views
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session, require

ROLES = {
    "volunteer": mpb.ROLE_VOLUNTEER,
    "staff": mpb.ROLE_STAFF,
    "admin": mpb.ROLE_ADMIN,
    "grid_worker": mpb.ROLE_GRID_WORKER,
}
STATUSES = {"active": mpb.MEMBER_STATUS_ACTIVE, "deactivated": mpb.MEMBER_STATUS_DEACTIVATED}
ROLE_NAMES = {value: key for key, value in ROLES.items()}


def people(
    services: Services, session: Session, community_id: str, query: str = "", role: str = "", status: str = ""
) -> views.People:
    """Members of one community the admin looks after, found by name or phone, role and status."""
    mine, chosen = admin_scope.chosen(services, session, community_id)
    if role and role not in ROLES:
        raise ActionError(Kind.INVALID, session.gettext("请选择列表中的角色"), "role")
    if status and status not in STATUSES:
        raise ActionError(Kind.INVALID, session.gettext("请选择列表中的状态"), "status")
    answer = services.members.community_members(
        session.credentials, chosen, (query or "").strip()[:40], ROLES.get(role, 0), STATUSES.get(status, 0)
    )
    return views.People(
        communities=mine,
        community_id=chosen,
        query=query,
        role=role,
        status=status,
        members=[_person(m) for m in answer.members],
        more=bool(answer.next_page_token),
    )


def person(services: Services, session: Session, member_id: str) -> views.MemberRecord:
    """One member as their admin sees them: who, their points and hours, and this month's statement."""
    require(session.is_admin, session)
    who = session.credentials
    member = services.members.member(who, member_id)
    balance = services.points.balance(who, member_id)
    now = services.clock()
    entries = services.points.entries(who, now - timedelta(days=90), now, member_id=member_id).entries
    certified, to_next = translate.certified_hours(balance)
    return views.MemberRecord(
        person=_person(member),
        available=balance.available,
        held=balance.held,
        certified_hours=certified,
        star_level=balance.star_level,
        hours_to_next_star=to_next,
        entries=[translate.entry(e) for e in entries],
        hours=[translate.hour_record(r) for r in services.points.hour_records(who, member_id)],
    )


def _person(member: mpb.Member) -> views.Member:
    return views.Member(
        member_id=member.member_id,
        name=member.name,
        phone=member.phone,
        community_id=member.community_id,
        grid_id=member.grid_id,
        roles=sorted({ROLE_NAMES.get(g.role, "") for g in member.roles} - {""}),
        active=member.status == mpb.MEMBER_STATUS_ACTIVE,
    )
