"""Pictures of goods kept in the market, and the stock cap an admin sets on an item."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jifen.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.market.domain.item_image import MAX_IMAGE_BYTES
from services.market.service.catalogue import item_images
from services.market.service.catalogue.commands import UploadItemImage

from .fakes import HOME, OTHER, admin_of, staff, street_admin, volunteer
from .test_catalog import RICE, list_item, open_shop, restock

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.fixture
def rice(uow, clock):
    return list_item(uow, clock, open_shop(uow, clock))


def upload(uow, clock, item, data, actor=None, request_id="img-1"):
    cmd = UploadItemImage(
        request_id=request_id,
        actor=actor or admin_of(HOME),
        item_id=item.id,
        sha256=item_images.digest(data),
        image=data,
    )
    return item_images.upload_item_image(cmd, uow, clock)


@pytest.mark.parametrize(
    "data, kind",
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")],
    ids=["png", "jpeg", "webp"],
)
def test_an_admin_uploads_a_picture_and_the_item_points_at_it(uow, clock, rice, data, kind):
    item, image_id = upload(uow, clock, rice, data)

    assert item.details.image_url == f"/media/items/{image_id}"
    found = item_images.get_item_image(image_id, uow)
    assert (found.item_id, found.content_type, found.data) == (rice.id, kind, data)
    assert found.uploaded_by == admin_of(HOME).member_id


def test_a_new_picture_gets_a_new_address_and_the_old_one_stays_readable(uow, clock, rice):
    _, first = upload(uow, clock, rice, PNG, request_id="a")
    item, second = upload(uow, clock, rice, JPEG, request_id="b")

    assert first != second and item.details.image_url.endswith(second)
    assert item_images.get_item_image(first, uow).data == PNG


@pytest.mark.parametrize(
    "data, sentence",
    [
        (b"GIF89a" + b"\x00" * 64, "只能上传 PNG、JPEG 或 WebP 格式的图片"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "只能上传 PNG、JPEG 或 WebP 格式的图片"),
        (b"", "请选择要上传的图片"),
        (PNG + b"\x00" * MAX_IMAGE_BYTES, "图片不能超过 1 MB"),
    ],
    ids=["gif", "svg", "empty", "too-large"],
)
def test_anything_but_a_small_png_jpeg_or_webp_is_refused_and_nothing_changes(
    uow, clock, rice, data, sentence
):
    with pytest.raises(InvalidArgument) as raised:
        upload(uow, clock, rice, data)

    assert raised.value.field == "image" and raised.value.zh.startswith(sentence)
    assert uow.item_images.rows == {} and uow.items.get(rice.id).details.image_url == ""


def test_a_picture_of_exactly_1_mb_is_taken(uow, clock, rice):
    data = PNG + b"\x00" * (MAX_IMAGE_BYTES - len(PNG))
    _, image_id = upload(uow, clock, rice, data)
    assert len(item_images.get_item_image(image_id, uow).data) == MAX_IMAGE_BYTES


@pytest.mark.parametrize(
    "actor",
    [admin_of(OTHER), volunteer("v1"), staff("s1", "any-shop"), street_admin("st-2")],
    ids=["admin-elsewhere", "volunteer", "staff", "street-admin-elsewhere"],
)
def test_only_admins_of_the_items_community_upload(uow, clock, rice, actor):
    with pytest.raises(PermissionDenied):
        upload(uow, clock, rice, PNG, actor=actor)
    assert uow.item_images.rows == {}


def test_a_replayed_upload_stores_one_picture_and_another_picture_under_the_same_key_is_refused(
    uow, clock, rice
):
    _, first = upload(uow, clock, rice, PNG)
    _, again = upload(uow, clock, rice, PNG)
    with pytest.raises(AlreadyExists):
        upload(uow, clock, rice, JPEG)

    assert first == again and list(uow.item_images.rows) == [first]


def test_an_unknown_picture_is_not_found(uow):
    with pytest.raises(NotFound):
        item_images.get_item_image("nope", uow)


# --- The stock cap ---


def test_a_restock_may_not_take_the_stock_above_the_items_cap(uow, clock):
    shop = open_shop(uow, clock)
    capped = list_item(uow, clock, shop, details=replace(RICE, stock_cap=30), stock=20)

    with pytest.raises(FailedPrecondition) as raised:
        restock(uow, clock, capped, 11, admin_of(HOME))
    assert "上限 30 件" in raised.value.zh and uow.items.get(capped.id).stock == 20

    item, _ = restock(uow, clock, capped, 10, admin_of(HOME))
    assert item.stock == 30


def test_an_initial_stock_above_the_cap_and_a_negative_cap_are_bad_input(uow, clock):
    shop = open_shop(uow, clock)
    with pytest.raises(InvalidArgument) as raised:
        list_item(uow, clock, shop, details=replace(RICE, stock_cap=10), stock=11)
    assert raised.value.field == "initial_stock"
    with pytest.raises(InvalidArgument) as raised:
        list_item(uow, clock, shop, details=replace(RICE, stock_cap=-1), stock=0)
    assert raised.value.field == "stock_cap"
    assert uow.items.rows == {}
