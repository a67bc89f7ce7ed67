"""Restocks in the audit trail, on the real PostgreSQL: every restock of every shop of a community,
done through the RPCs, is read back with who, when and why; another community's admin and a shop's
staff are refused the community-wide list (PERMISSION_DENIED)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest

from jifen.caller import ADMIN, Grant
from jifen.ids import new_id
from jifen.market.v1 import market_pb2 as mk
from jifen.timestamps import to_timestamp
from tests.integration.market_town import MarketTown
from tests.integration.points_town import HOME, OTHER, STREET

RESTOCKS = [mk.STOCK_CHANGE_KIND_RESTOCK]


def restock(town, who, item_id, delta, reason):
    return town.market.Restock(
        mk.RestockRequest(request_id=new_id(), item_id=item_id, quantity_delta=delta, reason=reason),
        metadata=town.token(who),
    ).stock_change


def of_community(town, who, **fields):
    return town.market.ListStockChanges(
        mk.ListStockChangesRequest(**{"community_id": HOME, **fields}), metadata=town.token(who)
    )


@pytest.fixture
def two_shops(market_town: MarketTown):
    """HOME with two shops and an item in each, restocked by the admin and by a shop's staff;
    OTHER with a shop of its own, restocked too."""
    town = market_town
    admin = town.points.admin("a-admin")
    shop_a, shop_b = town.shop(admin, "张苏滩积分超市"), town.shop(admin, "张苏滩二号店")
    rice = town.item(admin, shop_a.shop_id, price=100, stock=5, name="大米 5kg")
    oil = town.item(admin, shop_b.shop_id, price=80, stock=5, name="食用油")
    staff = town.staff("a-staff", shop_a.shop_id)
    restock(town, admin, rice.item_id, 10, "安居供热站捐赠")
    restock(town, staff, rice.item_id, -2, "破损报废")
    restock(town, admin, oil.item_id, 4, "共建单位捐赠")
    other_admin = town.points.admin("b-admin", OTHER)
    other_shop = town.shop(other_admin, "天庆嘉园积分超市", OTHER)
    other_item = town.item(other_admin, other_shop.shop_id, price=50, stock=3)
    restock(town, other_admin, other_item.item_id, 7, "天庆嘉园自购")
    return town, admin, staff, other_admin, (shop_a, shop_b), (rice, oil)


def test_an_admin_reads_every_restock_of_the_community_with_who_when_and_why(two_shops):
    town, admin, _, _, (shop_a, shop_b), (rice, oil) = two_shops
    started = datetime.now(UTC) - timedelta(minutes=1)

    found = of_community(town, admin, kinds=RESTOCKS).stock_changes

    assert [(c.item_id, c.shop_id, c.delta, c.changed_by, c.reason) for c in found] == [
        (oil.item_id, shop_b.shop_id, 4, "a-admin", "共建单位捐赠"),
        (rice.item_id, shop_a.shop_id, -2, "a-staff", "破损报废"),
        (rice.item_id, shop_a.shop_id, 10, "a-admin", "安居供热站捐赠"),
    ]
    assert all(c.kind == mk.STOCK_CHANGE_KIND_RESTOCK for c in found)
    assert all(started <= c.created_at.ToDatetime(tzinfo=UTC) <= datetime.now(UTC) for c in found)
    # Without the kind filter the initial stock of both items shows too, and nothing of OTHER.
    everything = of_community(town, admin).stock_changes
    assert len(everything) == 5
    assert {c.shop_id for c in everything} == {shop_a.shop_id, shop_b.shop_id}


def test_the_community_list_pages_newest_first_and_filters_by_window(two_shops):
    town, admin, *_ = two_shops
    everything = list(of_community(town, admin).stock_changes)
    paged, token = [], ""
    while True:
        page = of_community(town, admin, page_size=2, page_token=token)
        paged.extend(page.stock_changes)
        token = page.next_page_token
        if not token:
            break
    assert [c.stock_change_id for c in paged] == [c.stock_change_id for c in everything]
    later = to_timestamp(datetime.now(UTC) + timedelta(hours=1))
    assert list(of_community(town, admin, created_after=later).stock_changes) == []


def test_a_street_admin_reads_it_and_another_communitys_admin_or_a_shops_staff_is_refused(two_shops):
    town, _, staff, other_admin, *_ = two_shops
    street_admin = town.points.register("s-admin", OTHER, "", Grant(ADMIN, street_id=STREET))
    assert len(of_community(town, street_admin, kinds=RESTOCKS).stock_changes) == 3
    for stranger in (other_admin, staff):
        with pytest.raises(grpc.RpcError) as refused:
            of_community(town, stranger)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    own = of_community(town, other_admin, community_id=OTHER, kinds=RESTOCKS).stock_changes
    assert [(c.changed_by, c.reason) for c in own] == [("b-admin", "天庆嘉园自购")]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kinds": [42]}, "kinds"),
        ({"shop_id": "any-shop"}, "item_id"),
        ({"page_size": -1}, "page_size"),
    ],
)
def test_a_bad_community_stock_query_is_invalid_argument_naming_the_field(market_town, fields, field):
    town = market_town
    admin = town.points.admin("a-admin")
    with pytest.raises(grpc.RpcError) as refused:
        of_community(town, admin, **fields)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details().startswith(f"{field}: ")
