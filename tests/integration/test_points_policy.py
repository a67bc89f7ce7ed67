"""Every points RPC x every kind of caller: allowed or denied exactly as the policy says.

The expected table is written out here, independently of the code's policy table and of the
use cases' scope checks, so a change to who may do what has to be made (and reviewed) twice.
A new RPC without a row fails the test.

"Allowed" means the call got past authentication, the policy and the scope check: any status
but UNAUTHENTICATED and PERMISSION_DENIED. The requests are built so that an allowed call
succeeds, and the matrix checks that too: an allowed call that fails on a badly formed request
would prove nothing about the policy.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.field_mask_pb2 import FieldMask

from jifen.caller import ADMIN, MEMBER_ROLES, SERVICE, STAFF, Caller, Grant, service_role
from jifen.clock import utcnow
from jifen.points.v1 import activities_pb2 as act
from jifen.points.v1 import certificates_pb2 as cer
from jifen.points.v1 import ledger_pb2 as led
from jifen.points.v1 import needs_pb2 as nee
from jifen.points.v1 import reports_pb2 as rep
from jifen.points.v1 import rules_pb2 as rul
from jifen.policy import rpc_names
from jifen.timestamps import to_timestamp
from services.points.adapters import tables
from services.points.entrypoints.policy import DESCRIPTORS, POLICY
from tests.integration.bad_tokens import NOT_AUTHENTICATED as UNAUTHENTICATED_CALLERS
from tests.integration.bad_tokens import PEOPLE, REFUSED, unauthenticated
from tests.integration.points_town import HOME, OTHER, STREET, PointsTown

DENIED = REFUSED
CALLERS = (
    *PEOPLE,
    "organiser",
    "market_service",
    "other_service",
)
EVERYONE = set(CALLERS)
NOT_AUTHENTICATED = set(UNAUTHENTICATED_CALLERS)
SERVICES = {"market_service", "other_service"}
MEMBERS = EVERYONE - NOT_AUTHENTICATED - SERVICES
MEMBERS_AND_SERVICES = MEMBERS | SERVICES
HOME_ADMINS = {"admin", "street_admin"}
RUNS_THE_ACTIVITY = {"organiser"} | HOME_ADMINS
READS_THE_ACCOUNT = {"self", "grid_worker"} | HOME_ADMINS
# Holds move points toward an order: the market's identity alone, not any service's.
MARKET = {"market_service"}

# Every request names the target volunteer (a member of HOME, in GRID) or an activity of HOME
# organised by "organiser", so the table says who may act on someone else's behalf.
EXPECTED = {
    "ActivitiesService/CreateActivity": HOME_ADMINS,
    "ActivitiesService/UpdateActivity": RUNS_THE_ACTIVITY,
    "ActivitiesService/CancelActivity": RUNS_THE_ACTIVITY,
    "ActivitiesService/GetActivity": MEMBERS,
    "ActivitiesService/ListActivities": MEMBERS,
    # Signing up *the target*: themselves, or an admin (whoever is added can be given hours, so the
    # organiser does not add people). Withdrawing and checking in: themselves or whoever runs it.
    "ActivitiesService/SignUp": {"self"} | HOME_ADMINS,
    "ActivitiesService/Withdraw": {"self"} | RUNS_THE_ACTIVITY,
    "ActivitiesService/ListParticipants": RUNS_THE_ACTIVITY,
    "ActivitiesService/GetCheckInCode": RUNS_THE_ACTIVITY,
    # The target with the code shown on site; the organiser or an admin of HOME vouching without it.
    "ActivitiesService/CheckIn": {"self"} | RUNS_THE_ACTIVITY,
    "ActivitiesService/CheckOut": {"self"} | RUNS_THE_ACTIVITY,
    "ActivitiesService/RecordHours": RUNS_THE_ACTIVITY,
    # The target's records: themselves, the organiser, admins. An admin of another community gets
    # an answer, filtered to their own communities (empty); test_other_admin_sees_no_hour_records.
    "ActivitiesService/ListHourRecords": {"self", "other_admin"} | RUNS_THE_ACTIVITY,
    # The target's pending record (recorded by another admin, not flagged): never the target themselves.
    "ActivitiesService/ApproveHours": RUNS_THE_ACTIVITY,
    "ActivitiesService/RejectHours": RUNS_THE_ACTIVITY,
    "RulesService/PublishRuleVersion": HOME_ADMINS,
    "RulesService/GetRuleVersion": MEMBERS_AND_SERVICES,
    "RulesService/ResolveRuleVersion": MEMBERS_AND_SERVICES,
    "RulesService/ListRuleVersions": MEMBERS,
    "RulesService/PreviewRuleVersion": HOME_ADMINS,
    "LedgerService/GetBalance": READS_THE_ACCOUNT | SERVICES,
    "LedgerService/ListEntries": READS_THE_ACCOUNT,
    # HOME's audit trail: its admins and the street's; another community's admin is refused.
    "LedgerService/ListAuditEvents": HOME_ADMINS,
    "LedgerService/Award": HOME_ADMINS,
    "LedgerService/AwardCommendation": HOME_ADMINS,
    # A list holding the target (and a neighbour): whoever may award each of them.
    "LedgerService/BulkAward": HOME_ADMINS,
    "LedgerService/BulkAwardCommendation": HOME_ADMINS,
    "LedgerService/Adjust": HOME_ADMINS,
    "LedgerService/Hold": MARKET,
    "LedgerService/Capture": MARKET,
    "LedgerService/Release": MARKET,
    "LedgerService/GetHold": MARKET,
    "LedgerService/GetLeaderboard": MEMBERS,
    # HOME's figures: its admins and its street's.
    "ReportsService/GetMonthlySummary": HOME_ADMINS,
    # The needs list of HOME: admins post, reject, close and reopen; any member reads; the members
    # of HOME claim for themselves (the street admin lives in OTHER); the target, who claimed the
    # need, and admins write progress notes.
    "NeedsService/PostNeed": HOME_ADMINS,
    "NeedsService/ListNeeds": MEMBERS,
    "NeedsService/GetNeed": MEMBERS,
    "NeedsService/ClaimNeed": {"self", "volunteer", "staff", "grid_worker", "admin", "organiser"},
    "NeedsService/RejectClaim": HOME_ADMINS,
    "NeedsService/AddNeedNote": {"self"} | HOME_ADMINS,
    "NeedsService/CloseNeed": HOME_ADMINS,
    "NeedsService/ReopenNeed": HOME_ADMINS,
    "NeedsService/PutResource": HOME_ADMINS,
    "NeedsService/DeleteResource": HOME_ADMINS,
    "NeedsService/ListResources": MEMBERS,
    "NeedsService/GetNeedsReport": HOME_ADMINS,
    # The target's certificate: themselves and their admins; never another volunteer, nor a service.
    "CertificatesService/IssueCertificate": {"self"} | HOME_ADMINS,
    "CertificatesService/GetCertificate": {"self"} | HOME_ADMINS,
    # The public page: anyone, even without a (valid) token.
    "CertificatesService/VerifyCertificate": EVERYONE,
}

TARGET = "m-target"
GRID = "gr-home-1"
AWARDED = 500
HELD = 20
RULES = rul.RuleSet(
    points_per_hour=12,
    difficulty_multipliers=[100, 120, 150, 180, 200],
    category_multipliers={"environment": 110},
    rounding_minutes=30,
    rounding_mode=rul.ROUNDING_MODE_DOWN,
    daily_hour_cap_minutes=480,
    commendations=[rul.Commendation(name="优秀志愿者", points=200)],
    expiry_policy=rul.EXPIRY_POLICY_NEVER,
)


def rid() -> str:
    return uuid.uuid4().hex


def ts(delta: timedelta):
    return to_timestamp(utcnow() + delta)


@dataclass
class World:
    """The town the matrix acts in: every kind of caller, an activity with a pending record, a hold."""

    town: PointsTown
    callers: dict[str, Caller]
    tokens: dict[str, list[tuple[str, str]] | None]
    engine: sa.Engine
    activity_id: str
    record_id: str
    hold_id: str
    need_id: str
    # Callers outside the matrix: admins who record hours that the matrix's callers then decide.
    recorders: dict[str, list[tuple[str, str]]]
    days_back: itertools.count
    certified_activity: str = ""
    issued_serial: str = ""

    def as_(self, name: str) -> list[tuple[str, str]] | None:
        return self.tokens[name] if name in self.tokens else self.recorders[name]

    # --- Setups that give an allowed call something real to act on ---

    def activity(self, start: timedelta, end: timedelta, community: str = HOME, by: str = "admin") -> str:
        return self.town.activities.CreateActivity(
            act.CreateActivityRequest(
                request_id=rid(),
                community_id=community,
                title="河道清理",
                category="environment",
                difficulty=3,
                start_time=ts(start),
                end_time=ts(end),
                place="张苏滩河边",
                organiser_id=self.callers["organiser"].member_id if community == HOME else "",
            ),
            metadata=self.as_(by),
        ).activity.activity_id

    def upcoming(self) -> str:
        return self.activity(timedelta(days=2), timedelta(days=2, hours=3))

    def live(self) -> str:
        return self.activity(-timedelta(minutes=10), timedelta(hours=2))

    def ended(self, days_back: int = 0) -> str:
        back = timedelta(days=days_back)
        return self.activity(-back - timedelta(hours=3), -back - timedelta(hours=1))

    def signed_up(self, activity_id: str) -> str:
        self.town.activities.SignUp(
            act.SignUpRequest(request_id=rid(), activity_id=activity_id, member_id=TARGET),
            metadata=self.as_("admin"),
        )
        return activity_id

    def checked_in(self, activity_id: str) -> str:
        self.town.activities.CheckIn(
            act.CheckInRequest(request_id=rid(), activity_id=activity_id, member_id=TARGET),
            metadata=self.as_("organiser"),
        )
        # Check-out needs at least a minute served; rather than wait, the check-in moves back.
        with self.engine.begin() as db:
            db.execute(
                tables.participants.update()
                .where(
                    tables.participants.c.activity_id == activity_id,
                    tables.participants.c.member_id == TARGET,
                )
                .values(check_in_time=utcnow() - timedelta(minutes=45))
            )
        return activity_id

    def code(self, activity_id: str) -> str:
        return self.town.activities.GetCheckInCode(
            act.GetCheckInCodeRequest(activity_id=activity_id), metadata=self.as_("organiser")
        ).code

    def record(self, activity_id: str, member_id: str = TARGET, by: str = "recorder") -> str:
        return (
            self.town.activities.RecordHours(
                act.RecordHoursRequest(
                    request_id=rid(),
                    activity_id=activity_id,
                    entries=[act.HoursInput(member_id=member_id, minutes=90)],
                ),
                metadata=self.as_(by),
            )
            .hour_records[0]
            .hour_record_id
        )

    def pending_record(self) -> str:
        """A fresh pending record of the target in HOME (one per call, so each decision is real),
        recorded by another admin and on a day of its own, so it is not flagged."""
        return self.record(self.ended(days_back=next(self.days_back)))

    def need(self, wanted: int = 1) -> str:
        return self.town.needs.PostNeed(
            nee.PostNeedRequest(
                request_id=rid(),
                community_id=HOME,
                grid_id=GRID,
                title="楼道堆物清理",
                points=5,
                wanted=wanted,
            ),
            metadata=self.as_("admin"),
        ).need.need_id

    def claimed_need(self) -> tuple[str, str]:
        """A need of HOME the target claimed; its id and the claim's."""
        claimed = self.town.needs.ClaimNeed(
            nee.ClaimNeedRequest(request_id=rid(), need_id=self.need(wanted=2)), metadata=self.as_("self")
        ).need
        return claimed.need_id, claimed.claims[0].claim_id

    def closed_need(self) -> str:
        need_id, _ = self.claimed_need()
        self.town.needs.CloseNeed(
            nee.CloseNeedRequest(request_id=rid(), need_id=need_id, result="已办结"),
            metadata=self.as_("admin"),
        )
        return need_id

    def resource(self) -> str:
        return self.town.needs.PutResource(
            nee.PutResourceRequest(
                request_id=rid(), community_id=HOME, unit_name="建设银行网点", title="理财讲座"
            ),
            metadata=self.as_("admin"),
        ).resource.resource_id

    def certified(self) -> str:
        """The target's approved hours in HOME (made once): what a certificate states."""
        if not self.certified_activity:
            self.certified_activity = self.ended(days_back=next(self.days_back))
            record_id = self.record(self.certified_activity)
            self.town.activities.ApproveHours(
                act.ApproveHoursRequest(request_id=rid(), hour_record_ids=[record_id]),
                metadata=self.as_("admin"),
            )
        return self.certified_activity

    def certificate_request(self) -> cer.IssueCertificateRequest:
        self.certified()
        today = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()
        return cer.IssueCertificateRequest(
            request_id=rid(), member_id=TARGET, from_date=f"{today.year}-01-01", to_date=today.isoformat()
        )

    def serial(self) -> str:
        """A certificate of the target's (issued once, by their admin)."""
        if not self.issued_serial:
            self.issued_serial = self.town.certificates.IssueCertificate(
                self.certificate_request(), metadata=self.as_("admin")
            ).certificate.serial
        return self.issued_serial

    def hold(self) -> str:
        hold_id = f"red-{rid()}"
        self.town.ledger.Hold(
            led.HoldRequest(
                request_id=rid(),
                hold_id=hold_id,
                member_id=TARGET,
                amount=1,
                deadline=ts(timedelta(days=7)),
                reason="兑换 毛巾 ×1",
            ),
            metadata=self.as_("market_service"),
        )
        return hold_id


