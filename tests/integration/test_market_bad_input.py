"""Bad input to the market over gRPC: the right status, an English message naming the field, and
nothing written.

Every case runs against one town; the mismatches are collected and reported together, so one
wrong answer does not hide the next. The row counts of the market database are taken before and
after: a refused request must leave no shop, item, stock change, order, event or idempotency key.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from jifen.caller import ADMIN, Caller, Grant
from jifen.clock import utcnow
from jifen.market.v1 import market_pb2 as mk
from jifen.market.v1 import reports_pb2 as rp
from jifen.market.v1 import reports_pb2_grpc
from jifen.tables import IDEMPOTENCY_KEYS, OUTBOX
from jifen.timestamps import to_timestamp
from services.market.adapters import tables
from services.market.entrypoints.policy import DESCRIPTORS, POLICY
from tests.integration.market_town import MarketTown
from tests.integration.points_town import HOME, STREET
from tests.undecodable import refusals_of_undecodable_requests

INVALID = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND
ENGLISH = ("accept-language", "en")
GRID = "gr-home-1"
NOWHERE = "01nosuchthing0000000000000"
# Past the last second a Timestamp may hold (9999-12-31T23:59:59Z): a client can send it all the same.
BEYOND_TIME = Timestamp(seconds=253_402_300_800)


TOMORROW = to_timestamp(utcnow().replace(microsecond=0) + timedelta(days=1))


def rid() -> str:
    return uuid.uuid4().hex


def at(delta: timedelta) -> Timestamp:
    return to_timestamp(utcnow() + delta)


def counts(town: MarketTown) -> dict[str, int]:
    watched = (
        tables.shops,
        tables.items,
        tables.stock_changes,
        tables.redemptions,
        OUTBOX,
        IDEMPOTENCY_KEYS,
    )
    with town.engine.connect() as db:
        return {t.name: db.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in watched}


@dataclass(frozen=True)
class Case:
    """One bad request: who sends it, and the status (and for INVALID_ARGUMENT the field) it must get."""

    name: str
    rpc: str
    request: Callable[[], object]
    caller: str
    code: grpc.StatusCode
    field: str = ""


@dataclass
class Town:
    market: MarketTown
    callers: dict[str, Caller]
    shop_id: str
    item_id: str
    order: mk.Redemption

    def metadata(self, caller: str) -> list[tuple[str, str]]:
        return [*self.market.token(self.callers[caller]), ENGLISH]


@pytest.fixture
def town(market_town: MarketTown) -> Town:
    points = market_town.points
    admin = points.admin("m-admin", HOME)
    shop = market_town.shop(admin)
    item = market_town.item(admin, shop.shop_id, price=10, stock=20)
    volunteer = market_town.volunteer("m-vol", HOME, GRID)
    market_town.fund(volunteer, 100)
    callers = {
        "admin": admin,
        "volunteer": volunteer,
        "staff": market_town.staff("m-staff", shop.shop_id),
        "grid_worker": points.grid_worker("m-grid", GRID),
    }
    order = market_town.place(volunteer, item.item_id)
    return Town(market_town, callers, shop.shop_id, item.item_id, order)


def item_request(town: Town, **changes) -> mk.CreateItemRequest:
    fields = {
        "request_id": rid(),
        "shop_id": town.shop_id,
        "name": "大米 5kg",
        "points_price": 30,
        "initial_stock": 5,
    }
    return mk.CreateItemRequest(**{**fields, **changes})


def update_item(town: Town, paths: list[str], **changes) -> mk.UpdateItemRequest:
    return mk.UpdateItemRequest(
        request_id=rid(), item_id=town.item_id, update_mask=FieldMask(paths=paths), **changes
    )


def confirm(**presented) -> mk.ConfirmRedemptionRequest:
    return mk.ConfirmRedemptionRequest(request_id=rid(), **presented)


def invalid_cases(town: Town) -> list[Case]:
    code = town.order.pickup_code
    qr = town.market.market.GetPickupQr(
        mk.GetPickupQrRequest(redemption_id=town.order.redemption_id), metadata=town.metadata("volunteer")
    ).qr_payload
    bad_token = "not-a-page-token"
    cases = [
        Case(
            "shop without a name",
            "CreateShop",
            lambda: mk.CreateShopRequest(request_id=rid(), community_id=HOME, name="  ", address="一楼"),
            "admin",
            INVALID,
            "name",
        ),
        Case(
            "shop without a request id",
            "CreateShop",
            lambda: mk.CreateShopRequest(community_id=HOME, name="第三积分超市", address="一楼"),
            "admin",
            INVALID,
            "request_id",
        ),
        Case(
            "a request id longer than 100 characters",
            "CreateItem",
            lambda: item_request(town, request_id="r" * 101),
            "admin",
            INVALID,
            "request_id",
        ),
        Case(
            "item without a name",
            "CreateItem",
            lambda: item_request(town, name=""),
            "admin",
            INVALID,
            "name",
        ),
        Case(
            "price 0",
            "CreateItem",
            lambda: item_request(town, points_price=0),
            "admin",
            INVALID,
            "points_price",
        ),
        Case(
            "negative price",
            "CreateItem",
            lambda: item_request(town, points_price=-30),
            "admin",
            INVALID,
            "points_price",
        ),
        Case(
            "negative initial stock",
            "CreateItem",
            lambda: item_request(town, initial_stock=-1),
            "admin",
            INVALID,
            "initial_stock",
        ),
        Case(
            "sale ends before it starts",
            "CreateItem",
            lambda: item_request(
                town, sale_starts_at=at(timedelta(days=2)), sale_ends_at=at(timedelta(days=1))
            ),
            "admin",
            INVALID,
            "sale_ends_at",
        ),
        Case(
            "sale ends when it starts",
            "CreateItem",
            lambda: item_request(town, sale_starts_at=TOMORROW, sale_ends_at=TOMORROW),
            "admin",
            INVALID,
            "sale_ends_at",
        ),
        Case(
            "a limit without a period",
            "CreateItem",
            lambda: item_request(town, per_member_limit=2),
            "admin",
            INVALID,
            "limit_period",
        ),
        Case(
            "a limit with period none",
            "CreateItem",
            lambda: item_request(town, per_member_limit=2, limit_period=mk.LIMIT_PERIOD_NONE),
            "admin",
            INVALID,
            "limit_period",
        ),
        Case(
            "unknown limit period",
            "CreateItem",
            lambda: item_request(town, per_member_limit=2, limit_period=99),
            "admin",
            INVALID,
            "limit_period",
        ),
        Case(
            "unknown item status",
            "CreateItem",
            lambda: item_request(town, status=99),
            "admin",
            INVALID,
            "status",
        ),
        Case(
            "negative limit",
            "CreateItem",
            lambda: item_request(town, per_member_limit=-1, limit_period=mk.LIMIT_PERIOD_DAY),
            "admin",
            INVALID,
            "per_member_limit",
        ),
        Case(
            "image that is no URL",
            "CreateItem",
            lambda: item_request(town, image_url="javascript:alert(1)"),
            "admin",
            INVALID,
            "image_url",
        ),
        Case(
            "empty update mask",
            "UpdateItem",
            lambda: update_item(town, [], name="新名字"),
            "admin",
            INVALID,
            "update_mask",
        ),
        Case(
            "stock through the update mask",
            "UpdateItem",
            lambda: update_item(town, ["stock"]),
            "admin",
            INVALID,
            "update_mask",
        ),
        Case(
            "unknown field in the update mask",
            "UpdateItem",
            lambda: update_item(town, ["name", "colour"], name="新名字"),
            "admin",
            INVALID,
            "update_mask",
        ),
        Case(
            "update to price 0",
            "UpdateItem",
            lambda: update_item(town, ["points_price"], points_price=0),
            "admin",
            INVALID,
            "points_price",
        ),
        Case(
            "update to an unknown status",
            "UpdateItem",
            lambda: update_item(town, ["status"], status=99),
            "admin",
            INVALID,
            "status",
        ),
        Case(
            "update to no status",
            "UpdateItem",
            lambda: update_item(town, ["status"]),
            "admin",
            INVALID,
            "status",
        ),
        Case(
            "update to an unknown limit period",
            "UpdateItem",
            lambda: update_item(
                town, ["per_member_limit", "limit_period"], per_member_limit=1, limit_period=42
            ),
            "admin",
            INVALID,
            "limit_period",
        ),
        Case(
            "update to a limit without a period",
            "UpdateItem",
            lambda: update_item(town, ["per_member_limit"], per_member_limit=3),
            "admin",
            INVALID,
            "limit_period",
        ),
        Case(
            "update with the sale ending before it starts",
            "UpdateItem",
            lambda: update_item(
                town,
                ["sale_starts_at", "sale_ends_at"],
                sale_starts_at=at(timedelta(days=3)),
                sale_ends_at=at(timedelta(days=1)),
            ),
            "admin",
            INVALID,
            "sale_ends_at",
        ),
        Case(
            "shop update with an empty mask",
            "UpdateShop",
            lambda: mk.UpdateShopRequest(request_id=rid(), shop_id=town.shop_id, name="新店名"),
            "admin",
            INVALID,
            "update_mask",
        ),
        Case(
            "shop update of its community",
            "UpdateShop",
            lambda: mk.UpdateShopRequest(
                request_id=rid(), shop_id=town.shop_id, update_mask=FieldMask(paths=["community_id"])
            ),
            "admin",
            INVALID,
            "update_mask",
        ),
        Case(
            "shop update to an unknown status",
            "UpdateShop",
            lambda: mk.UpdateShopRequest(
                request_id=rid(), shop_id=town.shop_id, status=7, update_mask=FieldMask(paths=["status"])
            ),
            "admin",
            INVALID,
            "status",
        ),
        Case(
            "shop update to an empty name",
            "UpdateShop",
            lambda: mk.UpdateShopRequest(
                request_id=rid(), shop_id=town.shop_id, name="", update_mask=FieldMask(paths=["name"])
            ),
            "admin",
            INVALID,
            "name",
        ),
    ]
    for quantity in (0, -1, 100):
        cases.append(
            Case(
                f"quantity {quantity}",
                "PlaceRedemption",
                lambda q=quantity: mk.PlaceRedemptionRequest(
                    request_id=rid(), item_id=town.item_id, quantity=q
                ),
                "volunteer",
                INVALID,
                "quantity",
            )
        )
    cases += [
        Case(
            "restock by 0",
            "Restock",
            lambda: mk.RestockRequest(
                request_id=rid(), item_id=town.item_id, quantity_delta=0, reason="盘点"
            ),
            "staff",
            INVALID,
            "quantity_delta",
        ),
        Case(
            "restock without a reason",
            "Restock",
            lambda: mk.RestockRequest(request_id=rid(), item_id=town.item_id, quantity_delta=5, reason=" "),
            "staff",
            INVALID,
            "reason",
        ),
        Case(
            "cancel without a reason",
            "CancelRedemption",
            lambda: mk.CancelRedemptionRequest(
                request_id=rid(), redemption_id=town.order.redemption_id, reason=""
            ),
            "volunteer",
            INVALID,
            "reason",
        ),
        Case(
            "confirm with both code and QR",
            "ConfirmRedemption",
            lambda: confirm(pickup_code=code, qr_payload=qr),
            "staff",
            INVALID,
            "pickup_code",
        ),
        Case("confirm with neither", "ConfirmRedemption", lambda: confirm(), "staff", INVALID, "pickup_code"),
        Case(
            "a 7-digit code",
            "ConfirmRedemption",
            lambda: confirm(pickup_code=code[:7]),
            "staff",
            INVALID,
            "pickup_code",
        ),
        Case(
            "a code of letters",
            "ConfirmRedemption",
            lambda: confirm(pickup_code="abcdefgh"),
            "staff",
            INVALID,
            "pickup_code",
        ),
        Case(
            "an unknown QR image format",
            "GetPickupQr",
            lambda: mk.GetPickupQrRequest(redemption_id=town.order.redemption_id, format=9),
            "volunteer",
            INVALID,
            "format",
        ),
        Case(
            "a shop list page token never issued",
            "ListShops",
            lambda: mk.ListShopsRequest(community_id=HOME, page_token=bad_token),
            "volunteer",
            INVALID,
            "page_token",
        ),
        Case(
            "an item list page token never issued",
            "ListItems",
            lambda: mk.ListItemsRequest(shop_id=town.shop_id, page_token=bad_token),
            "volunteer",
            INVALID,
            "page_token",
        ),
        Case(
            "a negative page size",
            "ListItems",
            lambda: mk.ListItemsRequest(shop_id=town.shop_id, page_size=-1),
            "volunteer",
            INVALID,
            "page_size",
        ),
        Case(
            "a stock change page token never issued",
            "ListStockChanges",
            lambda: mk.ListStockChangesRequest(item_id=town.item_id, page_token=bad_token),
            "staff",
            INVALID,
            "page_token",
        ),
        Case(
            "stock changes of neither an item nor a shop",
            "ListStockChanges",
            lambda: mk.ListStockChangesRequest(),
            "staff",
            INVALID,
            "item_id",
        ),
        Case(
            "stock changes of an item and a shop",
            "ListStockChanges",
            lambda: mk.ListStockChangesRequest(item_id=town.item_id, shop_id=town.shop_id),
            "staff",
            INVALID,
            "item_id",
        ),
        Case(
            "stock changes in a window that ends before it starts",
            "ListStockChanges",
            lambda: mk.ListStockChangesRequest(
                item_id=town.item_id,
                created_after=at(timedelta(days=1)),
                created_before=at(-timedelta(days=1)),
            ),
            "staff",
            INVALID,
            "created_before",
        ),
        Case(
            "a redemption list page token never issued",
            "ListRedemptions",
            lambda: mk.ListRedemptionsRequest(page_token=bad_token),
            "volunteer",
            INVALID,
            "page_token",
        ),
        Case(
            "an unknown redemption status filter",
            "ListRedemptions",
            lambda: mk.ListRedemptionsRequest(statuses=[mk.REDEMPTION_STATUS_AWAITING_PICKUP, 42]),
            "volunteer",
            INVALID,
            "statuses",
        ),
        Case(
            "a search longer than a search",
            "ListItems",
            lambda: mk.ListItemsRequest(shop_id=town.shop_id, query="米" * 51),
            "volunteer",
            INVALID,
            "query",
        ),
    ]
    return cases


def not_found_cases(town: Town) -> list[Case]:
    def n(name, rpc, request, caller="admin"):
        return Case(name, rpc, request, caller, NOT_FOUND)

    return [
        n(
            "shop in no community",
            "CreateShop",
            lambda: mk.CreateShopRequest(
                request_id=rid(), community_id=NOWHERE, name="积分超市", address="一楼"
            ),
        ),
        n("get an unknown shop", "GetShop", lambda: mk.GetShopRequest(shop_id=NOWHERE)),
        n(
            "update an unknown shop",
            "UpdateShop",
            lambda: mk.UpdateShopRequest(
                request_id=rid(), shop_id=NOWHERE, name="新店名", update_mask=FieldMask(paths=["name"])
            ),
        ),
        n("item in an unknown shop", "CreateItem", lambda: item_request(town, shop_id=NOWHERE)),
        n("get an unknown item", "GetItem", lambda: mk.GetItemRequest(item_id=NOWHERE)),
        n(
            "update an unknown item",
            "UpdateItem",
            lambda: mk.UpdateItemRequest(
                request_id=rid(), item_id=NOWHERE, name="新名字", update_mask=FieldMask(paths=["name"])
            ),
        ),
        n(
            "restock an unknown item",
            "Restock",
            lambda: mk.RestockRequest(request_id=rid(), item_id=NOWHERE, quantity_delta=1, reason="捐赠"),
        ),
        n(
            "stock changes of an unknown item",
            "ListStockChanges",
            lambda: mk.ListStockChangesRequest(item_id=NOWHERE),
        ),
        n(
            "stock changes of an unknown shop",
            "ListStockChanges",
            lambda: mk.ListStockChangesRequest(shop_id=NOWHERE),
        ),
        n("items of an unknown shop", "ListItems", lambda: mk.ListItemsRequest(shop_id=NOWHERE)),
        n(
            "redeem an unknown item",
            "PlaceRedemption",
            lambda: mk.PlaceRedemptionRequest(request_id=rid(), item_id=NOWHERE, quantity=1),
            "volunteer",
        ),
        n(
            "redeem for an unknown member",
            "PlaceRedemption",
            lambda: mk.PlaceRedemptionRequest(
                request_id=rid(), item_id=town.item_id, quantity=1, on_behalf_of_member_id="m-nobody"
            ),
            "grid_worker",
        ),
        n(
            "get an unknown redemption",
            "GetRedemption",
            lambda: mk.GetRedemptionRequest(redemption_id=NOWHERE),
        ),
        n(
            "redemptions of an unknown shop",
            "ListRedemptions",
            lambda: mk.ListRedemptionsRequest(shop_id=NOWHERE),
        ),
        n(
            "redemptions of an unknown member",
            "ListRedemptions",
            lambda: mk.ListRedemptionsRequest(member_id="m-nobody"),
        ),
        n(
            "cancel an unknown redemption",
            "CancelRedemption",
            lambda: mk.CancelRedemptionRequest(request_id=rid(), redemption_id=NOWHERE, reason="不需要了"),
            "volunteer",
        ),
        n(
            "reissue the code of an unknown redemption",
            "ReissuePickupCode",
            lambda: mk.ReissuePickupCodeRequest(request_id=rid(), redemption_id=NOWHERE),
            "volunteer",
        ),
        n(
            "the QR of an unknown redemption",
            "GetPickupQr",
            lambda: mk.GetPickupQrRequest(redemption_id=NOWHERE),
            "volunteer",
        ),
        n(
            "a QR the market never signed",
            "ConfirmRedemption",
            lambda: confirm(qr_payload=f"jifen:pickup:{NOWHERE}:{'0' * 32}"),
            "staff",
        ),
    ]


def forged_value_cases(town: Town) -> list[Case]:
    """Values a client can build by hand that no datetime or offset can hold: Timestamps past the
    year 9999 or with negative nanos, and a page token (base64 JSON) whose offset is infinity."""
    broken_nanos = Timestamp(seconds=1_900_000_000, nanos=-1)
    infinite_offset = base64.urlsafe_b64encode(b'{"o": 1e999}').decode()
    return [
        Case(
            "a page token with an infinite offset",
            "ListItems",
            lambda: mk.ListItemsRequest(shop_id=town.shop_id, page_token=infinite_offset),
            "volunteer",
            INVALID,
            "page_token",
        ),
        Case(
            "a redemption page token with an infinite offset",
            "ListRedemptions",
            lambda: mk.ListRedemptionsRequest(page_token=infinite_offset),
            "volunteer",
            INVALID,
            "page_token",
        ),
        Case(
            "a sale start past the end of time",
            "CreateItem",
            lambda: item_request(town, sale_starts_at=BEYOND_TIME),
            "admin",
            INVALID,
            "sale_starts_at",
        ),
        Case(
            "a sale end with negative nanos",
            "CreateItem",
            lambda: item_request(town, sale_ends_at=broken_nanos),
            "admin",
            INVALID,
            "sale_ends_at",
        ),
        Case(
            "an update to a sale end past the end of time",
            "UpdateItem",
            lambda: update_item(town, ["sale_ends_at"], sale_ends_at=BEYOND_TIME),
            "admin",
            INVALID,
            "sale_ends_at",
        ),
        Case(
            "stock changes before a time past the end of time",
            "ListStockChanges",
            lambda: mk.ListStockChangesRequest(item_id=town.item_id, created_before=BEYOND_TIME),
            "staff",
            INVALID,
            "created_before",
        ),
        Case(
            "redemptions after a time past the end of time",
            "ListRedemptions",
            lambda: mk.ListRedemptionsRequest(created_after=BEYOND_TIME),
            "volunteer",
            INVALID,
            "created_after",
        ),
    ]


def answer(town: Town, case: Case) -> str:
    """ "" when the case answered as it should, else what went wrong."""
    call = getattr(town.market.market, case.rpc)
    try:
        call(case.request(), metadata=town.metadata(case.caller))
    except grpc.RpcError as err:
        details = err.details() or ""
        if err.code() != case.code:
            return f"{err.code().name}: {details}"
        if not details.isascii():
            return f"not in English: {details}"
        if case.field:
            if not details.startswith(f"{case.field}: "):
                return f"message does not start with the field: {details}"
            violation = error_details_pb2.BadRequest()
            status = rpc_status.from_call(err)
            if status is None or not status.details or not status.details[0].Unpack(violation):
                return f"no BadRequest detail: {details}"
            if [v.field for v in violation.field_violations] != [case.field]:
                return f"BadRequest names {[v.field for v in violation.field_violations]}"
        return ""
    return "OK"


def test_bad_input_is_refused_naming_the_field_and_changes_nothing(town: Town):
    cases = invalid_cases(town)
    before = counts(town.market)
    wrong = [f"{c.rpc} ({c.name}): {why}" for c in cases if (why := answer(town, c))]
    assert wrong == [], "\n".join(wrong)
    assert counts(town.market) == before


def test_unknown_ids_are_not_found_and_change_nothing(town: Town):
    cases = not_found_cases(town)
    before = counts(town.market)
    wrong = [f"{c.rpc} ({c.name}): {why}" for c in cases if (why := answer(town, c))]
    assert wrong == [], "\n".join(wrong)
    assert counts(town.market) == before


def test_values_a_client_can_forge_are_invalid_not_internal_errors(town: Town):
    # DESIGN §3: never INTERNAL for anything a user can cause; a hand-made message is such a thing.
    cases = forged_value_cases(town)
    before = counts(town.market)
    wrong = [f"{c.rpc} ({c.name}): {why}" for c in cases if (why := answer(town, c))]
    assert wrong == [], "\n".join(wrong)
    assert counts(town.market) == before


def test_a_redemption_window_that_ends_before_it_starts_is_refused_like_a_stock_change_window(town: Town):
    case = Case(
        "redemptions in a window that ends before it starts",
        "ListRedemptions",
        lambda: mk.ListRedemptionsRequest(
            created_after=at(timedelta(days=1)), created_before=at(-timedelta(days=1))
        ),
        "volunteer",
        INVALID,
        "created_before",
    )
    assert answer(town, case) == ""


def test_a_string_that_is_not_utf8_is_invalid_argument_on_every_mutating_rpc(town: Town):
    callers = [
        (caller, lambda caller=caller: town.market.token(caller)) for caller in town.callers.values()
    ]
    before = counts(town.market)
    tried, wrong = refusals_of_undecodable_requests(town.market.channel, DESCRIPTORS, POLICY, callers)
    assert wrong == [], "\n".join(wrong)
    assert "/jifen.market.v1.MarketService/PlaceRedemption" in tried and len(tried) >= 8
    assert counts(town.market) == before


def test_the_refused_requests_left_the_order_and_the_stock_as_they_were(town: Town):
    """Beyond the row counts: the order a bad cancel and bad confirmations named is still open."""
    for case in invalid_cases(town):
        answer(town, case)
    market = town.market.market
    order = market.GetRedemption(
        mk.GetRedemptionRequest(redemption_id=town.order.redemption_id), metadata=town.metadata("volunteer")
    ).redemption
    assert order.status == mk.REDEMPTION_STATUS_AWAITING_PICKUP
    item = market.GetItem(mk.GetItemRequest(item_id=town.item_id), metadata=town.metadata("admin")).item
    assert (item.stock, item.reserved, item.points_price, item.name) == (19, 1, 10, "大米 5kg")
    balance = town.market.balance(town.callers["volunteer"])
    assert (balance.available, balance.held) == (90, 10)
    # And the code still works at the counter: the refused confirmations did not lock the staff out.
    done = town.market.confirm(town.callers["staff"], pickup_code=town.order.pickup_code)
    assert done.status == mk.REDEMPTION_STATUS_COLLECTED


def test_proxy_orders_without_consent_or_over_the_weekly_cap_are_refused_and_change_nothing(town: Town):
    from jifen.caller import VOLUNTEER, Grant
    from jifen.events.v1 import members_pb2 as member_events

    market = town.market
    refusing = market.volunteer("m-no-proxy", HOME, GRID)
    market.fund(refusing, 100)
    market.points.announce(
        "member.updated",
        member_events.MemberUpdated(
            member_id=refusing.member_id,
            name="成员refuse",
            community_id=HOME,
            street_id=refusing.street_id,
            grid_id=GRID,
            roles=[member_events.MemberRole(**Grant(VOLUNTEER).to_claim())],
            status="active",
            updated_at=to_timestamp(utcnow()),
            proxy_redemption_refused=True,
        ),
    )
    capped = market.volunteer("m-capped", HOME, GRID)
    market.fund(capped, 100)
    for _ in range(market.settings.proxy_redemptions_per_week):
        market.place(town.callers["grid_worker"], town.item_id, on_behalf_of_member_id=capped.member_id)

    def for_(member: Caller) -> Case:
        request = partial(
            mk.PlaceRedemptionRequest,
            item_id=town.item_id,
            quantity=1,
            on_behalf_of_member_id=member.member_id,
        )
        return Case(
            f"a proxy order for {member.member_id}",
            "PlaceRedemption",
            lambda: request(request_id=rid()),
            "grid_worker",
            grpc.StatusCode.FAILED_PRECONDITION,
        )

    before = counts(market)
    wrong = [f"{c.name}: {why}" for c in (for_(refusing), for_(capped)) if (why := answer(town, c))]
    assert wrong == [], "\n".join(wrong)
    assert counts(market) == before


def test_a_redemption_summary_over_a_bad_range_scope_or_top_n_is_refused_naming_the_field(town: Town):
    street_admin = town.market.points.register("m-street", HOME, "", Grant(ADMIN, street_id=STREET))
    reports = reports_pb2_grpc.MarketReportsServiceStub(town.market.channel)
    token = town.market.token(street_admin)
    months = {"from_month": "2026-09", "to_month": "2026-10"}
    for fields, field in (
        ({"community_id": HOME, "from_month": "2026-00", "to_month": "2026-10"}, "from_month"),
        ({"community_id": HOME, "from_month": "2026-09", "to_month": "2026/10"}, "to_month"),
        ({"community_id": HOME, "from_month": "2026-09", "to_month": "2026-08"}, "to_month"),
        ({"community_id": HOME, "from_month": "2023-01", "to_month": "2026-01"}, "to_month"),
        ({**months}, "community_id"),
        ({"community_id": HOME, "street_id": STREET, **months}, "community_id"),
        ({"community_id": HOME, "top_n": -1, **months}, "top_n"),
        ({"street_id": STREET, "top_n": 101, **months}, "top_n"),
    ):
        with pytest.raises(grpc.RpcError) as err:
            reports.GetRedemptionSummary(rp.GetRedemptionSummaryRequest(**fields), metadata=token)
        assert err.value.code() == INVALID, (fields, err.value.details())
        assert err.value.details().startswith(f"{field}: "), err.value.details()
        assert not err.value.details().isascii(), err.value.details()
