"""Every market RPC x every kind of caller: allowed or refused exactly as the design says.

The expected table is written out here by hand, independently of the code's policy table and of
the use cases' scope checks, so a change to who may do what has to be made (and reviewed) twice.
An RPC of the contract without a row fails the test.

Each cell names the status the caller gets. Allowed calls are built to succeed (OK), so an allowed
cell proves the call got past access control and did its work; the one allowed cell that is not
OK is NOT_FOUND, where the design hides that an order exists (a pickup code typed at another
shop). Refusals say why: UNAUTHENTICATED when who you are is unproven, PERMISSION_DENIED when
you are known but may not.

The requests aim at one volunteer ("self", of HOME and grid GRID), shop A of HOME and its item,
so the table says who may act on someone else's goods and orders. Some RPCs have a second row
with another request (a shop's list, a 代兑换 order) where the answer differs by what is asked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from jifen.caller import ADMIN, MEMBER_ROLES, SERVICE, STAFF, VOLUNTEER, Caller, Grant, service_role
from jifen.market.v1 import market_pb2 as mk
from jifen.market.v1 import reports_pb2 as rp
from jifen.market.v1 import reports_pb2_grpc
from jifen.points.v1 import ledger_pb2 as lg
from services.market.entrypoints.policy import DESCRIPTORS, POLICY
from tests.integration.bad_tokens import NOT_AUTHENTICATED as UNAUTHENTICATED_CALLERS
from tests.integration.bad_tokens import unauthenticated
from tests.integration.market_town import MarketTown
from tests.integration.points_town import HOME, OTHER, STREET

OK = grpc.StatusCode.OK
UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED
DENIED = grpc.StatusCode.PERMISSION_DENIED
NOT_FOUND = grpc.StatusCode.NOT_FOUND
CODES = {"ok": OK, "U": UNAUTHENTICATED, "D": DENIED, "NF": NOT_FOUND}

CALLERS = (
    "anonymous",
    "expired",  # a street admin's claims, expired
    "forged",  # a street admin's claims, signed by a key the members service never had
    "self",  # the volunteer whose order it is
    "volunteer",  # another volunteer of the same community and grid
    "staff",  # staff of shop A
    "other_staff",  # staff of shop B, same community
    "foreign_staff",  # lives in OTHER, but their token claims shop A
    "grid_worker",  # of self's grid
    "other_grid_worker",  # of another grid of HOME
    "admin",  # of HOME
    "other_admin",  # of OTHER
    "street_admin",  # of the street HOME and OTHER belong to; lives in OTHER
    "service",  # another service's token (the market's own)
)
NOT_AUTHENTICATED = set(UNAUTHENTICATED_CALLERS)

# Columns in the order of CALLERS. The first three are always U and the last always D: no market
# RPC is for other services. Keep the columns aligned: the table is read down as well as across.
#                                       anon exp  forg self vol  staf ostf fstf grid ogrd admn oadm strt svc
EXPECTED_TABLE = """
CreateShop                              U    U    U    D    D    D    D    D    D    D    ok   D    ok   D
UpdateShop                              U    U    U    D    D    D    D    D    D    D    ok   D    ok   D
GetShop                                 U    U    U    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   D
ListShops                               U    U    U    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   D
CreateItem                              U    U    U    D    D    D    D    D    D    D    ok   D    ok   D
UpdateItem                              U    U    U    D    D    D    D    D    D    D    ok   D    ok   D
Restock                                 U    U    U    D    D    ok   D    D    D    D    ok   D    ok   D
ListStockChanges                        U    U    U    D    D    ok   D    D    D    D    ok   D    ok   D
ListStockChanges/of_shop                U    U    U    D    D    ok   D    D    D    D    ok   D    ok   D
ListStockChanges/of_community           U    U    U    D    D    D    D    D    D    D    ok   D    ok   D
GetItem                                 U    U    U    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   D
ListItems                               U    U    U    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   D
ListItems/include_off_sale              U    U    U    D    D    ok   D    D    D    D    ok   D    ok   D
ListItems/affordable_for_self           U    U    U    ok   D    D    D    D    ok   D    ok   D    ok   D
PlaceRedemption                         U    U    U    ok   D    D    D    D    ok   D    D    D    D    D
GetRedemption                           U    U    U    ok   D    ok   D    D    ok   D    ok   D    ok   D
ListRedemptions                         U    U    U    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   D
ListRedemptions/of_self                 U    U    U    ok   D    D    D    D    ok   D    ok   D    ok   D
ListRedemptions/of_shop                 U    U    U    D    D    ok   D    D    D    D    ok   D    ok   D
ListRedemptions/of_community            U    U    U    D    D    D    D    D    D    D    ok   D    ok   D
FindPickup                              U    U    U    D    D    ok   D    D    D    D    D    D    D    D
FindPickup/by_code                      U    U    U    D    D    ok   NF   D    D    D    D    D    D    D
ConfirmRedemption                       U    U    U    D    D    ok   D    D    D    D    D    D    D    D
ConfirmRedemption/by_code               U    U    U    D    D    ok   NF   D    D    D    D    D    D    D
CancelRedemption                        U    U    U    ok   D    D    D    D    D    D    ok   D    ok   D
CancelRedemption/placed_by_grid_worker  U    U    U    ok   D    D    D    D    ok   D    ok   D    ok   D
ReissuePickupCode                       U    U    U    ok   D    D    D    D    D    D    D    D    D    D
ReissuePickupCode/placed_by_grid_worker U    U    U    ok   D    D    D    D    ok   D    D    D    D    D
GetPickupQr                             U    U    U    ok   D    D    D    D    D    D    D    D    D    D
GetPickupQr/placed_by_grid_worker       U    U    U    ok   D    D    D    D    ok   D    D    D    D    D
GetRedemptionSummary                    U    U    U    D    D    D    D    D    D    D    ok   D    ok   D
UploadItemImage                         U    U    U    D    D    D    D    D    D    D    ok   D    ok   D
GetItemImage                            U    U    U    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   D
AddServiceSlot                          U    U    U    D    D    ok   D    D    D    D    ok   D    ok   D
ListServiceSlots                        U    U    U    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   D
ListServiceSlots/include_past           U    U    U    D    D    ok   D    D    D    D    ok   D    ok   D
PlaceRedemption/service_slot            U    U    U    ok   D    D    D    D    ok   D    D    D    D    D
"""


def _parse(table: str) -> dict[str, dict[str, grpc.StatusCode]]:
    rows = {}
    for line in table.strip().splitlines():
        case, *cells = line.split()
        assert len(cells) == len(CALLERS), f"{case}: {len(cells)} cells for {len(CALLERS)} callers"
        assert case not in rows, f"{case} twice"
        rows[case] = {caller: CODES[cell] for caller, cell in zip(CALLERS, cells, strict=True)}
    return rows


EXPECTED = _parse(EXPECTED_TABLE)
# The RPCs of MarketReportsService; the rest are MarketService's.
REPORTS = {"GetRedemptionSummary"}

GRID = "gr-home-1"
OTHER_GRID = "gr-home-2"
PRICE = 10
FUNDED = 5_000
STOCK = 1_000
SLOT_STARTS = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
PICTURE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def rid() -> str:
    return uuid.uuid4().hex


def rpc_of(case: str) -> str:
    return case.split("/")[0]


@dataclass
class World:
    """Shops A and B of HOME, an item at A, self with points and two open orders, every caller."""

    town: MarketTown
    callers: dict[str, Caller]
    tokens: dict[str, list[tuple[str, str]] | None]
    shop_id: str
    other_shop_id: str
    item_id: str
    # Awaiting pickup, placed by self; and one a grid worker placed for self (代兑换).
    open_id: str = ""
    proxy_id: str = ""
    # A picture of the item, uploaded by the admin.
    image_id: str = ""
    # A partner unit's service sold at shop A, and one of its slots.
    service_id: str = ""
    slot_id: str = ""

    def as_(self, name: str) -> list[tuple[str, str]] | None:
        return self.tokens[name]

    def id_of(self, name: str) -> str:
        return self.callers[name].member_id

    def place(self, by: str = "self") -> mk.Redemption:
        """A fresh order awaiting pickup, for calls that use one up: self's own, or one the grid
        worker places for self, or (by="volunteer") the neighbour's own."""
        on_behalf = self.id_of("self") if by == "grid_worker" else ""
        return self.town.market.PlaceRedemption(
            mk.PlaceRedemptionRequest(
                request_id=rid(), item_id=self.item_id, quantity=1, on_behalf_of_member_id=on_behalf
            ),
            metadata=self.as_(by),
        ).redemption

    def qr(self, redemption_id: str) -> str:
        return self.town.market.GetPickupQr(
            mk.GetPickupQrRequest(redemption_id=redemption_id), metadata=self.as_("self")
        ).qr_payload

    def item(self) -> mk.Item:
        return self.town.market.GetItem(
            mk.GetItemRequest(item_id=self.item_id), metadata=self.as_("admin")
        ).item

    def redemption(self, redemption_id: str) -> mk.Redemption:
        return self.town.market.GetRedemption(
            mk.GetRedemptionRequest(redemption_id=redemption_id), metadata=self.as_("admin")
        ).redemption

    def balance(self) -> tuple[int, int]:
        found = self.town.balance(self.callers["self"])
        return found.available, found.held


