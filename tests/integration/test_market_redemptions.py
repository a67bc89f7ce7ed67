"""The redemption saga on the real PostgreSQL and Redis, with the real points api behind it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial

import grpc
import pytest

from jifen.caller import Caller
from jifen.clock import utcnow
from jifen.ids import new_id
from jifen.market.v1 import market_pb2 as mk
from jifen.market.v1 import market_pb2_grpc
from jifen.points.v1 import ledger_pb2 as lg
from jifen.redis_client import connect
from jifen.timestamps import to_timestamp
from services.market import bootstrap
from services.market.service.redemptions import jobs
from services.market.service.redemptions.placing import SagaSettings
from tests.conftest import free_port
from tests.integration.market_town import MarketTown
from tests.integration.rpc_errors import code_of as _code

AWAITING = mk.REDEMPTION_STATUS_AWAITING_PICKUP


def _attempt(town: MarketTown, member: Caller, item_id: str):
    try:
        return town.place(member, item_id)
    except grpc.RpcError as exc:
        return exc


@pytest.fixture
def shop_of(market_town: MarketTown):
    admin = market_town.points.admin("a-admin")
    shop = market_town.shop(admin)
    return admin, shop


def test_hundred_volunteers_race_for_seven_units(market_town: MarketTown, shop_of):
    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=30, stock=7)
    volunteers = [town.volunteer(f"v-{n:03d}") for n in range(100)]
    for volunteer in volunteers:
        town.fund(volunteer, 100)

    with ThreadPoolExecutor(max_workers=25) as pool:
        results = list(pool.map(lambda v: _attempt(town, v, item.item_id), volunteers))

    placed = [r for r in results if isinstance(r, mk.Redemption)]
    refused = [r for r in results if isinstance(r, grpc.RpcError)]
    assert len(placed) == 7 and all(r.status == AWAITING and len(r.pickup_code) == 8 for r in placed)
    assert len(refused) == 93
    assert {r.code() for r in refused} == {grpc.StatusCode.FAILED_PRECONDITION}
    assert all("已兑完" in r.details() or "库存不足" in r.details() for r in refused)
    after = town.get_item(item.item_id, admin)
    assert (after.stock, after.reserved) == (0, 7)
    winners = {r.member_id for r in placed}
    for volunteer in volunteers:
        balance = town.balance(volunteer)
        expected = (70, 30) if volunteer.member_id in winners else (100, 0)
        assert (balance.available, balance.held) == expected
    assert town.audit() == []


def test_one_volunteer_who_affords_three_places_ten_at_once(market_town: MarketTown, shop_of):
    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=40, stock=50, name="毛巾")
    volunteer = town.volunteer("v-three")
    town.fund(volunteer, 120)

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: _attempt(town, volunteer, item.item_id), range(10)))

    placed = [r for r in results if isinstance(r, mk.Redemption)]
    refused = [r for r in results if isinstance(r, grpc.RpcError)]
    assert len(placed) == 3
    assert len(refused) == 7 and {r.code() for r in refused} == {grpc.StatusCode.FAILED_PRECONDITION}
    assert all("积分不足" in r.details() for r in refused)
    after = town.get_item(item.item_id, admin)
    assert (after.stock, after.reserved) == (47, 3)
    balance = town.balance(volunteer)
    assert (balance.available, balance.held) == (0, 120)
    # The failed ones are kept as failed orders with the reason, and hold nothing; 我的兑换 lists only
    # the real ones, and the failed ones when asked for.
    mine = town.market.ListRedemptions(
        mk.ListRedemptionsRequest(), metadata=town.token(volunteer)
    ).redemptions
    assert sorted(r.redemption_id for r in mine) == sorted(r.redemption_id for r in placed)
    failed = town.market.ListRedemptions(
        mk.ListRedemptionsRequest(statuses=[mk.REDEMPTION_STATUS_FAILED]), metadata=town.token(volunteer)
    ).redemptions
    assert len(failed) == 7 and all("积分不足" in r.failure_reason for r in failed)
    assert town.audit() == []


def test_a_replayed_placement_answers_as_the_first_and_holds_once(market_town: MarketTown, shop_of):
    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=25, stock=5, name="牙膏")
    volunteer = town.volunteer("v-replay")
    town.fund(volunteer, 100)
    request = mk.PlaceRedemptionRequest(request_id=new_id(), item_id=item.item_id, quantity=2)

    first = town.market.PlaceRedemption(request, metadata=town.token(volunteer)).redemption
    again = town.market.PlaceRedemption(request, metadata=town.token(volunteer)).redemption

    assert first.redemption_id == again.redemption_id
    assert first.pickup_code and not again.pickup_code  # stored hashed: only shown once
    assert (town.balance(volunteer).available, town.balance(volunteer).held) == (50, 50)
    assert town.get_item(item.item_id, admin).stock == 3


def test_collect_with_the_code_then_nothing_more_can_happen(market_town: MarketTown, shop_of):
    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=50, stock=3, name="洗衣液")
    volunteer = town.volunteer("v-collect")
    staff = town.staff("s-clerk", shop.shop_id)
    town.fund(volunteer, 100)
    order = town.place(volunteer, item.item_id)

    done = town.confirm(staff, pickup_code=order.pickup_code)

    assert done.status == mk.REDEMPTION_STATUS_COLLECTED and done.confirmed_by == "s-clerk"
    balance = town.balance(volunteer)
    assert (balance.available, balance.held) == (50, 0)
    statement = town.points.ledger.ListEntries(
        lg.ListEntriesRequest(member_id=volunteer.member_id), metadata=town.token(volunteer)
    ).entries
    assert [e.kind for e in statement][:2] == [lg.ENTRY_KIND_CAPTURE, lg.ENTRY_KIND_HOLD]
    after = town.get_item(item.item_id, admin)
    assert (after.stock, after.reserved) == (2, 0)

    # Confirming twice, or cancelling a collected order: refused, and nothing moves.
    assert (
        _code(lambda: town.confirm(staff, pickup_code=order.pickup_code))
        == grpc.StatusCode.FAILED_PRECONDITION
    )
    assert _code(lambda: town.cancel(volunteer, order.redemption_id)) == grpc.StatusCode.FAILED_PRECONDITION
    assert _code(lambda: town.cancel(admin, order.redemption_id)) == grpc.StatusCode.FAILED_PRECONDITION
    assert (town.balance(volunteer).available, town.balance(volunteer).held) == (50, 0)
    after = town.get_item(item.item_id, admin)
    assert (after.stock, after.reserved) == (2, 0)
    assert town.audit() == []


def test_cancel_gives_points_and_stock_back_and_a_later_confirmation_is_refused(
    market_town: MarketTown, shop_of
):
    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=30, stock=4, name="食用油 1.8L")
    volunteer = town.volunteer("v-cancel")
    staff = town.staff("s-cancel", shop.shop_id)
    town.fund(volunteer, 90)
    order = town.place(volunteer, item.item_id, quantity=2)
    qr = town.market.GetPickupQr(
        mk.GetPickupQrRequest(redemption_id=order.redemption_id), metadata=town.token(volunteer)
    )

    cancelled = town.cancel(volunteer, order.redemption_id, "临时有事")

    assert cancelled.status == mk.REDEMPTION_STATUS_CANCELLED and cancelled.cancel_reason == "临时有事"
    assert (town.balance(volunteer).available, town.balance(volunteer).held) == (90, 0)
    assert (town.get_item(item.item_id, admin).stock, town.get_item(item.item_id, admin).reserved) == (4, 0)
    assert (
        _code(lambda: town.confirm(staff, pickup_code=order.pickup_code))
        == grpc.StatusCode.FAILED_PRECONDITION
    )
    assert _code(lambda: town.confirm(staff, qr_payload=qr.qr_payload)) == grpc.StatusCode.FAILED_PRECONDITION
    assert _code(lambda: town.cancel(volunteer, order.redemption_id)) == grpc.StatusCode.FAILED_PRECONDITION
    assert (town.balance(volunteer).available, town.balance(volunteer).held) == (90, 0)
    assert town.audit() == []


def test_only_staff_of_that_shop_confirm_and_wrong_codes_are_limited(market_town: MarketTown, shop_of):
    town = market_town
    admin, shop = shop_of
    other_shop = town.shop(admin, name="张苏滩第二积分超市")
    item = town.item(admin, shop.shop_id, price=10, stock=5, name="毛巾")
    volunteer = town.volunteer("v-counter")
    town.fund(volunteer, 50)
    order = town.place(volunteer, item.item_id)
    qr = town.market.GetPickupQr(
        mk.GetPickupQrRequest(redemption_id=order.redemption_id, format=mk.QR_IMAGE_FORMAT_PNG),
        metadata=town.token(volunteer),
    )
    assert qr.content_type == "image/png" and qr.image.startswith(b"\x89PNG")
    elsewhere = town.staff("s-elsewhere", other_shop.shop_id)
    clerk = town.staff("s-here", shop.shop_id)

    assert (
        _code(lambda: town.confirm(elsewhere, qr_payload=qr.qr_payload)) == grpc.StatusCode.PERMISSION_DENIED
    )
    assert _code(lambda: town.confirm(elsewhere, pickup_code=order.pickup_code)) == grpc.StatusCode.NOT_FOUND
    assert (
        _code(lambda: town.confirm(volunteer, pickup_code=order.pickup_code))
        == grpc.StatusCode.PERMISSION_DENIED
    )
    wrong = "00000000" if order.pickup_code != "00000000" else "11111111"
    codes = [_code(lambda: town.confirm(clerk, pickup_code=wrong)) for _ in range(6)]
    assert codes[:5] == [grpc.StatusCode.NOT_FOUND] * 5 and codes[5] == grpc.StatusCode.RESOURCE_EXHAUSTED
    # Still locked out, even with the right code, until the window passes.
    assert (
        _code(lambda: town.confirm(clerk, pickup_code=order.pickup_code))
        == grpc.StatusCode.RESOURCE_EXHAUSTED
    )
    assert town.get_item(item.item_id, admin).reserved == 1
    assert town.balance(volunteer).held == 10


def test_a_grid_worker_redeems_for_a_volunteer_of_their_grid(market_town: MarketTown, shop_of):
    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=20, stock=5, name="牙膏")
    elder = town.volunteer("v-elder", grid="g-1")
    stranger = town.volunteer("v-stranger", grid="g-2")
    worker = town.points.grid_worker("gw-1", "g-1")
    town.fund(elder, 50)
    town.fund(stranger, 50)

    order = town.place(worker, item.item_id, on_behalf_of_member_id=elder.member_id)

    assert (order.member_id, order.placed_by, order.status) == ("v-elder", "gw-1", AWAITING)
    assert (town.balance(elder).available, town.balance(elder).held) == (30, 20)
    listed = town.market.ListRedemptions(mk.ListRedemptionsRequest(), metadata=town.token(worker)).redemptions
    assert [r.redemption_id for r in listed] == [order.redemption_id]
    denied = _code(lambda: town.place(worker, item.item_id, on_behalf_of_member_id=stranger.member_id))
    assert denied == grpc.StatusCode.PERMISSION_DENIED
    assert town.balance(stranger).held == 0
    assert town.get_item(item.item_id, admin).stock == 4


def test_uncollected_orders_expire_and_give_everything_back(market_town: MarketTown, shop_of):
    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=15, stock=2, name="毛巾")
    volunteer = town.volunteer("v-late")
    town.fund(volunteer, 30)
    order = town.place(volunteer, item.item_id)
    uow, points = town.jobs_with(town.settings)

    assert jobs.expire_uncollected(uow, points) == 0  # not due yet
    later = utcnow() + timedelta(hours=town.settings.pickup_window_hours, minutes=1)
    assert jobs.expire_uncollected(uow, points, clock=lambda: later) == 1

    expired = town.market.GetRedemption(
        mk.GetRedemptionRequest(redemption_id=order.redemption_id), metadata=town.token(volunteer)
    ).redemption
    assert expired.status == mk.REDEMPTION_STATUS_EXPIRED
    assert (town.balance(volunteer).available, town.balance(volunteer).held) == (30, 0)
    assert (town.get_item(item.item_id, admin).stock, town.get_item(item.item_id, admin).reserved) == (2, 0)
    assert jobs.expire_uncollected(uow, points, clock=lambda: later) == 0
    assert town.audit() == []


def test_the_sweeper_settles_orders_a_silent_points_left_reserving(market_town: MarketTown, shop_of):
    """points unreachable between the stock reservation and the hold: the order stays reserving;
    once points answers, the sweeper compensates (no hold) or finishes (hold made) each one."""
    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=10, stock=5, name="牙膏")
    volunteer = town.volunteer("v-sweep")
    town.fund(volunteer, 100)
    dead = free_port()
    port = free_port()
    cut_off = town.settings.model_copy(
        update={
            "points_target": f"127.0.0.1:{dead}",
            "market_bind": f"127.0.0.1:{port}",
            "call_timeout_seconds": 0.5,
        }
    )
    blind = bootstrap.build_api(cut_off, connect(cut_off.redis_url))
    blind.start()
    try:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        blind_market = market_pb2_grpc.MarketServiceStub(channel)
        for _ in range(2):
            with pytest.raises(grpc.RpcError) as caught:
                blind_market.PlaceRedemption(
                    mk.PlaceRedemptionRequest(request_id=new_id(), item_id=item.item_id, quantity=1),
                    metadata=town.token(volunteer),
                )
            assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        channel.close()
    finally:
        blind.stop(0)
    mine = town.market.ListRedemptions(
        mk.ListRedemptionsRequest(), metadata=town.token(volunteer)
    ).redemptions
    stuck = [r.redemption_id for r in mine]
    assert {r.status for r in mine} == {mk.REDEMPTION_STATUS_RESERVING} and len(stuck) == 2
    assert town.get_item(item.item_id, admin).reserved == 2
    # The hold of the second one did reach points (the answer was lost on the way back).
    town.points.ledger.Hold(
        lg.HoldRequest(
            request_id=new_id(),
            hold_id=stuck[0],
            member_id=volunteer.member_id,
            amount=10,
            deadline=to_timestamp(utcnow() + timedelta(days=8)),
            reason="兑换 牙膏 ×1",
        ),
        metadata=town.points.market,
    )
    uow, points = town.jobs_with(town.settings)
    saga = SagaSettings(abandoned_after=timedelta(seconds=30))

    assert jobs.sweep_reserving(uow, points, saga) == 0  # too young: may still be in flight
    later = utcnow() + timedelta(minutes=1)
    assert jobs.sweep_reserving(uow, points, saga, clock=lambda: later) == 2

    settled = {
        r.redemption_id: r.status
        for r in town.market.ListRedemptions(
            mk.ListRedemptionsRequest(statuses=[AWAITING, mk.REDEMPTION_STATUS_FAILED]),
            metadata=town.token(volunteer),
        ).redemptions
    }
    assert settled == {stuck[0]: AWAITING, stuck[1]: mk.REDEMPTION_STATUS_FAILED}
    assert (town.balance(volunteer).available, town.balance(volunteer).held) == (90, 10)
    after = town.get_item(item.item_id, admin)
    assert (after.stock, after.reserved) == (4, 1)
    # The member never saw the finished order's code: a new one works at the counter.
    fresh = town.market.ReissuePickupCode(
        mk.ReissuePickupCodeRequest(request_id=new_id(), redemption_id=stuck[0]),
        metadata=town.token(volunteer),
    ).redemption
    staff = town.staff("s-sweep", shop.shop_id)
    assert town.confirm(staff, pickup_code=fresh.pickup_code).status == mk.REDEMPTION_STATUS_COLLECTED
    assert town.audit() == []


def test_a_deactivated_volunteers_old_token_gets_the_answer_login_gives(market_town: MarketTown):
    from jifen.events.v1 import members_pb2 as member_events

    town = market_town
    volunteer = town.volunteer("v-moved-away")
    town.points.announce(
        "member.deactivated",
        member_events.MemberDeactivated(
            member_id=volunteer.member_id, reason="搬离社区", deactivated_at=to_timestamp(utcnow())
        ),
    )

    with pytest.raises(grpc.RpcError) as refused:
        town.market.ListRedemptions(mk.ListRedemptionsRequest(), metadata=town.token(volunteer))

    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert refused.value.details() == "账号已停用，请联系社区管理员"


def test_alternating_wrong_codes_with_an_old_valid_one_no_longer_resets_the_limiter(
    market_town: MarketTown, shop_of
):
    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=10, stock=5, name="毛巾")
    volunteer = town.volunteer("v-old-code")
    town.fund(volunteer, 50)
    old = town.place(volunteer, item.item_id)
    clerk = town.staff("s-alternating", shop.shop_id)
    assert town.confirm(clerk, pickup_code=old.pickup_code).status == mk.REDEMPTION_STATUS_COLLECTED
    wrong = "00000000" if old.pickup_code != "00000000" else "11111111"

    answers = []
    for _ in range(3):
        answers.append(_code(lambda: town.confirm(clerk, pickup_code=wrong)))
        answers.append(_code(lambda: town.confirm(clerk, pickup_code=old.pickup_code)))

    assert answers[:5] == [grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION] * 2 + [
        grpc.StatusCode.NOT_FOUND
    ]
    assert answers[5] == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_several_staff_of_one_shop_are_limited_together(market_town: MarketTown, shop_of):
    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=10, stock=5, name="毛巾")
    volunteer = town.volunteer("v-shop-limit")
    town.fund(volunteer, 50)
    order = town.place(volunteer, item.item_id)
    wrong = "00000000" if order.pickup_code != "00000000" else "11111111"
    per_shop = town.settings.pickup_code_max_failures_per_shop
    per_staff = town.settings.pickup_code_max_failures
    crew = [town.staff(f"s-crew-{n}", shop.shop_id) for n in range(per_shop // per_staff + 1)]

    answers = [
        _code(partial(town.confirm, clerk, pickup_code=wrong)) for clerk in crew for _ in range(per_staff)
    ]

    assert answers[:per_shop] == [grpc.StatusCode.NOT_FOUND] * per_shop
    assert set(answers[per_shop:]) == {grpc.StatusCode.RESOURCE_EXHAUSTED}
    assert _code(lambda: town.confirm(crew[-1], pickup_code=order.pickup_code)) == (
        grpc.StatusCode.RESOURCE_EXHAUSTED
    )
    assert town.balance(volunteer).held == 10


def test_a_fired_staff_members_still_valid_token_cannot_hand_orders_over(market_town: MarketTown, shop_of):
    from jifen.caller import VOLUNTEER, Grant

    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=10, stock=5, name="毛巾")
    volunteer = town.volunteer("v-fired-clerk")
    town.fund(volunteer, 50)
    order = town.place(volunteer, item.item_id)
    clerk = town.staff("s-fired", shop.shop_id)
    token = town.token(clerk)

    town.points.change_roles(clerk, Grant(VOLUNTEER))

    with pytest.raises(grpc.RpcError) as refused:
        town.market.ConfirmRedemption(
            mk.ConfirmRedemptionRequest(request_id=new_id(), pickup_code=order.pickup_code), metadata=token
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert town.balance(volunteer).held == 10


def test_proxy_orders_show_on_the_volunteers_page_are_capped_and_can_be_switched_off(
    market_town: MarketTown, shop_of
):

    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=5, stock=20, name="牙膏")
    elder = town.volunteer("v-proxy-elder", grid="g-9")
    worker = town.points.grid_worker("gw-9", "g-9")
    town.fund(elder, 100)
    cap = town.settings.proxy_redemptions_per_week

    placed = [town.place(worker, item.item_id, on_behalf_of_member_id=elder.member_id) for _ in range(cap)]
    over = _code(lambda: town.place(worker, item.item_id, on_behalf_of_member_id=elder.member_id))

    assert over == grpc.StatusCode.FAILED_PRECONDITION
    mine = town.market.ListRedemptions(mk.ListRedemptionsRequest(), metadata=town.token(elder)).redemptions
    assert {(r.redemption_id, r.placed_by) for r in mine} == {(p.redemption_id, "gw-9") for p in placed}
    assert all(r.placed_by_name for r in mine)
    # Their own order is theirs to place, cap or not.
    assert town.place(elder, item.item_id).placed_by == elder.member_id
    assert town.get_item(item.item_id, admin).reserved == cap + 1


def test_a_volunteer_who_switched_proxy_redemption_off_is_not_redeemed_for(market_town: MarketTown, shop_of):
    from jifen.caller import VOLUNTEER, Grant
    from jifen.events.v1 import members_pb2 as member_events

    town = market_town
    admin, shop = shop_of
    item = town.item(admin, shop.shop_id, price=5, stock=20, name="牙膏")
    elder = town.volunteer("v-proxy-off", grid="g-8")
    worker = town.points.grid_worker("gw-8", "g-8")
    town.fund(elder, 100)

    town.points.announce(
        "member.updated",
        member_events.MemberUpdated(
            member_id=elder.member_id,
            name="成员-off",
            community_id=elder.community_id,
            street_id=elder.street_id,
            grid_id="g-8",
            roles=[member_events.MemberRole(**Grant(VOLUNTEER).to_claim())],
            status="active",
            updated_at=to_timestamp(utcnow()),
            proxy_redemption_refused=True,
        ),
    )

    with pytest.raises(grpc.RpcError) as refused:
        town.place(worker, item.item_id, on_behalf_of_member_id=elder.member_id)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "已关闭代兑换" in refused.value.details()
    assert town.get_item(item.item_id, admin).reserved == 0
    assert town.balance(elder).held == 0
    assert town.place(elder, item.item_id).placed_by == elder.member_id
