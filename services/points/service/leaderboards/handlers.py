"""Leaderboards (排行榜) per community × month / year / all time, by points earned and by hours.

Kept in Redis and never the source of truth: `refresh` recomputes one member's values from the
database and writes them as absolute values (a redelivered event writes the same numbers again),
`rebuild` recomputes every board.

What a community's boards count: its current members (accounts.community_id). Points are the
accrual, award and adjustment entries posted while the member belonged to that community
(entries.community_id), by created_at; hours are the minutes of approved hour records, by
approval time, wherever served. A member who moves leaves every board of the old community
(`moved`), and rebuild agrees: points posted in an old community follow nobody.
Months and years are Asia/Shanghai calendar ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime

from jifen import paging
from jifen.clock import Clock, utcnow
from jifen.errors import InvalidArgument

from ...domain.rules import LOCAL
from ..lookups import known_community
from ..ports import UnitOfWork
from .commands import LeaderboardQuery
from .ports import Boards, LeaderboardSums, Window
from .views import Leaderboard, Ranked, Standing

POINTS = "points"
HOURS = "hours"
METRICS = (POINTS, HOURS)
MONTH = "month"
YEAR = "year"
ALL_TIME = "all"
PERIODS = (MONTH, YEAR, ALL_TIME)
MIN_YEAR, MAX_YEAR = 2000, 2100


# --- Periods ---


def month_key(year: int, month: int) -> str:
    return f"m:{year:04d}-{month:02d}"


def year_key(year: int) -> str:
    return f"y:{year:04d}"


def month_window(year: int, month: int) -> Window:
    start = datetime(year, month, 1, tzinfo=LOCAL)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=LOCAL)
    return _utc(start), _utc(end)


def year_window(year: int) -> Window:
    return _utc(datetime(year, 1, 1, tzinfo=LOCAL)), _utc(datetime(year + 1, 1, 1, tzinfo=LOCAL))


def periods_of(at: datetime) -> list[tuple[str, Window]]:
    """The month, the year and all time that a moment counts in, with their windows."""
    local = at.astimezone(LOCAL)
    return [
        (month_key(local.year, local.month), month_window(local.year, local.month)),
        (year_key(local.year), year_window(local.year)),
        (ALL_TIME, (None, None)),
    ]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# --- Keeping the boards ---


def refresh(uow: UnitOfWork, boards: Boards, member_id: str, at: datetime) -> None:
    """Recomputes the member's month and year of `at`, and all time, on their community's boards.

    Opens its own transaction on `uow`: call it after the change it reflects has committed.
    """
    with uow:
        refresh_within(uow, boards, member_id, at)


def refresh_within(uow: UnitOfWork, boards: Boards, member_id: str, at: datetime) -> None:
    """refresh() inside a transaction already open, such as an event consumer's.

    The values written are absolute sums read from the database, so running it twice for one
    event (a redelivery) or out of order leaves the boards right.
    """
    periods = periods_of(at)
    windows = [window for _, window in periods]
    sums: LeaderboardSums = uow.leaderboard_sums
    community_id = sums.account_community(member_id)
    if community_id is None:
        return
    points = sums.member_points(member_id, community_id, windows)
    minutes = sums.member_minutes(member_id, windows)
    for (period, _), earned, served in zip(periods, points, minutes, strict=True):
        boards.put(community_id, POINTS, period, member_id, earned)
        boards.put(community_id, HOURS, period, member_id, served)


def moved(boards: Boards, member_id: str, old_community_id: str) -> None:
    """Takes a member who changed community off every board of the old one."""
    if old_community_id:
        boards.remove(old_community_id, member_id)


def rebuild(uow_factory: Callable[[], UnitOfWork], boards: Boards) -> int:
    """Recomputes every board from the database and swaps them in; returns the entries written."""
    totals: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with uow_factory() as uow:
        sums: LeaderboardSums = uow.leaderboard_sums
        for metric, rows in ((POINTS, sums.earned_points()), (HOURS, sums.certified_minutes())):
            for community_id, member_id, value, at in rows:
                for period, _ in periods_of(at):
                    totals[(community_id, metric, period)][member_id] += value
    return boards.replace_all({board: dict(values) for board, values in totals.items()})


# --- Reading them ---


def board_period(period: str, year: int, month: int, now: datetime) -> str:
    """The period key a request names; year 0 and month 0 mean the current ones (Asia/Shanghai)."""
    if period not in PERIODS:
        raise InvalidArgument("period", "请选择排行榜周期", "is required: month, year or all time")
    if period == ALL_TIME:
        return ALL_TIME
    local = now.astimezone(LOCAL)
    if year and not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidArgument(
            "year", f"年份须在 {MIN_YEAR} 到 {MAX_YEAR} 之间", f"must be 0 or {MIN_YEAR}–{MAX_YEAR}"
        )
    year = year or local.year
    if period == YEAR:
        return year_key(year)
    if month and not 1 <= month <= 12:
        raise InvalidArgument("month", "月份须在 1 到 12 之间", "must be 0 or 1–12")
    return month_key(year, month or local.month)


def get_leaderboard(
    query: LeaderboardQuery, uow: UnitOfWork, boards: Boards, clock: Clock = utcnow
) -> Leaderboard:
    if query.metric not in METRICS:
        raise InvalidArgument("metric", "请选择排行榜指标", "is required: points or hours")
    period = board_period(query.period, query.year, query.month, clock())
    page = paging.page(query.page_size, query.page_token)
    with uow:
        community = known_community(uow, query.community_id)
        ranked = boards.page(community.id, query.metric, period, page.offset, page.size)
        mine = (
            boards.standing(community.id, query.metric, period, query.actor.member_id)
            if query.actor.member_id
            else None
        )
        total = boards.count(community.id, query.metric, period)
        ids = [r.member_id for r in ranked] + ([mine.member_id] if mine else [])
        names = {m.id: m.name for m in uow.people.members(ids).values()}

    def standing(r: Ranked) -> Standing:
        return Standing(r.rank, r.member_id, names.get(r.member_id, ""), r.value)

    return Leaderboard(
        entries=[standing(r) for r in ranked],
        next_page_token=page.next_token(len(ranked)) if page.offset + len(ranked) < total else "",
        caller=standing(mine) if mine else None,
        total_members=total,
    )
