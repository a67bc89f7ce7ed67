"""Every page, one router per person's area."""

from __future__ import annotations

from fastapi import APIRouter

from . import (
    pages_admin,
    pages_auth,
    pages_certificates,
    pages_counter,
    pages_grid,
    pages_media,
    pages_needs,
    pages_organiser,
    pages_volunteer,
)

router = APIRouter(include_in_schema=False)
areas = (
    pages_auth,
    pages_volunteer,
    pages_needs,
    pages_certificates,
    pages_organiser,
    pages_counter,
    pages_grid,
    pages_admin,
    pages_media,
)
for area in areas:
    router.include_router(area.router)
