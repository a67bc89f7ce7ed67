"""Pages of the needs list for volunteers and partner units' members: browse, claim, note progress;
and what the partner units offer."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from jifen.ids import new_id

from ..service import needs
from ..service.errors import ActionError
from ..service.session import Session
from ..service.translate import when
from .context import checked_form, gateway, session
from .render import form_error, redirect, render

router = APIRouter(include_in_schema=False)


def services(request: Request):
    return gateway(request).services


@router.get("/needs")
def needs_list(request: Request, me: Session = Depends(session)):
    found = needs.browse(services(request), me)
    offered = needs.resources(services(request), me)
    return render(
        request, "needs.html", me, listing=found, resources=offered, when=when, status_of=needs.status_of
    )


def _need_page(request, me, need_id, form=None, error=None):
    found = needs.need(services(request), me, need_id)
    units = [] if found.caller_claimed else needs.my_units(services(request), me, found)
    context = {
        "need": found,
        "need_status": needs.status_of(found),
        "grid_names": needs.grid_names(services(request), me, found.community_id),
        "units": units,
        "when": when,
        "form": form or {},
        "request_id": new_id(),
    }
    if error:
        return form_error(request, "need.html", me, error, **context)
    return render(request, "need.html", me, **context)


@router.get("/needs/{need_id}")
def need_page(request: Request, need_id: str, me: Session = Depends(session)):
    return _need_page(request, me, need_id)


@router.post("/needs/{need_id}/claim")
def claim(request: Request, need_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)):
    unit = form.get("organization_id", "")
    try:
        needs.claim(services(request), me, need_id, unit, form.get("request_id", ""))
    except ActionError as error:
        return _need_page(request, me, need_id, form, error)
    flash = me.gettext("已代表单位认领该需求") if unit else me.gettext("认领成功")
    return redirect(f"/needs/{need_id}", flash)


@router.post("/needs/{need_id}/note")
def note(request: Request, need_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)):
    try:
        needs.note(services(request), me, need_id, form.get("text", ""), form.get("request_id", ""))
    except ActionError as error:
        return _need_page(request, me, need_id, form, error)
    return redirect(f"/needs/{need_id}", me.gettext("进展已记录"))