@pytest.fixture
def world(points_town: PointsTown, tmp_path) -> World:
    town = points_town
    callers = {
        "self": town.register(TARGET, HOME, GRID),
        "volunteer": town.register("m-neighbour", HOME, GRID),
        "staff": town.register("m-staff", HOME, "", Grant(STAFF, shop_id="shop-1")),
        "grid_worker": town.grid_worker("m-grid", GRID),
        "admin": town.admin("m-admin", HOME),
        "other_admin": town.admin("m-other-admin", OTHER),
        # Lives in OTHER: only the street grant can reach HOME.
        "street_admin": town.register("m-street-admin", OTHER, "", Grant(ADMIN, street_id=STREET)),
        "organiser": town.register("m-organiser", HOME, GRID),
        "market_service": Caller(service="market"),
        # The gateway's token: a real service identity, with its own audience, that may not hold points.
        "other_service": Caller(service="gateway"),
    }
    # Both carry a street admin's claims: they would be allowed almost everywhere if accepted.
    tokens = {name: town.token(caller) for name, caller in callers.items()}
    tokens.update(unauthenticated(tmp_path, callers["street_admin"], town.token))
    engine = sa.create_engine(town.settings.points_db_url)
    recorders = {
        "recorder": town.token(town.admin("m-recorder", HOME)),
        "other_recorder": town.token(town.admin("m-other-recorder", OTHER)),
    }
    world = World(town, callers, tokens, engine, "", "", "", "", recorders, itertools.count(1))
    world.activity_id = world.ended()
    world.record_id = world.record(world.activity_id)
    world.need_id = world.need()
    town.ledger.Award(
        led.AwardRequest(request_id=rid(), member_id=TARGET, points=AWARDED, reason="志愿服务表彰"),
        metadata=world.as_("admin"),
    )
    world.hold_id = f"red-{rid()}"
    town.ledger.Hold(
        led.HoldRequest(
            request_id=rid(),
            hold_id=world.hold_id,
            member_id=TARGET,
            amount=HELD,
            deadline=ts(timedelta(days=7)),
            reason="兑换 大米 5kg ×1",
        ),
        metadata=world.as_("market_service"),
    )
    yield world
    engine.dispose()


