"""The leaderboard query, as the LedgerService servicer builds it."""

from __future__ import annotations

from dataclasses import dataclass

from jifen.caller import Caller


@dataclass(frozen=True)
class LeaderboardQuery:
    actor: Caller
    community_id: str
    # "month" | "year" | "all"; "" when the request left it unspecified.
    period: str
    # "points" | "hours"; "" when unspecified.
    metric: str
    year: int = 0
    month: int = 0
    page_size: int = 0
    page_token: str = ""
