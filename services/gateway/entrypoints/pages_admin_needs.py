"""Admin pages of the needs list (问题清单) and the resource list (资源清单): post, close, reopen needs,
reject a claim, and keep what the partner units offer; the month's figures beside them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from jifen.ids import new_id

from ..service import needs
from ..service.errors import ActionError
from ..service.session import Session
from ..service.translate import when
from .context import checked_form, gateway, session
from .render import form_error, redirect, render

router = APIRouter()


def services(request: Request):
    return gateway(request).services


@router.get("/needs")
def needs_list(request: Request, community: str = "", me: Session = Depends(session)):
    found = needs.admin_needs(services(request), me, community)
    return render(request, "admin/needs.html", me, listing=found, when=when, status_of=needs.status_of)


def _need_form(request, me, community_id, given, error=None):
    grids = needs.grids(services(request), me, community_id)
    context = {"community_id": community_id, "grids": grids, "form": given, "request_id": new_id()}
    if error:
        return form_error(request, "admin/need_form.html", me, error, **context)
    return render(request, "admin/need_form.html", me, **context)


@router.get("/needs/new")
def new_need(request: Request, community: str = "", me: Session = Depends(session)):
    found = needs.admin_needs(services(request), me, community)
    return _need_form(request, me, found.community_id, needs.NeedInput())


@router.post("/needs/new")
def post_need(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    given = needs.NeedInput.of(form)
    community = form.get("community", "")
    try:
        made = needs.post(services(request), me, community, given, form.get("request_id", ""))
    except ActionError as error:
        return _need_form(request, me, community, given, error)
    return redirect(f"/admin/needs/{made.need_id}", me.gettext("需求已发布"))


def _need_page(request, me, need_id, form=None, error=None):
    found = needs.need(services(request), me, need_id)
    context = {
        "need": found,
        "need_status": needs.status_of(found),
        "grid_names": needs.grid_names(services(request), me, found.community_id),
        "when": when,
        "form": form or {},
        "request_id": new_id(),
    }
    if error:
        return form_error(request, "admin/need.html", me, error, **context)
    return render(request, "admin/need.html", me, **context)


@router.get("/needs/{need_id}")
def need_page(request: Request, need_id: str, me: Session = Depends(session)):
    return _need_page(request, me, need_id)


@router.post("/needs/{need_id}/close")
def close_need(
    request: Request, need_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        done = needs.close(services(request), me, need_id, form.get("result", ""), form.get("request_id", ""))
    except ActionError as error:
        return _need_page(request, me, need_id, form, error)
    flash = me.gettext("需求已办结，%(n)s 位志愿者获得积分") % {"n": len(done.awarded_member_ids)}
    return redirect(f"/admin/needs/{need_id}", flash)


@router.post("/needs/{need_id}/reopen")
def reopen_need(
    request: Request, need_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        needs.reopen(services(request), me, need_id, form.get("reason", ""), form.get("request_id", ""))
    except ActionError as error:
        return _need_page(request, me, need_id, form, error)
    return redirect(f"/admin/needs/{need_id}", me.gettext("需求已重新打开"))


@router.post("/needs/{need_id}/reject")
def reject_claim(
    request: Request, need_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        needs.reject(
            services(request),
            me,
            need_id,
            form.get("claim_id", ""),
            form.get("reason", ""),
            form.get("request_id", ""),
        )
    except ActionError as error:
        return _need_page(request, me, need_id, form, error)
    return redirect(f"/admin/needs/{need_id}", me.gettext("已退回该认领"))


@router.post("/needs/{need_id}/note")
def note_need(
    request: Request, need_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        needs.note(services(request), me, need_id, form.get("text", ""), form.get("request_id", ""))
    except ActionError as error:
        return _need_page(request, me, need_id, form, error)
    return redirect(f"/admin/needs/{need_id}", me.gettext("进展已记录"))


def _resources_page(request, me, community, form=None, error=None):
    found = needs.admin_resources(services(request), me, community)
    context = {"listing": found, "form": form or {}, "request_id": new_id()}
    if error:
        return form_error(request, "admin/resources.html", me, error, **context)
    return render(request, "admin/resources.html", me, **context)


@router.get("/resources")
def resources(request: Request, community: str = "", me: Session = Depends(session)):
    return _resources_page(request, me, community)


@router.post("/resources")
def put_resource(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    community = form.get("community", "")
    try:
        needs.put_resource(services(request), me, community, form)
    except ActionError as error:
        return _resources_page(request, me, community, form, error)
    return redirect(f"/admin/resources?community={community}", me.gettext("资源已保存"))


@router.post("/resources/{resource_id}/delete")
def delete_resource(
    request: Request, resource_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    community = form.get("community", "")
    needs.delete_resource(services(request), me, resource_id, form.get("request_id", ""))
    return redirect(f"/admin/resources?community={community}", me.gettext("资源已删除"))
