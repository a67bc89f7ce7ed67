"""Streets, communities, grids and partner organisations, managed by the admins in whose scope they lie."""

from __future__ import annotations

from jifen import paging
from jifen.clock import Clock, utcnow
from jifen.errors import AlreadyExists, InvalidArgument, bounded
from jifen.idempotency import idempotent
from jifen.ids import new_id

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
from ..domain.member import Member
from ..domain.phone import normalize_phone
from . import scope
from .commands import (
    AddOrganizationMember,
    CreateCommunity,
    CreateGrid,
    CreateOrganization,
    CreateStreet,
    SetSelfRegistration,
)
from .lookups import known_community, known_member, known_organization, known_street
from .ports import UnitOfWork

NAME_TAKEN = ("该名称已存在", "this name is already taken")


def create_street(cmd: CreateStreet, uow: UnitOfWork, clock: Clock = utcnow) -> Street:
    name = place_name(cmd.name, "街道名称")
    scope.require(cmd.actor.is_street_admin)
    return _create_street(cmd, uow, name, clock)


@idempotent("members.CreateStreet", view=lambda uow, ref: known_street(uow, ref["street_id"]))
def _create_street(cmd: CreateStreet, uow: UnitOfWork, name: str, clock: Clock) -> dict:
    if uow.directory.street_by_name(name) is not None:
        raise AlreadyExists(*NAME_TAKEN, field="name")
    street = Street(new_id(), name, clock())
    uow.directory.add_street(street)
    return {"street_id": street.id}


def create_community(cmd: CreateCommunity, uow: UnitOfWork, clock: Clock = utcnow) -> Community:
    name = place_name(cmd.name, "社区名称")
    address = bounded("address", cmd.address, 200, "地址")
    return _create_community(cmd, uow, name, address, clock)


@idempotent("members.CreateCommunity", view=lambda uow, ref: known_community(uow, ref["community_id"]))
def _create_community(cmd: CreateCommunity, uow: UnitOfWork, name: str, address: str, clock: Clock) -> dict:
    street = known_street(uow, cmd.street_id)
    scope.require_street_admin(cmd.actor, street.id)
    if uow.directory.community_named(street.id, name) is not None:
        raise AlreadyExists(*NAME_TAKEN, field="name")
    community = Community.create(new_id(), street.id, name, address, clock())
    uow.directory.add_community(community)
    return {"community_id": community.id}


def set_self_registration(cmd: SetSelfRegistration, uow: UnitOfWork) -> Community:
    """Whether residents may register themselves into the community, or only through its admin."""
    return _set_self_registration(cmd, uow, self_registration_setting(cmd.self_registration))


@idempotent("members.SetSelfRegistration", view=lambda uow, ref: known_community(uow, ref["community_id"]))
def _set_self_registration(cmd: SetSelfRegistration, uow: UnitOfWork, value: str) -> dict:
    community = known_community(uow, cmd.community_id)
    scope.require_admin_of(cmd.actor, community)
    uow.directory.save_community(community.set_self_registration(value))
    return {"community_id": community.id}


def create_grid(cmd: CreateGrid, uow: UnitOfWork, clock: Clock = utcnow) -> Grid:
    return _create_grid(cmd, uow, place_name(cmd.name, "网格名称"), clock)


@idempotent("members.CreateGrid", view=lambda uow, ref: uow.directory.grid(ref["grid_id"]))
def _create_grid(cmd: CreateGrid, uow: UnitOfWork, name: str, clock: Clock) -> dict:
    community = known_community(uow, cmd.community_id)
    scope.require_admin_of(cmd.actor, community)
    if uow.directory.grid_named(community.id, name) is not None:
        raise AlreadyExists(*NAME_TAKEN, field="name")
    grid = Grid.create(new_id(), community.id, name, clock())
    uow.directory.add_grid(grid)
    return {"grid_id": grid.id}


def create_organization(cmd: CreateOrganization, uow: UnitOfWork, clock: Clock = utcnow) -> Organization:
    name = place_name(cmd.name, "单位名称")
    kind = organization_kind(cmd.kind)
    if bool(cmd.community_id) == bool(cmd.street_id):
        raise InvalidArgument(
            "community_id", "请指定所属社区或街道（二选一）", "give exactly one of community_id and street_id"
        )
    contact_phone = normalize_phone(cmd.contact_phone, "contact_phone") if cmd.contact_phone else ""
    contact_name = bounded("contact_name", cmd.contact_name, 40, "联系人")
    return _create_organization(cmd, uow, name, kind, contact_name, contact_phone, clock)


@idempotent(
    "members.CreateOrganization",
    view=lambda uow, ref: known_organization(uow, ref["organization_id"]),
)
def _create_organization(
    cmd: CreateOrganization,
    uow: UnitOfWork,
    name: str,
    kind: str,
    contact_name: str,
    contact_phone: str,
    clock: Clock,
) -> dict:
    if cmd.community_id:
        community = known_community(uow, cmd.community_id)
        scope.require_admin_of(cmd.actor, community)
        street_id = community.street_id
    else:
        street_id = known_street(uow, cmd.street_id).id
        scope.require_street_admin(cmd.actor, street_id)
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


def _organization_and_member(uow: UnitOfWork, ref: dict) -> tuple[Organization, Member]:
    return known_organization(uow, ref["organization_id"]), known_member(uow, ref["member_id"])


@idempotent("members.AddOrganizationMember", view=_organization_and_member)
def add_organization_member(cmd: AddOrganizationMember, uow: UnitOfWork, clock: Clock = utcnow) -> dict:
    organization = known_organization(uow, cmd.organization_id)
    scope.require_covers(cmd.actor, Place(organization.community_id, organization.street_id))
    member = known_member(uow, cmd.member_id)
    scope.require_manage(uow, cmd.actor, member)
    if not uow.members.join_organization(organization.id, member.id, clock()):
        raise AlreadyExists("该成员已在此单位中", "the member already belongs to this organization")
    return {"organization_id": organization.id, "member_id": member.id}


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
        return known_community(uow, community_id)


def list_grids(community_id: str, page_size: int, page_token: str, uow: UnitOfWork):
    return _listed(uow, page_size, page_token, lambda o, n: uow.directory.grids(community_id, o, n))


def list_organizations(community_id: str, street_id: str, page_size: int, page_token: str, uow: UnitOfWork):
    return _listed(
        uow, page_size, page_token, lambda o, n: uow.directory.organizations(community_id, street_id, o, n)
    )