@pytest.fixture
def points_settings(points_settings):
    # The table places a 代兑换 order for self for every row that needs one: the weekly cap is not
    # what it tests (test_market_redemptions and test_market_bad_input do).
    return points_settings.model_copy(update={"proxy_redemptions_per_week": 1_000})


@pytest.fixture
def world(market_town: MarketTown, tmp_path) -> World:
    town = market_town
    points = town.points
    admin = points.admin("m-admin", HOME)
    shop = town.shop(admin)
    other_shop = town.shop(admin, name="张苏滩第二积分超市")
    callers = {
        "self": town.volunteer("m-self", HOME, GRID),
        "volunteer": town.volunteer("m-neighbour", HOME, GRID),
        "staff": town.staff("m-staff", shop.shop_id),
        "other_staff": town.staff("m-other-staff", other_shop.shop_id),
        # members grants staff roles without knowing shops: nothing stops a grant naming a shop
        # of another community, and the market must not honour it.
        "foreign_staff": town.staff("m-foreign-staff", shop.shop_id, community=OTHER),
        "grid_worker": points.grid_worker("m-grid", GRID),
        "other_grid_worker": points.grid_worker("m-other-grid", OTHER_GRID),
        "admin": admin,
        "other_admin": points.admin("m-other-admin", OTHER),
        "street_admin": points.register("m-street-admin", OTHER, "", Grant(ADMIN, street_id=STREET)),
        "service": Caller(service="market"),
    }
    tokens = {name: town.token(caller) for name, caller in callers.items()}
    tokens.update(unauthenticated(tmp_path, callers["street_admin"], points.token))
    item = town.item(admin, shop.shop_id, price=PRICE, stock=STOCK)
    town.fund(callers["self"], FUNDED)
    world = World(town, callers, tokens, shop.shop_id, other_shop.shop_id, item.item_id)
    world.open_id = world.place().redemption_id
    world.proxy_id = world.place(by="grid_worker").redemption_id
    world.image_id = town.market.UploadItemImage(
        mk.UploadItemImageRequest(request_id=rid(), item_id=item.item_id, image=PICTURE),
        metadata=tokens["admin"],
    ).image_id
    service = town.service(admin, shop.shop_id, price=PRICE)
    world.service_id = service.item_id
    world.slot_id = town.slot(admin, service.item_id, SLOT_STARTS, capacity=1_000).slot_id
    return world


