"""The history of who changed whose roles and standing: written with each change, read by admins."""

from __future__ import annotations

from jifen import paging
from jifen.caller import Caller
from jifen.errors import InvalidArgument
from jifen.ids import new_id
from jifen.timestamps import created_window

from ..domain.member import Member
from ..domain.role_change import ROLE_CHANGE_KINDS, RoleChange, RoleChangeFilter
from . import scope
from .commands import ListRoleChanges
from .lookups import known_community
from .ports import UnitOfWork


def record(
    uow: UnitOfWork, kind: str, actor: Caller, before: Member, after: Member, reason: str = ""
) -> None:
    """Appends the change in the transaction that makes it, so the history never misses one."""
    uow.role_changes.add(
        RoleChange(
            id=new_id(),
            kind=kind,
            member_id=after.id,
            community_id=before.community_id,
            street_id=before.street_id,
            actor_id=actor.member_id,
            occurred_at=after.updated_at,
            roles_before=before.grants,
            roles_after=after.grants,
            reason=reason,
        )
    )


def list_role_changes(query: ListRoleChanges, uow: UnitOfWork) -> tuple[list[RoleChange], str]:
    page = paging.page(query.page_size, query.page_token)
    created_window(query.created_after, query.created_before)
    community_id = query.community_id or query.actor.community_id
    if not community_id:
        raise InvalidArgument("community_id", "请指定社区", "is required")
    with uow:
        community = known_community(uow, community_id)
        scope.require(query.actor.administers(community.id, community.street_id))
        where = RoleChangeFilter(
            community_id=community.id,
            kinds=query.kinds or ROLE_CHANGE_KINDS,
            created_after=query.created_after,
            created_before=query.created_before,
        )
        found = uow.role_changes.list(where, page.offset, page.size)
    return found, page.next_token(len(found))
