"""The redemption saga as volunteers, grid workers and staff meet it, over in-memory fakes."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta

import pytest

from jifen.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unavailable,
)
from services.market.domain.catalog import SHOP_CLOSED, Item, ItemDetails, Shop
from services.market.domain.limits import MONTH
from services.market.domain.redemption import (
    AWAITING_PICKUP,
    CANCELLED,
    COLLECTED,
    EXPIRED,
    FAILED,
    RESERVING,
)
from services.market.service.ports import CAPTURED, HELD, RELEASED
from services.market.service.redemptions import cancelling, jobs, pickup, placing
from services.market.service.redemptions import placing as saga
from services.market.service.redemptions import views as redemption_views
from services.market.service.redemptions.commands import (
    CancelRedemption,
    ConfirmRedemption,
    FindPickup,
    ListRedemptions,
    PlaceRedemption,
    ReissuePickupCode,
)
from services.market.service.redemptions.placing import SagaSettings

from .fakes import (
    HOME,
    NOW,
    OTHER,
    admin_of,
    grid_worker,
    member,
    pickup_limits,
    staff,
    volunteer,
)

SAGA = SagaSettings(pickup_window=timedelta(days=7), abandoned_after=timedelta(seconds=30))
SHOP = Shop("shop-1", HOME.id, "张苏滩积分超市", "服务中心一楼", "", "open", NOW, NOW)
TOWEL = ItemDetails(name="毛巾", points_price=40)


@pytest.fixture
def uow(uow):
    world = uow
    world.shops.add(SHOP)
    world.shops.add(replace(SHOP, id="shop-2", name="第二超市"))
    member(world, "v1")
    member(world, "v2", grid_id="gr-2")
    member(world, "clerk", staff_shop_id=SHOP.id)
    member(world, "clerk-2", staff_shop_id=SHOP.id)
    member(world, "clerk-3", staff_shop_id=SHOP.id)
    return world


@pytest.fixture
def points(points):
    bank = points
    bank.give("v1", 100)
    bank.give("v2", 100)
    return bank


def stock(uow, item_id="towel", units=10, details=TOWEL) -> Item:
    item = Item(item_id, SHOP.id, HOME.id, details, units, 0, NOW, NOW)
    uow.items.add(item)
    return item


def place(uow, points, clock, actor, item_id="towel", quantity=1, request_id=None, on_behalf=""):
    cmd = PlaceRedemption(request_id or f"p-{len(uow.redemptions.rows)}", actor, item_id, quantity, on_behalf)
    return placing.place_redemption(cmd, uow, points, SAGA, clock)


def confirm(uow, points, clock, actor, limiter=None, **presented):
    shown = hashlib.sha256(repr(sorted(presented.items())).encode()).hexdigest()[:16]
    cmd = ConfirmRedemption(f"c-{len(uow.outbox.events)}-{actor.member_id}-{shown}", actor, **presented)
    return pickup.confirm(cmd, uow, points, limiter or pickup_limits(), clock)


def cancel(uow, points, clock, actor, redemption_id, reason="不需要了"):
    cmd = CancelRedemption(f"x-{redemption_id}-{actor.member_id}", actor, redemption_id, reason)
    return cancelling.cancel(cmd, uow, points, clock)


def units(uow, item_id="towel") -> tuple[int, int]:
    item = uow.items.get(item_id)
    return item.stock, item.reserved


V1, V2, CLERK = volunteer("v1"), volunteer("v2", grid_id="gr-2"), staff("clerk", SHOP.id)


# --- placing ---


def test_a_placed_order_holds_the_points_and_shows_a_code_once(uow, points, clock):
    stock(uow)
    issued = place(uow, points, clock, V1, quantity=2)

    order = issued.redemption
    assert order.status == AWAITING_PICKUP and len(issued.pickup_code) == 8 and issued.pickup_code.isdigit()
    assert order.code_hash and issued.pickup_code not in order.code_hash
    assert (order.points_total, order.expires_at) == (80, NOW + timedelta(days=7))
    assert points.holds[order.id] == ("v1", 80, HELD) and points.available["v1"] == 20
    assert units(uow) == (8, 2)
    assert uow.event_types == ["redemption.placed"]
    again = place(uow, points, clock, V1, quantity=2, request_id="p-0")
    assert again.redemption.id == order.id and again.pickup_code == ""
    assert units(uow) == (8, 2) and points.available["v1"] == 20


def test_not_enough_points_fails_the_order_and_returns_the_stock(uow, points, clock):
    stock(uow, details=replace(TOWEL, points_price=300))
    with pytest.raises(FailedPrecondition) as refused:
        place(uow, points, clock, V1)

    assert refused.value.zh == "积分不足：需要 300 分，可用 100 分"
    (order,) = uow.redemptions.rows.values()
    assert order.status == FAILED and order.failure_reason == refused.value.zh
    assert units(uow) == (10, 0) and points.available["v1"] == 100
    with pytest.raises(FailedPrecondition) as replayed:
        place(uow, points, clock, V1, request_id="p-0")
    assert replayed.value.zh == refused.value.zh


def test_a_frozen_account_cannot_redeem(uow, points, clock):
    stock(uow)
    points.frozen.add("v1")
    with pytest.raises(FailedPrecondition, match="frozen"):
        place(uow, points, clock, V1)
    assert units(uow) == (10, 0)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda uow: member(uow, "v1", status="deactivated"), "停用"),
        (lambda uow: uow.items.restock("towel", -10, NOW), "已兑完"),
        (lambda uow: uow.shops.save(replace(SHOP, status=SHOP_CLOSED)), "暂停营业"),
        (lambda uow: uow.items.save_details("towel", replace(TOWEL, status="off_sale"), NOW), "下架"),
        (
            lambda uow: uow.items.save_details(
                "towel", replace(TOWEL, sale_starts_at=NOW + timedelta(days=1)), NOW
            ),
            "尚未开始",
        ),
        (lambda uow: uow.items.save_details("towel", replace(TOWEL, sale_ends_at=NOW), NOW), "截止"),
        (lambda uow: member(uow, "v1", community=OTHER), "本社区"),
    ],
)
def test_orders_that_cannot_be_served_are_refused_before_anything_is_reserved(
    uow, points, clock, change, words
):
    stock(uow)
    change(uow)
    with pytest.raises(FailedPrecondition) as refused:
        place(uow, points, clock, V1)
    assert words in refused.value.zh
    assert uow.redemptions.rows == {} and points.calls == [] and units(uow)[1] == 0


def test_a_monthly_limit_counts_open_and_collected_orders_but_not_cancelled_ones(uow, points, clock):
    stock(uow, details=replace(TOWEL, per_member_limit=1, limit_period=MONTH))
    first = place(uow, points, clock, V1).redemption
    with pytest.raises(FailedPrecondition) as refused:
        place(uow, points, clock, V1)
    assert refused.value.zh == "毛巾每月限兑 1 件，您已兑换 1 件，还可兑换 0 件"
    cancel(uow, points, clock, V1, first.id)
    place(uow, points, clock, V1)
    clock.advance(days=12)  # 2026-12-02: a new month in Shanghai
    place(uow, points, clock, V1)
    assert units(uow) == (8, 2)


def test_an_order_for_more_than_is_left_is_refused(uow, points, clock):
    stock(uow, units=2)
    with pytest.raises(FailedPrecondition) as refused:
        place(uow, points, clock, V1, quantity=3)
    assert refused.value.zh == "毛巾库存不足，仅剩 2 件"
    with pytest.raises(InvalidArgument):
        place(uow, points, clock, V1, quantity=0)


def test_a_grid_worker_redeems_for_a_volunteer_of_their_grid_only(uow, points, clock):
    stock(uow)
    worker = grid_worker("gw", "gr-1")
    order = place(uow, points, clock, worker, on_behalf="v1").redemption
    assert (order.member_id, order.placed_by, order.is_proxy) == ("v1", "gw", True)
    assert points.holds[order.id][:2] == ("v1", 40)
    with pytest.raises(PermissionDenied):
        place(uow, points, clock, worker, on_behalf="v2")
    with pytest.raises(PermissionDenied):
        place(uow, points, clock, V2, on_behalf="v1")


def test_a_hold_whose_answer_was_lost_is_released_and_the_order_fails(uow, points, clock):
    stock(uow)
    points.answer_lost.add("hold")
    with pytest.raises(Unavailable):
        place(uow, points, clock, V1)
    (order,) = uow.redemptions.rows.values()
    assert order.status == FAILED and points.holds[order.id][2] == RELEASED
    assert points.available["v1"] == 100 and units(uow) == (10, 0)


def test_a_silent_points_leaves_the_order_for_the_sweeper(uow, points, clock):
    stock(uow)
    points.down = True
    with pytest.raises(Unavailable, match="settled automatically"):
        place(uow, points, clock, V1)
    (order,) = uow.redemptions.rows.values()
    assert order.status == RESERVING and units(uow) == (9, 1)

    points.down = False
    assert jobs.sweep_reserving(lambda: uow, points, SAGA, clock) == 0  # may still be in flight
    clock.advance(minutes=1)
    assert jobs.sweep_reserving(lambda: uow, points, SAGA, clock) == 1
    assert uow.redemptions.get(order.id).status == FAILED
    # A tombstone: the original Hold, arriving late, is refused rather than reviving the order.
    assert points.holds[order.id] == ("", 0, RELEASED) and units(uow) == (10, 0)


def test_the_sweeper_finishes_an_order_whose_hold_was_made(uow, points, clock):
    stock(uow)
    points.down = True
    with pytest.raises(Unavailable):
        place(uow, points, clock, V1)
    (order,) = uow.redemptions.rows.values()
    points.down = False
    points.hold(order.id, "v1", 40, NOW + timedelta(days=8), "兑换 毛巾 ×1")
    clock.advance(minutes=1)

    assert jobs.sweep_reserving(lambda: uow, points, SAGA, clock) == 1
    assert uow.redemptions.get(order.id).status == AWAITING_PICKUP
    assert "redemption.placed" in uow.event_types and units(uow) == (9, 1)


# --- at the counter ---


def test_staff_confirm_with_the_code_and_the_points_are_spent(uow, points, clock):
    stock(uow)
    issued = place(uow, points, clock, V1)
    done = confirm(
        uow, points, clock, CLERK, pickup_code=issued.pickup_code[:4] + " " + issued.pickup_code[4:]
    )

    assert (done.status, done.confirmed_by, done.collected_at) == (COLLECTED, "clerk", NOW)
    assert points.holds[done.id][2] == CAPTURED and units(uow) == (9, 0)
    assert uow.event_types[-1] == "redemption.confirmed"
    with pytest.raises(FailedPrecondition, match="already collected"):
        confirm(uow, points, clock, CLERK, pickup_code=issued.pickup_code)
    with pytest.raises(FailedPrecondition):
        cancel(uow, points, clock, V1, done.id)
    assert points.holds[done.id][2] == CAPTURED and units(uow) == (9, 0)


def test_the_qr_confirms_only_at_the_shop_of_the_order(uow, points, clock):
    stock(uow)
    order = place(uow, points, clock, V1).redemption
    payload = pickup.pickup_qr(order.id, V1, uow)
    assert payload == uow.secrets.ring().qr_payload(order.id, uow.redemptions.get(order.id).code_hash)
    member(uow, "clerk2", staff_shop_id="shop-2")

    with pytest.raises(PermissionDenied):
        confirm(uow, points, clock, staff("clerk2", "shop-2"), qr_payload=payload)
    with pytest.raises(NotFound):
        confirm(uow, points, clock, CLERK, qr_payload=payload[:-1] + ("0" if payload[-1] != "0" else "1"))
    with pytest.raises(PermissionDenied):
        # A staff claim for this shop in a token from another community is worth nothing.
        confirm(uow, points, clock, staff("clerk", SHOP.id, community=OTHER), qr_payload=payload)
    assert confirm(uow, points, clock, CLERK, qr_payload=payload).status == COLLECTED


def test_wrong_codes_are_limited_per_staff_member(uow, points, clock):
    stock(uow)
    issued = place(uow, points, clock, V1)
    limiter = pickup_limits(per_staff=3)
    wrong = "00000000" if issued.pickup_code != "00000000" else "11111111"
    for _ in range(3):
        with pytest.raises(NotFound):
            confirm(uow, points, clock, CLERK, limiter, pickup_code=wrong)
    with pytest.raises(ResourceExhausted):
        confirm(uow, points, clock, CLERK, limiter, pickup_code=issued.pickup_code)
    assert uow.redemptions.get(issued.redemption.id).status == AWAITING_PICKUP


def test_a_new_code_replaces_the_lost_one(uow, points, clock):
    stock(uow)
    issued = place(uow, points, clock, V1)
    fresh = pickup.reissue_code(ReissuePickupCode("r-1", V1, issued.redemption.id), uow, clock)
    assert fresh.pickup_code and fresh.pickup_code != issued.pickup_code
    with pytest.raises(PermissionDenied):
        pickup.reissue_code(ReissuePickupCode("r-2", V2, issued.redemption.id), uow, clock)
    with pytest.raises(NotFound):
        confirm(uow, points, clock, CLERK, pickup_code=issued.pickup_code)
    assert confirm(uow, points, clock, CLERK, pickup_code=fresh.pickup_code).status == COLLECTED


# --- cancelling and expiry ---


def test_the_member_or_an_admin_cancels_and_everything_comes_back(uow, points, clock):
    stock(uow)
    first = place(uow, points, clock, V1).redemption
    second = place(uow, points, clock, V1).redemption
    with pytest.raises(PermissionDenied):
        cancel(uow, points, clock, V2, first.id)
    with pytest.raises(PermissionDenied):
        cancel(uow, points, clock, admin_of(OTHER), first.id)

    assert cancel(uow, points, clock, V1, first.id, "临时有事").status == CANCELLED
    assert cancel(uow, points, clock, admin_of(HOME), second.id).cancelled_by == "admin-co-a"
    assert points.available["v1"] == 100 and units(uow) == (10, 0)
    assert uow.event_types.count("redemption.cancelled") == 2
    with pytest.raises(FailedPrecondition):
        payload = uow.secrets.ring().qr_payload(first.id, first.code_hash)
        confirm(uow, points, clock, CLERK, qr_payload=payload)
    with pytest.raises(InvalidArgument):
        cancel(uow, points, clock, V1, first.id, reason=" ")


def test_orders_not_collected_in_time_expire(uow, points, clock):
    stock(uow)
    order = place(uow, points, clock, V1).redemption
    assert jobs.expire_uncollected(lambda: uow, points, clock) == 0
    clock.advance(days=7)

    assert jobs.expire_uncollected(lambda: uow, points, clock) == 1
    assert uow.redemptions.get(order.id).status == EXPIRED
    assert points.available["v1"] == 100 and units(uow) == (10, 0)
    assert uow.event_types[-1] == "redemption.expired"


def test_expiry_settles_a_capture_whose_confirmation_died(uow, points, clock):
    stock(uow)
    order = place(uow, points, clock, V1).redemption
    points.capture(order.id)  # the confirmation died after points captured
    clock.advance(days=8)

    jobs.expire_uncollected(lambda: uow, points, clock)
    assert uow.redemptions.get(order.id).status == COLLECTED and units(uow) == (9, 0)


# --- lists ---


def test_each_role_lists_its_own_working_set(uow, points, clock):
    stock(uow)
    mine = place(uow, points, clock, V1).redemption
    theirs = place(uow, points, clock, V2).redemption

    def listed(actor, **asked):
        found, _ = redemption_views.list_redemptions(ListRedemptions(actor=actor, **asked), uow)
        return {r.id for r in found}

    assert listed(V1) == {mine.id}
    assert listed(CLERK) == {mine.id, theirs.id}
    assert listed(admin_of(HOME)) == {mine.id, theirs.id}
    assert listed(admin_of(OTHER)) == set()
    assert listed(grid_worker("gw", "gr-2")) == {theirs.id}
    with pytest.raises(PermissionDenied):
        listed(V1, member_id="v2")
    with pytest.raises(PermissionDenied):
        listed(admin_of(OTHER), community_id=HOME.id)
    with pytest.raises(PermissionDenied):
        redemption_views.get_redemption(mine.id, V2, uow)


def test_thirty_taps_on_redeem_leave_one_order_in_my_list_and_the_refusals_on_request(uow, points, clock):
    stock(uow, details=replace(TOWEL, points_price=60))
    placed = place(uow, points, clock, V1).redemption
    for _ in range(5):
        clock.advance(seconds=1)
        with pytest.raises(FailedPrecondition) as refused:
            place(uow, points, clock, V1)
        # The refusal is in the answer at once, as before.
        assert refused.value.zh.startswith("积分不足")

    def listed(actor, **asked):
        found, _ = redemption_views.list_redemptions(ListRedemptions(actor=actor, **asked), uow)
        return [r.id for r in found]

    assert listed(V1) == [placed.id]
    assert listed(admin_of(HOME)) == [placed.id]
    assert listed(CLERK) == [placed.id]
    failed = listed(V1, statuses=(FAILED,))
    assert len(failed) == 5 and placed.id not in failed
    assert {r.status for r in uow.redemptions.rows.values() if r.id in failed} == {FAILED}
    assert set(listed(V1, statuses=(FAILED, AWAITING_PICKUP))) == {placed.id, *failed}


def test_two_orders_awaiting_pickup_at_one_shop_never_share_a_code(uow, points, clock, monkeypatch):
    drawn = iter(["12345678", "12345678", "87654321"])
    monkeypatch.setattr(saga, "new_code", lambda: next(drawn))
    stock(uow)
    first = place(uow, points, clock, V1)
    second = place(uow, points, clock, V2)

    assert (first.pickup_code, second.pickup_code) == ("12345678", "87654321")
    assert confirm(uow, points, clock, CLERK, pickup_code="12345678").member_id == "v1"


def test_one_order_points_will_not_release_does_not_stop_the_sweeper(uow, points, clock):
    stock(uow)
    points.down = True
    for actor in (V1, V2):
        with pytest.raises(Unavailable):
            place(uow, points, clock, actor)
    stuck, later = sorted(uow.redemptions.rows.values(), key=lambda r: r.created_at)
    points.down = False
    points.holds[stuck.id] = ("v1", 40, CAPTURED)  # spent, though the market never confirmed it
    clock.advance(minutes=1)

    assert jobs.sweep_reserving(lambda: uow, points, SAGA, clock) == 2
    assert uow.redemptions.get(stuck.id).status == COLLECTED
    assert uow.redemptions.get(later.id).status == FAILED
    assert units(uow) == (9, 0)


def test_staff_see_who_and_what_before_handing_over_and_looking_changes_nothing(uow, points, clock):
    stock(uow)
    issued = place(uow, points, clock, V1)
    limiter = pickup_limits(per_staff=3)

    found = pickup.find(FindPickup(CLERK, pickup_code=issued.pickup_code), uow, limiter)

    assert (found.id, found.status, found.quantity) == (issued.redemption.id, AWAITING_PICKUP, 1)
    assert points.holds[found.id][2] == HELD and units(uow) == (9, 1)
    assert pickup.find(FindPickup(CLERK, pickup_code=issued.pickup_code), uow, limiter).id == found.id
    with pytest.raises(PermissionDenied):
        pickup.find(FindPickup(V1, pickup_code=issued.pickup_code), uow, limiter)


def test_looking_up_wrong_codes_counts_against_the_same_limit_and_only_a_confirmation_clears_it(
    uow, points, clock
):
    stock(uow)
    issued = place(uow, points, clock, V1)
    limiter = pickup_limits(per_staff=3)
    wrong = "00000000" if issued.pickup_code != "00000000" else "11111111"
    for _ in range(2):
        with pytest.raises(NotFound):
            pickup.find(FindPickup(CLERK, pickup_code=wrong), uow, limiter)
    # A right code found does not reset the count: only handing the order over does.
    pickup.find(FindPickup(CLERK, pickup_code=issued.pickup_code), uow, limiter)
    with pytest.raises(ResourceExhausted):
        pickup.find(FindPickup(CLERK, pickup_code=issued.pickup_code), uow, limiter)


def test_an_old_code_of_a_collected_order_does_not_reset_the_wrong_code_count(uow, points, clock):
    stock(uow)
    collected = place(uow, points, clock, V1)
    limiter = pickup_limits(per_staff=3)
    confirm(uow, points, clock, CLERK, limiter, pickup_code=collected.pickup_code)
    payload = uow.secrets.ring().qr_payload(collected.redemption.id, collected.redemption.code_hash)
    wrong = "00000000" if collected.pickup_code != "00000000" else "11111111"

    with pytest.raises(NotFound):
        confirm(uow, points, clock, CLERK, limiter, pickup_code=wrong)
    with pytest.raises(FailedPrecondition):
        confirm(uow, points, clock, CLERK, limiter, pickup_code=collected.pickup_code)
    with pytest.raises(FailedPrecondition):
        confirm(uow, points, clock, CLERK, limiter, qr_payload=payload)
    with pytest.raises(ResourceExhausted):
        confirm(uow, points, clock, CLERK, limiter, pickup_code=wrong)


def test_staff_of_one_shop_taking_turns_at_wrong_codes_meet_the_shops_limit(uow, points, clock):
    stock(uow)
    issued = place(uow, points, clock, V1)
    limits = pickup_limits(per_staff=3, per_shop=5)
    wrong = "00000000" if issued.pickup_code != "00000000" else "11111111"
    clerks = [CLERK, staff("clerk-2", SHOP.id), staff("clerk-3", SHOP.id)]
    for clerk in clerks[:2]:
        for _ in range(2):
            with pytest.raises(NotFound):
                confirm(uow, points, clock, clerk, limits, pickup_code=wrong)
    with pytest.raises(NotFound):
        confirm(uow, points, clock, clerks[2], limits, pickup_code=wrong)

    with pytest.raises(ResourceExhausted):
        confirm(uow, points, clock, clerks[2], limits, pickup_code=issued.pickup_code)
    assert uow.redemptions.get(issued.redemption.id).status == AWAITING_PICKUP


def test_handing_an_order_over_clears_the_counts(uow, points, clock):
    stock(uow)
    first, second = place(uow, points, clock, V1), place(uow, points, clock, V1)
    limits = pickup_limits(per_staff=3)
    shown = (first.pickup_code, second.pickup_code)
    wrong = next(c for c in ("00000000", "11111111", "22222222") if c not in shown)
    for _ in range(2):
        with pytest.raises(NotFound):
            confirm(uow, points, clock, CLERK, limits, pickup_code=wrong)
    assert confirm(uow, points, clock, CLERK, limits, pickup_code=first.pickup_code).status == COLLECTED
    for _ in range(2):
        with pytest.raises(NotFound):
            confirm(uow, points, clock, CLERK, limits, pickup_code=wrong)
    assert confirm(uow, points, clock, CLERK, limits, pickup_code=second.pickup_code).status == COLLECTED


def test_a_reissued_code_makes_the_old_qr_worthless(uow, points, clock):
    stock(uow)
    order = place(uow, points, clock, V1).redemption
    old_qr = pickup.pickup_qr(order.id, V1, uow)

    pickup.reissue_code(ReissuePickupCode("r-qr", V1, order.id), uow, clock)

    with pytest.raises(NotFound):
        confirm(uow, points, clock, CLERK, qr_payload=old_qr)
    new_qr = pickup.pickup_qr(order.id, V1, uow)
    assert new_qr != old_qr
    assert confirm(uow, points, clock, CLERK, qr_payload=new_qr).status == COLLECTED


def test_rotating_the_pickup_key_keeps_codes_and_qrs_of_the_previous_key_working(uow, points, clock):
    stock(uow)
    points.give("v1", 100)
    before = place(uow, points, clock, V1)
    also_before = place(uow, points, clock, V1)
    old_qr = pickup.pickup_qr(also_before.redemption.id, V1, uow)

    uow.secrets.rotate("k-next", bytes(range(32, 64)))
    after = place(uow, points, clock, V1)

    assert after.redemption.code_hash.startswith("k-next:")
    assert before.redemption.code_hash.startswith("k-current:")
    assert confirm(uow, points, clock, CLERK, pickup_code=before.pickup_code).status == COLLECTED
    assert confirm(uow, points, clock, CLERK, pickup_code=after.pickup_code).status == COLLECTED
    # Shown again now, the QR is signed with the current key; the one drawn before still works.
    assert pickup.pickup_qr(also_before.redemption.id, V1, uow) != old_qr
    assert confirm(uow, points, clock, CLERK, qr_payload=old_qr).status == COLLECTED


# --- 代兑换: the volunteer sees it, a weekly cap, and their own switch ---


def test_the_volunteer_sees_an_order_their_grid_worker_placed_for_them(uow, points, clock):
    stock(uow)
    order = place(uow, points, clock, grid_worker("gw", "gr-1"), on_behalf="v1").redemption

    found, _ = redemption_views.list_redemptions(ListRedemptions(actor=V1), uow)

    assert [(r.id, r.member_id, r.placed_by) for r in found] == [(order.id, "v1", "gw")]


def test_proxy_orders_for_one_volunteer_are_capped_per_week(uow, points, clock):
    stock(uow)
    points.give("v1", 400)
    worker = grid_worker("gw", "gr-1")
    capped = replace(SAGA, proxy_orders_per_week=2)

    def order(request_id, actor, on_behalf="v1"):
        cmd = PlaceRedemption(request_id, actor, "towel", 1, on_behalf)
        return placing.place_redemption(cmd, uow, points, capped, clock)

    order("gw-1", worker)
    order("gw-2", worker)
    # The volunteer's own orders are theirs to place and do not count.
    order("own", V1, on_behalf="")

    with pytest.raises(FailedPrecondition) as refused:
        order("gw-3", worker)
    assert "每周最多代兑换 2 次" in refused.value.message()
    assert units(uow) == (7, 3)

    clock.advance(days=7)
    order("gw-4", worker)
    assert units(uow) == (6, 4)


def test_a_volunteer_who_switched_proxy_redemption_off_cannot_be_redeemed_for(uow, points, clock):
    stock(uow)
    uow.people.put_member(replace(uow.people.member("v1"), proxy_redemption_refused=True))

    with pytest.raises(FailedPrecondition) as refused:
        place(uow, points, clock, grid_worker("gw", "gr-1"), on_behalf="v1")

    assert "已关闭代兑换" in refused.value.message()
    assert units(uow) == (10, 0) and points.available["v1"] == 100
    assert place(uow, points, clock, V1).redemption.placed_by == "v1"
