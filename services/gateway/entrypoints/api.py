"""/api/v1: the same actions as the pages, as JSON. Mutating calls repeat the CSRF cookie in the
X-CSRF-Token header; errors are {"error": {"kind", "message", "field"}} with a 4xx status."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from ..service import grid, organiser, staff, views, volunteer
from ..service.session import Session
from . import api_admin
from .context import checked_call, gateway, log_in, log_out, session
from .sessions import csrf_token

router = APIRouter(prefix="/api/v1")
mutating = [Depends(checked_call)]


class Credentials(BaseModel):
    phone: str = Field(max_length=40)
    password: str = Field(max_length=200)


class SignedIn(BaseModel):
    person: views.Person
    csrf_token: str


class Code(BaseModel):
    # The digits typed, or the token of the check-in QR (check_in_url's token): one of the two.
    code: str = Field(default="", max_length=40)
    qr_token: str = Field(default="", max_length=200)
    request_id: str = Field(default="", max_length=100)


class RequestId(BaseModel):
    request_id: str = Field(default="", max_length=100)


class Redeem(BaseModel):
    quantity: int = Field(default=1, ge=1, le=99)
    request_id: str = Field(min_length=1, max_length=100)
    # A service: the time slot booked (see the item's slots).
    slot_id: str = Field(default="", max_length=40)


class Cancel(BaseModel):
    reason: str = Field(default="", max_length=200)
    request_id: str = Field(default="", max_length=100)


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(max_length=200)
    repeat_password: str = Field(max_length=200)
    request_id: str = Field(default="", max_length=100)


class Pickup(BaseModel):
    pickup_code: str = Field(default="", max_length=40)
    qr_payload: str = Field(default="", max_length=400)
    request_id: str = Field(default="", max_length=100)


class Market(BaseModel):
    available: int
    items: list[views.Item]


class Pickups(BaseModel):
    collected_today: list[views.Order]
    history: list[views.Order]


def _services(request: Request):
    return gateway(request).services


@router.post("/session", response_model=SignedIn, tags=["session"])
def start_session(body: Credentials, request: Request, response: Response):
    answer = log_in(request, response, body.phone, body.password)
    caller = gateway(request).verifier.verify(answer.access_token)
    person = views.Person(
        member_id=caller.member_id,
        name=caller.name,
        roles=sorted(caller.roles),
        community_id=caller.community_id,
        grid_id=caller.grid_id,
        shop_id=next((g.shop_id for g in caller.grants if g.shop_id), ""),
    )
    return SignedIn(person=person, csrf_token=csrf_token(request))


@router.delete("/session", status_code=204, dependencies=mutating, tags=["session"])
def end_session(request: Request, response: Response):
    log_out(request, response)


@router.get("/me/home", response_model=views.Home, tags=["volunteer"])
def home(request: Request, me: Session = Depends(session)):
    return volunteer.home(_services(request), me)


@router.get("/me/statement", response_model=views.Statement, tags=["volunteer"])
def statement(request: Request, month: str = "", me: Session = Depends(session)):
    return volunteer.statement(_services(request), me, month)


@router.get("/me/hours", response_model=list[views.HourRecord], tags=["volunteer"])
def hours(request: Request, me: Session = Depends(session)):
    return volunteer.my_hours(_services(request), me)


@router.post("/me/password", response_model=views.Done, dependencies=mutating, tags=["volunteer"])
def change_password(body: PasswordChange, request: Request, me: Session = Depends(session)):
    return volunteer.change_password(
        _services(request),
        me,
        body.current_password,
        body.new_password,
        body.repeat_password,
        body.request_id,
    )


@router.get("/activities", response_model=list[views.Activity], tags=["activities"])
def activities(request: Request, me: Session = Depends(session)):
    return volunteer.activities(_services(request), me)


@router.get("/activities/{activity_id}", response_model=views.Activity, tags=["activities"])
def activity(activity_id: str, request: Request, me: Session = Depends(session)):
    return volunteer.activity(_services(request), me, activity_id)


@router.post(
    "/activities/{activity_id}/sign-up",
    response_model=views.Activity,
    dependencies=mutating,
    tags=["activities"],
)
def sign_up(activity_id: str, body: RequestId, request: Request, me: Session = Depends(session)):
    return volunteer.sign_up(_services(request), me, activity_id, body.request_id)


@router.post(
    "/activities/{activity_id}/withdraw",
    response_model=views.Activity,
    dependencies=mutating,
    tags=["activities"],
)
def withdraw(activity_id: str, body: RequestId, request: Request, me: Session = Depends(session)):
    return volunteer.withdraw(_services(request), me, activity_id, body.request_id)


@router.post(
    "/activities/{activity_id}/check-in",
    response_model=views.Participation,
    dependencies=mutating,
    tags=["activities"],
)
def check_in(activity_id: str, body: Code, request: Request, me: Session = Depends(session)):
    return volunteer.check_in(_services(request), me, activity_id, body.code, body.request_id, body.qr_token)


@router.post(
    "/activities/{activity_id}/check-out",
    response_model=views.Participation,
    dependencies=mutating,
    tags=["activities"],
)
def check_out(activity_id: str, body: Code, request: Request, me: Session = Depends(session)):
    return volunteer.check_out(_services(request), me, activity_id, body.code, body.request_id, body.qr_token)


@router.get(
    "/activities/{activity_id}/check-in-screen", response_model=views.CheckInScreen, tags=["activities"]
)
def check_in_screen(activity_id: str, request: Request, me: Session = Depends(session)):
    return organiser.check_in_screen(_services(request), me, activity_id, str(request.base_url))


@router.get("/market/items", response_model=Market, tags=["market"])
def market(request: Request, me: Session = Depends(session)):
    available, items = volunteer.supermarket(_services(request), me)
    return Market(available=available, items=items)


@router.post(
    "/market/items/{item_id}/redeem", response_model=views.Order, dependencies=mutating, tags=["market"]
)
def redeem(item_id: str, body: Redeem, request: Request, me: Session = Depends(session)):
    return volunteer.redeem(
        _services(request), me, item_id, body.quantity, body.request_id, slot_id=body.slot_id
    )


@router.get("/me/orders", response_model=list[views.Order], tags=["market"])
def orders(request: Request, me: Session = Depends(session)):
    return volunteer.orders(_services(request), me)


@router.get("/orders/{redemption_id}", response_model=views.Order, tags=["market"])
def order(redemption_id: str, request: Request, me: Session = Depends(session)):
    return volunteer.order(_services(request), me, redemption_id)


@router.post(
    "/orders/{redemption_id}/cancel", response_model=views.Order, dependencies=mutating, tags=["market"]
)
def cancel(redemption_id: str, body: Cancel, request: Request, me: Session = Depends(session)):
    return volunteer.cancel(_services(request), me, redemption_id, body.reason, body.request_id)


@router.post("/counter/find", response_model=views.Order, dependencies=mutating, tags=["counter"])
def find_pickup(body: Pickup, request: Request, me: Session = Depends(session)):
    return staff.find(_services(request), me, body.pickup_code, body.qr_payload)


@router.post("/counter/confirm", response_model=views.Order, dependencies=mutating, tags=["counter"])
def confirm_pickup(body: Pickup, request: Request, me: Session = Depends(session)):
    return staff.confirm(_services(request), me, body.pickup_code, body.qr_payload, body.request_id)


@router.get("/counter/pickups", response_model=Pickups, tags=["counter"])
def pickups(request: Request, me: Session = Depends(session)):
    today, history = staff.pickups(_services(request), me)
    return Pickups(collected_today=today, history=history)


@router.get("/grid/volunteers", response_model=list[views.Volunteer], tags=["grid"])
def grid_volunteers(request: Request, q: str = "", me: Session = Depends(session)):
    return grid.volunteers(_services(request), me, q)


@router.post(
    "/grid/volunteers/{member_id}/items/{item_id}/redeem",
    response_model=views.Order,
    dependencies=mutating,
    tags=["grid"],
)
def redeem_for(member_id: str, item_id: str, body: Redeem, request: Request, me: Session = Depends(session)):
    return grid.redeem_for(
        _services(request), me, member_id, item_id, body.quantity, body.request_id, body.slot_id
    )


router.include_router(api_admin.router)
