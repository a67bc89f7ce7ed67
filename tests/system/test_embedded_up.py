"""`jifen up --demo`, as a newcomer runs it.

One process, no servers; probes and reflection answer, the demo logins work, and the demo's points
supermarket has its goods, its shop assistant and one order waiting at the counter.
"""

from __future__ import annotations

import re

import grpc
import pytest
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

import demo
from demo import market as demo_market
from jifen.market.v1 import market_pb2 as mk
from jifen.market.v1 import market_pb2_grpc as mk_grpc
from jifen.members.v1 import members_pb2 as m
from jifen.points.v1 import ledger_pb2 as ledger_pb
from jifen.points.v1 import ledger_pb2_grpc as ledger_grpc
from jifen.tables import OUTBOX
from tests.members_client import MembersClient, bearer
from tests.processes import embedded_env, jifen, wait_until

pytestmark = pytest.mark.system


@pytest.fixture
def embedded(tmp_path):
    env, ports = embedded_env()
    port, points_port, market_port = ports["members"], ports["points"], ports["market"]
    process = jifen("jifen-up", ["up", "--demo", "--data-dir", str(tmp_path / "data")], env, tmp_path)
    wait_until(
        lambda: "demo logins" in process.log(), timeout=60, what="the demo to be seeded", processes=(process,)
    )
    client = MembersClient(f"127.0.0.1:{port}")
    client.points_channel = grpc.insecure_channel(f"127.0.0.1:{points_port}")
    client.market_channel = grpc.insecure_channel(f"127.0.0.1:{market_port}")
    client.web = f"http://127.0.0.1:{ports['gateway']}"
    yield client, process
    client.market_channel.close()
    client.points_channel.close()
    client.close()
    assert process.stop() == 0, process.log()


def test_health_answers_serving_and_reflection_lists_the_members_services(embedded):
    client, _ = embedded
    health = health_pb2_grpc.HealthStub(client.channel)
    for service in ("", "jifen.members.v1.MembersService", "jifen.members.v1.DirectoryService"):
        assert (
            health.Check(health_pb2.HealthCheckRequest(service=service)).status
            == health_pb2.HealthCheckResponse.SERVING
        )
    services = set(ProtoReflectionDescriptorDatabase(client.channel).get_services())
    assert {
        "jifen.members.v1.MembersService",
        "jifen.members.v1.DirectoryService",
        "grpc.health.v1.Health",
    } <= services


def test_the_printed_demo_logins_work_and_the_street_is_there(embedded):
    client, process = embedded
    assert demo.ADMIN_PHONE in process.log() and demo.PASSWORD in process.log()
    token = client.login(demo.ADMIN_PHONE, demo.PASSWORD)
    communities = client.directory.ListCommunities(m.ListCommunitiesRequest()).communities
    assert {c.name for c in communities} == set(demo.COMMUNITIES)
    volunteers = client.members.ListMembers(
        m.ListMembersRequest(role=m.ROLE_VOLUNTEER), metadata=bearer(token)
    )
    assert {v.name for v in volunteers.members} >= {name for name, _, _ in demo.VOLUNTEERS}
    with pytest.raises(grpc.RpcError) as err:
        client.login(demo.ADMIN_PHONE, "wrong-password")
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_the_in_process_bus_publishes_every_event_the_demo_caused(embedded, tmp_path):
    def drained(service: str) -> dict[str, int]:
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'data' / f'{service}.db'}")

        def states():
            with engine.connect() as conn:
                query = sa.select(OUTBOX.c.status, sa.func.count()).group_by(OUTBOX.c.status)
                return dict(conn.execute(query).all())

        try:
            return wait_until(
                lambda: set(states()) == {"published"} and states(), what=f"the {service} outbox to drain"
            )
        finally:
            engine.dispose()

    # The street admin, 2 communities, 6 grids, 7 registrations and 3 role changes (one the shop assistant).
    assert drained("members") == {"published": 1 + 2 + 6 + 7 + 3}
    # 王秀兰's order: redemption.placed.
    assert drained("market") == {"published": 1}


def test_the_demo_volunteers_have_points_for_last_weeks_hours_under_last_weeks_rules(embedded):
    client, _ = embedded
    token = client.login("13800000011", demo.PASSWORD)  # 王秀兰
    ledger = ledger_grpc.LedgerServiceStub(client.points_channel)
    balance = ledger.GetBalance(ledger_pb.GetBalanceRequest(), metadata=bearer(token)).balance
    # 3 h of 环境卫生整治 (difficulty 2: 3 × 10 × 1.2 = 36) and the 优秀志愿者 commendation (200);
    # 40 of the 236 are held by her 毛巾 order until she collects it.
    assert (balance.available, balance.held, balance.certified_minutes) == (196, 40, 180)
    assert balance.lifetime_earned == 236
    statement = ledger.ListEntries(ledger_pb.ListEntriesRequest(), metadata=bearer(token)).entries
    accrual = next(e for e in statement if e.kind == ledger_pb.ENTRY_KIND_ACCRUAL)
    # The community's own rules were published today; last week's activity keeps the rules then in force.
    assert accrual.rule_version_id == "default-0"
    assert accrual.calculation == "3 小时 × 10 分/小时 × 1.2（难度 2） = 36"
    health = health_pb2_grpc.HealthStub(client.points_channel)
    for service in ("jifen.points.v1.ActivitiesService", "jifen.points.v1.LedgerService"):
        assert (
            health.Check(health_pb2.HealthCheckRequest(service=service)).status
            == health_pb2.HealthCheckResponse.SERVING
        )


