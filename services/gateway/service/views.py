"""What the pages show and the JSON API returns: plain models built from the services' answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Person(BaseModel):
    member_id: str
    name: str
    roles: list[str]
    community_id: str = ""
    grid_id: str = ""
    shop_id: str = ""


class Home(BaseModel):
    name: str
    available: int
    held: int
    next_expiry_points: int
    next_expiry_at: datetime | None
    certified_hours: float
    star_level: int
    hours_to_next_star: float
    rank: int
    ranked_members: int
    month: str


class Entry(BaseModel):
    created_at: datetime | None
    kind: str
    amount: int
    held_change: int
    balance_after: int
    reason: str
    calculation: str


class Statement(BaseModel):
    month: str
    this_month: str
    previous_month: str
    next_month: str
    entries: list[Entry]


class Activity(BaseModel):
    activity_id: str
    title: str
    category: str
    difficulty: int
    place: str
    start_time: datetime | None
    end_time: datetime | None
    capacity: int
    signed_up_count: int
    signed_up: bool
    status: str
    organiser_id: str
    description: str = ""


class Participation(BaseModel):
    activity_id: str
    status: str
    check_in_time: datetime | None
    check_out_time: datetime | None
    minutes: int = 0


class HourRecord(BaseModel):
    hour_record_id: str
    activity_title: str
    minutes: int
    status: str
    check_in_time: datetime | None
    check_out_time: datetime | None
    reject_reason: str = ""
    flags: list[str] = []


class Slot(BaseModel):
    """A time slot of a service: when and where, and the places left."""

    slot_id: str
    starts_at: datetime | None
    ends_at: datetime | None
    place: str
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class Item(BaseModel):
    item_id: str
    shop_id: str
    name: str
    description: str
    points_price: int
    in_stock: int
    per_member_limit: int
    limit_period: str
    affordable: bool
    image_url: str = ""
    # A partner unit's service, booked by time slot (its slots listed beside it).
    is_service: bool = False
    provider_name: str = ""
    slots: list[Slot] = []


class Order(BaseModel):
    redemption_id: str
    item_name: str
    quantity: int
    points_total: int
    status: str
    failure_reason: str = ""
    pickup_code: str = ""
    member_id: str
    placed_by: str
    shop_id: str
    created_at: datetime | None
    expires_at: datetime | None
    member_name: str = ""
    placed_by_name: str = ""
    collected_at: datetime | None = None
    # A service's booking: when and where, and the unit giving it.
    slot_starts_at: datetime | None = None
    slot_ends_at: datetime | None = None
    slot_place: str = ""
    provider_name: str = ""


class Volunteer(BaseModel):
    member_id: str
    name: str
    phone: str
    grid_id: str


class CheckInScreen(BaseModel):
    activity_id: str
    title: str
    code: str
    expires_at: datetime | None
    check_in_url: str
    refresh_seconds: int


class Done(BaseModel):
    """A plain acknowledgement, with what the person should know next."""

    message: str


class Community(BaseModel):
    community_id: str
    name: str


class Member(BaseModel):
    member_id: str
    name: str
    phone: str
    community_id: str
    grid_id: str
    roles: list[str]
    active: bool


class People(BaseModel):
    communities: list[Community]
    community_id: str
    query: str
    role: str
    status: str
    members: list[Member]
    more: bool


class MemberRecord(BaseModel):
    person: Member
    available: int
    held: int
    certified_hours: float
    star_level: int
    hours_to_next_star: float
    entries: list[Entry]
    hours: list[HourRecord]
