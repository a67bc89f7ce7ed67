"""Pages of a volunteer: home, statement, activities and check-in, hours, the supermarket, orders, profile."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from jifen.ids import new_id

from ..service import volunteer
from ..service.errors import ActionError
from ..service.session import Session
from .context import checked_form, gateway, session
from .render import form_error, redirect, render

router = APIRouter(include_in_schema=False)


def services(request: Request):
    return gateway(request).services


@router.get("/")
def home(request: Request, me: Session = Depends(session)):
    return render(request, "home.html", me, home=volunteer.home(services(request), me))


@router.get("/statement")
def statement(request: Request, month: str = "", me: Session = Depends(session)):
    return render(request, "statement.html", me, statement=volunteer.statement(services(request), me, month))


@router.get("/activities")
def activities(request: Request, me: Session = Depends(session)):
    return render(request, "activities.html", me, activities=volunteer.activities(services(request), me))


@router.get("/activities/{activity_id}")
def activity(request: Request, activity_id: str, me: Session = Depends(session)):
    found = volunteer.activity(services(request), me, activity_id)
    return render(request, "activity.html", me, activity=found, request_id=new_id())


@router.post("/activities/{activity_id}/sign-up")
def sign_up(
    request: Request, activity_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    volunteer.sign_up(services(request), me, activity_id, form.get("request_id", ""))
    return redirect(f"/activities/{activity_id}", me.gettext("报名成功"))


@router.post("/activities/{activity_id}/withdraw")
def withdraw(
    request: Request, activity_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    volunteer.withdraw(services(request), me, activity_id, form.get("request_id", ""))
    return redirect(f"/activities/{activity_id}", me.gettext("已取消报名"))


@router.get("/activities/{activity_id}/check-in")
def check_in_page(
    request: Request, activity_id: str, code: str = "", token: str = "", me: Session = Depends(session)
):
    """Opened by typing, or from the organiser's QR, whose link brings the signed token."""
    found = volunteer.activity(services(request), me, activity_id)
    form = {"code": code, "qr_token": token}
    return render(request, "check_in.html", me, activity=found, form=form, request_id=new_id())


@router.post("/activities/{activity_id}/check-in")
def check_in(
    request: Request, activity_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    return _attend(request, activity_id, form, me, volunteer.check_in, me.gettext("签到成功"))


@router.post("/activities/{activity_id}/check-out")
def check_out(
    request: Request, activity_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    return _attend(
        request, activity_id, form, me, volunteer.check_out, me.gettext("签退成功，服务时长待审核")
    )


def _attend(request: Request, activity_id: str, form: dict, me: Session, action, done: str):
    try:
        action(
            services(request),
            me,
            activity_id,
            form.get("code", ""),
            form.get("request_id", ""),
            form.get("qr_token", ""),
        )
    except ActionError as error:
        found = volunteer.activity(services(request), me, activity_id)
        return form_error(request, "check_in.html", me, error, activity=found, form=form, request_id=new_id())
    return redirect(f"/activities/{activity_id}", done)


@router.get("/hours")
def hours(request: Request, me: Session = Depends(session)):
    return render(request, "hours.html", me, records=volunteer.my_hours(services(request), me))


@router.get("/market")
def market(request: Request, me: Session = Depends(session)):
    available, items = volunteer.supermarket(services(request), me)
    return render(request, "market.html", me, available=available, items=items)


@router.get("/market/items/{item_id}")
def redeem_page(request: Request, item_id: str, me: Session = Depends(session)):
    """Check your answers: what it costs and what is left, before anything is spent."""
    available, item = volunteer.item(services(request), me, item_id)
    return render(request, "redeem.html", me, available=available, item=item, request_id=new_id(), form={})


@router.post("/market/items/{item_id}/redeem")
def redeem(
    request: Request, item_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        placed = volunteer.redeem(
            services(request),
            me,
            item_id,
            quantity_of(form),
            form.get("request_id", ""),
            slot_id=form.get("slot_id", ""),
        )
    except ActionError as error:
        available, item = volunteer.item(services(request), me, item_id)
        return form_error(
            request, "redeem.html", me, error, available=available, item=item, request_id=new_id(), form=form
        )
    # The code is shown once, here; the order page offers the QR and a new code afterwards.
    return render(request, "order.html", me, order=placed, just_placed=True)


@router.get("/orders")
def orders(request: Request, me: Session = Depends(session)):
    return render(request, "orders.html", me, orders=volunteer.orders(services(request), me))


@router.get("/orders/{redemption_id}")
def order(request: Request, redemption_id: str, me: Session = Depends(session)):
    found = volunteer.order(services(request), me, redemption_id)
    return render(request, "order.html", me, order=found, just_placed=False, request_id=new_id())


@router.get("/orders/{redemption_id}/qr.svg")
def order_qr(request: Request, redemption_id: str, me: Session = Depends(session)):
    image = volunteer.pickup_qr(services(request), me, redemption_id)
    return Response(image, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.post("/orders/{redemption_id}/new-code")
def new_code(
    request: Request, redemption_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    found = volunteer.new_pickup_code(services(request), me, redemption_id, form.get("request_id", ""))
    return render(request, "order.html", me, order=found, just_placed=True)


@router.post("/orders/{redemption_id}/cancel")
def cancel(
    request: Request, redemption_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    volunteer.cancel(services(request), me, redemption_id, form.get("reason", ""), form.get("request_id", ""))
    return redirect(f"/orders/{redemption_id}", me.gettext("兑换已取消，积分已退回"))


@router.get("/profile")
def profile(request: Request, me: Session = Depends(session)):
    allowed = volunteer.proxy_redemption_allowed(services(request), me)
    return render(request, "profile.html", me, form={}, request_id=new_id(), proxy_allowed=allowed)


@router.post("/profile/proxy-redemption")
def set_proxy_redemption(
    request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    allowed = form.get("allowed", "") == "1"
    done = volunteer.set_proxy_redemption(services(request), me, allowed, form.get("request_id", ""))
    return redirect("/profile", done.message)


@router.post("/profile/password")
def change_password(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    try:
        done = volunteer.change_password(
            services(request),
            me,
            form.get("current_password", ""),
            form.get("new_password", ""),
            form.get("repeat_password", ""),
            form.get("request_id", ""),
        )
    except ActionError as error:
        allowed = volunteer.proxy_redemption_allowed(services(request), me)
        return form_error(
            request, "profile.html", me, error, form={}, request_id=new_id(), proxy_allowed=allowed
        )
    return redirect("/profile", done.message)


def quantity_of(form: dict) -> int:
    try:
        return int(form.get("quantity", "1") or "1")
    except ValueError:
        return 0
