"""The dashboard's and the audit trail's gateway side with in-memory stand-ins for the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jifen.caller import ADMIN, Caller, Grant
from jifen.market.v1 import market_pb2 as mk
from jifen.market.v1 import reports_pb2 as mrp
from jifen.members.v1 import members_pb2 as mpb
from jifen.points.v1 import ledger_pb2 as lpb
from jifen.points.v1 import reports_pb2 as prp
from jifen.timestamps import to_timestamp
from services.gateway.adapters.grpc_calls import Credentials
from services.gateway.entrypoints.i18n import text
from services.gateway.service import admin_audit, admin_dashboard
from services.gateway.service.errors import ActionError, Kind
from services.gateway.service.gateway import Services
from services.gateway.service.session import Session

NOW = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)  # 01:30 on 1 December in Beijing


def admin_of(*grants: Grant) -> Session:
    caller = Caller(member_id="m-admin", name="孙丽娟", community_id="c1", grants=grants)
    return Session("token", caller, Credentials("token", "zh"), text("zh"))


class Points:
    def __init__(self, events=()):
        self.events = sorted(
            events, key=lambda e: (e.occurred_at.ToDatetime(), e.audit_event_id), reverse=True
        )
        self.asked = []

    def monthly_summary(self, who, from_month, to_month, community_id="", street_id=""):
        self.asked.append((from_month, to_month, community_id, street_id))
        return [prp.MonthlySummary(month=from_month, points_issued=5)]

    def audit_events(self, who, community_id, kinds, before, page_size):
        found = [e for e in self.events if before is None or e.occurred_at.ToDatetime(tzinfo=UTC) < before]
        return found[:page_size]


class Members:
    def __init__(self, changes=()):
        self.changes = sorted(
            changes, key=lambda c: (c.occurred_at.ToDatetime(), c.role_change_id), reverse=True
        )
        self.looked_up = []

    def communities(self, who, street_id):
        return [
            mpb.Community(community_id="c1", name="张苏滩社区"),
            mpb.Community(community_id="c2", name="天庆嘉园社区"),
        ]

    def role_changes(self, who, community_id, before, page_size):
        found = [c for c in self.changes if before is None or c.occurred_at.ToDatetime(tzinfo=UTC) < before]
        return found[:page_size]

    def member(self, who, member_id):
        self.looked_up.append(member_id)
        return mpb.Member(member_id=member_id, name={"m-admin": "孙丽娟"}.get(member_id, "王秀兰"))


class Market:
    def __init__(self, restocks=()):
        self.stock = sorted(
            restocks, key=lambda s: (s.created_at.ToDatetime(), s.stock_change_id), reverse=True
        )

    def redemption_summary(self, who, from_month, to_month, community_id="", street_id=""):
        return mrp.GetRedemptionSummaryResponse(
            shop_months=[
                mrp.ShopMonth(
                    shop_id="s1", shop_name="张苏滩积分超市", month="2026-10", collected=2, units=3, points=60
                ),
                mrp.ShopMonth(
                    shop_id="s2", shop_name="天庆积分超市", month="2026-10", collected=4, units=4, points=40
                ),
                mrp.ShopMonth(
                    shop_id="s1", shop_name="张苏滩积分超市", month="2026-11", collected=3, units=3, points=45
                ),
            ],
            top_goods=[mrp.TopGood(item_id="i1", item_name="毛巾", shop_id="s1", units=4, points=80)],
        )

    def restocks(self, who, community_id, before, page_size):
        found = [s for s in self.stock if before is None or s.created_at.ToDatetime(tzinfo=UTC) < before]
        return found[:page_size]

    def item(self, who, item_id):
        return mk.Item(item_id=item_id, name="毛巾")


def services(points=None, members=None, market=None) -> Services:
    return Services(members or Members(), points or Points(), market or Market(), clock=lambda: NOW)


def test_the_dashboard_shows_the_last_twelve_local_months_and_each_shops_totals():
    points = Points()
    board = admin_dashboard.dashboard(services(points=points), admin_of(Grant(ADMIN, community_id="c1")))
    assert points.asked == [("2026-01", "2026-12", "c1", "")]
    assert [(s.shop_name, s.collected, s.units, s.points) for s in board.shops] == [
        ("张苏滩积分超市", 5, 6, 105),
        ("天庆积分超市", 4, 4, 40),
    ]
    assert [(g.item_name, g.shop_name) for g in board.top_goods] == [("毛巾", "张苏滩积分超市")]


def test_only_a_street_admin_sees_the_whole_street_and_a_community_admin_no_other_community():
    points = Points()
    street = admin_of(Grant(ADMIN, street_id="st1"))
    board = admin_dashboard.dashboard(services(points=points), street, "all", "2026-10", "2026-11")
    assert board.community_id == "all" and points.asked == [("2026-10", "2026-11", "", "st1")]
    community = admin_of(Grant(ADMIN, community_id="c1"))
    for asked in ("all", "c2"):
        with pytest.raises(ActionError) as refused:
            admin_dashboard.dashboard(services(), community, asked)
        assert refused.value.kind is Kind.FORBIDDEN


def at(n: int) -> datetime:
    # Three events share each second: ties across the services must neither vanish nor repeat.
    return NOW - timedelta(seconds=n // 3)


def test_the_audit_trail_pages_through_three_services_newest_first_each_event_once():
    events = [
        lpb.AuditEvent(
            audit_event_id=f"e{n:02d}",
            kind=lpb.AUDIT_KIND_ADJUSTMENT,
            actor_id="m-admin",
            occurred_at=to_timestamp(at(n)),
            member_id="m2",
            points=n,
            reason=f"更正 {n}",
        )
        for n in range(0, 60, 2)
    ]
    changes = [
        mpb.RoleChange(
            role_change_id=f"r{n:02d}",
            kind=mpb.ROLE_CHANGE_KIND_DEACTIVATED,
            member_id="m2",
            actor_id="m-admin",
            occurred_at=to_timestamp(at(n)),
            reason=f"搬离 {n}",
        )
        for n in range(1, 60, 4)
    ]
    restocks = [
        mk.StockChange(
            stock_change_id=f"s{n:02d}",
            item_id="i1",
            kind=mk.STOCK_CHANGE_KIND_RESTOCK,
            delta=5,
            stock_after=9,
            changed_by="m-admin",
            created_at=to_timestamp(at(n)),
            reason=f"捐赠 {n}",
        )
        for n in range(3, 60, 4)
    ]
    members = Members(changes)
    found = services(points=Points(events), members=members, market=Market(restocks))
    me = admin_of(Grant(ADMIN, community_id="c1"))
    shown, token, pages = [], "", 0
    while True:
        page = admin_audit.trail(found, me, "", "", token)
        assert len(page.events) <= admin_audit.PAGE_SIZE
        shown += page.events
        pages += 1
        token = page.next_page_token
        if not token:
            break
    assert len(shown) == len(events) + len(changes) + len(restocks) and pages == 3
    assert len({e.reason for e in shown}) == len(shown)
    times = [e.occurred_at for e in shown]
    assert times == sorted(times, reverse=True)
    assert {e.actor for e in shown} == {"孙丽娟"} and {e.kind for e in shown} == {
        "adjustment",
        "role",
        "restock",
    }
    assert members.looked_up.count("m-admin") == pages  # each name once a page


def test_a_broken_page_link_and_an_unknown_kind_are_plain_sentences():
    me = admin_of(Grant(ADMIN, community_id="c1"))
    for kind, token in (("everything", ""), ("", "not-a-token")):
        with pytest.raises(ActionError) as refused:
            admin_audit.trail(services(), me, "", kind, token)
        assert refused.value.kind is Kind.INVALID and refused.value.message


def test_the_json_api_documents_exactly_the_tables_the_page_exports():
    from typing import get_args

    from services.gateway.entrypoints.api_admin_dashboard import Table

    assert get_args(Table) == admin_dashboard.TABLES


class Guarded(Members):
    """Members as a community admin meets it: the street admin is not theirs to look up."""

    def __init__(self, changes, down: bool = False):
        super().__init__(changes)
        self.down = down

    def member(self, who, member_id):
        if self.down:
            raise ActionError(Kind.UNAVAILABLE, "服务暂时不可用，请稍后再试")
        if member_id in ("m-street", "m-gone"):
            raise ActionError(Kind.FORBIDDEN if member_id == "m-street" else Kind.NOT_FOUND, "不可查看")
        return super().member(who, member_id)


def test_someone_the_admin_may_not_look_up_is_named_by_what_they_are_and_an_outage_is_no_name():
    change = mpb.RoleChange(
        role_change_id="r1",
        kind=mpb.ROLE_CHANGE_KIND_ROLES_SET,
        member_id="m-gone",
        actor_id="m-street",
        occurred_at=to_timestamp(NOW),
        roles_before=[mpb.RoleGrant(role=mpb.ROLE_VOLUNTEER)],
        roles_after=[mpb.RoleGrant(role=mpb.ROLE_VOLUNTEER), mpb.RoleGrant(role=mpb.ROLE_STAFF)],
    )
    me = admin_of(Grant(ADMIN, community_id="c1"))
    [row] = admin_audit.trail(services(members=Guarded([change])), me, "", "role").events
    assert (row.actor, row.target, row.detail) == (
        "街道管理员",
        "已不在本社区的成员",
        "志愿者 → 店员、志愿者",
    )
    with pytest.raises(ActionError) as refused:
        admin_audit.trail(services(members=Guarded([change], down=True)), me, "", "role")
    assert refused.value.kind is Kind.UNAVAILABLE
