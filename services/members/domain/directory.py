"""Streets, communities, grids and partner organisations: where members belong."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from jifen.domain_events import Aggregate
from jifen.errors import InvalidArgument, required

from .events import CommunityCreated, GridCreated

MAX_PLACE_NAME_LENGTH = 60
ORGANIZATION_KINDS = ("partner_unit", "property_company", "social_organization", "party_branch")
# How people join a community: on their own, or only through its admin (who meets them first).
OPEN = "open"
BY_ADMIN = "by_admin"
SELF_REGISTRATION = (OPEN, BY_ADMIN)


@dataclass(frozen=True)
class Street:
    id: str
    name: str
    created_at: datetime | None = None


@dataclass(frozen=True)
class Community(Aggregate):
    id: str
    street_id: str
    name: str
    address: str = ""
    created_at: datetime | None = None
    self_registration: str = OPEN

    @classmethod
    def create(cls, id: str, street_id: str, name: str, address: str, now: datetime) -> Community:
        community = cls(id, street_id, name, address, now)
        community.record(CommunityCreated(id, street_id, name, now))
        return community

    @property
    def takes_self_registration(self) -> bool:
        return self.self_registration == OPEN

    def set_self_registration(self, value: str) -> Community:
        return replace(self, self_registration=self_registration_setting(value))


@dataclass(frozen=True)
class Grid(Aggregate):
    id: str
    community_id: str
    name: str
    created_at: datetime | None = None

    @classmethod
    def create(cls, id: str, community_id: str, name: str, now: datetime) -> Grid:
        grid = cls(id, community_id, name, now)
        grid.record(GridCreated(id, community_id, name, now))
        return grid


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    kind: str
    community_id: str
    street_id: str
    contact_name: str = ""
    contact_phone: str = ""
    member_count: int = 0
    created_at: datetime | None = None


def place_name(value: str, zh_name: str) -> str:
    name = required("name", value, zh_name)
    if len(name) > MAX_PLACE_NAME_LENGTH:
        raise InvalidArgument(
            "name",
            f"名称不能超过 {MAX_PLACE_NAME_LENGTH} 个字",
            f"must be at most {MAX_PLACE_NAME_LENGTH} characters",
        )
    return name


def organization_kind(kind: str) -> str:
    if kind not in ORGANIZATION_KINDS:
        raise InvalidArgument("kind", "请选择单位类型", f"must be one of {', '.join(ORGANIZATION_KINDS)}")
    return kind


def self_registration_setting(value: str) -> str:
    if value not in SELF_REGISTRATION:
        raise InvalidArgument(
            "self_registration",
            "请选择是否允许居民自助注册",
            f"must be one of {', '.join(SELF_REGISTRATION)}",
        )
    return value