def requests(world: World) -> dict[str, Callable[[], object]]:
    """One request per row, built per call: a call that uses something up gets a fresh one."""

    def confirm_by_qr():
        return mk.ConfirmRedemptionRequest(request_id=rid(), qr_payload=world.qr(world.place().redemption_id))

    def confirm_by_code():
        return mk.ConfirmRedemptionRequest(request_id=rid(), pickup_code=world.place().pickup_code)

    def cancel(by: str):
        return lambda: mk.CancelRedemptionRequest(
            request_id=rid(), redemption_id=world.place(by).redemption_id, reason="临时有事"
        )

    return {
        "CreateShop": lambda: mk.CreateShopRequest(
            request_id=rid(), community_id=HOME, name=f"积分超市{rid()[:6]}", address="张苏滩社区西门"
        ),
        "UpdateShop": lambda: mk.UpdateShopRequest(
            request_id=rid(),
            shop_id=world.shop_id,
            opening_hours=f"周一至周五 9:00–17:00（{rid()[:4]}）",
            update_mask=FieldMask(paths=["opening_hours"]),
        ),
        "GetShop": lambda: mk.GetShopRequest(shop_id=world.shop_id),
        "ListShops": lambda: mk.ListShopsRequest(community_id=HOME),
        "CreateItem": lambda: mk.CreateItemRequest(
            request_id=rid(), shop_id=world.shop_id, name="肥皂", points_price=5, initial_stock=10
        ),
        "UpdateItem": lambda: mk.UpdateItemRequest(
            request_id=rid(),
            item_id=world.item_id,
            description=f"东北大米（{rid()[:4]}）",
            update_mask=FieldMask(paths=["description"]),
        ),
        "Restock": lambda: mk.RestockRequest(
            request_id=rid(), item_id=world.item_id, quantity_delta=1, reason="安居供热站捐赠"
        ),
        "ListStockChanges": lambda: mk.ListStockChangesRequest(item_id=world.item_id),
        "ListStockChanges/of_shop": lambda: mk.ListStockChangesRequest(shop_id=world.shop_id),
        "ListStockChanges/of_community": lambda: mk.ListStockChangesRequest(community_id=HOME),
        "GetItem": lambda: mk.GetItemRequest(item_id=world.item_id),
        "ListItems": lambda: mk.ListItemsRequest(shop_id=world.shop_id),
        "ListItems/include_off_sale": lambda: mk.ListItemsRequest(
            shop_id=world.shop_id, include_off_sale=True
        ),
        "ListItems/affordable_for_self": lambda: mk.ListItemsRequest(
            shop_id=world.shop_id, affordable_only=True, member_id=world.id_of("self")
        ),
        # Self naming themselves, or someone redeeming for them (代兑换).
        "PlaceRedemption": lambda: mk.PlaceRedemptionRequest(
            request_id=rid(), item_id=world.item_id, quantity=1, on_behalf_of_member_id=world.id_of("self")
        ),
        "GetRedemption": lambda: mk.GetRedemptionRequest(redemption_id=world.open_id),
        # Without filters every member gets their own working list; see the stories for its content.
        "ListRedemptions": lambda: mk.ListRedemptionsRequest(),
        "ListRedemptions/of_self": lambda: mk.ListRedemptionsRequest(member_id=world.id_of("self")),
        "ListRedemptions/of_shop": lambda: mk.ListRedemptionsRequest(shop_id=world.shop_id),
        "ListRedemptions/of_community": lambda: mk.ListRedemptionsRequest(community_id=HOME),
        # Looking an order up changes nothing; a code of another shop's order is simply not found there.
        "FindPickup": lambda: mk.FindPickupRequest(qr_payload=world.qr(world.place().redemption_id)),
        "FindPickup/by_code": lambda: mk.FindPickupRequest(pickup_code=world.place().pickup_code),
        "ConfirmRedemption": confirm_by_qr,
        "ConfirmRedemption/by_code": confirm_by_code,
        "CancelRedemption": cancel("self"),
        "CancelRedemption/placed_by_grid_worker": cancel("grid_worker"),
        "ReissuePickupCode": lambda: mk.ReissuePickupCodeRequest(
            request_id=rid(), redemption_id=world.open_id
        ),
        "ReissuePickupCode/placed_by_grid_worker": lambda: mk.ReissuePickupCodeRequest(
            request_id=rid(), redemption_id=world.proxy_id
        ),
        "GetPickupQr": lambda: mk.GetPickupQrRequest(redemption_id=world.open_id),
        "UploadItemImage": lambda: mk.UploadItemImageRequest(
            request_id=rid(), item_id=world.item_id, image=PICTURE
        ),
        "GetItemImage": lambda: mk.GetItemImageRequest(image_id=world.image_id),
        "AddServiceSlot": lambda: add_slot_request(world),
        "ListServiceSlots": lambda: mk.ListServiceSlotsRequest(item_id=world.service_id),
        "ListServiceSlots/include_past": lambda: mk.ListServiceSlotsRequest(
            item_id=world.service_id, include_past=True
        ),
        # Booking a service's slot: self, or their grid worker for them.
        "PlaceRedemption/service_slot": lambda: mk.PlaceRedemptionRequest(
            request_id=rid(),
            item_id=world.service_id,
            quantity=1,
            slot_id=world.slot_id,
            on_behalf_of_member_id=world.id_of("self"),
        ),
        "GetPickupQr/placed_by_grid_worker": lambda: mk.GetPickupQrRequest(redemption_id=world.proxy_id),
        # HOME's figures.
        "GetRedemptionSummary": lambda: rp.GetRedemptionSummaryRequest(
            community_id=HOME, from_month="2026-01", to_month="2026-12"
        ),
    }


