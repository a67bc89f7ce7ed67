"""Admin pages for the dashboard (数据看板) and the audit trail (操作记录)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ..service import admin_audit, admin_dashboard
from ..service.errors import ActionError, Kind
from ..service.session import Session
from .context import gateway, session
from .render import render

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/dashboard")
def dashboard(
    request: Request,
    community: str = "",
    from_month: str = "",
    to_month: str = "",
    me: Session = Depends(session),
):
    services = gateway(request).services
    try:
        board = admin_dashboard.dashboard(services, me, community, from_month, to_month)
        error = None
    except ActionError as exc:
        if exc.kind is not Kind.INVALID:
            raise
        # A month written wrongly: the sentence above the form, and the last 12 months below it.
        board, error = admin_dashboard.dashboard(services, me, community), exc
    tables = {name: admin_dashboard.table(board, name, me.gettext) for name in admin_dashboard.TABLES}
    charts = admin_dashboard.charts(board, me.gettext)
    return render(
        request,
        "admin/dashboard.html",
        me,
        status=422 if error else 200,
        board=board,
        tables=tables,
        charts=charts,
        error=error,
        form={"from_month": from_month, "to_month": to_month} if error else {},
    )


@router.get("/dashboard/{name}.xlsx")
def dashboard_table(
    request: Request,
    name: str,
    community: str = "",
    from_month: str = "",
    to_month: str = "",
    me: Session = Depends(session),
):
    services = gateway(request).services
    board = admin_dashboard.dashboard(services, me, community, from_month, to_month)
    community_name = admin_dashboard.community_name(services, me, board)
    return xlsx_response(*admin_dashboard.xlsx(board, name, community_name, me.gettext))


def xlsx_response(file_name: str, content: bytes) -> Response:
    # The ASCII name is for old clients; browsers take the Chinese one (RFC 6266).
    disposition = f"attachment; filename=\"jifen-dashboard.xlsx\"; filename*=UTF-8''{quote(file_name)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get("/audit")
def audit(
    request: Request,
    community: str = "",
    kind: str = "",
    page: str = "",
    me: Session = Depends(session),
):
    found = admin_audit.trail(gateway(request).services, me, community, kind, page)
    return render(request, "admin/audit.html", me, trail=found)
