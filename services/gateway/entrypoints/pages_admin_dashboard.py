"""Admin pages for the dashboard and the audit trail."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