def add_slot_request(world: World) -> mk.AddServiceSlotRequest:
    request = mk.AddServiceSlotRequest(
        request_id=rid(), item_id=world.service_id, place="社区广场东侧", capacity=3
    )
    request.starts_at.FromDatetime(SLOT_STARTS)
    request.ends_at.FromDatetime(SLOT_STARTS + timedelta(hours=1))
    return request


def stub_for(world: World, rpc: str):
    if rpc in REPORTS:
        return reports_pb2_grpc.MarketReportsServiceStub(world.town.channel)
    return world.town.market


def call(world: World, case: str, request, caller: str) -> grpc.RpcError | None:
    try:
        getattr(stub_for(world, rpc_of(case)), rpc_of(case))(request, metadata=world.as_(caller))
        return None
    except grpc.RpcError as err:
        return err


def refused(world: World, rpc: str, request, caller: str) -> grpc.StatusCode:
    err = call(world, rpc, request, caller)
    assert err is not None, f"{rpc} as {caller} was allowed"
    return err.code()


# --- The table itself ---


def test_the_table_has_a_row_for_every_rpc_of_the_contract_and_no_other():
    contract = {method.name for service in DESCRIPTORS for method in service.methods}
    assert {rpc_of(case) for case in EXPECTED} == contract
    assert {name.rsplit("/", 1)[1] for name in POLICY} == contract
    for case, row in EXPECTED.items():
        assert {row[c] for c in NOT_AUTHENTICATED} == {UNAUTHENTICATED}, case
        assert row["service"] == DENIED, case


