"""Admin pages for the supermarket: shops and their staff, goods with stock and pictures, restocks
with their history, and the community's orders with cancel."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile

from jifen.ids import new_id

from ..service import admin_market
from ..service.admin_market import ItemForm, ShopForm, SlotForm
from ..service.errors import ActionError
from ..service.session import Session
from .clock_text import local_time
from .context import checked_form, gateway, session
from .render import form_error, redirect, render
from .sessions import CSRF_FIELD, check_csrf

router = APIRouter()


def services(request: Request):
    return gateway(request).services


async def upload_form(request: Request) -> tuple[dict[str, str], bytes | None]:
    """A posted form with at most one picture (`image`), once its CSRF token matched; the picture is
    read no further than one byte past the limit, so a huge file is refused without being held."""
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD, "")))
    fields = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    upload = form.get("image")
    image = None
    if isinstance(upload, UploadFile) and upload.filename:
        image = await upload.read(admin_market.MAX_IMAGE_BYTES + 1)
    return fields, image


def shop_form(form: dict) -> ShopForm:
    return ShopForm(
        name=form.get("name", ""),
        address=form.get("address", ""),
        opening_hours=form.get("opening_hours", ""),
        status=form.get("status", ""),
    )


def item_form(form: dict) -> ItemForm:
    return ItemForm(
        name=form.get("name", ""),
        description=form.get("description", ""),
        points_price=form.get("points_price", ""),
        initial_stock=form.get("initial_stock", "0"),
        stock_cap=form.get("stock_cap", "0"),
        low_stock_threshold=form.get("low_stock_threshold", ""),
        per_member_limit=form.get("per_member_limit", "0"),
        limit_period=form.get("limit_period", "none"),
        sale_starts_at=form.get("sale_starts_at", ""),
        sale_ends_at=form.get("sale_ends_at", ""),
        donor_organization_id=form.get("donor_organization_id", ""),
        on_sale=form.get("on_sale", "") == "1",
        kind="service" if form.get("kind") == "service" else "goods",
        provider_organization_id=form.get("provider_organization_id", ""),
    )


def slot_form(form: dict) -> SlotForm:
    return SlotForm(
        date=form.get("date", ""),
        starts=form.get("starts", ""),
        ends=form.get("ends", ""),
        place=form.get("place", ""),
        capacity=form.get("capacity", ""),
    )


# --- Shops and goods ---


@router.get("/market")
def market(request: Request, community: str = "", me: Session = Depends(session)):
    found = admin_market.market(services(request), me, community)
    return render(request, "admin/market.html", me, market=found, form={}, request_id=new_id())


@router.post("/market/shops")
def create_shop(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    community = form.get("community", "")
    try:
        created = admin_market.create_shop(
            services(request), me, community, shop_form(form), form.get("request_id", "")
        )
    except ActionError as error:
        found = admin_market.market(services(request), me, community)
        return form_error(
            request, "admin/market.html", me, error, market=found, form=form, request_id=new_id()
        )
    return redirect(f"/admin/market/shops/{created.shop_id}", me.gettext("门店已开设"))


@router.get("/market/shops/{shop_id}")
def shop(request: Request, shop_id: str, me: Session = Depends(session)):
    found = admin_market.shop(services(request), me, shop_id)
    return render(request, "admin/shop.html", me, shop=found, form={}, request_id=new_id())


@router.post("/market/shops/{shop_id}")
def update_shop(
    request: Request, shop_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        admin_market.update_shop(services(request), me, shop_id, shop_form(form), form.get("request_id", ""))
    except ActionError as error:
        found = admin_market.shop(services(request), me, shop_id)
        return form_error(request, "admin/shop.html", me, error, shop=found, form=form, request_id=new_id())
    return redirect(f"/admin/market/shops/{shop_id}", me.gettext("门店信息已保存"))


@router.get("/market/shops/{shop_id}/items/new")
def new_item(request: Request, shop_id: str, kind: str = "", me: Session = Depends(session)):
    found = admin_market.shop(services(request), me, shop_id)
    donors = admin_market.donors(services(request), me, found.community_id)
    form = {"on_sale": "1", "limit_period": "none", "initial_stock": "0", "low_stock_threshold": "5"}
    if kind == "service":
        form.update(kind="service", low_stock_threshold="0")
    return render(
        request,
        "admin/item_form.html",
        me,
        shop=found,
        item=None,
        donors=donors,
        form=form,
        request_id=new_id(),
    )


@router.post("/market/shops/{shop_id}/items")
async def create_item(request: Request, shop_id: str, me: Session = Depends(session)):
    form, image = await upload_form(request)
    try:
        created = admin_market.create_item(
            services(request), me, shop_id, item_form(form), form.get("request_id", ""), image
        )
    except ActionError as error:
        found = admin_market.shop(services(request), me, shop_id)
        donors = admin_market.donors(services(request), me, found.community_id)
        return form_error(
            request,
            "admin/item_form.html",
            me,
            error,
            shop=found,
            item=None,
            donors=donors,
            form=form,
            request_id=new_id(),
        )
    listed = me.gettext("服务已上架，请添加预约时段") if created.is_service else me.gettext("商品已上架")
    return redirect(f"/admin/market/items/{created.item_id}", listed)


@router.get("/market/items/{item_id}")
def item(request: Request, item_id: str, me: Session = Depends(session)):
    record = admin_market.item(services(request), me, item_id)
    return render(request, "admin/item.html", me, record=record, form={}, request_id=new_id())


@router.get("/market/items/{item_id}/edit")
def edit_item(request: Request, item_id: str, me: Session = Depends(session)):
    record = admin_market.item(services(request), me, item_id)
    found = admin_market.shop(services(request), me, record.item.shop_id)
    donors = admin_market.donors(services(request), me, found.community_id)
    return render(
        request,
        "admin/item_form.html",
        me,
        shop=found,
        item=record.item,
        donors=donors,
        form=_item_values(record.item),
        request_id=new_id(),
    )


@router.post("/market/items/{item_id}")
async def update_item(request: Request, item_id: str, me: Session = Depends(session)):
    form, image = await upload_form(request)
    try:
        admin_market.update_item(
            services(request), me, item_id, item_form(form), form.get("request_id", ""), image
        )
    except ActionError as error:
        record = admin_market.item(services(request), me, item_id)
        found = admin_market.shop(services(request), me, record.item.shop_id)
        donors = admin_market.donors(services(request), me, found.community_id)
        return form_error(
            request,
            "admin/item_form.html",
            me,
            error,
            shop=found,
            item=record.item,
            donors=donors,
            form=form,
            request_id=new_id(),
        )
    return redirect(f"/admin/market/items/{item_id}", me.gettext("商品信息已保存"))


@router.post("/market/items/{item_id}/restock")
def restock(
    request: Request, item_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        admin_market.restock(
            services(request),
            me,
            item_id,
            form.get("quantity", ""),
            form.get("reason", ""),
            form.get("request_id", ""),
        )
    except ActionError as error:
        record = admin_market.item(services(request), me, item_id)
        return form_error(
            request, "admin/item.html", me, error, record=record, form=form, request_id=new_id()
        )
    return redirect(f"/admin/market/items/{item_id}", me.gettext("库存已更新"))


@router.post("/market/items/{item_id}/slots")
def add_slot(
    request: Request, item_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        admin_market.add_slot(services(request), me, item_id, slot_form(form), form.get("request_id", ""))
    except ActionError as error:
        record = admin_market.item(services(request), me, item_id)
        return form_error(
            request, "admin/item.html", me, error, record=record, form=form, request_id=new_id()
        )
    return redirect(f"/admin/market/items/{item_id}", me.gettext("预约时段已添加"))


def _item_values(item) -> dict[str, str]:
    """The edit form filled with the item as it is (times as the datetime-local inputs take them)."""

    def local(value) -> str:
        return local_time(value).replace(" ", "T")

    return {
        "name": item.name,
        "description": item.description,
        "points_price": str(item.points_price),
        "stock_cap": str(item.stock_cap or ""),
        "low_stock_threshold": str(item.low_stock_level),
        "per_member_limit": str(item.per_member_limit),
        "limit_period": item.limit_period,
        "sale_starts_at": local(item.sale_starts_at),
        "sale_ends_at": local(item.sale_ends_at),
        "donor_organization_id": item.donor_organization_id,
        "on_sale": "1" if item.on_sale else "",
    }


# --- Orders ---


@router.get("/market/orders")
def orders(request: Request, community: str = "", status: str = "", me: Session = Depends(session)):
    found = admin_market.orders(services(request), me, community, status)
    return render(request, "admin/orders.html", me, orders=found)


@router.get("/market/orders/{redemption_id}")
def order(request: Request, redemption_id: str, me: Session = Depends(session)):
    found = admin_market.order(services(request), me, redemption_id)
    return render(request, "admin/orders_detail.html", me, order=found, form={}, request_id=new_id())


@router.post("/market/orders/{redemption_id}/cancel")
def cancel_order(
    request: Request, redemption_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        admin_market.cancel_order(
            services(request), me, redemption_id, form.get("reason", ""), form.get("request_id", "")
        )
    except ActionError as error:
        found = admin_market.order(services(request), me, redemption_id)
        return form_error(
            request, "admin/orders_detail.html", me, error, order=found, form=form, request_id=new_id()
        )
    return redirect(f"/admin/market/orders/{redemption_id}", me.gettext("订单已取消，积分和库存已退回"))