def _pickup_code(log: str) -> str:
    """The 核销码 the demo prints for 王秀兰's order."""
    found = re.search(r"核销码 (\d{8})", log)
    assert found, log
    return found.group(1)


def test_the_demo_shop_lists_its_goods_and_wang_xiulan_has_an_order_waiting(embedded):
    client, _ = embedded
    health = health_pb2_grpc.HealthStub(client.market_channel)
    for service in ("", "jifen.market.v1.MarketService"):
        assert (
            health.Check(health_pb2.HealthCheckRequest(service=service)).status
            == health_pb2.HealthCheckResponse.SERVING
        )
    market = mk_grpc.MarketServiceStub(client.market_channel)
    token = client.login(demo.BUYER_PHONE, demo.PASSWORD)
    # A volunteer's shop list defaults to her own community: the supermarket, and the partner units'
    # stalls at the shared market.
    shops = market.ListShops(mk.ListShopsRequest(), metadata=bearer(token)).shops
    assert [s.name for s in shops] == [demo_market.SHOP] + [
        f"{service.unit}（共享集市）" for service in demo_market.SERVICES
    ]
    shop = shops[0]
    assert (shop.name, shop.address, shop.opening_hours) == (
        demo_market.SHOP,
        demo_market.SHOP_ADDRESS,
        demo_market.OPENING_HOURS,
    )
    items = {
        i.name: i
        for i in market.ListItems(mk.ListItemsRequest(shop_id=shop.shop_id), metadata=bearer(token)).items
    }
    assert {name: i.points_price for name, i in items.items()} == {
        "大米 5kg": 300,
        "食用油 1.8L": 250,
        "洗衣液": 120,
        "毛巾": 40,
        "牙膏": 30,
        "理发券": 50,
    }
    rice = items["大米 5kg"]
    assert (rice.per_member_limit, rice.limit_period) == (1, mk.LIMIT_PERIOD_MONTH)
    assert items["理发券"].donor_organization_id
    assert (items["毛巾"].stock, items["毛巾"].reserved) == (49, 1)
    # 我的兑换
    (order,) = market.ListRedemptions(mk.ListRedemptionsRequest(), metadata=bearer(token)).redemptions
    assert (order.item_name, order.quantity, order.points_total, order.status) == (
        "毛巾",
        1,
        40,
        mk.REDEMPTION_STATUS_AWAITING_PICKUP,
    )
    assert order.shop_id == shop.shop_id


def test_the_demo_shared_market_day_offers_three_units_services_by_time_slot(embedded):
    client, process = embedded
    market = mk_grpc.MarketServiceStub(client.market_channel)
    token = client.login(demo.BUYER_PHONE, demo.PASSWORD)
    services = [
        i
        for i in market.ListItems(mk.ListItemsRequest(), metadata=bearer(token)).items
        if i.kind == mk.ITEM_KIND_SERVICE
    ]
    assert sorted(i.provider_name for i in services) == sorted(s.unit for s in demo_market.SERVICES)
    days = set()
    for item in services:
        slots = market.ListServiceSlots(
            mk.ListServiceSlotsRequest(item_id=item.item_id), metadata=bearer(token)
        ).slots
        assert slots and all(s.booked == 0 for s in slots)
        assert item.stock == sum(s.capacity for s in slots)
        days |= {s.starts_at.ToDatetime(demo_market.LOCAL).date() for s in slots}
    (day,) = days
    assert day.day == demo_market.SHARED_MARKET_DAY and f"共享集市：{day.isoformat()}" in process.log()


def test_the_demo_shop_assistant_hands_the_towel_over_with_the_printed_code(embedded):
    client, process = embedded
    market = mk_grpc.MarketServiceStub(client.market_channel)
    staff = client.login(demo.STAFF_PHONE, demo.PASSWORD)
    assert demo.STAFF_PHONE in process.log() and "店员" in process.log()
    collected = market.ConfirmRedemption(
        mk.ConfirmRedemptionRequest(request_id="embedded-confirm", pickup_code=_pickup_code(process.log())),
        metadata=bearer(staff),
    ).redemption
    assert (collected.item_name, collected.status) == ("毛巾", mk.REDEMPTION_STATUS_COLLECTED)
    buyer = client.login(demo.BUYER_PHONE, demo.PASSWORD)
    ledger = ledger_grpc.LedgerServiceStub(client.points_channel)
    balance = ledger.GetBalance(ledger_pb.GetBalanceRequest(), metadata=bearer(buyer)).balance
    assert (balance.available, balance.held) == (196, 0)


def test_the_demo_shop_assistant_got_her_role_by_a_refresh_and_the_logins_say_how_long_they_last(embedded):
    _, process = embedded
    log = process.log()
    # She was logged in before the appointment; the refreshed token opened the counter to her.
    assert "刷新登录（RefreshToken），无需重新登录，即见待核销兑换单 1 张" in log
    assert "access token 有效 15 分钟" in log and "撤销的角色最迟 15 分钟后失效" in log


def test_the_web_app_answers_in_chinese_and_the_demo_volunteer_can_log_in(embedded):
    import httpx

    client, _ = embedded
    with httpx.Client(base_url=client.web, follow_redirects=True) as web:
        page = web.get("/")
        assert page.status_code == 200 and "登录积分超市" in page.text
        signed_in = web.post("/api/v1/session", json={"phone": demo.BUYER_PHONE, "password": demo.PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        home = web.get("/")
        assert "可用积分" in home.text and "王秀兰" in home.text