def test_every_rpc_answers_every_caller_as_the_table_says(world: World):
    roles = set().union(*(caller.roles for caller in world.callers.values()))
    assert roles == set(MEMBER_ROLES) | {SERVICE, service_role("market")}
    assert set(world.tokens) == set(CALLERS)
    build = requests(world)
    assert set(build) == set(EXPECTED)

    wrong = []
    for case, row in EXPECTED.items():
        for caller in CALLERS:
            err = call(world, case, build[case](), caller)
            code = OK if err is None else err.code()
            if code != row[caller]:
                why = "" if err is None else f": {err.details()}"
                wrong.append(f"{case} as {caller}: {code.name}, expected {row[caller].name}{why}")
    assert wrong == [], "\n".join(wrong)


def test_an_expired_or_forged_token_says_why(world: World):
    request = mk.GetShopRequest(shop_id=world.shop_id)
    expired = call(world, "GetShop", request, "expired")
    assert expired.code() == UNAUTHENTICATED and "过期" in expired.details()
    forged = call(world, "GetShop", request, "forged")
    assert forged.code() == UNAUTHENTICATED and "无效" in forged.details()


# --- The stories, one by one ---


def test_a_volunteer_lists_only_their_own_redemptions(world: World):
    market = world.town.market
    world.town.fund(world.callers["volunteer"], 100)
    neighbours = world.place(by="volunteer").redemption_id

    mine = market.ListRedemptions(mk.ListRedemptionsRequest(), metadata=world.as_("self")).redemptions
    # Their own order and the one their grid worker placed for them; never the neighbour's.
    assert {r.redemption_id for r in mine} == {world.open_id, world.proxy_id}
    assert {r.member_id for r in mine} == {"m-self"}
    theirs = market.ListRedemptions(mk.ListRedemptionsRequest(), metadata=world.as_("volunteer"))
    assert [r.redemption_id for r in theirs.redemptions] == [neighbours]
    named = market.ListRedemptions(
        mk.ListRedemptionsRequest(member_id="m-self", statuses=[mk.REDEMPTION_STATUS_AWAITING_PICKUP]),
        metadata=world.as_("self"),
    )
    assert {r.redemption_id for r in named.redemptions} == {world.open_id, world.proxy_id}

    # Every other way of asking for someone else's orders is refused, not quietly emptied.
    for request in (
        mk.ListRedemptionsRequest(member_id="m-self"),
        mk.ListRedemptionsRequest(shop_id=world.shop_id),
        mk.ListRedemptionsRequest(community_id=HOME),
        mk.ListRedemptionsRequest(placed_by="m-grid"),
    ):
        assert refused(world, "ListRedemptions", request, "volunteer") == DENIED, request
    assert (
        refused(world, "GetRedemption", mk.GetRedemptionRequest(redemption_id=world.open_id), "volunteer")
        == DENIED
    )


