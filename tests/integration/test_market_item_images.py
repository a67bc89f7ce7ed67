"""Pictures of goods and the stock cap on the real PostgreSQL, through the RPCs: the bytes come back
as uploaded whatever replica asks, bad pictures change nothing, and a restock stops at the cap."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from jifen.ids import new_id
from jifen.market.v1 import market_pb2 as mk
from tests.integration.market_town import MarketTown
from tests.integration.points_town import OTHER

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40


def upload(town, who, item_id, image, request_id=None):
    return town.market.UploadItemImage(
        mk.UploadItemImageRequest(request_id=request_id or new_id(), item_id=item_id, image=image),
        metadata=town.token(who),
    )


def test_a_picture_is_kept_in_the_database_and_served_to_any_member(market_town: MarketTown):
    town = market_town
    admin = town.points.admin("a-admin")
    item = town.item(admin, town.shop(admin).shop_id, price=100, stock=5)

    uploaded = upload(town, admin, item.item_id, JPEG, request_id="pic-1")
    again = upload(town, admin, item.item_id, JPEG, request_id="pic-1")

    assert uploaded.item.image_url == f"/media/items/{uploaded.image_id}" == again.item.image_url
    found = town.market.GetItemImage(
        mk.GetItemImageRequest(image_id=uploaded.image_id), metadata=town.token(town.volunteer("v-1"))
    )
    assert (found.content_type, found.image, found.item_id) == ("image/jpeg", JPEG, item.item_id)
    assert town.get_item(item.item_id, admin).image_url == uploaded.item.image_url


@pytest.mark.parametrize("image", [b"GIF89a" + b"\x00" * 32, b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024)])
def test_a_bad_picture_or_another_communitys_admin_changes_nothing(market_town: MarketTown, image):
    town = market_town
    admin = town.points.admin("a-admin")
    item = town.item(admin, town.shop(admin).shop_id, price=100, stock=5)

    with pytest.raises(grpc.RpcError) as bad:
        upload(town, admin, item.item_id, image)
    with pytest.raises(grpc.RpcError) as elsewhere:
        upload(town, town.points.admin("b-admin", OTHER), item.item_id, JPEG)

    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert elsewhere.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert town.get_item(item.item_id, admin).image_url == ""


def test_a_restock_stops_at_the_items_stock_cap(market_town: MarketTown):
    town = market_town
    admin = town.points.admin("a-admin")
    item = town.item(admin, town.shop(admin).shop_id, price=100, stock=5)
    town.market.UpdateItem(
        mk.UpdateItemRequest(
            request_id=new_id(), item_id=item.item_id, stock_cap=8, update_mask=FieldMask(paths=["stock_cap"])
        ),
        metadata=town.token(admin),
    )

    def restock(delta):
        request = mk.RestockRequest(
            request_id=new_id(), item_id=item.item_id, quantity_delta=delta, reason="捐赠"
        )
        return town.market.Restock(request, metadata=town.token(admin)).item

    with pytest.raises(grpc.RpcError) as over:
        restock(4)
    assert over.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert restock(3).stock == 8
    assert town.get_item(item.item_id, admin).stock_cap == 8
    assert town.audit() == []
