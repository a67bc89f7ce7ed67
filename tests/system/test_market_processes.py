"""The points supermarket in the production topology: members, points and market, each an api and a
worker, on the real PostgreSQL, Redis and RabbitMQ.

The market and points learn the volunteers through RabbitMQ. Points is killed (SIGKILL) before and
during placements; whatever the volunteers were told, nobody ends up paying for goods they will not
get, no unit of stock is lost, and both audits pass once the market worker has settled the orders.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest

from jifen.market.v1 import market_pb2 as mk
from jifen.market.v1 import market_pb2_grpc as mk_grpc
from jifen.members.v1 import members_pb2 as m
from jifen.points.v1 import ledger_pb2 as lp
from jifen.points.v1 import ledger_pb2_grpc as lp_grpc
from tests.members_client import MembersClient, bearer
from tests.processes import Process, jifen, members_up, set_up, topology_env, wait_until
from tests.servers import drop_database, require_rabbitmq, require_redis

pytestmark = pytest.mark.system
ADMIN = ("周海燕", "13800000000", "雁南街道")
SERVICES = ("members", "points", "market")
PRICE, STOCK, FUNDS = 10, 20, 100
VOLUNTEERS = (
    ("王秀兰", "13800000011"),
    ("李建国", "13800000012"),
    ("张桂英", "13800000013"),
    ("刘志强", "13800000014"),
    ("陈淑珍", "13800000015"),
)
# Long enough for the market worker's gRPC channel to find the restarted points api again.
SETTLE_TIMEOUT = 90


def rid() -> str:
    return uuid.uuid4().hex


@dataclass
class Volunteer:
    member_id: str
    token: str


@dataclass
class Town:
    """The running topology, the admin's street with its shop and item, and funded volunteers."""

    env: dict[str, str]
    log_dir: Path
    ports: dict[str, int]
    processes: dict[str, Process]
    members: MembersClient
    market: mk_grpc.MarketServiceStub
    admin: str = ""
    community_id: str = ""
    shop: mk.Shop | None = None
    item_id: str = ""
    volunteers: list[Volunteer] = field(default_factory=list)
    _points_channel: grpc.Channel | None = None
    _restarts: int = 0

    @property
    def ledger(self) -> lp_grpc.LedgerServiceStub:
        if self._points_channel is None:
            self._points_channel = grpc.insecure_channel(f"127.0.0.1:{self.ports['points']}")
            grpc.channel_ready_future(self._points_channel).result(timeout=30)
        return lp_grpc.LedgerServiceStub(self._points_channel)

    def running(self) -> tuple[Process, ...]:
        return tuple(self.processes.values())

    def kill_points_api(self) -> None:
        self.processes.pop("points-api").kill()
        if self._points_channel is not None:
            self._points_channel.close()
            self._points_channel = None

    def start_points_api(self) -> None:
        self._restarts += 1
        name = f"points-api-{self._restarts}"
        self.processes["points-api"] = jifen(name, ["serve", "points"], self.env, self.log_dir)
        # A fresh channel: the test's own must not wait out a reconnect backoff from the outage.
        wait_until(lambda: self._ready("points"), what=name, processes=self.running())

    def _ready(self, service: str) -> bool:
        channel = grpc.insecure_channel(f"127.0.0.1:{self.ports[service]}")
        try:
            grpc.channel_ready_future(channel).result(timeout=1)
            return True
        except grpc.FutureTimeoutError:
            return False
        finally:
            channel.close()

    def place(self, volunteer: Volunteer, quantity: int = 1) -> mk.Redemption:
        return self.market.PlaceRedemption(
            mk.PlaceRedemptionRequest(request_id=rid(), item_id=self.item_id, quantity=quantity),
            metadata=bearer(volunteer.token),
        ).redemption

    def item(self) -> mk.Item:
        return self.market.GetItem(mk.GetItemRequest(item_id=self.item_id), metadata=bearer(self.admin)).item

    def orders(self, *statuses: int) -> list[mk.Redemption]:
        """The community's orders as its admin lists them."""
        return list(
            self.market.ListRedemptions(
                mk.ListRedemptionsRequest(community_id=self.community_id, statuses=statuses, page_size=200),
                metadata=bearer(self.admin),
            ).redemptions
        )

    def balance(self, volunteer: Volunteer) -> lp.Balance:
        return self.ledger.GetBalance(
            lp.GetBalanceRequest(member_id=volunteer.member_id), metadata=bearer(self.admin)
        ).balance

    def audit(self, service: str) -> Process:
        done = jifen(f"audit-{service}-{rid()[:6]}", ["audit", service], self.env, self.log_dir)
        done.popen.wait(60)
        done.stop()
        return done


