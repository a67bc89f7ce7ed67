"""Admin pages for commendations, adjustments, the rule editor and the leaderboard."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
