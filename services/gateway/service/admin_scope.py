"""Which communities an admin looks after: their own, or every community of their street.
Every admin page and call starts here, so no admin reaches a community that is not theirs."""

from __future__ import annotations

from jifen.caller import ADMIN

from . import views
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session, require


def communities(services: Services, session: Session) -> list[views.Community]:
    """The communities this admin looks after, each with its name."""
    require(session.is_admin, session)
    found: dict[str, views.Community] = {}
    for grant in session.caller.grants:
        if grant.role != ADMIN:
            continue
        if grant.street_id:
            for c in services.members.communities(session.credentials, grant.street_id):
                found[c.community_id] = views.Community(community_id=c.community_id, name=c.name)
        elif grant.community_id and grant.community_id not in found:
            found[grant.community_id] = views.Community(community_id=grant.community_id, name="")
    return list(found.values())


def chosen(services: Services, session: Session, community_id: str) -> tuple[list[views.Community], str]:
    """The admin's communities and the one they asked for (their first when they asked for none);
    FORBIDDEN when they asked for a community that is not theirs."""
    mine = communities(services, session)
    if not mine:
        raise ActionError(Kind.FORBIDDEN, session.gettext("您没有权限打开这个页面"))
    picked = community_id or mine[0].community_id
    if picked not in {c.community_id for c in mine}:
        raise ActionError(Kind.FORBIDDEN, session.gettext("您只能查看自己管理的社区"))
    return mine, picked