def requests(world: World) -> dict[str, Callable[[], object]]:
    """One request per RPC, aimed at the target volunteer, HOME and its activities; built per call."""
    effective = itertools.count(1)
    return {
        "ActivitiesService/CreateActivity": lambda: act.CreateActivityRequest(
            request_id=rid(),
            community_id=HOME,
            title="敬老院探访",
            category="elderly_care",
            difficulty=2,
            start_time=ts(timedelta(days=3)),
            end_time=ts(timedelta(days=3, hours=2)),
            place="雁南敬老院",
            capacity=20,
            organiser_id=world.callers["organiser"].member_id,
        ),
        "ActivitiesService/UpdateActivity": lambda: act.UpdateActivityRequest(
            request_id=rid(),
            activity_id=world.activity_id,
            title=f"河道清理（{rid()[:4]}）",
            update_mask=FieldMask(paths=["title"]),
        ),
        "ActivitiesService/CancelActivity": lambda: act.CancelActivityRequest(
            request_id=rid(), activity_id=world.upcoming(), reason="暴雨预警"
        ),
        "ActivitiesService/GetActivity": lambda: act.GetActivityRequest(activity_id=world.activity_id),
        "ActivitiesService/ListActivities": lambda: act.ListActivitiesRequest(community_id=HOME),
        "ActivitiesService/SignUp": lambda: act.SignUpRequest(
            request_id=rid(), activity_id=world.upcoming(), member_id=TARGET
        ),
        "ActivitiesService/Withdraw": lambda: act.WithdrawRequest(
            request_id=rid(), activity_id=world.signed_up(world.upcoming()), member_id=TARGET
        ),
        "ActivitiesService/ListParticipants": lambda: act.ListParticipantsRequest(
            activity_id=world.activity_id
        ),
        "ActivitiesService/GetCheckInCode": lambda: act.GetCheckInCodeRequest(activity_id=world.activity_id),
        "ActivitiesService/CheckIn": lambda: _with_code(
            world, world.signed_up(world.live()), act.CheckInRequest
        ),
        "ActivitiesService/CheckOut": lambda: _with_code(
            world, world.checked_in(world.signed_up(world.live())), act.CheckOutRequest
        ),
        # The target signed up for an activity that began ten minutes ago and served five of them.
        "ActivitiesService/RecordHours": lambda: act.RecordHoursRequest(
            request_id=rid(),
            activity_id=world.signed_up(world.live()),
            entries=[act.HoursInput(member_id=TARGET, minutes=5)],
        ),
        "ActivitiesService/ListHourRecords": lambda: act.ListHourRecordsRequest(
            member_id=TARGET, activity_id=world.activity_id
        ),
        "ActivitiesService/ApproveHours": lambda: act.ApproveHoursRequest(
            request_id=rid(), hour_record_ids=[world.pending_record()]
        ),
        "ActivitiesService/RejectHours": lambda: act.RejectHoursRequest(
            request_id=rid(), hour_record_ids=[world.pending_record()], reason="未到场"
        ),
        "RulesService/PublishRuleVersion": lambda: rul.PublishRuleVersionRequest(
            request_id=rid(),
            community_id=HOME,
            effective_from=ts(timedelta(days=1, minutes=next(effective))),
            rules=RULES,
            note="提高环境类活动积分",
        ),
        "RulesService/GetRuleVersion": lambda: rul.GetRuleVersionRequest(rule_version_id="default-0"),
        "RulesService/ResolveRuleVersion": lambda: rul.ResolveRuleVersionRequest(community_id=HOME),
        "RulesService/ListRuleVersions": lambda: rul.ListRuleVersionsRequest(community_id=HOME),
        "RulesService/PreviewRuleVersion": lambda: rul.PreviewRuleVersionRequest(
            community_id=HOME,
            rules=RULES,
            period_start=ts(-timedelta(days=30)),
            period_end=ts(-timedelta(minutes=1)),
        ),
        "LedgerService/GetBalance": lambda: led.GetBalanceRequest(member_id=TARGET),
        "LedgerService/ListEntries": lambda: led.ListEntriesRequest(member_id=TARGET),
        "LedgerService/ListAuditEvents": lambda: led.ListAuditEventsRequest(community_id=HOME),
        "LedgerService/Award": lambda: led.AwardRequest(
            request_id=rid(), member_id=TARGET, points=10, reason="垃圾分类督导"
        ),
        "LedgerService/AwardCommendation": lambda: led.AwardCommendationRequest(
            request_id=rid(), member_id=TARGET, commendation="优秀志愿者", citation="2025年度"
        ),
        "LedgerService/BulkAward": lambda: led.BulkAwardRequest(
            request_id=rid(), member_ids=[TARGET, "m-neighbour"], points=10, reason="河道清理活动"
        ),
        "LedgerService/BulkAwardCommendation": lambda: led.BulkAwardCommendationRequest(
            request_id=rid(),
            member_ids=[TARGET, "m-neighbour"],
            commendation="优秀志愿者",
            citation="2025年度",
        ),
        "LedgerService/Adjust": lambda: led.AdjustRequest(
            request_id=rid(), member_id=TARGET, points=5, reason="补记漏登的积分"
        ),
        "LedgerService/Hold": lambda: led.HoldRequest(
            request_id=rid(),
            hold_id=f"red-{rid()}",
            member_id=TARGET,
            amount=1,
            deadline=ts(timedelta(days=7)),
            reason="兑换 肥皂 ×1",
        ),
        "LedgerService/Capture": lambda: led.CaptureRequest(request_id=rid(), hold_id=world.hold()),
        "LedgerService/Release": lambda: led.ReleaseRequest(
            request_id=rid(), hold_id=world.hold(), reason="cancelled by member"
        ),
        "LedgerService/GetHold": lambda: led.GetHoldRequest(hold_id=world.hold_id),
        "LedgerService/GetLeaderboard": lambda: led.GetLeaderboardRequest(
            community_id=HOME,
            period=led.LEADERBOARD_PERIOD_ALL_TIME,
            metric=led.LEADERBOARD_METRIC_POINTS,
        ),
        "ReportsService/GetMonthlySummary": lambda: rep.GetMonthlySummaryRequest(
            community_id=HOME, from_month="2026-01", to_month="2026-12"
        ),
        "NeedsService/PostNeed": lambda: nee.PostNeedRequest(
            request_id=rid(),
            community_id=HOME,
            title="修理路灯",
            points=10,
            wanted=2,
            deadline=ts(timedelta(days=7)),
        ),
        "NeedsService/ListNeeds": lambda: nee.ListNeedsRequest(community_id=HOME),
        "NeedsService/GetNeed": lambda: nee.GetNeedRequest(need_id=world.need_id),
        "NeedsService/ClaimNeed": lambda: nee.ClaimNeedRequest(request_id=rid(), need_id=world.need()),
        "NeedsService/RejectClaim": lambda: nee.RejectClaimRequest(
            request_id=rid(), **dict(zip(("need_id", "claim_id"), world.claimed_need(), strict=True))
        ),
        "NeedsService/AddNeedNote": lambda: nee.AddNeedNoteRequest(
            request_id=rid(), need_id=world.claimed_need()[0], text="已联系物业"
        ),
        "NeedsService/CloseNeed": lambda: nee.CloseNeedRequest(
            request_id=rid(), need_id=world.claimed_need()[0], result="已清理完毕"
        ),
        "NeedsService/ReopenNeed": lambda: nee.ReopenNeedRequest(
            request_id=rid(), need_id=world.closed_need()
        ),
        "NeedsService/PutResource": lambda: nee.PutResourceRequest(
            request_id=rid(), community_id=HOME, unit_name="建设银行网点", title="反诈讲座"
        ),
        "NeedsService/DeleteResource": lambda: nee.DeleteResourceRequest(
            request_id=rid(), resource_id=world.resource()
        ),
        "NeedsService/ListResources": lambda: nee.ListResourcesRequest(community_id=HOME),
        "NeedsService/GetNeedsReport": lambda: nee.GetNeedsReportRequest(
            community_id=HOME, period_start=ts(-timedelta(days=30)), period_end=ts(timedelta(days=1))
        ),
        "CertificatesService/IssueCertificate": world.certificate_request,
        "CertificatesService/GetCertificate": lambda: cer.GetCertificateRequest(serial=world.serial()),
        "CertificatesService/VerifyCertificate": lambda: cer.VerifyCertificateRequest(serial=world.serial()),
    }