def test_staff_see_their_shop_and_a_claim_on_a_shop_of_another_community_is_worth_nothing(world: World):
    market = world.town.market
    at_shop = market.ListRedemptions(mk.ListRedemptionsRequest(), metadata=world.as_("staff"))
    assert {r.redemption_id for r in at_shop.redemptions} == {world.open_id, world.proxy_id}
    for stranger in ("other_staff", "foreign_staff"):
        listed = market.ListRedemptions(mk.ListRedemptionsRequest(), metadata=world.as_(stranger))
        assert list(listed.redemptions) == [], stranger
    # The shop's staff list names who may serve at its counter: not a member of another community.
    shop = market.GetShop(mk.GetShopRequest(shop_id=world.shop_id), metadata=world.as_("volunteer")).shop
    assert list(shop.staff_ids) == ["m-staff"]


def test_staff_of_another_shop_cannot_confirm_nor_restock(world: World):
    order = world.place()
    qr = world.qr(order.redemption_id)
    item_before, balance_before = world.item(), world.balance()
    changes = mk.ListStockChangesRequest(item_id=world.item_id)
    history = world.town.market.ListStockChanges(changes, metadata=world.as_("admin")).stock_changes

    for stranger in ("other_staff", "foreign_staff"):
        by_qr = mk.ConfirmRedemptionRequest(request_id=rid(), qr_payload=qr)
        assert refused(world, "ConfirmRedemption", by_qr, stranger) == DENIED, stranger
        for delta in (5, -1):
            restock = mk.RestockRequest(
                request_id=rid(), item_id=world.item_id, quantity_delta=delta, reason="盘点补记"
            )
            assert refused(world, "Restock", restock, stranger) == DENIED, (stranger, delta)
        of_shop = mk.ListStockChangesRequest(shop_id=world.shop_id)
        assert refused(world, "ListStockChanges", of_shop, stranger) == DENIED, stranger
    # A code typed at another shop's counter finds nothing there: whether it exists elsewhere is
    # not that counter's business.
    by_code = mk.ConfirmRedemptionRequest(request_id=rid(), pickup_code=order.pickup_code)
    assert refused(world, "ConfirmRedemption", by_code, "other_staff") == NOT_FOUND
    by_code = mk.ConfirmRedemptionRequest(request_id=rid(), pickup_code=order.pickup_code)
    assert refused(world, "ConfirmRedemption", by_code, "foreign_staff") == DENIED

    # Nothing moved: the order still awaits pickup, the points are still held, the stock is as it was.
    assert world.redemption(order.redemption_id).status == mk.REDEMPTION_STATUS_AWAITING_PICKUP
    assert world.balance() == balance_before
    after = world.item()
    assert (after.stock, after.reserved) == (item_before.stock, item_before.reserved)
    assert world.town.market.ListStockChanges(changes, metadata=world.as_("admin")).stock_changes == history

    # The shop's own staff can, with the same QR.
    done = world.town.confirm(world.callers["staff"], qr_payload=qr)
    assert (done.status, done.confirmed_by) == (mk.REDEMPTION_STATUS_COLLECTED, "m-staff")


