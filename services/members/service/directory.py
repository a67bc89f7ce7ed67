"""Streets, communities, grids and partner organisations, managed by the admins in whose scope they lie."""

from __future__ import annotations

from dataclasses import replace

from jifen import idempotency, paging
from jifen.clock import Clock, utcnow
from jifen.errors import AlreadyExists, InvalidArgument, bounded
from jifen.ids import new_id

from ..adapters import outbox_messages as events
from ..domain import access
from ..domain.access import Place
from ..domain.directory import (
    Community,
    Grid,
    Organization,
    Street,
    organization_kind,
    place_name,
    self_registration_setting,
)
from ..domain.phone import normalize_phone
from . import lookups, scope
from .commands import (
    AddOrganizationMember,
    CreateCommunity,
    CreateGrid,
    CreateOrganization,
    CreateStreet,
    SetSelfRegistration,
)
from .ports import UnitOfWork

NAME_TAKEN = ("该名称已存在", "this name is already taken")


def create_street(cmd: CreateStreet, uow: UnitOfWork, clock: Clock = utcnow) -> Street:
    name = place_name(cmd.name, "街道名称")
    if not cmd.actor.is_street_admin:
        raise access.deny()

    def execute() -> dict:
        if uow.directory.street_by_name(name) is not None:
            raise AlreadyExists(*NAME_TAKEN, field="name")
        street = Street(new_id(), name, clock())
        uow.directory.add_street(street)
        return {"street_id": street.id}

    return idempotency.run(
        uow, "members.CreateStreet", cmd, execute, lambda ref: lookups.street(uow, ref["street_id"])
    )


def create_community(cmd: CreateCommunity, uow: UnitOfWork, clock: Clock = utcnow) -> Community:
    name = place_name(cmd.name, "社区名称")
    address = bounded("address", cmd.address, 200, "地址")

    def execute() -> dict:
        street = lookups.street(uow, cmd.street_id)
        if not cmd.actor.administers_street(street.id):
            raise access.deny()
        if uow.directory.community_named(street.id, name) is not None:
            raise AlreadyExists(*NAME_TAKEN, field="name")
        community = Community(new_id(), street.id, name, address, clock())
        uow.directory.add_community(community)
        uow.outbox.add(events.COMMUNITY_CREATED, events.community_created(community), community.created_at)
        return {"community_id": community.id}

    return idempotency.run(
        uow, "members.CreateCommunity", cmd, execute, lambda ref: lookups.community(uow, ref["community_id"])
    )


def set_self_registration(cmd: SetSelfRegistration, uow: UnitOfWork) -> Community:
    """Whether residents may register themselves into the community, or only through its admin."""
    value = self_registration_setting(cmd.self_registration)

    def execute() -> dict:
        community = lookups.community(uow, cmd.community_id)
        access.require(access.covers(cmd.actor, Place(community.id, community.street_id)))
        uow.directory.save_community(replace(community, self_registration=value))
        return {"community_id": community.id}

    return idempotency.run(
        uow,
        "members.SetSelfRegistration",
        cmd,
        execute,
        lambda ref: lookups.community(uow, ref["community_id"]),
    )


def create_grid(cmd: CreateGrid, uow: UnitOfWork, clock: Clock = utcnow) -> Grid:
    name = place_name(cmd.name, "网格名称")

    def execute() -> dict:
        community = lookups.community(uow, cmd.community_id)
        access.require(access.covers(cmd.actor, Place(community.id, community.street_id)))
        if uow.directory.grid_named(community.id, name) is not None:
            raise AlreadyExists(*NAME_TAKEN, field="name")
        grid = Grid(new_id(), community.id, name, clock())
        uow.directory.add_grid(grid)
        uow.outbox.add(events.GRID_CREATED, events.grid_created(grid), grid.created_at)
        return {"grid_id": grid.id}

    return idempotency.run(
        uow, "members.CreateGrid", cmd, execute, lambda ref: uow.directory.grid(ref["grid_id"])
    )


def create_organization(cmd: CreateOrganization, uow: UnitOfWork, clock: Clock = utcnow) -> Organization:
    name = place_name(cmd.name, "单位名称")
    kind = organization_kind(cmd.kind)
    if bool(cmd.community_id) == bool(cmd.street_id):
        raise InvalidArgument(
            "community_id", "请指定所属社区或街道（二选一）", "give exactly one of community_id and street_id"
        )
    contact_phone = normalize_phone(cmd.contact_phone, "contact_phone") if cmd.contact_phone else ""
    contact_name = bounded("contact_name", cmd.contact_name, 40, "联系人")

    def execute() -> dict:
        if cmd.community_id:
            community = lookups.community(uow, cmd.community_id)
            access.require(access.covers(cmd.actor, Place(community.id, community.street_id)))
            street_id = community.street_id
        else:
            street_id = lookups.street(uow, cmd.street_id).id
            if not cmd.actor.administers_street(street_id):
                raise access.deny()
        organization = Organization(
            id=new_id(),
            name=name,
            kind=kind,
            community_id=cmd.community_id,
            street_id=street_id,
            contact_name=contact_name,
            contact_phone=contact_phone,
            created_at=clock(),
        )
        uow.directory.add_organization(organization)
        return {"organization_id": organization.id}

    return idempotency.run(
        uow,
        "members.CreateOrganization",
        cmd,
        execute,
        lambda ref: lookups.organization(uow, ref["organization_id"]),
    )


def add_organization_member(cmd: AddOrganizationMember, uow: UnitOfWork, clock: Clock = utcnow):
    def execute() -> dict:
        organization = lookups.organization(uow, cmd.organization_id)
        access.require(access.covers(cmd.actor, Place(organization.community_id, organization.street_id)))
        member = lookups.member(uow, cmd.member_id)
        scope.require_manage(uow, cmd.actor, member)
        if not uow.members.join_organization(organization.id, member.id, clock()):
            raise AlreadyExists("该成员已在此单位中", "the member already belongs to this organization")
        return {"organization_id": organization.id, "member_id": member.id}

    def view(ref: dict):
        return lookups.organization(uow, ref["organization_id"]), lookups.member(uow, ref["member_id"])

    return idempotency.run(uow, "members.AddOrganizationMember", cmd, execute, view)


def _listed(uow: UnitOfWork, page_size: int, page_token: str, fetch) -> tuple[list, str]:
    """One page of `fetch(offset, limit)` and the token of the next."""
    page = paging.page(page_size, page_token)
    with uow:
        found = fetch(page.offset, page.size)
    return found, page.next_token(len(found))


def list_streets(page_size: int, page_token: str, uow: UnitOfWork) -> tuple[list[Street], str]:
    return _listed(uow, page_size, page_token, lambda o, n: uow.directory.streets(o, n))


def list_communities(street_id: str, page_size: int, page_token: str, uow: UnitOfWork):
    return _listed(uow, page_size, page_token, lambda o, n: uow.directory.communities(street_id, o, n))


def get_community(community_id: str, uow: UnitOfWork) -> Community:
    with uow:
        return lookups.community(uow, community_id)


def list_grids(community_id: str, page_size: int, page_token: str, uow: UnitOfWork):
    return _listed(uow, page_size, page_token, lambda o, n: uow.directory.grids(community_id, o, n))


def list_organizations(community_id: str, street_id: str, page_size: int, page_token: str, uow: UnitOfWork):
    return _listed(
        uow, page_size, page_token, lambda o, n: uow.directory.organizations(community_id, street_id, o, n)
    )
