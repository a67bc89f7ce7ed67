"""/api/v1/admin: activities, their participants and hours, and the approval queue."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
