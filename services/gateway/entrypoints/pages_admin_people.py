"""Admin pages for people: find members, open one member's record."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ..service import admin_people
from ..service.session import Session
from .context import gateway, session
from .render import render

router = APIRouter()


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
