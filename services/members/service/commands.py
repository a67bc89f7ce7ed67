"""Commands: what a caller asks the members service to do, with the idempotency key where it mutates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import ANONYMOUS, Caller, Grant
from jifen.idempotency import secret


@dataclass(frozen=True)
class RegisterVolunteer:
    request_id: str
    name: str
    phone: str
    community_id: str
    grid_id: str = ""
    password: str = secret("")
    actor: Caller = ANONYMOUS
    # Where the attempt comes from, for the per-address limit. Not part of the request: a retry may
    # come from another address (a phone that changed networks), so it stays out of the fingerprint.
    client: str = secret("")


@dataclass(frozen=True)
class Login:
    phone: str
    password: str = secret("")
    # Where the attempt comes from, so one client cannot try a password across many phones.
    client: str = ""


@dataclass(frozen=True)
class RefreshSession:
    refresh_token: str = secret("")


@dataclass(frozen=True)
class Logout:
    refresh_token: str = secret("")


@dataclass(frozen=True)
class ListMembers:
    actor: Caller
    community_id: str = ""
    grid_id: str = ""
    role: str = ""
    query: str = ""
    status: str = ""
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class ListRoleChanges:
    actor: Caller
    community_id: str = ""
    kinds: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class UpdateMember:
    request_id: str
    actor: Caller
    member_id: str
    fields: tuple[str, ...]
    name: str = ""
    phone: str = ""
    community_id: str = ""
    grid_id: str = ""
    proxy_redemption_refused: bool = False


@dataclass(frozen=True)
class ChangePassword:
    request_id: str
    actor: Caller
    member_id: str
    current_password: str = secret("")
    new_password: str = secret("")


@dataclass(frozen=True)
class SetRoles:
    request_id: str
    actor: Caller
    member_id: str
    grants: tuple[Grant, ...]


@dataclass(frozen=True)
class DeactivateMember:
    request_id: str
    actor: Caller
    member_id: str
    reason: str


@dataclass(frozen=True)
class ReactivateMember:
    request_id: str
    actor: Caller
    member_id: str
    # Optional: why the member is back, for the audit trail.
    reason: str = ""


@dataclass(frozen=True)
class CreateStreet:
    request_id: str
    actor: Caller
    name: str


@dataclass(frozen=True)
class CreateCommunity:
    request_id: str
    actor: Caller
    street_id: str
    name: str
    address: str = ""


@dataclass(frozen=True)
class SetSelfRegistration:
    request_id: str
    actor: Caller
    community_id: str
    self_registration: str


@dataclass(frozen=True)
class CreateGrid:
    request_id: str
    actor: Caller
    community_id: str
    name: str


@dataclass(frozen=True)
class CreateOrganization:
    request_id: str
    actor: Caller
    name: str
    kind: str
    community_id: str = ""
    street_id: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class AddOrganizationMember:
    request_id: str
    actor: Caller
    organization_id: str
    member_id: str


@dataclass(frozen=True)
class CreateAdmin:
    """The first admin of a street, made from the command line (`jifen admin create`)."""

    name: str
    phone: str
    street_name: str
    password: str = secret("")