def _with_code(world: World, activity_id: str, message):
    return message(request_id=rid(), activity_id=activity_id, code=world.code(activity_id), member_id=TARGET)


def stub_for(world: World, service: str):
    return {
        "ActivitiesService": world.town.activities,
        "RulesService": world.town.rules,
        "LedgerService": world.town.ledger,
        "ReportsService": world.town.reports,
        "NeedsService": world.town.needs,
        "CertificatesService": world.town.certificates,
    }[service]


def call(world: World, rpc: str, request, caller: str) -> grpc.StatusCode:
    service, method = rpc.split("/")
    try:
        getattr(stub_for(world, service), method)(request, metadata=world.as_(caller))
        return grpc.StatusCode.OK
    except grpc.RpcError as err:
        return err.code()


def denied(world: World, rpc: str, request, caller: str) -> grpc.RpcError:
    service, method = rpc.split("/")
    with pytest.raises(grpc.RpcError) as err:
        getattr(stub_for(world, service), method)(request, metadata=world.as_(caller))
    return err.value


# --- The table itself ---


def test_the_expected_table_covers_every_rpc_of_the_contract():
    contract = {name.split(".v1.")[1] for d in DESCRIPTORS for name in rpc_names(d)}
    assert contract == set(EXPECTED)
    assert {name.split(".v1.")[1] for name in POLICY} == set(EXPECTED)
    assert all(allowed <= EVERYONE for allowed in EXPECTED.values())


