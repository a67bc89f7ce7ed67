"""Admin pages for people: find members, open and manage one, register volunteers one by one or from an
xlsx roll (preview first, then import), export the list, and the community's partner units."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from jifen.ids import new_id

from ..service import admin_people, certificates, people_sheet
from ..service import views_people as vp
from ..service.errors import ActionError, Kind
from ..service.session import Session
from .context import checked_form, gateway, session
from .render import form_error, redirect, render
from .sessions import CSRF_FIELD, check_csrf

router = APIRouter()
UPLOAD_FIELD = "sheet"


def services(request: Request):
    return gateway(request).services


def previews(request: Request):
    return request.app.state.import_previews


@router.get("/people")
def people(
    request: Request,
    community: str = "",
    q: str = "",
    role: str = "",
    status: str = "",
    grid: str = "",
    me: Session = Depends(session),
):
    found = admin_people.people(services(request), me, community, q, role, status, grid)
    filters = urlencode(
        {"community": found.community_id, "q": q, "role": role, "status": status, "grid": grid}
    )
    return render(request, "admin/people.html", me, people=found, filters=filters)


@router.get("/people/export.xlsx")
def export(
    request: Request,
    community: str = "",
    q: str = "",
    role: str = "",
    status: str = "",
    grid: str = "",
    me: Session = Depends(session),
):
    data, filename = admin_people.export(services(request), me, community, q, role, status, grid)
    return xlsx(data, filename, "members.xlsx")


@router.get("/people/new")
def registration_page(request: Request, community: str = "", me: Session = Depends(session)):
    form = admin_people.registration_form(services(request), me, community)
    return _registration(request, me, form, {})


@router.post("/people/new")
def register(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    try:
        done = admin_people.register(
            services(request),
            me,
            form.get("community", ""),
            form.get("name", ""),
            form.get("phone", ""),
            form.get("grid", ""),
            form.get("request_id", ""),
            form.get("initial_password", ""),
        )
    except ActionError as error:
        if error.kind is Kind.FORBIDDEN:
            raise
        shown = admin_people.registration_form(services(request), me, form.get("community", ""))
        return form_error(
            request,
            "admin/people_new.html",
            me,
            error,
            registration=shown,
            form=form,
            request_id=form.get("request_id") or new_id(),
            initial_password=form.get("initial_password") or admin_people.new_password(),
        )
    # The initial password is shown here once (like a pickup code), for the admin to hand over.
    return render(request, "admin/people_registered.html", me, done=done)


@router.get("/people/import")
def import_page(request: Request, community: str = "", me: Session = Depends(session)):
    form = admin_people.registration_form(services(request), me, community)
    return render(request, "admin/people_import.html", me, registration=form, form={})


@router.get("/people/import/template.xlsx")
def import_template(me: Session = Depends(session)):
    return xlsx(people_sheet.template(), me.gettext("志愿者导入模板") + ".xlsx", "volunteers-template.xlsx")


@dataclass(frozen=True)
class Upload:
    fields: dict[str, str]
    filename: str
    data: bytes
    too_large: bool = False


async def uploaded(request: Request) -> Upload:
    """The posted roll (a FastAPI dependency): the form's fields, the file's name and at most its
    first MAX_BYTES + 1 bytes, once the CSRF token matched. A far larger body is refused unread."""
    if int(request.headers.get("content-length") or 0) > people_sheet.MAX_BYTES + 64 * 1024:
        return Upload({}, "", b"", too_large=True)
    form = await request.form(max_files=1, max_fields=10)
    check_csrf(request, str(form.get(CSRF_FIELD, "")))
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    sheet = form.get(UPLOAD_FIELD)
    if not isinstance(sheet, UploadFile):
        return Upload(fields, "", b"")
    return Upload(fields, sheet.filename or "", await sheet.read(people_sheet.MAX_BYTES + 1))


@router.post("/people/import")
def upload(request: Request, sent: Upload = Depends(uploaded), me: Session = Depends(session)):
    shown = admin_people.registration_form(services(request), me, sent.fields.get("community", ""))
    try:
        if sent.too_large:
            raise people_sheet.SheetError(me.gettext("文件太大：不能超过 2 MB"))
        if not sent.filename:
            raise people_sheet.SheetError(me.gettext("请选择要上传的 .xlsx 文件"))
        rows = people_sheet.read_sheet(sent.data, sent.filename, me.gettext)
    except people_sheet.SheetError as bad:
        error = ActionError(Kind.INVALID, bad.message, UPLOAD_FIELD)
        return form_error(
            request, "admin/people_import.html", me, error, registration=shown, form=sent.fields
        )
    token = previews(request).put(me.member_id, shown.community_id, sent.filename, rows)
    return redirect(f"/admin/people/import/{token}")


@router.get("/people/import/{token}")
def preview(request: Request, token: str, me: Session = Depends(session)):
    kept = previews(request).get(me.member_id, token)
    if kept is None:
        raise ActionError(Kind.NOT_FOUND, me.gettext("这份导入预览已过期或已导入，请重新上传表格"))
    community_id, filename, rows = kept
    shown = admin_people.preview_import(services(request), me, community_id, rows, token)
    return render(
        request, "admin/people_preview.html", me, preview=shown.model_copy(update={"filename": filename})
    )


@router.post("/people/import/{token}")
def run_import(
    request: Request, token: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    kept = previews(request).take(me.member_id, token)
    if kept is None:
        raise ActionError(Kind.NOT_FOUND, me.gettext("这份导入预览已过期或已导入，请重新上传表格"))
    result = continue_import(request, me, *kept)
    # The initial passwords are shown on this answer alone, for the admin to print or hand over.
    return render(request, "admin/people_imported.html", me, result=result)


def continue_import(request: Request, me: Session, community_id: str, filename: str, rows) -> vp.ImportResult:
    """One batch of an import; the rows it did not reach are kept under a new token for the next."""
    result, left = admin_people.run_import(services(request), me, community_id, rows)
    if left:
        token = previews(request).put(me.member_id, result.community_id, filename, left)
        result = result.model_copy(update={"next_token": token})
    return result


@router.get("/people/organizations")
def organizations(request: Request, community: str = "", me: Session = Depends(session)):
    return _organizations(request, me, community)


@router.post("/people/organizations")
def create_organization(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    community = form.get("community", "")
    try:
        made = admin_people.create_organization(
            services(request),
            me,
            community,
            form.get("name", ""),
            form.get("kind", ""),
            form.get("contact_name", ""),
            form.get("contact_phone", ""),
            form.get("request_id", ""),
        )
    except ActionError as error:
        if error.kind is Kind.FORBIDDEN:
            raise
        return _organizations(request, me, community, error=error, form=form)
    back = f"/admin/people/organizations?community={quote(community)}"
    return redirect(back, me.gettext("已添加共建单位：%(name)s") % {"name": made.name})


@router.post("/people/organizations/{organization_id}/members")
def add_organization_member(
    request: Request, organization_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    community = form.get("community", "")
    try:
        unit = admin_people.add_organization_member(
            services(request),
            me,
            community,
            organization_id,
            form.get("phone", ""),
            form.get("request_id", ""),
        )
    except ActionError as error:
        if error.kind is Kind.FORBIDDEN:
            raise
        return _organizations(request, me, community, error=error, form=form, failed=organization_id)
    back = f"/admin/people/organizations?community={quote(community)}"
    return redirect(back, me.gettext("已加入 %(name)s") % {"name": unit.name})


@router.get("/people/{member_id}")
def person(request: Request, member_id: str, me: Session = Depends(session)):
    return _manage(request, me, member_id)


@router.post("/people/{member_id}/roles")
def set_roles(
    request: Request, member_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    roles = vp.Roles(
        volunteer=form.get("volunteer") == "1",
        shop_id=form.get("shop_id", "") if form.get("staff") == "1" else "",
        grid_id=form.get("grid_id", "") if form.get("grid_worker") == "1" else "",
        admin=form.get("admin") == "1",
    )
    try:
        if form.get("staff") == "1" and not roles.shop_id:
            raise ActionError(Kind.INVALID, me.gettext("请选择店员所在的门店"), "shop_id")
        if form.get("grid_worker") == "1" and not roles.grid_id:
            raise ActionError(Kind.INVALID, me.gettext("请选择网格员服务的网格"), "grid_id")
        admin_people.set_roles(services(request), me, member_id, roles, form.get("request_id", ""))
    except ActionError as error:
        # A refusal of members (a role beyond the admin's scope) reads on the page; a member out of
        # scope altogether is refused again when the page is drawn.
        if error.kind is Kind.NOT_FOUND:
            raise
        return _manage(request, me, member_id, error=error)
    return redirect(f"/admin/people/{member_id}", me.gettext("角色已更新"))


@router.get("/people/{member_id}/deactivate")
def deactivate_page(request: Request, member_id: str, me: Session = Depends(session)):
    return _confirm(request, me, member_id, "deactivate")


@router.post("/people/{member_id}/deactivate")
def deactivate(
    request: Request, member_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        admin_people.deactivate(
            services(request), me, member_id, form.get("reason", ""), form.get("request_id", "")
        )
    except ActionError as error:
        # A refusal of members (a role beyond the admin's scope) reads on the page; a member out of
        # scope altogether is refused again when the page is drawn.
        if error.kind is Kind.NOT_FOUND:
            raise
        return _confirm(request, me, member_id, "deactivate", error=error, form=form)
    return redirect(f"/admin/people/{member_id}", me.gettext("已停用，该成员不能再登录"))


@router.get("/people/{member_id}/reactivate")
def reactivate_page(request: Request, member_id: str, me: Session = Depends(session)):
    return _confirm(request, me, member_id, "reactivate")


@router.post("/people/{member_id}/reactivate")
def reactivate(
    request: Request, member_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        admin_people.reactivate(
            services(request), me, member_id, form.get("reason", ""), form.get("request_id", "")
        )
    except ActionError as error:
        # A refusal of members (a role beyond the admin's scope) reads on the page; a member out of
        # scope altogether is refused again when the page is drawn.
        if error.kind is Kind.NOT_FOUND:
            raise
        return _confirm(request, me, member_id, "reactivate", error=error, form=form)
    return redirect(f"/admin/people/{member_id}", me.gettext("已恢复，该成员可以重新登录"))


def xlsx(data: bytes, filename: str, fallback: str) -> Response:
    """An xlsx download under its Chinese name (RFC 6266 filename*), with an ASCII name for old clients."""
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        data,
        media_type=people_sheet.XLSX_TYPE,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


def _registration(request: Request, me: Session, shown: vp.RegistrationForm, form: dict):
    return render(
        request,
        "admin/people_new.html",
        me,
        registration=shown,
        form=form,
        request_id=new_id(),
        initial_password=admin_people.new_password(),
    )


def _manage(request: Request, me: Session, member_id: str, error: ActionError | None = None):
    managed = admin_people.manage(services(request), me, member_id)
    status = _status(error)
    return render(
        request,
        "admin/person.html",
        me,
        status=status,
        managed=managed,
        record=managed.record,
        error=error,
        request_id=new_id(),
        cert_period=certificates.this_year(services(request)),
    )


def _confirm(request: Request, me: Session, member_id: str, action: str, error=None, form=None):
    managed = admin_people.manage(services(request), me, member_id)
    status = _status(error)
    return render(
        request,
        "admin/person_status.html",
        me,
        status=status,
        managed=managed,
        action=action,
        error=error,
        form=form or {},
        request_id=new_id(),
    )


def _organizations(request: Request, me: Session, community: str, error=None, form=None, failed: str = ""):
    found = admin_people.organizations(services(request), me, community)
    status = _status(error)
    return render(
        request,
        "admin/people_organizations.html",
        me,
        status=status,
        units=found,
        error=error,
        form=form or {},
        failed=failed,
        request_id=new_id(),
    )


def _status(error: ActionError | None) -> int:
    from .web import HTTP_STATUS

    return HTTP_STATUS[error.kind] if error is not None else 200
