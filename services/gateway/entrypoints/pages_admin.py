"""The admin console (社区/街道管理员): people so far; every page works within the admin's own scope."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from ..service import admin_people
from ..service.session import Session, require
from .context import gateway, session
from .render import render

router = APIRouter(include_in_schema=False, prefix="/admin")


@router.get("")
def console(me: Session = Depends(session)):
    require(me.is_admin, me)
    return RedirectResponse("/admin/people", status_code=303)


@router.get("/people")
def people(
    request: Request,
    community: str = "",
    q: str = "",
    role: str = "",
    status: str = "",
    me: Session = Depends(session),
):
    found = admin_people.people(gateway(request).services, me, community, q, role, status)
    return render(request, "admin/people.html", me, people=found)


@router.get("/people/{member_id}")
def person(request: Request, member_id: str, me: Session = Depends(session)):
    record = admin_people.person(gateway(request).services, me, member_id)
    return render(request, "admin/person.html", me, record=record)
