"""The MarketService servicer: each RPC builds the command, calls the use case, builds the response."""

from __future__ import annotations

from collections.abc import Callable

from jifen.clock import Clock, utcnow
from jifen.errors import InvalidArgument
from jifen.grpc_server import current_caller, locale_of
from jifen.market.v1 import market_pb2 as pb
from jifen.market.v1 import market_pb2_grpc as pb_grpc
from jifen.timestamps import field_time, to_timestamp

from ..service.catalogue import commands as catalogue
from ..service.catalogue import item_images, items, shops, slots
from ..service.ports import Points, UnitOfWork
from ..service.redemptions import cancelling, pickup, placing, views
from ..service.redemptions import commands as redemptions
from ..service.redemptions.placing import SagaSettings
from ..service.redemptions.ports import PickupLimits
from . import catalog_messages, redemption_messages

QR_FORMATS = {
    pb.QR_IMAGE_FORMAT_UNSPECIFIED: "image/png",
    pb.QR_IMAGE_FORMAT_PNG: "image/png",
    pb.QR_IMAGE_FORMAT_SVG: "image/svg+xml",
}


class MarketServicer(pb_grpc.MarketServiceServicer):
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        points: Points,
        limits: PickupLimits,
        saga: SagaSettings,
        render_qr: Callable[[str, str], bytes],
        clock: Clock = utcnow,
    ):
        self.uow = uow
        self.points = points
        self.limits = limits
        self.saga = saga
        self.render_qr = render_qr
        self.clock = clock

    # --- The catalogue: shops, items, stock, pictures. ---

    def CreateShop(self, request, context):
        cmd = catalogue.CreateShop(
            request_id=request.request_id,
            actor=current_caller(),
            community_id=request.community_id,
            name=request.name,
            address=request.address,
            opening_hours=request.opening_hours,
        )
        return pb.CreateShopResponse(
            shop=catalog_messages.shop(shops.create_shop(cmd, self.uow(), self.clock))
        )

    def UpdateShop(self, request, context):
        cmd = catalogue.UpdateShop(
            request_id=request.request_id,
            actor=current_caller(),
            shop_id=request.shop_id,
            fields=tuple(sorted(request.update_mask.paths)),
            name=request.name,
            address=request.address,
            opening_hours=request.opening_hours,
            status=catalog_messages.shop_status_name(request.status),
        )
        return pb.UpdateShopResponse(
            shop=catalog_messages.shop(shops.update_shop(cmd, self.uow(), self.clock))
        )

    def GetShop(self, request, context):
        return pb.GetShopResponse(shop=catalog_messages.shop(shops.get_shop(request.shop_id, self.uow())))

    def ListShops(self, request, context):
        query = catalogue.ListShops(
            actor=current_caller(),
            community_id=request.community_id,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, next_token = shops.list_shops(query, self.uow())
        return pb.ListShopsResponse(
            shops=[catalog_messages.shop(s) for s in found], next_page_token=next_token
        )

    def CreateItem(self, request, context):
        cmd = catalogue.CreateItem(
            request_id=request.request_id,
            actor=current_caller(),
            shop_id=request.shop_id,
            details=catalog_messages.item_details(request),
            initial_stock=request.initial_stock,
        )
        return pb.CreateItemResponse(
            item=catalog_messages.item(items.create_item(cmd, self.uow(), self.clock))
        )

    def UpdateItem(self, request, context):
        cmd = catalogue.UpdateItem(
            request_id=request.request_id,
            actor=current_caller(),
            item_id=request.item_id,
            fields=tuple(sorted(request.update_mask.paths)),
            details=catalog_messages.item_details(request),
        )
        return pb.UpdateItemResponse(
            item=catalog_messages.item(items.update_item(cmd, self.uow(), self.clock))
        )

    def Restock(self, request, context):
        cmd = catalogue.Restock(
            request_id=request.request_id,
            actor=current_caller(),
            item_id=request.item_id,
            quantity_delta=request.quantity_delta,
            reason=request.reason,
        )
        item, change = items.restock(cmd, self.uow(), self.clock)
        return pb.RestockResponse(
            item=catalog_messages.item(item), stock_change=catalog_messages.stock_change(change)
        )

    def ListStockChanges(self, request, context):
        query = catalogue.ListStockChanges(
            actor=current_caller(),
            item_id=request.item_id,
            shop_id=request.shop_id,
            community_id=request.community_id,
            kinds=catalog_messages.stock_change_kinds(request.kinds),
            created_after=field_time(request, "created_after"),
            created_before=field_time(request, "created_before"),
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, next_token = items.list_stock_changes(query, self.uow())
        return pb.ListStockChangesResponse(
            stock_changes=[catalog_messages.stock_change(c) for c in found], next_page_token=next_token
        )

    def GetItem(self, request, context):
        return pb.GetItemResponse(item=catalog_messages.item(items.get_item(request.item_id, self.uow())))

    def ListItems(self, request, context):
        query = catalogue.ListItems(
            actor=current_caller(),
            shop_id=request.shop_id,
            community_id=request.community_id,
            query=request.query,
            affordable_only=request.affordable_only,
            member_id=request.member_id,
            include_off_sale=request.include_off_sale,
            in_stock_only=request.in_stock_only,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, next_token = items.list_items(query, self.uow(), self.points, self.clock)
        return pb.ListItemsResponse(
            items=[catalog_messages.item(i) for i in found], next_page_token=next_token
        )

    def UploadItemImage(self, request, context):
        cmd = catalogue.UploadItemImage(
            request_id=request.request_id,
            actor=current_caller(),
            item_id=request.item_id,
            sha256=item_images.digest(request.image),
            image=request.image,
        )
        item, image_id = item_images.upload_item_image(cmd, self.uow(), self.clock)
        return pb.UploadItemImageResponse(item=catalog_messages.item(item), image_id=image_id)

    def GetItemImage(self, request, context):
        image = item_images.get_item_image(request.image_id, self.uow())
        return pb.GetItemImageResponse(
            image_id=image.id,
            item_id=image.item_id,
            content_type=image.content_type,
            image=image.data,
            created_at=to_timestamp(image.created_at),
        )

    # --- A service's time slots. ---

    def AddServiceSlot(self, request, context):
        cmd = catalogue.AddServiceSlot(
            request_id=request.request_id,
            actor=current_caller(),
            item_id=request.item_id,
            starts_at=field_time(request, "starts_at"),
            ends_at=field_time(request, "ends_at"),
            place=request.place,
            capacity=request.capacity,
        )
        slot = slots.add_service_slot(cmd, self.uow(), self.clock)
        return pb.AddServiceSlotResponse(slot=catalog_messages.service_slot(slot))

    def ListServiceSlots(self, request, context):
        query = catalogue.ListServiceSlots(
            actor=current_caller(), item_id=request.item_id, include_past=request.include_past
        )
        found = slots.list_service_slots(query, self.uow(), self.clock)
        return pb.ListServiceSlotsResponse(slots=[catalog_messages.service_slot(s) for s in found])

    # --- Redemptions: placing, the counter, cancelling. ---

    def PlaceRedemption(self, request, context):
        cmd = redemptions.PlaceRedemption(
            request_id=request.request_id,
            actor=current_caller(),
            item_id=request.item_id,
            quantity=request.quantity,
            on_behalf_of_member_id=request.on_behalf_of_member_id,
            slot_id=request.slot_id,
        )
        issued = placing.place_redemption(cmd, self.uow(), self.points, self.saga, self.clock)
        return pb.PlaceRedemptionResponse(
            redemption=self._message(issued.redemption, context, issued.pickup_code)
        )

    def GetRedemption(self, request, context):
        found = views.get_redemption(request.redemption_id, current_caller(), self.uow())
        return pb.GetRedemptionResponse(redemption=self._named(found, context))

    def ListRedemptions(self, request, context):
        query = redemptions.ListRedemptions(
            actor=current_caller(),
            member_id=request.member_id,
            shop_id=request.shop_id,
            community_id=request.community_id,
            statuses=redemption_messages.statuses(request.statuses),
            created_after=field_time(request, "created_after"),
            created_before=field_time(request, "created_before"),
            placed_by=request.placed_by,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, next_token = views.list_redemptions(query, self.uow())
        names = views.names_of(found, self.uow())
        return pb.ListRedemptionsResponse(
            redemptions=[self._message(r, context, names=names) for r in found], next_page_token=next_token
        )

    def FindPickup(self, request, context):
        cmd = redemptions.FindPickup(
            actor=current_caller(), pickup_code=request.pickup_code, qr_payload=request.qr_payload
        )
        found = pickup.find(cmd, self.uow(), self.limits)
        return pb.FindPickupResponse(redemption=self._named(found, context))

    def ConfirmRedemption(self, request, context):
        cmd = redemptions.ConfirmRedemption(
            request_id=request.request_id,
            actor=current_caller(),
            pickup_code=request.pickup_code,
            qr_payload=request.qr_payload,
        )
        done = pickup.confirm(cmd, self.uow(), self.points, self.limits, self.clock)
        return pb.ConfirmRedemptionResponse(redemption=self._message(done, context))

    def CancelRedemption(self, request, context):
        cmd = redemptions.CancelRedemption(
            request_id=request.request_id,
            actor=current_caller(),
            redemption_id=request.redemption_id,
            reason=request.reason,
        )
        done = cancelling.cancel(cmd, self.uow(), self.points, self.clock)
        return pb.CancelRedemptionResponse(redemption=self._message(done, context))

    def ReissuePickupCode(self, request, context):
        cmd = redemptions.ReissuePickupCode(
            request_id=request.request_id, actor=current_caller(), redemption_id=request.redemption_id
        )
        issued = pickup.reissue_code(cmd, self.uow(), self.clock)
        return pb.ReissuePickupCodeResponse(
            redemption=self._message(issued.redemption, context, issued.pickup_code)
        )

    def GetPickupQr(self, request, context):
        content_type = QR_FORMATS.get(request.format)
        if content_type is None:
            raise InvalidArgument("format", "二维码格式无效", "is not a known image format")
        payload = pickup.pickup_qr(request.redemption_id, current_caller(), self.uow())
        return pb.GetPickupQrResponse(
            content_type=content_type, image=self.render_qr(payload, content_type), qr_payload=payload
        )

    def _message(self, redemption, context, pickup_code: str = "", names=None) -> pb.Redemption:
        return redemption_messages.redemption(redemption, pickup_code, locale_of(context), names)

    def _named(self, redemption, context) -> pb.Redemption:
        """For reads only: a command answers from its own transaction, without a second look-up."""
        return self._message(redemption, context, names=views.names_of([redemption], self.uow()))
