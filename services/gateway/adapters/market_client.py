"""The market (积分超市) as the gateway uses it: goods, orders, pickup codes and their confirmation."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.field_mask_pb2 import FieldMask

from jifen.market.v1 import market_pb2 as pb
from jifen.market.v1 import market_pb2_grpc as pb_grpc
from jifen.market.v1 import reports_pb2 as rpb
from jifen.market.v1 import reports_pb2_grpc as rpb_grpc
from jifen.timestamps import to_timestamp

from .grpc_calls import Credentials, call, open_channel


class MarketClient:
    def __init__(self, target: str, timeout: float):
        self.channel = open_channel(target)
        self.market = pb_grpc.MarketServiceStub(self.channel)
        self.timeout = timeout

    def items(self, who: Credentials, community_id: str, member_id: str = "") -> list[pb.Item]:
        request = pb.ListItemsRequest(community_id=community_id, member_id=member_id, page_size=100)
        return list(call(self.market.ListItems, request, who, self.timeout).items)

    def item(self, who: Credentials, item_id: str) -> pb.Item:
        return call(self.market.GetItem, pb.GetItemRequest(item_id=item_id), who, self.timeout).item

    def shop(self, who: Credentials, shop_id: str) -> pb.Shop:
        return call(self.market.GetShop, pb.GetShopRequest(shop_id=shop_id), who, self.timeout).shop

    def place(
        self,
        who: Credentials,
        request_id: str,
        item_id: str,
        quantity: int,
        for_member: str = "",
        slot_id: str = "",
    ) -> pb.Redemption:
        request = pb.PlaceRedemptionRequest(
            request_id=request_id,
            item_id=item_id,
            quantity=quantity,
            on_behalf_of_member_id=for_member,
            slot_id=slot_id,
        )
        return call(self.market.PlaceRedemption, request, who, self.timeout).redemption

    def orders(
        self, who: Credentials, member_id: str = "", shop_id: str = "", created_after: datetime | None = None
    ) -> list[pb.Redemption]:
        request = pb.ListRedemptionsRequest(
            member_id=member_id, shop_id=shop_id, created_after=to_timestamp(created_after), page_size=100
        )
        return list(call(self.market.ListRedemptions, request, who, self.timeout).redemptions)

    def find_pickup(self, who: Credentials, code: str = "", qr: str = "") -> pb.Redemption:
        request = pb.FindPickupRequest(pickup_code=code, qr_payload=qr)
        return call(self.market.FindPickup, request, who, self.timeout).redemption

    def order(self, who: Credentials, redemption_id: str) -> pb.Redemption:
        request = pb.GetRedemptionRequest(redemption_id=redemption_id)
        return call(self.market.GetRedemption, request, who, self.timeout).redemption

    def cancel(self, who: Credentials, request_id: str, redemption_id: str, reason: str) -> pb.Redemption:
        request = pb.CancelRedemptionRequest(
            request_id=request_id, redemption_id=redemption_id, reason=reason
        )
        return call(self.market.CancelRedemption, request, who, self.timeout).redemption

    def reissue(self, who: Credentials, request_id: str, redemption_id: str) -> pb.Redemption:
        request = pb.ReissuePickupCodeRequest(request_id=request_id, redemption_id=redemption_id)
        return call(self.market.ReissuePickupCode, request, who, self.timeout).redemption

    def qr_svg(self, who: Credentials, redemption_id: str) -> bytes:
        request = pb.GetPickupQrRequest(redemption_id=redemption_id, format=pb.QR_IMAGE_FORMAT_SVG)
        return call(self.market.GetPickupQr, request, who, self.timeout).image

    def confirm(self, who: Credentials, request_id: str, code: str = "", qr: str = "") -> pb.Redemption:
        request = pb.ConfirmRedemptionRequest(request_id=request_id, pickup_code=code, qr_payload=qr)
        return call(self.market.ConfirmRedemption, request, who, self.timeout).redemption

    def close(self) -> None:
        self.channel.close()

    # The admin console's supermarket: shops, goods, stock, pictures and a community's orders.
    def shops(self, who: Credentials, community_id: str) -> list[pb.Shop]:
        request = pb.ListShopsRequest(community_id=community_id, page_size=100)
        return list(call(self.market.ListShops, request, who, self.timeout).shops)

    def create_shop(
        self, who: Credentials, request_id: str, community_id: str, name: str, address: str, hours: str
    ) -> pb.Shop:
        request = pb.CreateShopRequest(
            request_id=request_id, community_id=community_id, name=name, address=address, opening_hours=hours
        )
        return call(self.market.CreateShop, request, who, self.timeout).shop

    def update_shop(self, who: Credentials, request_id: str, shop_id: str, **fields) -> pb.Shop:
        request = pb.UpdateShopRequest(
            request_id=request_id, shop_id=shop_id, update_mask=FieldMask(paths=sorted(fields)), **fields
        )
        return call(self.market.UpdateShop, request, who, self.timeout).shop

    def all_items(self, who: Credentials, community_id: str) -> list[pb.Item]:
        """Every item of the community, off-sale ones too (admins and staff only)."""
        request = pb.ListItemsRequest(community_id=community_id, include_off_sale=True, page_size=100)
        return list(call(self.market.ListItems, request, who, self.timeout).items)

    def create_item(
        self, who: Credentials, request_id: str, shop_id: str, initial_stock: int, **fields
    ) -> pb.Item:
        request = pb.CreateItemRequest(
            request_id=request_id, shop_id=shop_id, initial_stock=initial_stock, **_times(fields)
        )
        return call(self.market.CreateItem, request, who, self.timeout).item

    def update_item(self, who: Credentials, request_id: str, item_id: str, **fields) -> pb.Item:
        request = pb.UpdateItemRequest(
            request_id=request_id,
            item_id=item_id,
            update_mask=FieldMask(paths=sorted(fields)),
            **_times(fields),
        )
        return call(self.market.UpdateItem, request, who, self.timeout).item

    def restock(self, who: Credentials, request_id: str, item_id: str, delta: int, reason: str) -> pb.Item:
        request = pb.RestockRequest(
            request_id=request_id, item_id=item_id, quantity_delta=delta, reason=reason
        )
        return call(self.market.Restock, request, who, self.timeout).item

    def slots(self, who: Credentials, item_id: str, include_past: bool = False) -> list[pb.ServiceSlot]:
        """A service's time slots by start (those not yet over, unless include_past)."""
        request = pb.ListServiceSlotsRequest(item_id=item_id, include_past=include_past)
        return list(call(self.market.ListServiceSlots, request, who, self.timeout).slots)

    def add_slot(
        self,
        who: Credentials,
        request_id: str,
        item_id: str,
        starts_at: datetime,
        ends_at: datetime,
        place: str,
        capacity: int,
    ) -> pb.ServiceSlot:
        request = pb.AddServiceSlotRequest(
            request_id=request_id,
            item_id=item_id,
            starts_at=to_timestamp(starts_at),
            ends_at=to_timestamp(ends_at),
            place=place,
            capacity=capacity,
        )
        return call(self.market.AddServiceSlot, request, who, self.timeout).slot

    def stock_changes(self, who: Credentials, item_id: str) -> list[pb.StockChange]:
        request = pb.ListStockChangesRequest(item_id=item_id, page_size=100)
        return list(call(self.market.ListStockChanges, request, who, self.timeout).stock_changes)

    def upload_item_image(self, who: Credentials, request_id: str, item_id: str, image: bytes) -> pb.Item:
        request = pb.UploadItemImageRequest(request_id=request_id, item_id=item_id, image=image)
        return call(self.market.UploadItemImage, request, who, self.timeout).item

    def item_image(self, who: Credentials, image_id: str) -> pb.GetItemImageResponse:
        return call(self.market.GetItemImage, pb.GetItemImageRequest(image_id=image_id), who, self.timeout)

    def community_orders(
        self, who: Credentials, community_id: str, statuses: list[int], page_size: int = 100
    ) -> pb.ListRedemptionsResponse:
        request = pb.ListRedemptionsRequest(community_id=community_id, statuses=statuses, page_size=page_size)
        return call(self.market.ListRedemptions, request, who, self.timeout)

    # The dashboard and the audit trail.
    def redemption_summary(
        self, who: Credentials, from_month: str, to_month: str, community_id: str = "", street_id: str = ""
    ) -> rpb.GetRedemptionSummaryResponse:
        request = rpb.GetRedemptionSummaryRequest(
            community_id=community_id, street_id=street_id, from_month=from_month, to_month=to_month
        )
        stub = rpb_grpc.MarketReportsServiceStub(self.channel)
        return call(stub.GetRedemptionSummary, request, who, self.timeout)

    def restocks(
        self, who: Credentials, community_id: str, before: datetime | None, page_size: int
    ) -> list[pb.StockChange]:
        request = pb.ListStockChangesRequest(
            community_id=community_id, kinds=[pb.STOCK_CHANGE_KIND_RESTOCK], page_size=page_size
        )
        if before is not None:
            request.created_before.CopyFrom(to_timestamp(before))
        return list(call(self.market.ListStockChanges, request, who, self.timeout).stock_changes)


def _times(fields: dict) -> dict:
    """The sale window as timestamps; an empty one stays unset (no limit on that side)."""
    out = dict(fields)
    for name in ("sale_starts_at", "sale_ends_at"):
        if name in out:
            value = out.pop(name)
            if value is not None:
                out[name] = to_timestamp(value)
    return out
