"""What the leaderboards answer with: a member's rank on a board, and a page of a board."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ranked:
    member_id: str
    value: int
    # 1 is first; equal values share a rank (1, 1, 3).
    rank: int


@dataclass(frozen=True)
class Standing:
    rank: int
    member_id: str
    name: str
    # Points, or minutes for the hours metric.
    value: int


@dataclass(frozen=True)
class Leaderboard:
    entries: list[Standing]
    next_page_token: str
    # The caller's own place; None when they have nothing on this board.
    caller: Standing | None
    total_members: int