def test_the_callers_cover_every_role_and_every_way_to_be_unauthenticated(world):
    roles = set().union(*(world.callers[name].roles for name in CALLERS if name in world.callers))
    assert roles == set(MEMBER_ROLES) | {SERVICE, service_role("market"), service_role("gateway")}
    assert set(CALLERS) >= NOT_AUTHENTICATED
    assert set(world.tokens) == EVERYONE


def test_every_rpc_allows_and_denies_every_caller_as_the_policy_says(world):
    build = requests(world)
    assert set(build) == set(EXPECTED)
    wrong, failed, misnamed = [], [], []
    for rpc, allowed in EXPECTED.items():
        for caller in CALLERS:
            code = call(world, rpc, build[rpc](), caller)
            refused = code in DENIED
            if refused == (caller in allowed):
                wrong.append(f"{rpc} as {caller}: {'denied' if refused else 'allowed'} ({code.name})")
            elif not refused and code != grpc.StatusCode.OK:
                # The request was meant to succeed: a failure here means the row proves nothing.
                failed.append(f"{rpc} as {caller}: {code.name}")
            elif refused:
                # Who you are is unproven -> UNAUTHENTICATED; proven but not allowed -> PERMISSION_DENIED.
                should = (
                    grpc.StatusCode.UNAUTHENTICATED
                    if caller in NOT_AUTHENTICATED
                    else grpc.StatusCode.PERMISSION_DENIED
                )
                if code != should:
                    misnamed.append(f"{rpc} as {caller}: {code.name}, not {should.name}")
    assert wrong == []
    assert failed == []
    assert misnamed == []


