"""/api/v1/admin: shops and their staff, goods, stock, pictures and orders, within the admin's scope.
Numbers and times come as text, as the pages send them, so bad input gets the same Chinese sentence."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ..service import admin_market, views, views_market
from ..service.admin_market import ItemForm, ShopForm, SlotForm
from ..service.session import Session
from .context import checked_call, gateway, session

router = APIRouter(tags=["admin"])
mutating = [Depends(checked_call)]


class NewShop(BaseModel):
    community_id: str = Field(default="", max_length=40)
    name: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=300)
    opening_hours: str = Field(default="", max_length=150)
    request_id: str = Field(default="", max_length=100)


class ShopChange(BaseModel):
    name: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=300)
    opening_hours: str = Field(default="", max_length=150)
    status: str = Field(default="open", max_length=10)
    request_id: str = Field(default="", max_length=100)


class ItemDetails(BaseModel):
    name: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=1500)
    points_price: str = Field(default="", max_length=20)
    initial_stock: str = Field(default="0", max_length=20)
    stock_cap: str = Field(default="0", max_length=20)
    low_stock_threshold: str = Field(default="", max_length=20)
    per_member_limit: str = Field(default="0", max_length=20)
    limit_period: str = Field(default="none", max_length=20)
    # Asia/Shanghai wall-clock time, "2026-12-01T09:00", or with an offset; empty: no limit.
    sale_starts_at: str = Field(default="", max_length=40)
    sale_ends_at: str = Field(default="", max_length=40)
    donor_organization_id: str = Field(default="", max_length=40)
    on_sale: bool = True
    # "service" (when creating): a partner unit's service, booked by the time slots added to it.
    kind: str = Field(default="goods", max_length=10)
    provider_organization_id: str = Field(default="", max_length=40)
    request_id: str = Field(default="", max_length=100)

    def form(self) -> ItemForm:
        return ItemForm(**self.model_dump(exclude={"request_id"}))


class NewSlot(BaseModel):
    # Asia/Shanghai: "2026-12-05", "09:00", "09:30".
    date: str = Field(default="", max_length=20)
    starts: str = Field(default="", max_length=10)
    ends: str = Field(default="", max_length=10)
    place: str = Field(default="", max_length=300)
    capacity: str = Field(default="", max_length=20)
    request_id: str = Field(default="", max_length=100)

    def form(self) -> SlotForm:
        return SlotForm(**self.model_dump(exclude={"request_id"}))


class Restock(BaseModel):
    # Signed: negative removes units (breakage, a count correction).
    quantity: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=300)
    request_id: str = Field(default="", max_length=100)


class Cancel(BaseModel):
    reason: str = Field(default="", max_length=300)
    request_id: str = Field(default="", max_length=100)


def _services(request: Request):
    return gateway(request).services


@router.get("/market", response_model=views_market.Market)
def market(request: Request, community_id: str = "", me: Session = Depends(session)):
    return admin_market.market(_services(request), me, community_id)


@router.post("/market/shops", response_model=views_market.Shop, dependencies=mutating)
def create_shop(body: NewShop, request: Request, me: Session = Depends(session)):
    form = ShopForm(name=body.name, address=body.address, opening_hours=body.opening_hours)
    return admin_market.create_shop(_services(request), me, body.community_id, form, body.request_id)


@router.get("/market/shops/{shop_id}", response_model=views_market.Shop)
def shop(shop_id: str, request: Request, me: Session = Depends(session)):
    return admin_market.shop(_services(request), me, shop_id)


@router.put("/market/shops/{shop_id}", response_model=views_market.Shop, dependencies=mutating)
def update_shop(shop_id: str, body: ShopChange, request: Request, me: Session = Depends(session)):
    form = ShopForm(
        name=body.name, address=body.address, opening_hours=body.opening_hours, status=body.status
    )
    return admin_market.update_shop(_services(request), me, shop_id, form, body.request_id)


@router.post("/market/shops/{shop_id}/items", response_model=views_market.Item, dependencies=mutating)
def create_item(shop_id: str, body: ItemDetails, request: Request, me: Session = Depends(session)):
    return admin_market.create_item(_services(request), me, shop_id, body.form(), body.request_id)


@router.get("/market/items/{item_id}", response_model=views_market.ItemRecord)
def item(item_id: str, request: Request, me: Session = Depends(session)):
    return admin_market.item(_services(request), me, item_id)


@router.put("/market/items/{item_id}", response_model=views_market.Item, dependencies=mutating)
def update_item(item_id: str, body: ItemDetails, request: Request, me: Session = Depends(session)):
    return admin_market.update_item(_services(request), me, item_id, body.form(), body.request_id)


@router.put("/market/items/{item_id}/image", response_model=views_market.Item, dependencies=mutating)
async def upload_image(item_id: str, request: Request, request_id: str = "", me: Session = Depends(session)):
    """The picture is the request body itself (PNG, JPEG or WebP, at most 1 MB)."""
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > admin_market.MAX_IMAGE_BYTES:
            break
    return admin_market.upload_image(_services(request), me, item_id, bytes(data), request_id)


@router.post("/market/items/{item_id}/restock", response_model=views_market.Item, dependencies=mutating)
def restock(item_id: str, body: Restock, request: Request, me: Session = Depends(session)):
    return admin_market.restock(_services(request), me, item_id, body.quantity, body.reason, body.request_id)


@router.post("/market/items/{item_id}/slots", response_model=views.Slot, dependencies=mutating)
def add_slot(item_id: str, body: NewSlot, request: Request, me: Session = Depends(session)):
    return admin_market.add_slot(_services(request), me, item_id, body.form(), body.request_id)


@router.get("/market/orders", response_model=views_market.Orders)
def orders(request: Request, community_id: str = "", status: str = "", me: Session = Depends(session)):
    return admin_market.orders(_services(request), me, community_id, status)


@router.get("/market/orders/{redemption_id}", response_model=views_market.Order)
def order(redemption_id: str, request: Request, me: Session = Depends(session)):
    return admin_market.order(_services(request), me, redemption_id)


@router.post(
    "/market/orders/{redemption_id}/cancel", response_model=views_market.Order, dependencies=mutating
)
def cancel_order(redemption_id: str, body: Cancel, request: Request, me: Session = Depends(session)):
    return admin_market.cancel_order(_services(request), me, redemption_id, body.reason, body.request_id)
