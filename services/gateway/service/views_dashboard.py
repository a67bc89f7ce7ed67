"""What the dashboard and the audit trail show and the JSON API returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from .views import Community


class MonthFigures(BaseModel):
    month: str
    points_issued: int
    points_taken_back: int
    points_spent: int
    points_held: int
    points_expired: int
    certified_minutes: int
    certified_hours: float
    active_volunteers: int


class ShopFigures(BaseModel):
    shop_id: str
    shop_name: str
    collected: int
    units: int
    points: int


class GoodFigures(BaseModel):
    item_id: str
    item_name: str
    shop_name: str
    units: int
    points: int


class Dashboard(BaseModel):
    communities: list[Community]
    # A community's id, or "all" for every community of the admin's street.
    community_id: str
    street_wide: bool
    from_month: str
    to_month: str
    months: list[MonthFigures]
    shops: list[ShopFigures]
    top_goods: list[GoodFigures]


class AuditRow(BaseModel):
    # award, commendation, adjustment, rule, role, restock
    kind: str
    occurred_at: datetime | None
    actor_id: str
    actor: str
    target: str
    detail: str
    reason: str


class AuditTrail(BaseModel):
    communities: list[Community]
    community_id: str
    kind: str
    events: list[AuditRow]
    # Opens the next (older) page; empty on the last page.
    next_page_token: str
