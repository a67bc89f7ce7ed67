"""Reading and managing members: profiles, roles, passwords, deactivation."""

from __future__ import annotations

from dataclasses import replace

from jifen import paging
from jifen.caller import ADMIN, GRID_WORKER, MEMBER_ROLES, SERVICE, Caller, Grant
from jifen.clock import Clock, utcnow
from jifen.errors import (
    AlreadyExists,
    InvalidArgument,
    ResourceExhausted,
    Unauthenticated,
    bounded,
)
from jifen.idempotency import idempotent

from ..domain import access, role_change
from ..domain.member import ACTIVE, DEACTIVATED, Member, check_grants, valid_name, valid_password
from ..domain.phone import normalize_phone
from . import role_history, scope
from .commands import (
    ChangePassword,
    DeactivateMember,
    ListMembers,
    ReactivateMember,
    SetRoles,
    UpdateMember,
)
from .login import TOO_MANY
from .lookups import known_chosen_community, known_chosen_grid, known_community, known_member
from .ports import LoginLimiter, MemberFilter, PasswordHasher, UnitOfWork
from .registration import PHONE_TAKEN
from .views import produced_member

# 代兑换 hands a volunteer's points to a grid worker's order: the volunteer, or their admin, may
# switch it off; a grid worker may not switch it back on.
SELF_EDITABLE = frozenset({"name", "phone", "proxy_redemption_refused"})
EDITABLE = frozenset({"name", "phone", "community_id", "grid_id", "proxy_redemption_refused"})


def get_member(actor: Caller, member_id: str, uow: UnitOfWork) -> Member:
    with uow:
        member = known_member(uow, member_id)
    scope.require(access.may_view(actor, member))
    return member


def list_members(query: ListMembers, uow: UnitOfWork) -> tuple[list[Member], str]:
    page = paging.page(query.page_size, query.page_token)
    if query.role and query.role not in MEMBER_ROLES:
        raise InvalidArgument("role", "未知角色", f"must be one of {', '.join(MEMBER_ROLES)}")
    if query.status and query.status not in (ACTIVE, DEACTIVATED):
        raise InvalidArgument("status", "未知状态", "must be active or deactivated")
    with uow:
        where = _visible_members(query, uow)
        found = uow.members.list(where, page.offset, page.size)
    return found, page.next_token(len(found))


def _visible_members(query: ListMembers, uow: UnitOfWork) -> MemberFilter:
    """Narrows the filter to what the caller may see: admins their communities, grid workers their grid.

    Only admins, who see the whole phone number of everyone in their scope, may search by it; grid
    workers and services see numbers masked, and match only the last four digits the mask shows.
    """
    actor = query.actor
    base = MemberFilter(
        grid_id=query.grid_id, role=query.role, query=query.query.strip(), status=query.status
    )
    if actor.has(SERVICE):
        # The points and market audits compare their copies against every member.
        community_ids = (known_community(uow, query.community_id).id,) if query.community_id else ()
        return replace(base, community_ids=community_ids)
    if query.community_id:
        community = known_community(uow, query.community_id)
        if actor.administers(community.id, community.street_id):
            return replace(base, community_ids=(community.id,), whole_phone=True)
    elif actor.has(ADMIN):
        admin = [g for g in actor.grants if g.role == ADMIN]
        return replace(
            base,
            community_ids=tuple(g.community_id for g in admin if g.community_id),
            street_ids=tuple(g.street_id for g in admin if g.street_id),
            whole_phone=True,
        )
    grid = query.grid_id or next((g.grid_id for g in actor.grants if g.role == GRID_WORKER), "")
    scope.require(actor.serves_grid(grid))
    return replace(base, grid_id=grid)


def update_member(cmd: UpdateMember, uow: UnitOfWork, clock: Clock = utcnow) -> Member:
    fields = set(cmd.fields)
    if not fields:
        raise InvalidArgument("update_mask", "请指定要修改的字段", "name the fields to change")
    unknown = fields - EDITABLE
    if unknown:
        raise InvalidArgument(
            "update_mask",
            f"不能修改：{', '.join(sorted(unknown))}",
            f"cannot change {', '.join(sorted(unknown))}",
        )
    changes: dict = {}
    if "name" in fields:
        changes["name"] = valid_name(cmd.name)
    if "phone" in fields:
        changes["phone"] = normalize_phone(cmd.phone)
    if "proxy_redemption_refused" in fields:
        changes["proxy_redemption_refused"] = bool(cmd.proxy_redemption_refused)
    return _update(cmd, uow, changes, clock)


