"""/api/v1/admin: people — members, registration, roles, deactivation, the xlsx import and export,
and partner units."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ..service import admin_people, people_sheet
from ..service import views_people as vp
from ..service.errors import ActionError, Kind
from ..service.session import Session
from .context import checked_call, gateway, session
from .pages_admin_people import continue_import, xlsx

router = APIRouter()
mutating = [Depends(checked_call)]
XLSX = {200: {"content": {people_sheet.XLSX_TYPE: {}}, "description": "An xlsx workbook"}}


class Registration(BaseModel):
    community_id: str = Field(default="", max_length=100)
    name: str = Field(max_length=100)
    phone: str = Field(max_length=40)
    grid_id: str = Field(default="", max_length=100)
    request_id: str = Field(min_length=1, max_length=100)
    # Leave empty and the answer brings a new one; send the same one again when retrying a request id.
    initial_password: str = Field(default="", max_length=200)


class RolesChange(vp.Roles):
    shop_id: str = Field(default="", max_length=100)
    grid_id: str = Field(default="", max_length=100)
    request_id: str = Field(min_length=1, max_length=100)


class StatusChange(BaseModel):
    reason: str = Field(default="", max_length=200)
    request_id: str = Field(min_length=1, max_length=100)


class NewOrganization(BaseModel):
    community_id: str = Field(default="", max_length=100)
    name: str = Field(max_length=100)
    kind: str = Field(default="partner_unit", max_length=40)
    contact_name: str = Field(default="", max_length=100)
    contact_phone: str = Field(default="", max_length=40)
    request_id: str = Field(min_length=1, max_length=100)


class NewOrganizationMember(BaseModel):
    community_id: str = Field(default="", max_length=100)
    phone: str = Field(max_length=40)
    request_id: str = Field(min_length=1, max_length=100)


def services(request: Request):
    return gateway(request).services


@router.get("/members", response_model=vp.PeopleList, tags=["admin"])
def admin_members(
    request: Request,
    community_id: str = "",
    q: str = "",
    role: str = "",
    status: str = "",
    grid_id: str = "",
    me: Session = Depends(session),
):
    return admin_people.people(services(request), me, community_id, q, role, status, grid_id)


@router.post("/members", response_model=vp.Registered, tags=["admin"], dependencies=mutating)
def admin_register(body: Registration, request: Request, me: Session = Depends(session)):
    """Registers a volunteer; the answer carries their initial password to hand over."""
    return admin_people.register(
        services(request),
        me,
        body.community_id,
        body.name,
        body.phone,
        body.grid_id,
        body.request_id,
        body.initial_password or admin_people.new_password(),
    )


@router.get("/members/export.xlsx", response_class=Response, responses=XLSX, tags=["admin"])
def admin_export(
    request: Request,
    community_id: str = "",
    q: str = "",
    role: str = "",
    status: str = "",
    grid_id: str = "",
    me: Session = Depends(session),
):
    data, filename = admin_people.export(services(request), me, community_id, q, role, status, grid_id)
    return xlsx(data, filename, "members.xlsx")


@router.get("/members/import/template.xlsx", response_class=Response, responses=XLSX, tags=["admin"])
def admin_import_template(me: Session = Depends(session)):
    return xlsx(people_sheet.template(), me.gettext("志愿者导入模板") + ".xlsx", "volunteers-template.xlsx")


@router.post("/members/import", response_model=vp.ImportPreview, tags=["admin"], dependencies=mutating)
def admin_import_preview(
    request: Request,
    sheet: UploadFile = File(...),
    community_id: str = Form(default="", max_length=100),
    me: Session = Depends(session),
):
    """Reads and checks an xlsx roll (姓名/手机号/网格); the rows are kept for 30 minutes under the token."""
    shown = admin_people.registration_form(services(request), me, community_id)
    data = sheet.file.read(people_sheet.MAX_BYTES + 1)
    try:
        rows = people_sheet.read_sheet(data, sheet.filename or "", me.gettext)
    except people_sheet.SheetError as bad:
        raise ActionError(Kind.INVALID, bad.message, "sheet") from None
    token = request.app.state.import_previews.put(
        me.member_id, shown.community_id, sheet.filename or "", rows
    )
    preview = admin_people.preview_import(services(request), me, shown.community_id, rows, token)
    return preview.model_copy(update={"filename": sheet.filename or ""})


@router.post("/members/import/{token}", response_model=vp.ImportResult, tags=["admin"], dependencies=mutating)
def admin_import(token: str, request: Request, me: Session = Depends(session)):
    """Registers the rows of a preview that are OK now, in batches of about 20 seconds: while `remaining`
    is above 0, import the rest with `next_token`. A preview (and each rest) is imported once."""
    kept = request.app.state.import_previews.take(me.member_id, token)
    if kept is None:
        raise ActionError(Kind.NOT_FOUND, me.gettext("这份导入预览已过期或已导入，请重新上传表格"))
    return continue_import(request, me, *kept)


@router.get("/members/{member_id}", response_model=vp.ManagedMember, tags=["admin"])
def admin_member(member_id: str, request: Request, me: Session = Depends(session)):
    return admin_people.manage(services(request), me, member_id)


@router.put("/members/{member_id}/roles", response_model=vp.Person, tags=["admin"], dependencies=mutating)
def admin_set_roles(member_id: str, body: RolesChange, request: Request, me: Session = Depends(session)):
    roles = vp.Roles(volunteer=body.volunteer, shop_id=body.shop_id, grid_id=body.grid_id, admin=body.admin)
    return admin_people.set_roles(services(request), me, member_id, roles, body.request_id)


@router.post(
    "/members/{member_id}/deactivate", response_model=vp.Person, tags=["admin"], dependencies=mutating
)
def admin_deactivate(member_id: str, body: StatusChange, request: Request, me: Session = Depends(session)):
    return admin_people.deactivate(services(request), me, member_id, body.reason, body.request_id)


@router.post(
    "/members/{member_id}/reactivate", response_model=vp.Person, tags=["admin"], dependencies=mutating
)
def admin_reactivate(member_id: str, body: StatusChange, request: Request, me: Session = Depends(session)):
    return admin_people.reactivate(services(request), me, member_id, body.reason, body.request_id)


@router.get("/organizations", response_model=vp.Organizations, tags=["admin"])
def admin_organizations(request: Request, community_id: str = "", me: Session = Depends(session)):
    return admin_people.organizations(services(request), me, community_id)


@router.post("/organizations", response_model=vp.Organization, tags=["admin"], dependencies=mutating)
def admin_create_organization(body: NewOrganization, request: Request, me: Session = Depends(session)):
    return admin_people.create_organization(
        services(request),
        me,
        body.community_id,
        body.name,
        body.kind,
        body.contact_name,
        body.contact_phone,
        body.request_id,
    )


@router.post(
    "/organizations/{organization_id}/members",
    response_model=vp.Organization,
    tags=["admin"],
    dependencies=mutating,
)
def admin_add_organization_member(
    organization_id: str, body: NewOrganizationMember, request: Request, me: Session = Depends(session)
):
    return admin_people.add_organization_member(
        services(request), me, body.community_id, organization_id, body.phone, body.request_id
    )