def test_an_expired_token_says_so(world):
    err = denied(world, "LedgerService/GetBalance", led.GetBalanceRequest(member_id=TARGET), "expired")
    assert err.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "过期" in err.details()


# --- The acceptance lines, one by one ---


def test_a_volunteer_reads_only_their_own_balance_and_statement(world):
    ledger = world.town.ledger
    own = ledger.GetBalance(led.GetBalanceRequest(), metadata=world.as_("self")).balance
    assert (own.member_id, own.available, own.held) == (TARGET, AWARDED - HELD, HELD)
    named = ledger.GetBalance(led.GetBalanceRequest(member_id=TARGET), metadata=world.as_("self"))
    assert named.balance == own
    statement = ledger.ListEntries(led.ListEntriesRequest(), metadata=world.as_("self")).entries
    assert [e.kind for e in statement] == [led.ENTRY_KIND_HOLD, led.ENTRY_KIND_AWARD]
    assert {e.member_id for e in statement} == {TARGET}

    neighbour = world.callers["volunteer"].member_id
    for reader, whose in (("self", neighbour), ("volunteer", TARGET)):
        for rpc, request in (
            ("LedgerService/GetBalance", led.GetBalanceRequest(member_id=whose)),
            ("LedgerService/ListEntries", led.ListEntriesRequest(member_id=whose)),
        ):
            assert denied(world, rpc, request, reader).code() == grpc.StatusCode.PERMISSION_DENIED, (
                rpc,
                reader,
                whose,
            )