def _until_known(call, processes, what: str):
    """Calls until the market stops answering NOT_FOUND for a community or member its consumer has
    not received yet through RabbitMQ."""

    def attempt():
        try:
            return call() or True
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND:
                raise
            return None

    return wait_until(attempt, what=what, processes=processes)


@pytest.fixture
def town(tmp_path, keys):
    require_redis()
    require_rabbitmq()
    env, urls, ports = topology_env(SERVICES, keys, "jifen-system-market")
    env.update(
        {
            # An order left reserving is the sweeper's after 2 s; the market worker looks every second.
            "JIFEN_SAGA_TIMEOUT_SECONDS": "2",
            "JIFEN_MARKET_JOB_INTERVAL_SECONDS": "1",
        }
    )
    set_up(env, ADMIN, tmp_path)
    processes: dict[str, Process] = {}
    # Consumers first: nameko drops events no queue is bound for yet (DESIGN §8).
    for consumer in ("points-worker", "market-worker"):
        processes[consumer] = jifen(consumer, ["worker", consumer.split("-")[0]], env, tmp_path)
        wait_until(
            lambda p=processes[consumer]: "Connected to amqp" in p.log(),
            what=consumer,
            processes=tuple(processes.values()),
        )
    for name, args in (
        ("members-worker", ["worker", "members"]),
        ("points-api", ["serve", "points"]),
        ("market-api", ["serve", "market"]),
        ("members-api", ["serve", "members"]),
    ):
        processes[name] = jifen(name, args, env, tmp_path)
    members = wait_until(
        lambda: members_up(f"127.0.0.1:{ports['members']}"),
        what="members-api",
        processes=tuple(processes.values()),
    )
    market_channel = grpc.insecure_channel(f"127.0.0.1:{ports['market']}")
    grpc.channel_ready_future(market_channel).result(timeout=30)
    town = Town(env, tmp_path, ports, processes, members, mk_grpc.MarketServiceStub(market_channel))
    _open_the_shop(town)
    yield town
    market_channel.close()
    if town._points_channel is not None:
        town._points_channel.close()
    members.close()
    for process in processes.values():
        process.stop()
    for url in urls.values():
        drop_database(url)


def _open_the_shop(town: Town) -> None:
    """The admin's community, its shop and one item; five volunteers with 100 points each."""
    members, market, processes = town.members, town.market, town.running()
    town.admin = members.login(ADMIN[1])
    town.community_id = members.community(town.admin, members.street_id(ADMIN[2]), "张苏滩社区").community_id
    town.shop = _until_known(
        lambda: (
            market.CreateShop(
                mk.CreateShopRequest(
                    request_id="shop-1",
                    community_id=town.community_id,
                    name="张苏滩积分超市",
                    address="张苏滩社区服务中心一楼",
                    opening_hours="周一至周六 9:00–17:00",
                ),
                metadata=bearer(town.admin),
            ).shop
        ),
        processes,
        "the market to learn the community from community.created",
    )
    town.item_id = market.CreateItem(
        mk.CreateItemRequest(
            request_id=rid(), shop_id=town.shop.shop_id, name="毛巾", points_price=PRICE, initial_stock=STOCK
        ),
        metadata=bearer(town.admin),
    ).item.item_id
    for name, phone in VOLUNTEERS:
        member = members.register(name, phone, town.community_id)
        town.volunteers.append(Volunteer(member.member_id, members.login(phone)))
    for volunteer in town.volunteers:
        wait_until(
            lambda v=volunteer: _account_open(town, v),
            what="points to open the account from member.registered",
            processes=processes,
        )
        town.ledger.Award(
            lp.AwardRequest(
                request_id=rid(), member_id=volunteer.member_id, points=FUNDS, reason="防汛值守表现突出"
            ),
            metadata=bearer(town.admin),
        )
        # The admin may list a member's orders once the market knows the member.
        _until_known(
            lambda v=volunteer: market.ListRedemptions(
                mk.ListRedemptionsRequest(member_id=v.member_id), metadata=bearer(town.admin)
            ),
            processes,
            "the market to learn the volunteer from member.registered",
        )


