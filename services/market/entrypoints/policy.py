"""The market access policy: every RPC, who may call it, and the scope check its use case applies."""

from __future__ import annotations

from jifen.caller import ADMIN, GRID_WORKER, STAFF, VOLUNTEER
from jifen.market.v1 import market_pb2, reports_pb2
from jifen.policy import ANY_MEMBER, rule

MARKET = market_pb2.DESCRIPTOR.services_by_name["MarketService"]
REPORTS = reports_pb2.DESCRIPTOR.services_by_name["MarketReportsService"]
DESCRIPTORS = [MARKET, REPORTS]

_M = "/jifen.market.v1.MarketService/"
_P = "/jifen.market.v1.MarketReportsService/"

SHOP_KEEPERS = "staff of the shop (their token's shop, in its community) or an admin of its community"

POLICY = {
    _M + "CreateShop": rule(ADMIN, scope="admin of the community (or its street)"),
    _M + "UpdateShop": rule(ADMIN, scope="admin of the shop's community (or its street)"),
    _M + "GetShop": rule(ANY_MEMBER, scope="any member"),
    _M + "ListShops": rule(ANY_MEMBER, scope="any member; default: the caller's community"),
    _M + "CreateItem": rule(ADMIN, scope="admin of the shop's community (or its street)"),
    _M + "UpdateItem": rule(ADMIN, scope="admin of the item's community (or its street)"),
    _M + "Restock": rule(ADMIN, STAFF, scope=SHOP_KEEPERS),
    _M + "ListStockChanges": rule(ADMIN, STAFF, scope=SHOP_KEEPERS),
    _M + "GetItem": rule(ANY_MEMBER, scope="any member"),
    _M + "ListItems": rule(
        ANY_MEMBER,
        scope="any member; off-sale items: " + SHOP_KEEPERS + "; another member's affordability: "
        "a grid worker of their grid or their admin",
    ),
    _M + "PlaceRedemption": rule(
        VOLUNTEER, GRID_WORKER, scope="oneself; 代兑换: a grid worker for a volunteer of their grid"
    ),
    _M + "GetRedemption": rule(
        ANY_MEMBER, scope="the member, who placed it, their grid worker, staff of the shop, admin"
    ),
    _M + "ListRedemptions": rule(
        ANY_MEMBER,
        scope="own; grid worker: placed or of their grid; staff: their shop; admin: their communities",
    ),
    _M + "FindPickup": rule(STAFF, scope="staff of the redemption's shop"),
    _M + "ConfirmRedemption": rule(STAFF, scope="staff of the redemption's shop"),
    _M + "CancelRedemption": rule(
        ANY_MEMBER, scope="the member, the grid worker who placed it, or an admin of the community"
    ),
    _M + "ReissuePickupCode": rule(ANY_MEMBER, scope="the member or the grid worker who placed it"),
    _M + "GetPickupQr": rule(ANY_MEMBER, scope="the member or the grid worker who placed it"),
    _M + "UploadItemImage": rule(ADMIN, scope="admin of the item's community (or its street)"),
    _M + "GetItemImage": rule(ANY_MEMBER, scope="any member"),
    _M + "AddServiceSlot": rule(ADMIN, STAFF, scope=SHOP_KEEPERS),
    _M + "ListServiceSlots": rule(ANY_MEMBER, scope="any member; past slots too: " + SHOP_KEEPERS),
    # --- Reports (the admin console's dashboard) ---
    _P + "GetRedemptionSummary": rule(
        ADMIN, scope="community: its admins and its street's admins; street: its street admins"
    ),
}
