"""What the admin console's points pages show and its JSON API returns: awards, adjustments, rules,
their preview and the leaderboard."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from .views import Community, Member

# Bounds only so a number fits the services' integers; the rules' own limits are the service's to say.
Whole = Annotated[int, Field(ge=-(10**12), le=10**12)]
Small = Annotated[int, Field(ge=-(10**6), le=10**6)]


class Commendation(BaseModel):
    name: str = Field(max_length=40)
    points: Whole


class PointsDesk(BaseModel):
    """The award and adjustment forms: the commendations the rules in force define, members found."""

    communities: list[Community]
    community_id: str
    query: str
    rule_title: str
    commendations: list[Commendation]
    members: list[Member]
    more: bool


class MemberPoints(BaseModel):
    member_id: str
    points: int
    available: int


class Awarded(BaseModel):
    commendation: str
    members: list[MemberPoints]
    message: str


class Adjusted(BaseModel):
    member: MemberPoints
    message: str


class RuleDraft(BaseModel):
    """A rule version as an admin drafts it. Multipliers are in hundredths (120 = ×1.2), times in minutes."""

    points_per_hour: Whole
    difficulty_multipliers: list[Whole] = Field(max_length=5)
    category_multipliers: dict[Annotated[str, Field(max_length=40)], Whole] = Field(default={}, max_length=50)
    rounding_minutes: Whole = 1
    # down, nearest or up.
    rounding_mode: str = Field(default="down", max_length=20)
    daily_hour_cap_minutes: Whole = 0
    # Commendation name → its points, in the order the rules list them.
    commendations: dict[Annotated[str, Field(max_length=40)], Whole] = Field(default={}, max_length=50)
    # never, months_after_accrual or end_of_year.
    expiry_policy: str = Field(default="never", max_length=30)
    expiry_value: Small = 0
    # A street admin may publish the draft for every community of their street (街道统一规则).
    for_street: bool = False
    # Certified hours for 1★ .. 5★ (星级门槛); the national community-volunteer thresholds unless set.
    star_hours: list[Whole] = Field(default=[100, 300, 600, 1000, 1500], min_length=5, max_length=5)
    # The local (Asia/Shanghai) day it takes effect; today or empty means as soon as it is published.
    effective_date: date | None = None
    title: str = Field(default="", max_length=60)
    note: str = Field(default="", max_length=500)


class RuleVersion(BaseModel):
    rule_version_id: str
    title: str
    # community, street or default: whose version it is.
    scope: str
    effective_from: datetime | None
    published_at: datetime | None
    note: str
    rules: RuleDraft
    # Published with an effective date still to come.
    upcoming: bool = False


class Rules(BaseModel):
    communities: list[Community]
    community_id: str
    in_force: RuleVersion
    history: list[RuleVersion]


class PreviewRow(BaseModel):
    member_id: str
    member_name: str
    hour_record_count: int
    minutes: int
    current_points: int
    draft_points: int
    difference: int


class RulePreview(BaseModel):
    community_id: str
    # The calendar month previewed, e.g. "2026-11", and its bounds.
    month: str
    period_start: datetime
    period_end: datetime
    in_force_title: str
    draft: RuleDraft
    rows: list[PreviewRow]
    more: bool
    member_count: int
    total_current_points: int
    total_draft_points: int
    total_difference: int
    # Publishing this draft needs this token: it proves the preview of exactly this draft was shown.
    preview_token: str


class LeaderboardRow(BaseModel):
    rank: int
    member_id: str
    name: str
    # Points, or minutes when the board is by hours.
    value: int


class Leaderboard(BaseModel):
    communities: list[Community]
    community_id: str
    # month or year.
    period: str
    # points or hours.
    metric: str
    year: int
    # 1 to 12 for a month board; 0 for a year board.
    month: int
    rows: list[LeaderboardRow]
    total_members: int
