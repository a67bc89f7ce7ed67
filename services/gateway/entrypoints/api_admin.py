"""/api/v1/admin: the admin console's actions as JSON, one router per area, all within the admin's scope."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from . import api_admin_activities, api_admin_dashboard, api_admin_market, api_admin_people, api_admin_points
from .context import admin

router = APIRouter(prefix="/admin", dependencies=[Depends(admin)])
for area in (api_admin_people, api_admin_activities, api_admin_points, api_admin_market, api_admin_dashboard):
    router.include_router(area.router)
