"""Leaderboards: ranks with ties, the caller's own place, idempotent refresh, rebuild, periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fakeredis
import pytest

from jifen.caller import Caller
from jifen.errors import InvalidArgument, NotFound
from services.points.adapters.redis_leaderboards import RedisLeaderboards
from services.points.service.leaderboards import handlers as leaderboards
from services.points.service.leaderboards.commands import LeaderboardQuery

from .fake_rules import (
    HOME,
    NOW,
    OTHER,
    Clock,
    EarnedRow,
    FakeLeaderboardSums,
    HoursRow,
    add_member,
)

# 2026-11-20 10:00 in Shanghai.
MONTH, YEAR = "m:2026-11", "y:2026"


@pytest.fixture
def boards():
    return RedisLeaderboards(fakeredis.FakeRedis(decode_responses=True), "test")


@pytest.fixture
def uow(rules_uow):
    uow = rules_uow
    uow.leaderboard_sums = FakeLeaderboardSums()
    for member_id, name in [("m-1", "王秀兰"), ("m-2", "李建国"), ("m-3", "张伟"), ("m-4", "赵敏")]:
        add_member(uow, member_id, name)
        uow.leaderboard_sums.accounts[member_id] = HOME.id
    return uow


def earn(uow, member_id, amount, at=NOW, kind="accrual", community=HOME):
    uow.leaderboard_sums.earned.append(EarnedRow(member_id, community.id, kind, amount, at))


def serve(uow, member_id, minutes, at=NOW, status="approved"):
    uow.leaderboard_sums.hours.append(HoursRow(member_id, minutes, status, at))


def board(uow, boards, actor="m-1", period="month", metric="points", **changes):
    query = LeaderboardQuery(
        actor=Caller(member_id=actor), community_id=HOME.id, period=period, metric=metric, **changes
    )
    return leaderboards.get_leaderboard(query, uow, boards, Clock())


def refresh_all(uow, boards, at=NOW):
    for member_id in uow.leaderboard_sums.accounts:
        leaderboards.refresh(uow, boards, member_id, at)


def test_equal_values_share_a_rank_and_the_next_rank_skips(uow, boards):
    for member_id, amount in [("m-1", 30), ("m-2", 50), ("m-3", 50), ("m-4", 10)]:
        earn(uow, member_id, amount)
    refresh_all(uow, boards)

    result = board(uow, boards)

    assert [(e.rank, e.value) for e in result.entries] == [(1, 50), (1, 50), (3, 30), (4, 10)]
    assert {e.member_id for e in result.entries[:2]} == {"m-2", "m-3"}
    assert result.entries[2].name == "王秀兰"
    assert result.total_members == 4


def test_the_caller_sees_their_own_place_even_off_the_page(uow, boards):
    for member_id, amount in [("m-1", 5), ("m-2", 50), ("m-3", 50), ("m-4", 10)]:
        earn(uow, member_id, amount)
    refresh_all(uow, boards)

    first = board(uow, boards, page_size=2)
    second = board(uow, boards, page_size=2, page_token=first.next_page_token)

    assert [e.value for e in first.entries] == [50, 50]
    assert (first.caller.rank, first.caller.member_id, first.caller.name, first.caller.value) == (
        4,
        "m-1",
        "王秀兰",
        5,
    )
    assert [(e.rank, e.value) for e in second.entries] == [(3, 10), (4, 5)]
    assert second.next_page_token == ""


def test_a_caller_with_nothing_on_the_board_has_no_place(uow, boards):
    earn(uow, "m-2", 40)
    refresh_all(uow, boards)

    result = board(uow, boards, actor="m-1")

    assert result.caller is None
    assert result.total_members == 1


def test_refresh_writes_absolute_values_so_a_redelivered_event_changes_nothing(uow, boards):
    earn(uow, "m-1", 30)
    serve(uow, "m-1", 90)
    leaderboards.refresh(uow, boards, "m-1", NOW)
    before = board(uow, boards), board(uow, boards, metric="hours")

    leaderboards.refresh(uow, boards, "m-1", NOW)
    leaderboards.refresh(uow, boards, "m-1", NOW)

    assert (board(uow, boards), board(uow, boards, metric="hours")) == before
    assert before[0].entries[0].value == 30 and before[1].entries[0].value == 90


def test_refresh_fills_month_year_and_all_time_from_what_counts(uow, boards):
    earn(uow, "m-1", 30)
    earn(uow, "m-1", 20, at=NOW - timedelta(days=60))
    earn(uow, "m-1", 100, at=datetime(2025, 6, 1, tzinfo=UTC))
    earn(uow, "m-1", -5, kind="adjustment")
    earn(uow, "m-1", -1000, kind="capture")
    serve(uow, "m-1", 600, status="pending")
    serve(uow, "m-1", 60)
    leaderboards.refresh(uow, boards, "m-1", NOW)

    values = {p: board(uow, boards, period=p).entries[0].value for p in ("month", "year", "all")}

    assert values == {"month": 25, "year": 45, "all": 145}
    assert board(uow, boards, metric="hours", period="all").entries[0].value == 60


def test_a_member_whose_sum_drops_to_zero_leaves_the_board(uow, boards):
    earn(uow, "m-1", 30)
    leaderboards.refresh(uow, boards, "m-1", NOW)
    earn(uow, "m-1", -30, kind="adjustment")

    leaderboards.refresh(uow, boards, "m-1", NOW)

    assert board(uow, boards).entries == [] and board(uow, boards).total_members == 0


def test_months_are_shanghai_months(uow, boards):
    # 2026-10-31 17:00 UTC is already 1 November in Shanghai.
    late = datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    earn(uow, "m-1", 30, at=late)
    leaderboards.refresh(uow, boards, "m-1", late)

    assert board(uow, boards, year=2026, month=11).entries[0].value == 30
    assert board(uow, boards, year=2026, month=10).entries == []


def test_rebuild_matches_refresh_and_drops_boards_nothing_supports(uow, boards):
    earn(uow, "m-1", 30)
    earn(uow, "m-2", 30, at=NOW - timedelta(days=40))
    serve(uow, "m-3", 120, at=NOW - timedelta(days=400))
    boards.put("co-gone", "points", "all", "m-9", 70)
    refresh_all(uow, boards)
    refresh_all(uow, boards, at=NOW - timedelta(days=40))
    refresh_all(uow, boards, at=NOW - timedelta(days=400))
    keys = sorted(boards.client.keys("test:lb:co-a:*"))
    refreshed = {k: boards.client.zrange(k, 0, -1, withscores=True) for k in keys}

    written = leaderboards.rebuild(lambda: uow, boards)

    assert sorted(boards.client.keys("test:lb:*")) == keys
    assert {k: boards.client.zrange(k, 0, -1, withscores=True) for k in keys} == refreshed
    assert written == sum(len(v) for v in refreshed.values())
    assert boards.client.keys("test:lb-rebuild:*") == []


def test_a_member_who_moved_leaves_the_old_communitys_boards_and_rebuild_agrees(uow, boards):
    earn(uow, "m-1", 30)
    serve(uow, "m-1", 60)
    earn(uow, "m-2", 10)
    refresh_all(uow, boards)

    uow.leaderboard_sums.accounts["m-1"] = OTHER.id
    leaderboards.moved(boards, "m-1", HOME.id)
    leaderboards.refresh(uow, boards, "m-1", NOW)

    assert [e.member_id for e in board(uow, boards).entries] == ["m-2"]
    assert board(uow, boards, metric="hours").entries == []
    # Their hours go with them; points earned in the old community do not.
    assert boards.standing(OTHER.id, "hours", "all", "m-1").value == 60
    assert boards.standing(OTHER.id, "points", "all", "m-1") is None
    leaderboards.rebuild(lambda: uow, boards)
    assert [e.member_id for e in board(uow, boards).entries] == ["m-2"]


def test_year_and_month_zero_mean_the_current_ones(uow, boards):
    earn(uow, "m-1", 30)
    refresh_all(uow, boards)

    assert board(uow, boards, period="year").entries[0].value == 30
    assert board(uow, boards, period="year", year=2026).entries[0].value == 30
    assert board(uow, boards, period="month", year=2025).entries == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"month": 13}, "month"),
        ({"month": -1}, "month"),
        ({"year": 1999}, "year"),
        ({"year": 2101}, "year"),
        ({"period": ""}, "period"),
        ({"metric": ""}, "metric"),
    ],
)
def test_bad_requests_name_the_field(uow, boards, changes, field):
    with pytest.raises(InvalidArgument) as raised:
        board(uow, boards, **changes)
    assert raised.value.field == field


def test_an_unknown_community_is_not_found(uow, boards):
    query = LeaderboardQuery(Caller(member_id="m-1"), "co-nowhere", "all", "points")
    with pytest.raises(NotFound):
        leaderboards.get_leaderboard(query, uow, boards, Clock())


def test_keys_follow_the_agreed_layout(boards):
    boards.put(HOME.id, "hours", MONTH, "m-1", 60)
    boards.put(HOME.id, "points", YEAR, "m-1", 10)

    assert sorted(boards.client.keys("*")) == ["test:lb:co-a:hours:m:2026-11", "test:lb:co-a:points:y:2026"]
