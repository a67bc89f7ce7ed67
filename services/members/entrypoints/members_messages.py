"""Translation between the members contract (jifen.members.v1) and domain objects."""

from __future__ import annotations

from jifen.caller import ADMIN, GRID_WORKER, STAFF, VOLUNTEER, Caller, Grant
from jifen.errors import InvalidArgument
from jifen.members.v1 import members_pb2 as pb
from jifen.timestamps import to_timestamp

from ..domain import access
from ..domain.directory import BY_ADMIN, OPEN, Community, Grid, Organization, Street
from ..domain.member import ACTIVE, DEACTIVATED, Member
from ..domain.phone import mask_phone
from ..service.views import LoggedIn

ROLES = {
    VOLUNTEER: pb.ROLE_VOLUNTEER,
    STAFF: pb.ROLE_STAFF,
    ADMIN: pb.ROLE_ADMIN,
    GRID_WORKER: pb.ROLE_GRID_WORKER,
}
ROLE_NAMES = {v: k for k, v in ROLES.items()}
STATUSES = {ACTIVE: pb.MEMBER_STATUS_ACTIVE, DEACTIVATED: pb.MEMBER_STATUS_DEACTIVATED}
STATUS_NAMES = {v: k for k, v in STATUSES.items()}
KINDS = {
    "partner_unit": pb.ORGANIZATION_KIND_PARTNER_UNIT,
    "property_company": pb.ORGANIZATION_KIND_PROPERTY_COMPANY,
    "social_organization": pb.ORGANIZATION_KIND_SOCIAL_ORGANIZATION,
    "party_branch": pb.ORGANIZATION_KIND_PARTY_BRANCH,
}
KIND_NAMES = {v: k for k, v in KINDS.items()}
SELF_REGISTRATION = {
    OPEN: pb.SELF_REGISTRATION_OPEN,
    BY_ADMIN: pb.SELF_REGISTRATION_BY_ADMIN,
}
SELF_REGISTRATION_NAMES = {v: k for k, v in SELF_REGISTRATION.items()}


def role_name(role: int) -> str:
    """ "" for ROLE_UNSPECIFIED (no filter); an unknown number is bad input."""
    if role == pb.ROLE_UNSPECIFIED:
        return ""
    if role not in ROLE_NAMES:
        raise InvalidArgument("role", "未知角色", f"unknown role {role}")
    return ROLE_NAMES[role]


def grant(message: pb.RoleGrant) -> Grant:
    return Grant(
        role=ROLE_NAMES.get(message.role, ""),
        community_id=message.community_id,
        street_id=message.street_id,
        shop_id=message.shop_id,
        grid_id=message.grid_id,
    )


def member(value: Member, viewer: Caller) -> pb.Member:
    shows_phone = access.may_see_phone(viewer, value)
    return pb.Member(
        member_id=value.id,
        name=value.name,
        phone=value.phone if shows_phone else mask_phone(value.phone),
        community_id=value.community_id,
        grid_id=value.grid_id,
        roles=[
            pb.RoleGrant(
                role=ROLES[g.role],
                community_id=g.community_id,
                street_id=g.street_id,
                shop_id=g.shop_id,
                grid_id=g.grid_id,
            )
            for g in value.grants
        ],
        status=STATUSES[value.status],
        organization_ids=list(value.organization_ids),
        created_at=to_timestamp(value.created_at),
        updated_at=to_timestamp(value.updated_at),
        proxy_redemption_refused=value.proxy_redemption_refused,
    )


def street(value: Street) -> pb.Street:
    return pb.Street(street_id=value.id, name=value.name, created_at=to_timestamp(value.created_at))


def community(value: Community) -> pb.Community:
    return pb.Community(
        community_id=value.id,
        street_id=value.street_id,
        name=value.name,
        address=value.address,
        created_at=to_timestamp(value.created_at),
        self_registration=SELF_REGISTRATION[value.self_registration],
    )


def grid(value: Grid) -> pb.Grid:
    return pb.Grid(
        grid_id=value.id,
        community_id=value.community_id,
        name=value.name,
        created_at=to_timestamp(value.created_at),
    )


def organization(value: Organization) -> pb.Organization:
    return pb.Organization(
        organization_id=value.id,
        name=value.name,
        kind=KINDS[value.kind],
        community_id=value.community_id,
        street_id=value.street_id,
        contact_name=value.contact_name,
        contact_phone=mask_phone(value.contact_phone) if value.contact_phone else "",
        member_count=value.member_count,
        created_at=to_timestamp(value.created_at),
    )


def session(done: LoggedIn) -> dict:
    """The fields LoginResponse and RefreshTokenResponse share."""
    return dict(
        access_token=done.token,
        expires_at=to_timestamp(done.expires_at),
        member=member(done.member, done.member.caller()),
        refresh_token=done.refresh_token,
        refresh_expires_at=to_timestamp(done.refresh_expires_at),
    )
