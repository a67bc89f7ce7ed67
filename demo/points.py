"""The points part of `jifen up --demo`: rules, activities past and coming, approved hours, a commendation.

Like the members part it goes through the public gRPC contracts, as the community admin would.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import grpc

from jifen.clock import utcnow
from jifen.points.v1 import activities_pb2 as a
from jifen.points.v1 import activities_pb2_grpc as a_grpc
from jifen.points.v1 import certificates_pb2 as c
from jifen.points.v1 import certificates_pb2_grpc as c_grpc
from jifen.points.v1 import ledger_pb2 as ledger
from jifen.points.v1 import ledger_pb2_grpc as ledger_grpc
from jifen.points.v1 import needs_pb2 as n
from jifen.points.v1 import needs_pb2_grpc as n_grpc
from jifen.points.v1 import rules_pb2 as r
from jifen.points.v1 import rules_pb2_grpc as r_grpc
from jifen.settings import Settings
from jifen.timestamps import to_timestamp

LOCAL = ZoneInfo("Asia/Shanghai")

# (title, category, difficulty, days from now, hours long, place)
PAST = (
    ("环境卫生整治", "environment", 2, -8, 3, "张苏滩社区 3 号楼周边"),
    ("助老送餐", "elderly_care", 2, -5, 2, "张苏滩社区老年食堂"),
)
COMING = (
    ("文明交通劝导", "traffic", 3, 2, 2, "张苏滩路与雁南大街路口"),
    ("防汛应急值守", "emergency", 4, 4, 4, "张苏滩社区防汛物资仓库"),
    ("垃圾分类宣传", "publicity", 1, 6, 2, "张苏滩社区文化广场"),
)
RULES = r.RuleSet(
    points_per_hour=10,
    difficulty_multipliers=[100, 120, 150, 180, 200],
    category_multipliers={"emergency": 120},
    rounding_minutes=30,
    rounding_mode=r.ROUNDING_MODE_DOWN,
    daily_hour_cap_minutes=480,
    commendations=[
        r.Commendation(name="优秀志愿者", points=200),
        r.Commendation(name="文明家庭", points=100),
        r.Commendation(name="好人好事", points=50),
    ],
    expiry_policy=r.EXPIRY_POLICY_END_OF_YEAR,
    expiry_value=1,
)


def seed_points(
    settings: Settings, admin_token: str, community_id: str, volunteer_ids: list[str], approver_token: str
) -> str:
    """`approver_token` is another admin of the community (or its street): it certifies the hours.
    Returns the serial of the certificate of service issued to the first volunteer."""
    channel = grpc.insecure_channel(settings.target("points"))
    auth = [("authorization", f"Bearer {admin_token}")]
    activities = a_grpc.ActivitiesServiceStub(channel)
    accounts = ledger_grpc.LedgerServiceStub(channel)
    _wait_for_accounts(accounts, auth, volunteer_ids)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    r_grpc.RulesServiceStub(channel).PublishRuleVersion(
        r.PublishRuleVersionRequest(
            request_id="demo:rules",
            community_id=community_id,
            rules=RULES,
            title="张苏滩社区志愿服务积分办法",
            note="张苏滩社区积分规则：1 小时 10 分，防汛等应急任务另加 20%",
        ),
        metadata=auth,
    )
    for index, (title, category, difficulty, days, hours, place) in enumerate(PAST):
        activity = _activity(
            activities,
            auth,
            community_id,
            title,
            category,
            difficulty,
            now + timedelta(days=days),
            hours,
            place,
        )
        served = volunteer_ids[index : index + 3]
        records = activities.RecordHours(
            a.RecordHoursRequest(
                request_id=f"demo:hours:{title}",
                activity_id=activity.activity_id,
                entries=[
                    a.HoursInput(member_id=v, minutes=hours * 60 - 15 * i) for i, v in enumerate(served)
                ],
            ),
            metadata=auth,
        ).hour_records
        activities.ApproveHours(
            a.ApproveHoursRequest(
                request_id=f"demo:approve:{title}", hour_record_ids=[h.hour_record_id for h in records]
            ),
            metadata=[("authorization", f"Bearer {approver_token}")],
        )
    for title, category, difficulty, days, hours, place in COMING:
        activity = _activity(
            activities,
            auth,
            community_id,
            title,
            category,
            difficulty,
            now + timedelta(days=days),
            hours,
            place,
        )
        for volunteer_id in volunteer_ids[:2]:
            activities.SignUp(
                a.SignUpRequest(
                    request_id=f"demo:signup:{title}:{volunteer_id}",
                    activity_id=activity.activity_id,
                    member_id=volunteer_id,
                ),
                metadata=auth,
            )
    accounts.AwardCommendation(
        ledger.AwardCommendationRequest(
            request_id="demo:commendation",
            member_id=volunteer_ids[0],
            commendation="优秀志愿者",
            citation="2026年度",
        ),
        metadata=auth,
    )
    # A certificate of service (志愿服务证明) of the first volunteer's hours this year, from the admin.
    today = now.astimezone(LOCAL).date()
    first_day = (now - timedelta(days=30)).astimezone(LOCAL).date().replace(month=1, day=1)
    serial = (
        c_grpc.CertificatesServiceStub(channel)
        .IssueCertificate(
            c.IssueCertificateRequest(
                request_id="demo:certificate",
                member_id=volunteer_ids[0],
                from_date=first_day.isoformat(),
                to_date=today.isoformat(),
            ),
            metadata=auth,
        )
        .certificate.serial
    )
    channel.close()
    return serial


def _activity(stub, auth, community_id, title, category, difficulty, start: datetime, hours: int, place: str):
    return stub.CreateActivity(
        a.CreateActivityRequest(
            request_id=f"demo:activity:{title}",
            community_id=community_id,
            title=title,
            category=category,
            difficulty=difficulty,
            start_time=to_timestamp(start),
            end_time=to_timestamp(start + timedelta(hours=hours)),
            place=place,
            capacity=20,
        ),
        metadata=auth,
    ).activity


def _wait_for_accounts(accounts, auth, member_ids: list[str], timeout: float = 30.0) -> None:
    """Points opens accounts when the member events arrive; the demo waits for them."""
    deadline = time.monotonic() + timeout
    for member_id in member_ids:
        while True:
            try:
                accounts.GetBalance(ledger.GetBalanceRequest(member_id=member_id), metadata=auth)
                break
            except grpc.RpcError as exc:
                if exc.code() != grpc.StatusCode.NOT_FOUND or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def seed_needs(
    settings: Settings,
    admin_token: str,
    community_id: str,
    grid_id: str,
    volunteer_token: str,
    unit_member_token: str,
    unit_id: str,
    resources: dict[str, str],
) -> None:
    """The needs list (问题清单): one closed (its volunteer awarded), one claimed by a partner unit
    through its member, one open; and what the partner units offer (资源清单)."""
    channel = grpc.insecure_channel(settings.target("points"))
    needs = n_grpc.NeedsServiceStub(channel)
    auth = [("authorization", f"Bearer {admin_token}")]

    def post(key: str, title: str, place: str, points: int, wanted: int, grid: str = "") -> str:
        return needs.PostNeed(
            n.PostNeedRequest(
                request_id=f"demo:need:{key}",
                community_id=community_id,
                grid_id=grid,
                place=place,
                title=title,
                category="environment",
                points=points,
                wanted=wanted,
            ),
            metadata=auth,
        ).need.need_id

    done = post("clutter", "楼道堆物清理", "张苏滩社区 3 号楼", 20, 1, grid_id)
    needs.ClaimNeed(
        n.ClaimNeedRequest(request_id="demo:claim:clutter", need_id=done),
        metadata=[("authorization", f"Bearer {volunteer_token}")],
    )
    needs.CloseNeed(
        n.CloseNeedRequest(request_id="demo:close:clutter", need_id=done, result="已清理 3 处堆物，通道畅通"),
        metadata=auth,
    )
    heating = post("heating", "独居老人家暖气检修", "张苏滩社区 7 号楼 2 单元", 30, 1, grid_id)
    needs.ClaimNeed(
        n.ClaimNeedRequest(request_id="demo:claim:heating", need_id=heating, organization_id=unit_id),
        metadata=[("authorization", f"Bearer {unit_member_token}")],
    )
    post("lights", "小区路灯不亮", "张苏滩社区北门", 10, 2)
    for unit_name, title in resources.items():
        needs.PutResource(
            n.PutResourceRequest(
                request_id=f"demo:resource:{unit_name}",
                community_id=community_id,
                unit_name=unit_name,
                title=title,
            ),
            metadata=auth,
        )
    channel.close()
