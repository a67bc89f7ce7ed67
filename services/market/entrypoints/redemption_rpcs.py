"""The redemption half of the MarketService servicer: build the command, call the use case, answer."""

from __future__ import annotations

from jifen.errors import InvalidArgument
from jifen.grpc_server import current_caller, locale_of
from jifen.market.v1 import market_pb2 as pb
from jifen.timestamps import field_time

from ..service import cancelling, pickup, placing, redemption_views
from ..service import commands as c
from . import redemption_messages as messages

QR_FORMATS = {
    pb.QR_IMAGE_FORMAT_UNSPECIFIED: "image/png",
    pb.QR_IMAGE_FORMAT_PNG: "image/png",
    pb.QR_IMAGE_FORMAT_SVG: "image/svg+xml",
}


class RedemptionRpcs:
    """Mixed into MarketServicer, which provides uow, points, limits, saga, render_qr and clock."""

    def PlaceRedemption(self, request, context):
        cmd = c.PlaceRedemption(
            request_id=request.request_id,
            actor=current_caller(),
            item_id=request.item_id,
            quantity=request.quantity,
            on_behalf_of_member_id=request.on_behalf_of_member_id,
        )
        issued = placing.place_redemption(cmd, self.uow(), self.points, self.saga, self.clock)
        return pb.PlaceRedemptionResponse(
            redemption=self._message(issued.redemption, context, issued.pickup_code)
        )

    def GetRedemption(self, request, context):
        found = redemption_views.get_redemption(request.redemption_id, current_caller(), self.uow())
        return pb.GetRedemptionResponse(redemption=self._named(found, context))

    def ListRedemptions(self, request, context):
        query = c.ListRedemptions(
            actor=current_caller(),
            member_id=request.member_id,
            shop_id=request.shop_id,
            community_id=request.community_id,
            statuses=messages.statuses(request.statuses),
            created_after=field_time(request, "created_after"),
            created_before=field_time(request, "created_before"),
            placed_by=request.placed_by,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, next_token = redemption_views.list_redemptions(query, self.uow())
        names = redemption_views.names_of(found, self.uow())
        return pb.ListRedemptionsResponse(
            redemptions=[self._message(r, context, names=names) for r in found], next_page_token=next_token
        )

    def FindPickup(self, request, context):
        cmd = c.FindPickup(
            actor=current_caller(), pickup_code=request.pickup_code, qr_payload=request.qr_payload
        )
        found = pickup.find(cmd, self.uow(), self.limits)
        return pb.FindPickupResponse(redemption=self._named(found, context))

    def ConfirmRedemption(self, request, context):
        cmd = c.ConfirmRedemption(
            request_id=request.request_id,
            actor=current_caller(),
            pickup_code=request.pickup_code,
            qr_payload=request.qr_payload,
        )
        done = pickup.confirm(cmd, self.uow(), self.points, self.limits, self.clock)
        return pb.ConfirmRedemptionResponse(redemption=self._message(done, context))

    def CancelRedemption(self, request, context):
        cmd = c.CancelRedemption(
            request_id=request.request_id,
            actor=current_caller(),
            redemption_id=request.redemption_id,
            reason=request.reason,
        )
        done = cancelling.cancel(cmd, self.uow(), self.points, self.clock)
        return pb.CancelRedemptionResponse(redemption=self._message(done, context))

    def ReissuePickupCode(self, request, context):
        cmd = c.ReissuePickupCode(
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
        return messages.redemption(redemption, pickup_code, locale_of(context), names)

    def _named(self, redemption, context) -> pb.Redemption:
        """For reads only: a command answers from its own transaction, without a second look-up."""
        return self._message(redemption, context, names=redemption_views.names_of([redemption], self.uow()))
