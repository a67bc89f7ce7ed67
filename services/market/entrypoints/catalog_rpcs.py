"""The catalog RPCs of MarketService (shops, items, stock): build the command, call the use case,
build the response. MarketServicer mixes this in and provides self.uow, self.points and self.clock."""

from __future__ import annotations

from jifen.grpc_server import current_caller
from jifen.market.v1 import market_pb2 as pb
from jifen.timestamps import field_time, to_timestamp

from ..service import commands, item_images, items, shops
from . import catalog_messages as messages


class CatalogRpcs:
    def CreateShop(self, request, context):
        cmd = commands.CreateShop(
            request_id=request.request_id,
            actor=current_caller(),
            community_id=request.community_id,
            name=request.name,
            address=request.address,
            opening_hours=request.opening_hours,
        )
        return pb.CreateShopResponse(shop=messages.shop(shops.create_shop(cmd, self.uow(), self.clock)))

    def UpdateShop(self, request, context):
        cmd = commands.UpdateShop(
            request_id=request.request_id,
            actor=current_caller(),
            shop_id=request.shop_id,
            fields=tuple(sorted(request.update_mask.paths)),
            name=request.name,
            address=request.address,
            opening_hours=request.opening_hours,
            status=messages.shop_status_name(request.status),
        )
        return pb.UpdateShopResponse(shop=messages.shop(shops.update_shop(cmd, self.uow(), self.clock)))

    def GetShop(self, request, context):
        return pb.GetShopResponse(shop=messages.shop(shops.get_shop(request.shop_id, self.uow())))

    def ListShops(self, request, context):
        query = commands.ListShops(
            actor=current_caller(),
            community_id=request.community_id,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, next_token = shops.list_shops(query, self.uow())
        return pb.ListShopsResponse(shops=[messages.shop(s) for s in found], next_page_token=next_token)

    def CreateItem(self, request, context):
        cmd = commands.CreateItem(
            request_id=request.request_id,
            actor=current_caller(),
            shop_id=request.shop_id,
            details=messages.item_details(request),
            initial_stock=request.initial_stock,
        )
        return pb.CreateItemResponse(item=messages.item(items.create_item(cmd, self.uow(), self.clock)))

    def UpdateItem(self, request, context):
        cmd = commands.UpdateItem(
            request_id=request.request_id,
            actor=current_caller(),
            item_id=request.item_id,
            fields=tuple(sorted(request.update_mask.paths)),
            details=messages.item_details(request),
        )
        return pb.UpdateItemResponse(item=messages.item(items.update_item(cmd, self.uow(), self.clock)))

    def Restock(self, request, context):
        cmd = commands.Restock(
            request_id=request.request_id,
            actor=current_caller(),
            item_id=request.item_id,
            quantity_delta=request.quantity_delta,
            reason=request.reason,
        )
        item, change = items.restock(cmd, self.uow(), self.clock)
        return pb.RestockResponse(item=messages.item(item), stock_change=messages.stock_change(change))

    def ListStockChanges(self, request, context):
        query = commands.ListStockChanges(
            actor=current_caller(),
            item_id=request.item_id,
            shop_id=request.shop_id,
            community_id=request.community_id,
            kinds=messages.stock_change_kinds(request.kinds),
            created_after=field_time(request, "created_after"),
            created_before=field_time(request, "created_before"),
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, next_token = items.list_stock_changes(query, self.uow())
        return pb.ListStockChangesResponse(
            stock_changes=[messages.stock_change(c) for c in found], next_page_token=next_token
        )

    def GetItem(self, request, context):
        return pb.GetItemResponse(item=messages.item(items.get_item(request.item_id, self.uow())))

    def ListItems(self, request, context):
        query = commands.ListItems(
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
        return pb.ListItemsResponse(items=[messages.item(i) for i in found], next_page_token=next_token)

    def UploadItemImage(self, request, context):
        cmd = commands.UploadItemImage(
            request_id=request.request_id,
            actor=current_caller(),
            item_id=request.item_id,
            sha256=item_images.digest(request.image),
            image=request.image,
        )
        item, image_id = item_images.upload_item_image(cmd, self.uow(), self.clock)
        return pb.UploadItemImageResponse(item=messages.item(item), image_id=image_id)

    def GetItemImage(self, request, context):
        image = item_images.get_item_image(request.image_id, self.uow())
        return pb.GetItemImageResponse(
            image_id=image.id,
            item_id=image.item_id,
            content_type=image.content_type,
            image=image.data,
            created_at=to_timestamp(image.created_at),
        )