def _account_open(town: Town, volunteer: Volunteer) -> bool:
    try:
        town.balance(volunteer)
        return True
    except grpc.RpcError as err:
        assert err.code() == grpc.StatusCode.NOT_FOUND, err
        return False


def _audits_pass(town: Town) -> None:
    for service in ("market", "points"):
        done = town.audit(service)
        assert done.popen.returncode == 0, done.log()
        assert "审计通过" in done.log()


def test_a_volunteer_redeems_and_staff_hand_the_goods_over_with_the_code(town):
    volunteer = town.volunteers[0]
    staff = town.members.register("赵店员", "13800000021", town.community_id)
    town.members.set_roles(
        town.admin,
        staff.member_id,
        m.RoleGrant(role=m.ROLE_VOLUNTEER),
        m.RoleGrant(role=m.ROLE_STAFF, shop_id=town.shop.shop_id),
    )
    staff_token = town.members.login("13800000021")
    # The shop lists its assistant once member.updated has reached the market worker.
    wait_until(
        lambda: (
            staff.member_id
            in town.market.GetShop(
                mk.GetShopRequest(shop_id=town.shop.shop_id), metadata=bearer(town.admin)
            ).shop.staff_ids
        ),
        what="the market to learn the staff role",
        processes=town.running(),
    )

    order = town.place(volunteer)
    assert order.status == mk.REDEMPTION_STATUS_AWAITING_PICKUP
    assert len(order.pickup_code) == 8 and order.pickup_code.isdigit()
    held = town.balance(volunteer)
    assert (held.available, held.held) == (FUNDS - PRICE, PRICE)

    with pytest.raises(grpc.RpcError) as wrong:
        town.market.ConfirmRedemption(
            mk.ConfirmRedemptionRequest(
                request_id=rid(), pickup_code=str((int(order.pickup_code) + 1) % 10**8).zfill(8)
            ),
            metadata=bearer(staff_token),
        )
    assert wrong.value.code() == grpc.StatusCode.NOT_FOUND
    collected = town.market.ConfirmRedemption(
        mk.ConfirmRedemptionRequest(request_id=rid(), pickup_code=order.pickup_code),
        metadata=bearer(staff_token),
    ).redemption
    assert (collected.status, collected.confirmed_by) == (mk.REDEMPTION_STATUS_COLLECTED, staff.member_id)
    spent = town.balance(volunteer)
    assert (spent.available, spent.held) == (FUNDS - PRICE, 0)
    item = town.item()
    assert (item.stock, item.reserved) == (STOCK - 1, 0)
    _audits_pass(town)


