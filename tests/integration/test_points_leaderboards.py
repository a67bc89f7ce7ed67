"""Leaderboards on the real PostgreSQL and Redis: refresh and rebuild from accounts, entries and hours."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import redis

from jifen.caller import Caller
from jifen.clock import utcnow
from jifen.points.v1 import ledger_pb2 as pb
from services.points.adapters import tables
from services.points.adapters.people_repository import SqlPeople
from services.points.adapters.redis_leaderboards import RedisLeaderboards
from services.points.adapters.unit_of_work import PointsUnitOfWork
from services.points.domain.people import ACTIVE, MemberCopy
from services.points.entrypoints.leaderboard_messages import get_leaderboard_response
from services.points.service.leaderboards import handlers as leaderboards
from tests.integration.points_places import HOME, OTHER
from tests.servers import REDIS_URL, redis_namespace

# 10:00 on 20 November 2026 in Shanghai.
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def boards():
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    with redis_namespace() as namespace:
        yield RedisLeaderboards(client, namespace)
    client.close()


@pytest.fixture
def uow_factory(engine):
    factory = partial(PointsUnitOfWork, engine)
    with factory() as uow:
        for community in (HOME, OTHER):
            uow.people.put_community(community)
        uow.commit()
    return factory


class Town:
    """Writes accounts, entries and hour records as the ledger and hours parts would leave them."""

    def __init__(self, engine):
        self.engine = engine
        self.seq: dict[str, int] = {}

    def member(self, member_id, name, community=HOME):
        with self.engine.begin() as conn:
            SqlPeople(conn).put_member(
                MemberCopy(member_id, name, community.id, community.street_id, "", ACTIVE, NOW)
            )
            conn.execute(
                tables.accounts.insert().values(
                    member_id=member_id,
                    community_id=community.id,
                    available=0,
                    held=0,
                    lifetime_earned=0,
                    certified_minutes=0,
                    status="active",
                    version=0,
                    opened_at=NOW,
                    updated_at=NOW,
                )
            )

    def entry(self, member_id, amount, at=NOW, kind="accrual", community=HOME):
        self.seq[member_id] = self.seq.get(member_id, 0) + 1
        with self.engine.begin() as conn:
            conn.execute(
                tables.entries.insert().values(
                    id=uuid.uuid4().hex,
                    member_id=member_id,
                    seq=self.seq[member_id],
                    community_id=community.id,
                    kind=kind,
                    amount=amount,
                    held_change=0,
                    balance_after=0,
                    held_after=0,
                    reason="测试",
                    source_type="admin",
                    source_id="x",
                    created_at=at,
                )
            )

    def hours(self, member_id, minutes, decided_at=NOW, status="approved", community=HOME):
        with self.engine.begin() as conn:
            conn.execute(
                tables.hour_records.insert().values(
                    id=uuid.uuid4().hex,
                    activity_id="a-1",
                    community_id=community.id,
                    member_id=member_id,
                    minutes=minutes,
                    check_in_time=decided_at,
                    check_out_time=decided_at,
                    status=status,
                    source="recorded",
                    recorded_by="org-1",
                    decided_at=decided_at if status != "pending" else None,
                    created_at=decided_at,
                    updated_at=decided_at,
                )
            )


@pytest.fixture
def town(engine, uow_factory):
    town = Town(engine)
    for member_id, name in [("m-1", "王秀兰"), ("m-2", "李建国"), ("m-3", "张伟")]:
        town.member(member_id, name)
    town.member("m-4", "赵敏", OTHER)
    return town


def ask(uow_factory, boards, period, metric, actor="m-1", community=HOME, **fields):
    request = pb.GetLeaderboardRequest(community_id=community.id, period=period, metric=metric, **fields)
    return get_leaderboard_response(request, Caller(member_id=actor), uow_factory(), boards, lambda: NOW)


def snapshot(boards):
    keys = sorted(boards.client.scan_iter(f"{boards.namespace}:lb:*"))
    return {k.split(":lb:")[1]: boards.client.zrange(k, 0, -1, withscores=True) for k in keys}


def test_refresh_and_rebuild_agree_and_the_board_shows_ranks(town, uow_factory, boards):
    # 2026-10-31 18:00 UTC is already November in Shanghai.
    november_in_shanghai = datetime(2026, 10, 31, 18, 0, tzinfo=UTC)
    town.entry("m-1", 30, at=november_in_shanghai)
    town.entry("m-2", 50)
    town.entry("m-3", 50, kind="award")
    town.entry("m-3", -10, kind="adjustment")
    town.entry("m-3", -40, kind="hold")
    town.entry("m-1", 100, at=datetime(2025, 3, 1, tzinfo=UTC))
    town.hours("m-1", 120)
    town.hours("m-2", 600, status="pending")
    town.entry("m-4", 7, community=OTHER)
    for member_id, at in [("m-1", NOW), ("m-1", datetime(2025, 3, 1, tzinfo=UTC))]:
        leaderboards.refresh(uow_factory(), boards, member_id, at)
    for member_id in ("m-2", "m-3", "m-4"):
        leaderboards.refresh(uow_factory(), boards, member_id, NOW)
    refreshed = snapshot(boards)

    written = leaderboards.rebuild(uow_factory, boards)

    assert snapshot(boards) == refreshed
    assert written == sum(len(v) for v in refreshed.values())
    month = ask(uow_factory, boards, pb.LEADERBOARD_PERIOD_MONTH, pb.LEADERBOARD_METRIC_POINTS)
    assert month.entries[2].name == "王秀兰"
    # m-3: award 50 and adjustment −10; a hold is spending, not earning.
    assert [(e.rank, e.member_id, e.value) for e in month.entries] == [
        (1, "m-2", 50),
        (2, "m-3", 40),
        (3, "m-1", 30),
    ]
    assert (month.caller.rank, month.caller.value, month.total_members) == (3, 30, 3)
    all_time = ask(uow_factory, boards, pb.LEADERBOARD_PERIOD_ALL_TIME, pb.LEADERBOARD_METRIC_POINTS)
    assert [(e.member_id, e.value) for e in all_time.entries] == [("m-1", 130), ("m-2", 50), ("m-3", 40)]
    last_year = ask(uow_factory, boards, pb.LEADERBOARD_PERIOD_YEAR, pb.LEADERBOARD_METRIC_POINTS, year=2025)
    assert [(e.member_id, e.value) for e in last_year.entries] == [("m-1", 100)]
    hours = ask(uow_factory, boards, pb.LEADERBOARD_PERIOD_MONTH, pb.LEADERBOARD_METRIC_HOURS, actor="m-2")
    assert [(e.member_id, e.value) for e in hours.entries] == [("m-1", 120)]
    assert not hours.HasField("caller")


def test_refresh_is_idempotent_and_rebuild_drops_what_the_database_no_longer_supports(
    town, uow_factory, boards
):
    town.entry("m-2", 50)
    town.entry("m-3", 50)
    for _ in range(3):
        leaderboards.refresh(uow_factory(), boards, "m-2", NOW)
    leaderboards.refresh(uow_factory(), boards, "m-3", NOW)
    boards.put("co-gone", "points", "all", "m-9", 70)
    boards.put(HOME.id, "hours", "all", "m-2", 999)

    leaderboards.rebuild(uow_factory, boards)

    month = ask(uow_factory, boards, pb.LEADERBOARD_PERIOD_MONTH, pb.LEADERBOARD_METRIC_POINTS)
    assert [(e.rank, e.value) for e in month.entries] == [(1, 50), (1, 50)]
    assert not any(k.startswith("co-gone") or ":hours:" in k for k in snapshot(boards))


def test_a_member_who_moved_leaves_the_old_boards_and_takes_their_hours(town, engine, uow_factory, boards):
    town.entry("m-1", 30)
    town.hours("m-1", 90)
    leaderboards.refresh(uow_factory(), boards, "m-1", NOW)
    with engine.begin() as conn:
        conn.execute(
            tables.accounts.update().where(tables.accounts.c.member_id == "m-1").values(community_id=OTHER.id)
        )

    leaderboards.moved(boards, "m-1", HOME.id)
    leaderboards.refresh(uow_factory(), boards, "m-1", NOW)

    assert [k for k in snapshot(boards) if k.startswith(HOME.id)] == []
    hours = ask(
        uow_factory, boards, pb.LEADERBOARD_PERIOD_ALL_TIME, pb.LEADERBOARD_METRIC_HOURS, community=OTHER
    )
    assert [(e.member_id, e.value) for e in hours.entries] == [("m-1", 90)]
    before = snapshot(boards)
    leaderboards.rebuild(uow_factory, boards)
    assert snapshot(boards) == before


def test_the_current_month_is_the_default_and_recent_writes_show(town, uow_factory, boards):
    town.entry("m-1", 12, at=utcnow() - timedelta(seconds=1))
    leaderboards.refresh(uow_factory(), boards, "m-1", utcnow())

    request = pb.GetLeaderboardRequest(
        community_id=HOME.id, period=pb.LEADERBOARD_PERIOD_MONTH, metric=pb.LEADERBOARD_METRIC_POINTS
    )
    board = get_leaderboard_response(request, Caller(member_id="m-1"), uow_factory(), boards)

    assert [(e.member_id, e.value) for e in board.entries] == [("m-1", 12)]


def test_the_rebuild_command_fills_the_boards_from_settings(town, engine, boards, settings):
    from services.points.bootstrap import rebuild_leaderboards

    town.entry("m-1", 30)
    town.hours("m-2", 60)
    configured = settings.model_copy(
        update={
            "points_db_url": engine.url.render_as_string(hide_password=False),
            "redis_url": REDIS_URL,
            "redis_namespace": boards.namespace,
        }
    )

    assert rebuild_leaderboards(configured) == 6
    assert snapshot(boards)["co-a:points:all"] == [("m-1", 30.0)]
    assert snapshot(boards)["co-a:hours:m:2026-11"] == [("m-2", 60.0)]