def test_an_admin_of_one_community_cannot_approve_hours_in_another(world):
    town = world.town
    record_in_home = world.pending_record()
    for rpc, request in (
        (
            "ActivitiesService/ApproveHours",
            act.ApproveHoursRequest(
                request_id=rid(), hour_record_ids=[record_in_home], override=True, override_reason="特批"
            ),
        ),
        (
            "ActivitiesService/RejectHours",
            act.RejectHoursRequest(request_id=rid(), hour_record_ids=[record_in_home], reason="未到场"),
        ),
    ):
        assert denied(world, rpc, request, "other_admin").code() == grpc.StatusCode.PERMISSION_DENIED

    # Nothing was decided or certified by the refused calls; HOME's own admin still can.
    before = town.ledger.GetBalance(led.GetBalanceRequest(member_id=TARGET), metadata=world.as_("admin"))
    assert before.balance.certified_minutes == 0
    approved = town.activities.ApproveHours(
        act.ApproveHoursRequest(
            request_id=rid(), hour_record_ids=[record_in_home], override=True, override_reason="特批"
        ),
        metadata=world.as_("admin"),
    ).hour_records[0]
    assert (approved.status, approved.decided_by) == (act.HOUR_RECORD_STATUS_APPROVED, "m-admin")

    # The other way round: OTHER's record is out of reach of HOME's admin, and in reach of OTHER's.
    other_volunteer = town.register("m-other-vol", OTHER)
    in_other = town.activities.CreateActivity(
        act.CreateActivityRequest(
            request_id=rid(),
            community_id=OTHER,
            title="楼道清理",
            category="environment",
            difficulty=1,
            start_time=ts(-timedelta(hours=3)),
            end_time=ts(-timedelta(hours=1)),
        ),
        metadata=world.as_("other_admin"),
    ).activity.activity_id
    record_in_other = world.record(in_other, other_volunteer.member_id, by="other_recorder")
    approve_other = act.ApproveHoursRequest(request_id=rid(), hour_record_ids=[record_in_other])
    assert (
        denied(world, "ActivitiesService/ApproveHours", approve_other, "admin").code()
        == grpc.StatusCode.PERMISSION_DENIED
    )
    decided = town.activities.ApproveHours(
        act.ApproveHoursRequest(request_id=rid(), hour_record_ids=[record_in_other]),
        metadata=world.as_("other_admin"),
    ).hour_records[0]
    assert decided.status == act.HOUR_RECORD_STATUS_APPROVED