@idempotent("members.UpdateMember", view=produced_member)
def _update(cmd: UpdateMember, uow: UnitOfWork, changes: dict, clock: Clock) -> dict:
    # A copy: a retry after a conflict starts again from what the request asked.
    changes = dict(changes)
    fields = set(cmd.fields)
    member = known_member(uow, cmd.member_id, lock=True)
    is_self = cmd.actor.member_id == member.id
    scope.require((is_self and fields <= SELF_EDITABLE) or scope.may_manage(uow, cmd.actor, member))
    if "phone" in changes and changes["phone"] != member.phone and uow.members.by_phone(changes["phone"]):
        raise AlreadyExists(*PHONE_TAKEN, field="phone")
    community_id = cmd.community_id if "community_id" in fields else member.community_id
    if {"community_id", "grid_id"} & fields:
        community = known_chosen_community(uow, community_id)
        # Moving someone is an act of both communities' admins: the new one must be in scope too.
        scope.require_admin_of(cmd.actor, community)
        grid_id = cmd.grid_id if "grid_id" in fields else ""
        grid = known_chosen_grid(uow, grid_id, community.id)
        changes.update(
            community_id=community.id, street_id=community.street_id, grid_id=grid.id if grid else ""
        )
    uow.members.save(member.update(changes, clock()))
    return {"member_id": member.id}


def change_password(
    cmd: ChangePassword,
    uow: UnitOfWork,
    passwords: PasswordHasher,
    limiter: LoginLimiter,
    clock: Clock = utcnow,
) -> None:
    new_hash = passwords.hash(valid_password(cmd.new_password, "new_password"))
    _change_password(cmd, uow, new_hash, passwords, limiter, clock)


@idempotent("members.ChangePassword")
def _change_password(
    cmd: ChangePassword,
    uow: UnitOfWork,
    new_hash: str,
    passwords: PasswordHasher,
    limiter: LoginLimiter,
    clock: Clock,
) -> dict:
    member = known_member(uow, cmd.member_id, lock=True)
    if cmd.actor.member_id == member.id:
        # The current password is a secret a stolen token must not be able to guess at leisure.
        if not limiter.attempt(member.phone):
            raise ResourceExhausted(*TOO_MANY)
        if not passwords.verify(member.password_hash, cmd.current_password or ""):
            raise Unauthenticated("当前密码不正确", "the current password is wrong")
        limiter.reset(member.phone)
    else:
        scope.require_manage(uow, cmd.actor, member)
    changed = member.change_password(new_hash, clock())
    uow.members.save(changed)
    # Whoever learnt the old password may hold a session of it: every session ends, this one too.
    uow.refresh_tokens.revoke_member(member.id, changed.updated_at)
    return {"member_id": member.id}


def set_roles(cmd: SetRoles, uow: UnitOfWork, clock: Clock = utcnow) -> Member:
    return _set_roles(cmd, uow, check_grants(cmd.grants), clock)


@idempotent("members.SetRoles", view=produced_member)
def _set_roles(cmd: SetRoles, uow: UnitOfWork, grants: tuple[Grant, ...], clock: Clock) -> dict:
    member = known_member(uow, cmd.member_id, lock=True)
    # Every role before and after must lie in the actor's scope: no one grants or removes beyond it.
    scope.require_manage(uow, cmd.actor, member, grants)
    updated = member.set_roles(grants, clock())
    uow.members.save(updated)
    role_history.record(uow, role_change.ROLES_SET, cmd.actor, member, updated)
    return {"member_id": member.id}


def deactivate_member(cmd: DeactivateMember, uow: UnitOfWork, clock: Clock = utcnow) -> Member:
    return _deactivate(cmd, uow, bounded("reason", cmd.reason, 200, "停用原因", optional=False), clock)


@idempotent("members.DeactivateMember", view=produced_member)
def _deactivate(cmd: DeactivateMember, uow: UnitOfWork, reason: str, clock: Clock) -> dict:
    member = known_member(uow, cmd.member_id, lock=True)
    scope.require_manage(uow, cmd.actor, member)
    updated = member.deactivate(reason, cmd.actor.member_id, clock())
    uow.members.save(updated)
    role_history.record(uow, role_change.DEACTIVATED, cmd.actor, member, updated, reason)
    # Their sessions end with it: reactivated, they log in again.
    uow.refresh_tokens.revoke_member(member.id, updated.updated_at)
    return {"member_id": member.id}


def reactivate_member(cmd: ReactivateMember, uow: UnitOfWork, clock: Clock = utcnow) -> Member:
    return _reactivate(cmd, uow, bounded("reason", cmd.reason, 200, "恢复原因", optional=True), clock)


@idempotent("members.ReactivateMember", view=produced_member)
def _reactivate(cmd: ReactivateMember, uow: UnitOfWork, reason: str, clock: Clock) -> dict:
    member = known_member(uow, cmd.member_id, lock=True)
    scope.require_manage(uow, cmd.actor, member)
    updated = member.reactivate(clock())
    uow.members.save(updated)
    role_history.record(uow, role_change.REACTIVATED, cmd.actor, member, updated, reason)
    return {"member_id": member.id}
