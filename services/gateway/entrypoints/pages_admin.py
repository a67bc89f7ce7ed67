"""The admin console (社区/街道管理员), one router per area; every page works within the admin's own scope."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse

from . import (
    pages_admin_activities,
    pages_admin_dashboard,
    pages_admin_market,
    pages_admin_needs,
    pages_admin_people,
    pages_admin_points,
    pages_certificates,
)
from .context import admin

router = APIRouter(include_in_schema=False, prefix="/admin", dependencies=[Depends(admin)])


@router.get("")
def console():
    return RedirectResponse("/admin/people", status_code=303)


for area in (
    pages_admin_people,
    pages_admin_activities,
    pages_admin_points,
    pages_admin_market,
    pages_admin_needs,
    pages_admin_dashboard,
):
    router.include_router(area.router)
router.include_router(pages_certificates.admin_router)
