"""Services as rewards over HTTP: an admin lists a partner unit's service and adds a time slot, a
volunteer books it and sees when and where, a cancellation gives the place back, and the unit's own
staff confirm with the code. New people use phones 1373100xxxx."""

from __future__ import annotations

import pytest

from tests.members_client import rid
from tests.web.barber import COMMUNITY_ADMIN, barber_shop, funded, tomorrow, unit_id, until_known
from tests.web.people import signed_in

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def barber(site):
    return barber_shop(site, "红星理发店（网页）", "吴师傅", "13731000001")


@pytest.fixture(scope="module")
def admin(site):
    return signed_in(site, COMMUNITY_ADMIN)


def new_service(admin, shop_id: str, name: str, **fields) -> dict:
    body = {
        "name": name,
        "points_price": "25",
        "kind": "service",
        "provider_organization_id": unit_id(admin, shop_id),
        "request_id": rid(),
        **fields,
    }
    answer = admin.post(f"/api/v1/admin/market/shops/{shop_id}/items", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def new_slot(admin, item_id: str, **fields) -> dict:
    body = {
        "date": tomorrow(),
        "starts": "09:00",
        "ends": "09:30",
        "place": "张苏滩社区广场 3 号摊位",
        "capacity": "2",
        "request_id": rid(),
        **fields,
    }
    return admin.post(f"/api/v1/admin/market/items/{item_id}/slots", json=body)


def test_a_service_is_listed_with_its_unit_and_its_slots_add_its_places(admin, barber):
    service = new_service(admin, barber.shop_id, "理发（网页）")
    assert (service["is_service"], service["provider_name"], service["stock"]) == (
        True,
        "爱心驿站公益协会",
        0,
    )
    answer = new_slot(admin, service["item_id"], capacity="3")
    assert answer.status_code == 200, answer.text
    slot = answer.json()
    assert (slot["capacity"], slot["booked"], slot["place"]) == (3, 0, "张苏滩社区广场 3 号摊位")
    record = admin.get(f"/api/v1/admin/market/items/{service['item_id']}").json()
    assert record["item"]["stock"] == 3 and [s["slot_id"] for s in record["slots"]] == [slot["slot_id"]]
    page = admin.get(f"/admin/market/items/{service['item_id']}").text
    assert "预约时段" in page and "09:00–09:30" in page and "0</strong> / 3" in page


@pytest.mark.parametrize(
    ("fields", "field", "sentence"),
    [
        ({"ends": "08:30"}, "ends", "结束时间须晚于开始时间"),
        ({"date": "明天"}, "date", "请按“年-月-日”填写日期"),
        ({"starts": "九点"}, "starts", "请按“时:分”填写时间"),
        ({"place": " "}, "place", "请填写服务地点"),
        ({"capacity": "0"}, "capacity", "名额须在 1 到"),
        ({"date": "2020-01-01"}, "", "不能添加已经结束的时段"),
    ],
)
def test_a_bad_slot_is_a_chinese_refusal_that_adds_nothing(admin, barber, fields, field, sentence):
    service = new_service(admin, barber.shop_id, f"修脚（{field or 'past'}）")
    answer = new_slot(admin, service["item_id"], **fields)
    assert answer.status_code == 422, answer.text
    assert sentence in answer.text
    record = admin.get(f"/api/v1/admin/market/items/{service['item_id']}").json()
    assert record["slots"] == [] and record["item"]["stock"] == 0


def test_a_service_needs_its_unit_and_goods_take_no_slot(admin, barber):
    answer = admin.post(
        f"/api/v1/admin/market/shops/{barber.shop_id}/items",
        json={"name": "按摩", "points_price": "20", "kind": "service", "request_id": rid()},
    )
    assert answer.status_code == 422 and "请选择提供服务的共建单位" in answer.text
    goods = admin.post(
        f"/api/v1/admin/market/shops/{barber.shop_id}/items",
        json={"name": "洗发水", "points_price": "20", "initial_stock": "3", "request_id": rid()},
    ).json()
    answer = new_slot(admin, goods["item_id"])
    assert answer.status_code == 422 and "只有服务类商品可以添加预约时段" in answer.text


def test_a_volunteer_books_a_slot_cancels_and_the_units_staff_confirm_a_booking(site, admin, barber):
    service = new_service(admin, barber.shop_id, "理发（预约）")
    slot = new_slot(admin, service["item_id"], capacity="1").json()
    funded(site, "钱桂芝", "13731000011", 100)
    volunteer = signed_in(site, "13731000011")

    offered = next(
        i for i in volunteer.get("/api/v1/market/items").json()["items"] if i["name"] == "理发（预约）"
    )
    assert offered["is_service"] and [s["slot_id"] for s in offered["slots"]] == [slot["slot_id"]]
    market = volunteer.get("/market").text
    assert "理发（预约）" in market and "由爱心驿站公益协会提供" in market and "余 1 个名额" in market

    def book():
        return volunteer.post(
            f"/api/v1/market/items/{service['item_id']}/redeem",
            json={"request_id": rid(), "slot_id": slot["slot_id"]},
        )

    answer = until_known(book)
    assert answer.status_code == 200, answer.text
    order = answer.json()
    assert order["slot_place"] == "张苏滩社区广场 3 号摊位" and order["provider_name"] == "爱心驿站公益协会"
    page = volunteer.get(f"/orders/{order['redemption_id']}").text
    assert f"{tomorrow()} 09:00–09:30" in page and "张苏滩社区广场 3 号摊位" in page
    assert f"{tomorrow()} 09:00–09:30" in volunteer.get("/orders").text
    booking = volunteer.get(f"/market/items/{service['item_id']}").text
    assert "预约服务" in booking and "25 分 / 次" in booking and "已约满" in booking

    # Full: nobody else gets the place, until a cancellation gives it back.
    full = book()
    assert full.status_code == 409 and "约满" in full.text
    cancelled = volunteer.post(
        f"/api/v1/orders/{order['redemption_id']}/cancel", json={"reason": "临时有事", "request_id": rid()}
    )
    assert cancelled.status_code == 200, cancelled.text
    again = book()
    assert again.status_code == 200, again.text
    code = again.json()["pickup_code"]

    # The unit's own staff confirm it with the code, at their counter.
    staff = signed_in(site, barber.staff_phone)
    found = staff.post(
        "/counter/find", data={"pickup_code": code, "csrf_token": staff.headers["x-csrf-token"]}
    )
    assert "预约时段" in found.text and "09:00–09:30" in found.text
    done = staff.post("/api/v1/counter/confirm", json={"pickup_code": code, "request_id": rid()})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "collected"
    # Staff of the demo's own supermarket cannot confirm the unit's bookings.
    other = signed_in(site, "13800000015")
    assert other.post(
        "/api/v1/counter/confirm", json={"pickup_code": code, "request_id": rid()}
    ).status_code in (
        404,
        409,
    )
    record = admin.get(f"/api/v1/admin/market/items/{service['item_id']}").json()
    assert [(s["capacity"], s["booked"]) for s in record["slots"]] == [(1, 1)]


def test_the_admins_form_lists_a_service_and_its_slot_form_adds_a_slot(admin, barber):
    csrf = admin.headers["x-csrf-token"]
    listed = admin.post(
        f"/admin/market/shops/{barber.shop_id}/items",
        data={
            "csrf_token": csrf,
            "request_id": rid(),
            "kind": "service",
            "provider_organization_id": unit_id(admin, barber.shop_id),
            "name": "量血压",
            "points_price": "10",
            "on_sale": "1",
        },
    )
    assert listed.status_code == 303, listed.text
    page = admin.get(listed.headers["location"]).text
    assert "服务已上架，请添加预约时段" in page and "爱心驿站公益协会" in page and "还没有预约时段" in page
    refused = admin.post(
        f"{listed.headers['location']}/slots",
        data={
            "csrf_token": csrf,
            "request_id": rid(),
            "date": tomorrow(),
            "starts": "10:00",
            "ends": "09:00",
        },
    )
    assert refused.status_code == 422 and "结束时间须晚于开始时间" in refused.text
    added = admin.post(
        f"{listed.headers['location']}/slots",
        data={
            "csrf_token": csrf,
            "request_id": rid(),
            "date": tomorrow(),
            "starts": "10:00",
            "ends": "11:00",
            "place": "社区卫生站",
            "capacity": "4",
        },
    )
    assert added.status_code == 303, added.text
    page = admin.get(listed.headers["location"]).text
    assert "预约时段已添加" in page and f"{tomorrow()} 10:00–11:00" in page and "社区卫生站" in page
    edit = admin.get(f"{listed.headers['location']}/edit").text
    assert "兑换积分（每次）" in edit and "库存预警线" not in edit
    saved = admin.post(
        listed.headers["location"],
        data={
            "csrf_token": csrf,
            "request_id": rid(),
            "name": "量血压",
            "points_price": "12",
            "on_sale": "1",
        },
    )
    assert saved.status_code == 303, saved.text
    item = admin.get(f"/api/v1/admin/market/items/{listed.headers['location'].rsplit('/', 1)[1]}").json()[
        "item"
    ]
    assert (item["points_price"], item["stock"], item["low_stock"], item["is_service"]) == (
        12,
        4,
        False,
        True,
    )


def test_a_grid_worker_books_a_slot_for_a_volunteer_of_their_grid(site, admin, barber):
    # Dearer than anything a demo volunteer holds, whatever other stories awarded them.
    service = new_service(admin, barber.shop_id, "理发（代预约）", points_price="50000")
    slot = new_slot(admin, service["item_id"], starts="15:00", ends="15:30").json()
    grid_worker = signed_in(site, "13800000002")  # 赵明, 张苏滩社区第一网格
    elderly = next(
        v for v in grid_worker.get("/api/v1/grid/volunteers").json() if v["phone"].endswith("0014")
    )
    page = grid_worker.get(f"/grid/{elderly['member_id']}").text
    assert "理发（代预约）" in page and "15:00–15:30" in page and "余 2 个名额" in page
    page = grid_worker.get(f"/grid/{elderly['member_id']}/items/{service['item_id']}").text
    assert "选择时段" in page and slot["slot_id"] in page

    def book_for(item_id: str, slot_id: str):
        return grid_worker.post(
            f"/api/v1/grid/volunteers/{elderly['member_id']}/items/{item_id}/redeem",
            json={"request_id": rid(), "slot_id": slot_id},
        )

    # Points refuse (not enough points): the order fails and the place goes back to the slot.
    refused = book_for(service["item_id"], slot["slot_id"])
    assert refused.status_code == 409 and "积分不足" in refused.text
    record = admin.get(f"/api/v1/admin/market/items/{service['item_id']}").json()
    assert [(s["capacity"], s["booked"]) for s in record["slots"]] == [(2, 0)] and record["item"][
        "stock"
    ] == 2
    cheap = new_service(admin, barber.shop_id, "剪指甲（代预约）", points_price="10")
    cheap_slot = new_slot(admin, cheap["item_id"], starts="15:00", ends="15:30").json()
    answer = book_for(cheap["item_id"], cheap_slot["slot_id"])
    assert answer.status_code == 200, answer.text
    order = answer.json()
    assert order["member_id"] == elderly["member_id"] and order["slot_place"] == "张苏滩社区广场 3 号摊位"
    detail = admin.get(f"/admin/market/orders/{order['redemption_id']}").text
    assert f"{tomorrow()} 15:00–15:30" in detail and "张苏滩社区广场 3 号摊位" in detail
    assert admin.get(f"/api/v1/admin/market/orders/{order['redemption_id']}").json()["slot_place"] == (
        "张苏滩社区广场 3 号摊位"
    )
