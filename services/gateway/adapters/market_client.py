"""The market (积分超市) as the gateway uses it: goods, orders, pickup codes and their confirmation."""

from __future__ import annotations

from datetime import datetime

from jifen.market.v1 import market_pb2 as pb
from jifen.market.v1 import market_pb2_grpc as pb_grpc
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
        self, who: Credentials, request_id: str, item_id: str, quantity: int, for_member: str = ""
    ) -> pb.Redemption:
        request = pb.PlaceRedemptionRequest(
            request_id=request_id, item_id=item_id, quantity=quantity, on_behalf_of_member_id=for_member
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

    # people (admin console)
    def community_shops(self, who: Credentials, community_id: str) -> list[pb.Shop]:
        request = pb.ListShopsRequest(community_id=community_id, page_size=100)
        return list(call(self.market.ListShops, request, who, self.timeout).shops)