def test_nobody_approves_their_own_hours_not_even_the_organiser_or_an_admin(world):
    for who in ("organiser", "admin"):
        own = world.record(world.activity_id, world.callers[who].member_id, by="recorder")
        request = act.ApproveHoursRequest(
            request_id=rid(), hour_record_ids=[own], override=True, override_reason="特批"
        )
        err = denied(world, "ActivitiesService/ApproveHours", request, who)
        assert err.code() == grpc.StatusCode.PERMISSION_DENIED, who
    own = world.record_id
    request = act.ApproveHoursRequest(request_id=rid(), hour_record_ids=[own])
    assert denied(world, "ActivitiesService/ApproveHours", request, "self").code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )


def test_other_admin_sees_no_hour_records_of_the_target(world):
    request = act.ListHourRecordsRequest(member_id=TARGET, activity_id=world.activity_id)
    theirs = world.town.activities.ListHourRecords(request, metadata=world.as_("other_admin"))
    assert list(theirs.hour_records) == []
    home = world.town.activities.ListHourRecords(request, metadata=world.as_("admin"))
    assert [r.hour_record_id for r in home.hour_records] == [world.record_id]


def test_only_the_members_own_admins_list_the_activities_they_signed_up_for(world):
    request = act.ListActivitiesRequest(signed_up_member_id=TARGET)
    mine = world.town.activities.ListActivities(request, metadata=world.as_("admin")).activities
    assert world.activity_id in [a.activity_id for a in mine]
    for stranger in ("other_admin", "volunteer", "grid_worker"):
        with pytest.raises(grpc.RpcError) as err:
            world.town.activities.ListActivities(request, metadata=world.as_(stranger))
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_an_admin_cannot_award_or_adjust_their_own_account(world):
    for who, rpc, request in (
        (
            "admin",
            "LedgerService/Award",
            led.AwardRequest(request_id=rid(), member_id="m-admin", points=50, reason="自评"),
        ),
        (
            "street_admin",
            "LedgerService/Adjust",
            led.AdjustRequest(request_id=rid(), member_id="m-street-admin", points=50, reason="自调"),
        ),
        (
            "admin",
            "LedgerService/BulkAward",
            led.BulkAwardRequest(request_id=rid(), member_ids=[TARGET, "m-admin"], points=50, reason="自评"),
        ),
        (
            "admin",
            "LedgerService/BulkAwardCommendation",
            led.BulkAwardCommendationRequest(
                request_id=rid(), member_ids=["m-admin"], commendation="优秀志愿者"
            ),
        ),
    ):
        assert denied(world, rpc, request, who).code() == grpc.StatusCode.PERMISSION_DENIED, who
    balance = world.town.ledger.GetBalance(
        led.GetBalanceRequest(member_id="m-admin"), metadata=world.as_("admin")
    )
    assert balance.balance.available == 0