def test_orders_placed_while_points_is_down_are_settled_and_nobody_pays(town):
    town.kill_points_api()
    for volunteer in town.volunteers:
        with pytest.raises(grpc.RpcError) as down:
            town.place(volunteer)
        assert down.value.code() == grpc.StatusCode.UNAVAILABLE
    # The units wait on the orders the market could not finish.
    item = town.item()
    assert (item.stock, item.reserved) == (STOCK - 5, 5)
    waiting = town.orders(mk.REDEMPTION_STATUS_RESERVING)
    assert len(waiting) == 5

    town.start_points_api()

    def settled():
        found = [
            town.market.GetRedemption(
                mk.GetRedemptionRequest(redemption_id=o.redemption_id), metadata=bearer(town.admin)
            ).redemption
            for o in waiting
        ]
        return found if all(r.status != mk.REDEMPTION_STATUS_RESERVING for r in found) else None

    found = wait_until(
        settled,
        timeout=SETTLE_TIMEOUT,
        what="the market worker to settle the orders",
        processes=town.running(),
    )
    assert {r.status for r in found} == {mk.REDEMPTION_STATUS_FAILED}
    assert all("未成功" in r.failure_reason for r in found)
    item = town.item()
    assert (item.stock, item.reserved) == (STOCK, 0)
    for volunteer in town.volunteers:
        balance = town.balance(volunteer)
        assert (balance.available, balance.held) == (FUNDS, 0)
        # 我的兑换 lists real orders only; asked for failed ones, it shows the order and why.
        mine = town.market.ListRedemptions(
            mk.ListRedemptionsRequest(), metadata=bearer(volunteer.token)
        ).redemptions
        assert list(mine) == []
        failed = town.market.ListRedemptions(
            mk.ListRedemptionsRequest(statuses=[mk.REDEMPTION_STATUS_FAILED]),
            metadata=bearer(volunteer.token),
        ).redemptions
        assert [r.status for r in failed] == [mk.REDEMPTION_STATUS_FAILED]
    _audits_pass(town)


def test_points_dying_in_the_middle_of_a_rush_loses_neither_points_nor_stock(town):
    answers: dict[int, tuple[grpc.StatusCode, mk.Redemption | None]] = {}
    lock = threading.Lock()
    start = threading.Barrier(STOCK + 1)

    def place(index: int) -> None:
        start.wait()
        # Half rush in at once, so points dies with holds in flight (made, but never answered);
        # the rest trickle in over half a second, so some orders arrive only after it died.
        time.sleep(max(0, index - STOCK // 2 + 1) * 0.05)
        try:
            result = (grpc.StatusCode.OK, town.place(town.volunteers[index % len(town.volunteers)]))
        except grpc.RpcError as exc:
            result = (exc.code(), None)
        with lock:
            answers[index] = result

    with ThreadPoolExecutor(STOCK) as pool:
        futures = [pool.submit(place, i) for i in range(STOCK)]
        start.wait()
        wait_until(lambda: answers, what="the first order", processes=town.running())
        town.kill_points_api()
        for future in futures:
            future.result()
    codes = [code for code, _ in answers.values()]
    # Some were placed before points died and some were turned away after: it died mid-way.
    assert set(codes) == {grpc.StatusCode.OK, grpc.StatusCode.UNAVAILABLE}, codes

    town.start_points_api()
    wait_until(
        lambda: not town.orders(mk.REDEMPTION_STATUS_RESERVING),
        timeout=SETTLE_TIMEOUT,
        what="no order left reserving",
        processes=town.running(),
    )
    orders = town.orders(mk.REDEMPTION_STATUS_AWAITING_PICKUP, mk.REDEMPTION_STATUS_FAILED)
    assert len(orders) == STOCK
    statuses = {o.redemption_id: o.status for o in orders}
    assert set(statuses.values()) <= {mk.REDEMPTION_STATUS_AWAITING_PICKUP, mk.REDEMPTION_STATUS_FAILED}
    # An order the volunteer was told is placed stays placed.
    for code, placed in answers.values():
        if code == grpc.StatusCode.OK:
            assert statuses[placed.redemption_id] == mk.REDEMPTION_STATUS_AWAITING_PICKUP
    awaiting = [o for o in orders if o.status == mk.REDEMPTION_STATUS_AWAITING_PICKUP]
    item = town.item()
    assert item.stock + item.reserved == STOCK
    assert item.reserved == sum(o.quantity for o in awaiting)
    for volunteer in town.volunteers:
        balance = town.balance(volunteer)
        owed = sum(o.points_total for o in awaiting if o.member_id == volunteer.member_id)
        assert (balance.held, balance.available) == (owed, FUNDS - owed)
    _audits_pass(town)
