"""What the admin console's people pages and API show: the list with grids, one member to manage,
registration, the import preview and its result, partner units."""

from __future__ import annotations

from pydantic import BaseModel

from .views import Community, Member, MemberRecord


class Grid(BaseModel):
    grid_id: str
    name: str


class Shop(BaseModel):
    shop_id: str
    name: str


class Person(Member):
    grid_name: str = ""


class PeopleList(BaseModel):
    communities: list[Community]
    community_id: str
    grids: list[Grid]
    query: str
    role: str
    status: str
    grid: str
    members: list[Person]
    more: bool


class Roles(BaseModel):
    """The roles an admin sets on the member page: where each applies, "" when not held."""

    volunteer: bool
    shop_id: str
    grid_id: str
    admin: bool


class ManagedMember(BaseModel):
    record: MemberRecord
    person: Person
    roles: Roles
    grids: list[Grid]
    shops: list[Shop]
    organizations: list[str]


class Registered(BaseModel):
    member: Person
    # Shown once to the admin, who hands it over; the member changes it under 我的 → 修改密码.
    initial_password: str


class RegistrationForm(BaseModel):
    communities: list[Community]
    community_id: str
    grids: list[Grid]


class PreviewRow(BaseModel):
    line: int
    name: str
    phone: str
    grid: str
    error: str


class ImportPreview(BaseModel):
    token: str
    community_id: str
    community_name: str
    filename: str
    rows: list[PreviewRow]
    ok: int
    errors: int
    already_registered: int


class ImportedRow(BaseModel):
    line: int
    name: str
    phone: str
    grid: str
    member_id: str = ""
    # Empty when this import did not register the row (see error).
    initial_password: str = ""
    error: str = ""


class ImportResult(BaseModel):
    community_id: str
    registered: list[ImportedRow]
    not_registered: list[ImportedRow]
    # OK rows this batch did not reach; import them with next_token.
    remaining: int = 0
    next_token: str = ""
    # Why the batch stopped early (members did not answer), if it did.
    interrupted: str = ""


class Organization(BaseModel):
    organization_id: str
    name: str
    kind: str
    contact_name: str
    contact_phone: str
    member_count: int


class Organizations(BaseModel):
    communities: list[Community]
    community_id: str
    organizations: list[Organization]
