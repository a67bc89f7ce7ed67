"""/api/v1/admin: the dashboard, its tables as xlsx, and the audit trail."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ..service import admin_audit, admin_dashboard
from ..service.session import Session
from ..service.views_dashboard import AuditTrail, Dashboard
from .context import gateway, session
from .pages_admin_dashboard import XLSX, xlsx_response

router = APIRouter()
# The dashboard's tables, as admin_dashboard.TABLES names them.
Table = Literal["points", "hours", "volunteers", "shops", "goods"]


@router.get("/dashboard", response_model=Dashboard, tags=["admin"])
def admin_dashboard_figures(
    request: Request,
    community_id: str = "",
    from_month: str = "",
    to_month: str = "",
    me: Session = Depends(session),
):
    """The dashboard's figures; community_id "all" means every community of the admin's street."""
    return admin_dashboard.dashboard(gateway(request).services, me, community_id, from_month, to_month)


@router.get(
    "/dashboard/{name}.xlsx",
    tags=["admin"],
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The table as an xlsx file."}},
)
def admin_dashboard_table(
    request: Request,
    name: Table,
    community_id: str = "",
    from_month: str = "",
    to_month: str = "",
    me: Session = Depends(session),
):
    """One table of the dashboard (points, hours, volunteers, shops, goods) as an xlsx file."""
    board = admin_dashboard.dashboard(gateway(request).services, me, community_id, from_month, to_month)
    community = admin_dashboard.community_name(gateway(request).services, me, board)
    return xlsx_response(*admin_dashboard.xlsx(board, name, community, me.gettext))


@router.get("/audit", response_model=AuditTrail, tags=["admin"])
def admin_audit_trail(
    request: Request,
    community_id: str = "",
    kind: str = "",
    page_token: str = "",
    me: Session = Depends(session),
):
    """Who did what, newest first: kind is one of award, commendation, adjustment, rule, role, restock."""
    return admin_audit.trail(gateway(request).services, me, community_id, kind, page_token)
