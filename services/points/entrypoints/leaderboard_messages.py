"""GetLeaderboard (LedgerService) between the contract and the leaderboards use case."""

from __future__ import annotations

from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.points.v1 import ledger_pb2 as pb

from ..service.leaderboards import handlers as leaderboards
from ..service.leaderboards.commands import LeaderboardQuery
from ..service.leaderboards.ports import Boards
from ..service.leaderboards.views import Leaderboard, Standing
from ..service.ports import UnitOfWork

PERIODS = {
    pb.LEADERBOARD_PERIOD_MONTH: leaderboards.MONTH,
    pb.LEADERBOARD_PERIOD_YEAR: leaderboards.YEAR,
    pb.LEADERBOARD_PERIOD_ALL_TIME: leaderboards.ALL_TIME,
}
METRICS = {
    pb.LEADERBOARD_METRIC_POINTS: leaderboards.POINTS,
    pb.LEADERBOARD_METRIC_HOURS: leaderboards.HOURS,
}


def leaderboard_query(request: pb.GetLeaderboardRequest, caller: Caller) -> LeaderboardQuery:
    # Unspecified or unknown enums become "", which the use case refuses naming the field.
    return LeaderboardQuery(
        actor=caller,
        community_id=request.community_id,
        period=PERIODS.get(request.period, ""),
        metric=METRICS.get(request.metric, ""),
        year=request.year,
        month=request.month,
        page_size=request.page_size,
        page_token=request.page_token,
    )


def entry(standing: Standing) -> pb.LeaderboardEntry:
    return pb.LeaderboardEntry(
        rank=standing.rank, member_id=standing.member_id, name=standing.name, value=standing.value
    )


def leaderboard_response(board: Leaderboard) -> pb.GetLeaderboardResponse:
    return pb.GetLeaderboardResponse(
        entries=[entry(s) for s in board.entries],
        next_page_token=board.next_page_token,
        caller=entry(board.caller) if board.caller else None,
        total_members=board.total_members,
    )


def get_leaderboard_response(
    request: pb.GetLeaderboardRequest, caller: Caller, uow: UnitOfWork, boards: Boards, clock: Clock = utcnow
) -> pb.GetLeaderboardResponse:
    """What LedgerServicer.GetLeaderboard returns."""
    query = leaderboard_query(request, caller)
    return leaderboard_response(leaderboards.get_leaderboard(query, uow, boards, clock))
