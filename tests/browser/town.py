"""What admins do over gRPC around the browser stories: rules, an activity, points, approvals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import demo
from jifen.ids import new_id
from jifen.members.v1 import members_pb2 as m
from jifen.points.v1 import activities_pb2 as a
from jifen.points.v1 import activities_pb2_grpc as a_grpc
from jifen.points.v1 import ledger_pb2 as lg
from jifen.points.v1 import ledger_pb2_grpc as lg_grpc
from jifen.points.v1 import rules_pb2 as r
from jifen.points.v1 import rules_pb2_grpc as r_grpc
from jifen.timestamps import to_timestamp
from tests.members_client import bearer

COMMUNITY_ADMIN = "13800000001"
GRID_WORKER = "13800000002"
VOLUNTEER = "13800000012"  # 李建国
ELDERLY = "13800000014"  # 刘志强, of the grid worker's grid
STAFF = demo.STAFF_PHONE  # 陈淑珍 at 张苏滩积分超市


class Town:
    def __init__(self, site):
        self.site = site
        self.admin = site.members.login(COMMUNITY_ADMIN, demo.PASSWORD)
        self.activities = a_grpc.ActivitiesServiceStub(site.points)
        self.ledger = lg_grpc.LedgerServiceStub(site.points)
        self.rules = r_grpc.RulesServiceStub(site.points)

    def member(self, phone: str) -> m.Member:
        found = site_members(self.site, self.admin, phone)
        assert found, phone
        return found

    def community_id(self) -> str:
        return self.member(COMMUNITY_ADMIN).community_id

    def exact_minute_rules(self) -> None:
        """Rules from now on: 10 points a minute, exact minutes, so a short test shift earns points; the
        commendations in force stay, as other stories of the run award them."""
        in_force = self.rules.ResolveRuleVersion(
            r.ResolveRuleVersionRequest(community_id=self.community_id()), metadata=bearer(self.admin)
        ).rule_version.rules
        rules = r.RuleSet(
            points_per_hour=600,
            difficulty_multipliers=[100, 100, 100, 100, 100],
            rounding_minutes=1,
            rounding_mode=r.ROUNDING_MODE_DOWN,
            expiry_policy=r.EXPIRY_POLICY_NEVER,
            commendations=in_force.commendations,
        )
        self.rules.PublishRuleVersion(
            r.PublishRuleVersionRequest(request_id=new_id(), community_id=self.community_id(), rules=rules),
            metadata=bearer(self.admin),
        )

    def activity_starting_soon(self, title: str) -> a.Activity:
        """Check-in opens half an hour before the start, so it is open now."""
        now = datetime.now(UTC)
        return self.activities.CreateActivity(
            a.CreateActivityRequest(
                request_id=new_id(),
                community_id=self.community_id(),
                title=title,
                category="environment",
                difficulty=2,
                start_time=to_timestamp(now + timedelta(minutes=10)),
                end_time=to_timestamp(now + timedelta(hours=2)),
                place="张苏滩社区 5 号楼",
                capacity=20,
                organiser_id=self.member(COMMUNITY_ADMIN).member_id,
            ),
            metadata=bearer(self.admin),
        ).activity

    def award(self, phone: str, points: int) -> None:
        self.ledger.Award(
            lg.AwardRequest(
                request_id=new_id(),
                member_id=self.member(phone).member_id,
                points=points,
                reason="测试前充值",
            ),
            metadata=bearer(self.admin),
        )

    def available(self, phone: str) -> int:
        request = lg.GetBalanceRequest(member_id=self.member(phone).member_id)
        return self.ledger.GetBalance(request, metadata=bearer(self.admin)).balance.available

    def approve_hours(self, activity_id: str) -> list[a.HourRecord]:
        pending = self.activities.ListHourRecords(
            a.ListHourRecordsRequest(activity_id=activity_id, status=a.HOUR_RECORD_STATUS_PENDING),
            metadata=bearer(self.admin),
        ).hour_records
        assert pending, "the check-out left no hour record to approve"
        return list(
            self.activities.ApproveHours(
                a.ApproveHoursRequest(
                    request_id=new_id(), hour_record_ids=[h.hour_record_id for h in pending]
                ),
                metadata=bearer(self.admin),
            ).hour_records
        )


def site_members(site, token: str, phone: str) -> m.Member | None:
    found = site.members.members.ListMembers(
        m.ListMembersRequest(query=phone), metadata=bearer(token)
    ).members
    return next((x for x in found if x.phone.endswith(phone[-4:])), None)
