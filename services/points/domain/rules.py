"""Point rules (积分规则): the parameters of one version, and the arithmetic they fix.

Multipliers are integers in hundredths and minutes are integers, so every result is exact
until the single stated rounding at the end (a floor), and the calculation can be printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from jifen.errors import InvalidArgument

# Calendar days, months and years of the product are Chinese ones.
LOCAL = ZoneInfo("Asia/Shanghai")

ROUND_DOWN = "down"
ROUND_NEAREST = "nearest"
ROUND_UP = "up"
ROUNDING_MODES = (ROUND_DOWN, ROUND_NEAREST, ROUND_UP)
ROUNDING_ZH = {ROUND_DOWN: "向下", ROUND_NEAREST: "四舍五入", ROUND_UP: "向上"}

EXPIRY_NEVER = "never"
EXPIRY_MONTHS = "months_after_accrual"
EXPIRY_END_OF_YEAR = "end_of_year"
EXPIRY_POLICIES = (EXPIRY_NEVER, EXPIRY_MONTHS, EXPIRY_END_OF_YEAR)

MAX_POINTS_PER_HOUR = 10_000
MAX_MULTIPLIER = 10_000  # ×100
MAX_CATEGORY_LENGTH = 40
MAX_COMMENDATION_POINTS = 1_000_000
MAX_COMMENDATIONS = 50
MAX_EXPIRY_MONTHS = 120
MAX_EXPIRY_YEARS = 10
MINUTES_PER_DAY = 24 * 60
# 星级志愿者: certified hours for 1★ to 5★. The national community-volunteer rules are the default;
# Beijing's are lower. A street (or community) sets its own in its rule version.
STAR_HOURS_NATIONAL = (100, 300, 600, 1000, 1500)
STAR_HOURS_BEIJING = (100, 200, 500, 800, 1000)
MAX_STAR_HOURS = 100_000


@dataclass(frozen=True)
class Commendation:
    name: str
    points: int


@dataclass(frozen=True)
class RuleSet:
    points_per_hour: int
    difficulty_multipliers: tuple[int, ...]
    category_multipliers: dict[str, int] = field(default_factory=dict, hash=False)
    rounding_minutes: int = 1
    rounding_mode: str = ROUND_DOWN
    daily_hour_cap_minutes: int = 0
    commendations: tuple[Commendation, ...] = ()
    expiry_policy: str = EXPIRY_NEVER
    expiry_value: int = 0
    # Certified hours for 1★ .. 5★, rising.
    star_hours: tuple[int, ...] = STAR_HOURS_NATIONAL

    def validated(self) -> RuleSet:
        """Returns self, or raises InvalidArgument naming the first bad parameter."""
        if not 0 < self.points_per_hour <= MAX_POINTS_PER_HOUR:
            raise InvalidArgument(
                "rules.points_per_hour",
                f"每小时积分须在 1 到 {MAX_POINTS_PER_HOUR} 之间",
                f"must be between 1 and {MAX_POINTS_PER_HOUR}",
            )
        if len(self.difficulty_multipliers) != 5:
            raise InvalidArgument(
                "rules.difficulty_multipliers",
                "难度系数须正好 5 个（难度 1 到 5）",
                "must hold exactly 5 values, for difficulty 1 to 5",
            )
        for value in self.difficulty_multipliers:
            _multiplier("rules.difficulty_multipliers", value)
        for category, value in self.category_multipliers.items():
            if not category or len(category) > MAX_CATEGORY_LENGTH:
                raise InvalidArgument(
                    "rules.category_multipliers",
                    "类别代码不能为空或过长",
                    "codes must be 1–40 chars",
                )
            _multiplier("rules.category_multipliers", value)
        if not 1 <= self.rounding_minutes <= MINUTES_PER_DAY:
            raise InvalidArgument(
                "rules.rounding_minutes", "取整分钟数须在 1 到 1440 之间", "must be between 1 and 1440"
            )
        if self.rounding_mode not in ROUNDING_MODES:
            raise InvalidArgument("rules.rounding_mode", "请选择取整方式", "is required")
        if not 0 <= self.daily_hour_cap_minutes <= MINUTES_PER_DAY:
            raise InvalidArgument(
                "rules.daily_hour_cap_minutes",
                "每日时长上限须在 0 到 1440 分钟之间",
                "must be between 0 and 1440 minutes",
            )
        self._validate_commendations()
        self._validate_expiry()
        self._validate_stars()
        return self

    def _validate_stars(self) -> None:
        hours = self.star_hours
        if len(hours) != 5:
            raise InvalidArgument(
                "rules.star_hours",
                "星级门槛须正好 5 个（1 星到 5 星）",
                "must hold exactly 5 values, for 1 to 5 stars",
            )
        if any(not 0 < h <= MAX_STAR_HOURS for h in hours) or any(a >= b for a, b in pairwise(hours)):
            raise InvalidArgument(
                "rules.star_hours",
                f"星级门槛须是 1 到 {MAX_STAR_HOURS} 之间、逐级增加的小时数",
                f"must rise from star to star, each between 1 and {MAX_STAR_HOURS} hours",
            )

    def star_level(self, certified_minutes: int) -> int:
        return star_level(certified_minutes, self.star_hours)

    def minutes_to_next_star(self, certified_minutes: int) -> int:
        return minutes_to_next_star(certified_minutes, self.star_hours)

    def _validate_commendations(self) -> None:
        if len(self.commendations) > MAX_COMMENDATIONS:
            raise InvalidArgument(
                "rules.commendations", "表彰项目过多", f"must hold at most {MAX_COMMENDATIONS}"
            )
        names = [c.name.strip() for c in self.commendations]
        if any(not n or len(n) > 40 for n in names) or len(set(names)) != len(names):
            raise InvalidArgument(
                "rules.commendations", "表彰名称不能为空、过长或重复", "names must be 1–40 chars and unique"
            )
        if any(not 0 < c.points <= MAX_COMMENDATION_POINTS for c in self.commendations):
            raise InvalidArgument(
                "rules.commendations",
                f"表彰积分须在 1 到 {MAX_COMMENDATION_POINTS} 之间",
                f"points must be between 1 and {MAX_COMMENDATION_POINTS}",
            )

    def _validate_expiry(self) -> None:
        if self.expiry_policy not in EXPIRY_POLICIES:
            raise InvalidArgument("rules.expiry_policy", "请选择积分有效期规则", "is required")
        if self.expiry_policy == EXPIRY_MONTHS and not 1 <= self.expiry_value <= MAX_EXPIRY_MONTHS:
            raise InvalidArgument(
                "rules.expiry_value",
                f"有效月数须在 1 到 {MAX_EXPIRY_MONTHS} 之间",
                f"must be between 1 and {MAX_EXPIRY_MONTHS} months",
            )
        if self.expiry_policy == EXPIRY_END_OF_YEAR and not 0 <= self.expiry_value <= MAX_EXPIRY_YEARS:
            raise InvalidArgument(
                "rules.expiry_value",
                f"年数须在 0 到 {MAX_EXPIRY_YEARS} 之间",
                f"must be between 0 and {MAX_EXPIRY_YEARS} years",
            )

    def rounded_minutes(self, minutes: int) -> int:
        step = self.rounding_minutes
        if self.rounding_mode == ROUND_UP:
            return -(-minutes // step) * step
        if self.rounding_mode == ROUND_NEAREST:
            return (2 * minutes + step) // (2 * step) * step
        return minutes // step * step

    def category_multiplier(self, category: str) -> int:
        return self.category_multipliers.get(category, 100)

    def points_for(self, minutes: int, difficulty: int, category: str) -> tuple[int, str]:
        """Points for approved minutes, and the calculation as the statement shows it."""
        rounded = self.rounded_minutes(minutes)
        difficulty_x = self.difficulty_multipliers[difficulty - 1]
        category_x = self.category_multiplier(category)
        points = rounded * self.points_per_hour * difficulty_x * category_x // (60 * 100 * 100)
        parts = []
        if rounded != minutes:
            parts.append(
                f"{minutes} 分钟按 {self.rounding_minutes} 分钟{ROUNDING_ZH[self.rounding_mode]}取整为 "
                f"{rounded} 分钟；"
            )
        parts.append(f"{_decimal(rounded, 60)} 小时 × {self.points_per_hour} 分/小时")
        parts.append(f" × {_decimal(difficulty_x, 100)}（难度 {difficulty}）")
        if category_x != 100:
            parts.append(f" × {_decimal(category_x, 100)}（类别 {category}）")
        parts.append(f" = {points}")
        return points, "".join(parts)

    def commendation(self, name: str) -> Commendation | None:
        return next((c for c in self.commendations if c.name == name), None)

    def lot_expiry(self, earned_at: datetime) -> datetime | None:
        """When points earned at `earned_at` under these rules expire (UTC), or None for never."""
        if self.expiry_policy == EXPIRY_NEVER:
            return None
        local = earned_at.astimezone(LOCAL)
        if self.expiry_policy == EXPIRY_MONTHS:
            return _add_months(local, self.expiry_value).astimezone(earned_at.tzinfo)
        end = datetime(local.year + self.expiry_value + 1, 1, 1, tzinfo=LOCAL)
        return end.astimezone(earned_at.tzinfo)


def _multiplier(field_name: str, value: int) -> None:
    if not 0 < value <= MAX_MULTIPLIER:
        raise InvalidArgument(
            field_name,
            "系数须在 0.01 到 100 之间（以百分之一计）",
            "must be 1–10000 (hundredths)",
        )


def _decimal(numerator: int, denominator: int) -> str:
    """numerator / denominator written exactly when it terminates within 4 places (2.5, 1.2, 1)."""
    whole, rest = divmod(numerator, denominator)
    if rest == 0:
        return str(whole)
    return f"{numerator / denominator:.4f}".rstrip("0")


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# The rules of local practice (DOMAIN.md), in force wherever nothing else was published.
DEFAULT_RULES = RuleSet(
    points_per_hour=10,
    difficulty_multipliers=(100, 120, 150, 180, 200),
    rounding_minutes=30,
    rounding_mode=ROUND_DOWN,
    daily_hour_cap_minutes=8 * 60,
    commendations=(
        Commendation("优秀志愿者", 200),
        Commendation("文明家庭", 100),
        Commendation("好人好事", 50),
    ),
    expiry_policy=EXPIRY_END_OF_YEAR,
    expiry_value=1,
)


STAR_HOURS = STAR_HOURS_NATIONAL


def star_level(certified_minutes: int, star_hours: tuple[int, ...] = STAR_HOURS) -> int:
    """星级志愿者: 1★ from the first threshold (100 certified hours nationally) up to 5★ (1500)."""
    return sum(1 for hours in star_hours if certified_minutes >= hours * 60)


def minutes_to_next_star(certified_minutes: int, star_hours: tuple[int, ...] = STAR_HOURS) -> int:
    """Certified minutes still to serve for the next star; 0 once the highest star is reached."""
    for hours in star_hours:
        if certified_minutes < hours * 60:
            return hours * 60 - certified_minutes
    return 0


def local_day(moment: datetime) -> tuple[int, int, int]:
    local = moment.astimezone(LOCAL)
    return local.year, local.month, local.day


def local_day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """The Asia/Shanghai calendar day containing `moment`, as [start, end) in the moment's zone."""
    local = moment.astimezone(LOCAL)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(moment.tzinfo), (start + timedelta(days=1)).astimezone(moment.tzinfo)


