"""Pages of a grid worker: find a volunteer of the grid and redeem for them (代兑换)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from jifen.ids import new_id

from ..service import grid
from ..service.errors import ActionError
from ..service.session import Session
from .context import checked_form, gateway, session
from .pages_volunteer import quantity_of
from .render import form_error, render

router = APIRouter(include_in_schema=False)


@router.get("/grid")
def volunteers(request: Request, q: str = "", me: Session = Depends(session)):
    found = grid.volunteers(gateway(request).services, me, q)
    return render(request, "grid.html", me, volunteers=found, query=q)


@router.get("/grid/{member_id}")
def goods_for(request: Request, member_id: str, me: Session = Depends(session)):
    person, available, items = grid.goods_for(gateway(request).services, me, member_id)
    return render(request, "grid_goods.html", me, person=person, available=available, items=items)


@router.get("/grid/{member_id}/items/{item_id}")
def redeem_for_page(request: Request, member_id: str, item_id: str, me: Session = Depends(session)):
    person, available, item = grid.item_for(gateway(request).services, me, member_id, item_id)
    return render(
        request,
        "redeem.html",
        me,
        available=available,
        item=item,
        person=person,
        request_id=new_id(),
        form={},
    )


@router.post("/grid/{member_id}/items/{item_id}/redeem")
def redeem_for(
    request: Request,
    member_id: str,
    item_id: str,
    form: dict = Depends(checked_form),
    me: Session = Depends(session),
):
    services = gateway(request).services
    try:
        placed = grid.redeem_for(
            services,
            me,
            member_id,
            item_id,
            quantity_of(form),
            form.get("request_id", ""),
            form.get("slot_id", ""),
        )
    except ActionError as error:
        person, available, item = grid.item_for(services, me, member_id, item_id)
        return form_error(
            request,
            "redeem.html",
            me,
            error,
            available=available,
            item=item,
            person=person,
            request_id=new_id(),
            form=form,
        )
    person = grid.volunteer(services, me, member_id)
    return render(request, "order.html", me, order=placed, just_placed=True, person=person)
