"""The audit trail an admin reads: awards, commendations, adjustments and rule publications of a
community they administer, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen import paging
from jifen.caller import Caller
from jifen.errors import InvalidArgument
from jifen.timestamps import created_window

from ..domain.audit_trail import AUDIT_KINDS, AuditEvent, AuditFilter
from .lookups import known_community
from .ports import UnitOfWork
from .scope import require_admin_of


@dataclass(frozen=True)
class ListAuditEvents:
    actor: Caller
    community_id: str = ""
    kinds: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    page_size: int = 0
    page_token: str = ""


def list_audit_events(query: ListAuditEvents, uow: UnitOfWork) -> tuple[list[AuditEvent], str]:
    page = paging.page(query.page_size, query.page_token)
    created_window(query.created_after, query.created_before)
    community_id = query.community_id or query.actor.community_id
    if not community_id:
        raise InvalidArgument("community_id", "请指定社区", "is required")
    with uow:
        place = known_community(uow, community_id)
        require_admin_of(query.actor, place)
        where = AuditFilter(
            community_id=place.id,
            street_id=place.street_id,
            kinds=query.kinds or AUDIT_KINDS,
            created_after=query.created_after,
            created_before=query.created_before,
        )
        found = uow.audit_trail.events(where, page.offset, page.size)
    return found, page.next_token(len(found))
