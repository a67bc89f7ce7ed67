"""/api/v1/admin: people."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ..service import admin_people, views
from ..service.session import Session
from .context import gateway, session

router = APIRouter()


@router.get("/members", response_model=views.People, tags=["admin"])
def admin_members(
    request: Request,
    community_id: str = "",
    q: str = "",
    role: str = "",
    status: str = "",
    me: Session = Depends(session),
):
    return admin_people.people(gateway(request).services, me, community_id, q, role, status)


@router.get("/members/{member_id}", response_model=views.MemberRecord, tags=["admin"])
def admin_member(member_id: str, request: Request, me: Session = Depends(session)):
    return admin_people.person(gateway(request).services, me, member_id)