@dataclass(frozen=True)
class RuleVersion:
    """A published RuleSet and where and from when it applies. Never changes once published."""

    id: str
    community_id: str
    street_id: str
    effective_from: datetime
    rules: RuleSet
    note: str = ""
    published_by: str = ""
    published_at: datetime | None = None
    # What the admin called it, e.g. "2026年志愿服务积分办法"; statements name the version by it.
    title: str = ""

    @property
    def scope(self) -> str:
        if self.community_id:
            return "community"
        return "street" if self.street_id else "default"

    @property
    def label(self) -> str:
        """The version as a volunteer reads it on a statement: its title and when it took effect, no id."""
        if self.id == BUILT_IN_VERSION_ID:
            return f"「{self.title or BUILT_IN_TITLE}」"
        title = self.title or default_title(self.effective_from)
        since = f"{local_date(self.effective_from)}起施行"
        return f"「{title}」" if since in title else f"「{title}」（{since}）"


# The id of the built-in default version the first migration writes (DEFAULT_RULES from the epoch).
BUILT_IN_VERSION_ID = "default-0"
# Its title (migration 0003): it has been in force "since 1970", which would tell a reader nothing.
BUILT_IN_TITLE = "内置默认积分规则"


def local_date(moment: datetime) -> str:
    """The Asia/Shanghai date of `moment` as people write it, e.g. 2026年3月1日."""
    local = moment.astimezone(LOCAL)
    return f"{local.year}年{local.month}月{local.day}日"


def default_title(effective_from: datetime) -> str:
    """The title of a version published without one, e.g. 2026年3月1日起施行的积分规则."""
    return f"{local_date(effective_from)}起施行的积分规则"
