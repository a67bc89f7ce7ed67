"""A fresh community of the demo street, made over gRPC, whose dashboard no other test can change:
its own admin, volunteers, shop, shop assistant and goods. Phones are 1374000xxxx from `base` on."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import demo
from jifen.db import make_engine
from jifen.market.v1 import market_pb2 as mk
from jifen.market.v1 import market_pb2_grpc as mk_grpc
from jifen.members.v1 import members_pb2 as m
from jifen.points.v1 import activities_pb2 as a
from jifen.points.v1 import activities_pb2_grpc as a_grpc
from jifen.points.v1 import ledger_pb2 as lg
from jifen.points.v1 import ledger_pb2_grpc as lg_grpc
from jifen.timestamps import from_timestamp, to_timestamp
from services.points.adapters.unit_of_work import PointsUnitOfWork
from services.points.service.ledger.posting import locked_account
from tests.members_client import bearer, rid
from tests.web.people import eventually, signed_in


def phone(base: int, n: int) -> str:
    return f"1374000{base + n:04d}"


@dataclass
class DashboardTown:
    site: object
    base: int
    community_id: str = ""
    name: str = ""
    admin_phone: str = ""
    staff_phone: str = ""
    shop_id: str = ""
    members: dict[str, str] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        site = self.site
        self.street_admin = site.members.login(demo.ADMIN_PHONE, demo.PASSWORD)
        self.ledger = lg_grpc.LedgerServiceStub(site.points)
        self.activities = a_grpc.ActivitiesServiceStub(site.points)
        self.market = mk_grpc.MarketServiceStub(site.market)
        street = site.members.street_id(demo.STREET)
        self.name = f"看板测试社区{uuid.uuid4().hex[:4]}"
        self.community_id = site.members.community(self.street_admin, street, self.name).community_id
        self.admin_phone = phone(self.base, 0)
        admin = self.register("韩看板", 0)
        site.members.set_roles(
            self.street_admin,
            admin,
            m.RoleGrant(role=m.ROLE_VOLUNTEER, community_id=self.community_id),
            m.RoleGrant(role=m.ROLE_ADMIN, community_id=self.community_id),
        )
        self.admin = site.members.login(self.admin_phone, demo.PASSWORD)

    def register(self, name: str, n: int) -> str:
        number = phone(self.base, n)
        member = self.site.members.register(name, number, self.community_id, password=demo.PASSWORD)
        self.members[name], self.phones[name] = member.member_id, number
        return member.member_id

    def volunteer(self, name: str, n: int) -> str:
        member_id = self.register(name, n)
        # Points opens the account when it hears of the member, a moment later.
        eventually(
            lambda: self.ledger.GetBalance(lg.GetBalanceRequest(member_id=member_id), metadata=self._street)
        )
        return member_id

    @property
    def _street(self):
        return bearer(self.street_admin)

    def award(self, name: str, points: int, reason: str) -> lg.LedgerEntry:
        request = lg.AwardRequest(
            request_id=rid(), member_id=self.members[name], points=points, reason=reason
        )
        return self.ledger.Award(request, metadata=bearer(self.admin)).entry

    def adjust(self, name: str, points: int, reason: str) -> None:
        request = lg.AdjustRequest(
            request_id=rid(), member_id=self.members[name], points=points, reason=reason
        )
        self.ledger.Adjust(request, metadata=bearer(self.admin))

    def deactivate(self, name: str, reason: str) -> None:
        request = m.DeactivateMemberRequest(request_id=rid(), member_id=self.members[name], reason=reason)
        self.site.members.members.DeactivateMember(request, metadata=bearer(self.admin))

    def hours(self, minutes: dict[str, int]) -> None:
        """Difficulty 1, ended an hour ago: the admin records, the street admin approves."""
        # Two admins: whoever records hours may not also certify them.
        now = datetime.now(UTC)
        start = now - timedelta(hours=5)
        activity = self.activities.CreateActivity(
            a.CreateActivityRequest(
                request_id=rid(),
                community_id=self.community_id,
                title="社区花园养护",
                category="environment",
                difficulty=1,
                start_time=to_timestamp(start),
                end_time=to_timestamp(now - timedelta(hours=1)),
                place="社区花园",
                capacity=10,
            ),
            metadata=bearer(self.admin),
        ).activity
        entries = [
            a.HoursInput(
                member_id=self.members[name],
                minutes=value,
                check_in_time=to_timestamp(start),
                check_out_time=to_timestamp(start + timedelta(minutes=value)),
            )
            for name, value in minutes.items()
        ]
        recorded = self.activities.RecordHours(
            a.RecordHoursRequest(request_id=rid(), activity_id=activity.activity_id, entries=entries),
            metadata=bearer(self.admin),
        ).hour_records
        self.activities.ApproveHours(
            a.ApproveHoursRequest(request_id=rid(), hour_record_ids=[r.hour_record_id for r in recorded]),
            metadata=self._street,
        )

    def shop(self, staff_name: str, n: int) -> None:
        self.shop_id = eventually(
            lambda: (
                self.market.CreateShop(
                    mk.CreateShopRequest(
                        request_id=rid(),
                        community_id=self.community_id,
                        name=f"{self.name}积分超市",
                        address="花园路 1 号",
                    ),
                    metadata=self._street,
                ).shop.shop_id
            )
        )
        staff = self.register(staff_name, n)
        self.staff_phone = self.phones[staff_name]
        self.site.members.set_roles(
            self.street_admin,
            staff,
            m.RoleGrant(role=m.ROLE_VOLUNTEER, community_id=self.community_id),
            m.RoleGrant(role=m.ROLE_STAFF, community_id=self.community_id, shop_id=self.shop_id),
        )

    def item(self, name: str, price: int, stock: int) -> str:
        request = mk.CreateItemRequest(
            request_id=rid(),
            shop_id=self.shop_id,
            name=name,
            points_price=price,
            initial_stock=stock,
        )
        return self.market.CreateItem(request, metadata=self._street).item.item_id

    def restock(self, item_id: str, units: int, reason: str) -> None:
        request = mk.RestockRequest(request_id=rid(), item_id=item_id, quantity_delta=units, reason=reason)
        self.market.Restock(request, metadata=bearer(self.admin))

    def redeem(self, name: str, item_id: str) -> dict:
        """The volunteer redeems one unit on the web (the market hears of new people a moment late)."""
        client = signed_in(self.site, self.phones[name])
        body = {"request_id": rid()}
        answer = _until_ok(lambda: client.post(f"/api/v1/market/items/{item_id}/redeem", json=body))
        return answer.json()

    def hand_over(self, pickup_code: str) -> None:
        """The shop assistant confirms the pickup at the counter, as on the counter page."""
        staff = signed_in(self.site, self.staff_phone)
        body = {"pickup_code": pickup_code, "request_id": rid()}
        _until_ok(lambda: staff.post("/api/v1/counter/confirm", json=body))

    def expire(self, name: str, entry: lg.LedgerEntry) -> datetime:
        """The nightly expiry job, for this member only, run the day after their lot's expiry date:
        the moment of the expiry entry, which lands in a month to come."""
        when = from_timestamp(entry.lot_expires_at) + timedelta(days=1)
        folder = self.site.process.log_path.parent / "data"
        engine = make_engine(f"sqlite:///{folder / 'points.db'}", pool_size=1)
        try:
            uow = PointsUnitOfWork(engine)
            with uow:
                uow.ledger.save(locked_account(uow, self.members[name], when), when)
                uow.commit()
        finally:
            engine.dispose()
        return when


def _until_ok(call, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while True:
        answer = call()
        if answer.status_code == 200 or time.monotonic() > deadline:
            assert answer.status_code == 200, answer.text
            return answer
        time.sleep(0.3)