def test_an_admin_of_another_community_cannot_act_in_this_one(world: World):
    market = world.town.market
    order = world.place()
    listing = mk.ListItemsRequest(shop_id=world.shop_id, include_off_sale=True)
    items_before = market.ListItems(listing, metadata=world.as_("admin")).items
    shops_before = market.ListShops(mk.ListShopsRequest(community_id=HOME), metadata=world.as_("admin")).shops
    balance_before = world.balance()

    for case, request in (
        (
            "CreateShop",
            mk.CreateShopRequest(request_id=rid(), community_id=HOME, name="天庆分店", address="x"),
        ),
        (
            "CreateItem",
            mk.CreateItemRequest(
                request_id=rid(), shop_id=world.shop_id, name="洗衣粉", points_price=1, initial_stock=99
            ),
        ),
        (
            "UpdateItem",
            mk.UpdateItemRequest(
                request_id=rid(),
                item_id=world.item_id,
                points_price=1,
                update_mask=FieldMask(paths=["points_price"]),
            ),
        ),
        (
            "CancelRedemption",
            mk.CancelRedemptionRequest(request_id=rid(), redemption_id=order.redemption_id, reason="清理"),
        ),
        ("ListRedemptions", mk.ListRedemptionsRequest(community_id=HOME)),
        ("ListRedemptions", mk.ListRedemptionsRequest(shop_id=world.shop_id)),
        ("ListRedemptions", mk.ListRedemptionsRequest(member_id="m-self")),
        ("GetRedemption", mk.GetRedemptionRequest(redemption_id=order.redemption_id)),
    ):
        assert refused(world, case, request, "other_admin") == DENIED, case
    # Their own working list holds their own communities' orders only: none of HOME's.
    theirs = market.ListRedemptions(mk.ListRedemptionsRequest(), metadata=world.as_("other_admin"))
    assert list(theirs.redemptions) == []

    # Nothing changed: no new shop or item, the price, the order, the stock and the points as they were.
    assert market.ListItems(listing, metadata=world.as_("admin")).items == items_before
    assert (
        market.ListShops(mk.ListShopsRequest(community_id=HOME), metadata=world.as_("admin")).shops
        == shops_before
    )
    assert world.item().points_price == PRICE
    assert world.redemption(order.redemption_id).status == mk.REDEMPTION_STATUS_AWAITING_PICKUP
    assert world.balance() == balance_before

    # The street admin reaches HOME through the street; HOME's own admin cancels, and all comes back.
    street = market.ListRedemptions(
        mk.ListRedemptionsRequest(community_id=HOME), metadata=world.as_("street_admin")
    )
    assert order.redemption_id in {r.redemption_id for r in street.redemptions}
    cancelled = world.town.cancel(world.callers["admin"], order.redemption_id, "社区统一取消")
    assert (cancelled.status, cancelled.cancelled_by) == (mk.REDEMPTION_STATUS_CANCELLED, "m-admin")
    available, held = balance_before
    assert world.balance() == (available + PRICE, held - PRICE)


def test_a_member_of_another_community_cannot_redeem_here_even_through_a_grid_worker(world: World):
    """Access control lets a volunteer of OTHER call PlaceRedemption; the shop serves HOME only."""
    town = world.town
    outsider = town.volunteer("m-outsider", OTHER, "gr-other-1")
    town.fund(outsider, 100)
    with pytest.raises(grpc.RpcError) as caught:
        town.market.PlaceRedemption(
            mk.PlaceRedemptionRequest(request_id=rid(), item_id=world.item_id, quantity=1),
            metadata=town.token(outsider),
        )
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    balance = town.balance(outsider)
    assert (balance.available, balance.held) == (100, 0)
    # HOME's grid worker cannot redeem for them either: they are not of the worker's grid.
    on_behalf = mk.PlaceRedemptionRequest(
        request_id=rid(), item_id=world.item_id, quantity=1, on_behalf_of_member_id="m-outsider"
    )
    assert refused(world, "PlaceRedemption", on_behalf, "grid_worker") == DENIED
    statement = town.points.ledger.ListEntries(
        lg.ListEntriesRequest(member_id="m-outsider"), metadata=town.token(outsider)
    ).entries
    assert [e.kind for e in statement] == [lg.ENTRY_KIND_AWARD]


def test_a_volunteer_staff_grant_without_a_shop_confirms_nothing(world: World):
    """A staff role with no shop named (a half-made grant) is no key to any counter."""
    town = world.town
    shopless = town.points.register("m-shopless", HOME, "", Grant(VOLUNTEER), Grant(STAFF))
    order = world.place()
    request = mk.ConfirmRedemptionRequest(request_id=rid(), pickup_code=order.pickup_code)
    with pytest.raises(grpc.RpcError) as caught:
        town.market.ConfirmRedemption(request, metadata=town.token(shopless))
    assert caught.value.code() == DENIED
    assert world.redemption(order.redemption_id).status == mk.REDEMPTION_STATUS_AWAITING_PICKUP
