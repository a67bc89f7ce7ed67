"""Pages of shop staff at the counter: enter or scan the pickup code, see the order, hand it over."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from jifen.ids import new_id

from ..service import staff
from ..service.errors import ActionError
from ..service.session import Session, require
from .context import checked_form, gateway, session
from .render import form_error, render

router = APIRouter(include_in_schema=False)


@router.get("/counter")
def counter(request: Request, me: Session = Depends(session)):
    require(me.is_staff, me)
    today, _ = staff.pickups(gateway(request).services, me, days=7)
    return render(request, "counter.html", me, form={}, today=today)


@router.post("/counter/find")
def find(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    try:
        found = staff.find(
            gateway(request).services, me, form.get("pickup_code", ""), form.get("qr_payload", "")
        )
    except ActionError as error:
        today, _ = staff.pickups(gateway(request).services, me, days=7)
        return form_error(request, "counter.html", me, error, form=form, today=today)
    presented = {"pickup_code": form.get("pickup_code", ""), "qr_payload": form.get("qr_payload", "")}
    return render(request, "counter_confirm.html", me, order=found, presented=presented, request_id=new_id())


@router.post("/counter/confirm")
def confirm(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    try:
        done = staff.confirm(
            gateway(request).services,
            me,
            form.get("pickup_code", ""),
            form.get("qr_payload", ""),
            form.get("request_id", ""),
        )
    except ActionError as error:
        today, _ = staff.pickups(gateway(request).services, me, days=7)
        return form_error(request, "counter.html", me, error, form={}, today=today)
    return render(request, "counter_done.html", me, order=done)


@router.get("/counter/history")
def history(request: Request, me: Session = Depends(session)):
    today, orders = staff.pickups(gateway(request).services, me)
    return render(request, "counter_history.html", me, today=today, orders=orders)
