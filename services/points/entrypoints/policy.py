"""The points access policy: every RPC, who may call it, and the scope check its use case applies."""

from __future__ import annotations

from jifen.caller import ADMIN, SERVICE, service_role
from jifen.points.v1 import activities_pb2, certificates_pb2, ledger_pb2, needs_pb2, reports_pb2, rules_pb2
from jifen.policy import ANY_MEMBER, PUBLIC, rule

ACTIVITIES = activities_pb2.DESCRIPTOR.services_by_name["ActivitiesService"]
RULES = rules_pb2.DESCRIPTOR.services_by_name["RulesService"]
LEDGER = ledger_pb2.DESCRIPTOR.services_by_name["LedgerService"]
REPORTS = reports_pb2.DESCRIPTOR.services_by_name["ReportsService"]
NEEDS = needs_pb2.DESCRIPTOR.services_by_name["NeedsService"]
CERTIFICATES = certificates_pb2.DESCRIPTOR.services_by_name["CertificatesService"]
DESCRIPTORS = [ACTIVITIES, RULES, LEDGER, REPORTS, NEEDS, CERTIFICATES]

_A = "/jifen.points.v1.ActivitiesService/"
_R = "/jifen.points.v1.RulesService/"
_L = "/jifen.points.v1.LedgerService/"
_P = "/jifen.points.v1.ReportsService/"
_N = "/jifen.points.v1.NeedsService/"
_C = "/jifen.points.v1.CertificatesService/"

# Holds move a member's points toward an order: only the market's own identity may place or settle them.
MARKET = service_role("market")
ORGANISER_OR_ADMIN = "the activity's organiser, or an admin of its community or street"

POLICY = {
    _A + "CreateActivity": rule(ADMIN, scope="admin of the community (or its street)"),
    _A + "UpdateActivity": rule(ANY_MEMBER, scope=ORGANISER_OR_ADMIN + "; organiser_id: an admin only"),
    _A + "CancelActivity": rule(ANY_MEMBER, scope=ORGANISER_OR_ADMIN),
    _A + "GetActivity": rule(ANY_MEMBER, scope="any member"),
    _A + "ListActivities": rule(
        ANY_MEMBER, scope="any member; another member's sign-ups: an admin of that member only"
    ),
    _A + "SignUp": rule(
        ANY_MEMBER, scope="self; an admin for another member; members of the activity's community only"
    ),
    _A + "Withdraw": rule(ANY_MEMBER, scope="self; the organiser or an admin for another member"),
    _A + "ListParticipants": rule(ANY_MEMBER, scope=ORGANISER_OR_ADMIN),
    _A + "GetCheckInCode": rule(ANY_MEMBER, scope=ORGANISER_OR_ADMIN),
    _A + "CheckIn": rule(
        ANY_MEMBER,
        scope="self with the current code or QR token; organiser or admin for a signed-up member; "
        "an admin also for one not signed up",
    ),
    _A + "CheckOut": rule(
        ANY_MEMBER, scope="self with the current code or QR token; organiser or admin for a member"
    ),
    _A + "RecordHours": rule(
        ANY_MEMBER,
        scope=ORGANISER_OR_ADMIN + "; the organiser: signed-up members only (an admin adds others); "
        "members of the activity's community only",
    ),
    _A + "ListHourRecords": rule(
        ANY_MEMBER, scope="own records; organiser: the activity's; admin: the community's"
    ),
    _A + "ApproveHours": rule(
        ANY_MEMBER,
        scope=ORGANISER_OR_ADMIN + ", never one's own record nor one the caller recorded; "
        "flagged records (override): an admin only",
    ),
    _A + "RejectHours": rule(ANY_MEMBER, scope=ORGANISER_OR_ADMIN + ", never one's own record"),
    _R + "PublishRuleVersion": rule(ADMIN, scope="community admin: the community; street admin: the street"),
    _R + "GetRuleVersion": rule(ANY_MEMBER, SERVICE, scope="rules are open to every member"),
    _R + "ResolveRuleVersion": rule(ANY_MEMBER, SERVICE, scope="rules are open to every member"),
    _R + "ListRuleVersions": rule(ANY_MEMBER, scope="rules are open to every member"),
    _R + "PreviewRuleVersion": rule(ADMIN, scope="admin of the draft's scope"),
    _L + "GetBalance": rule(
        ANY_MEMBER, SERVICE, scope="self, admin of the member, grid worker of the member's grid, service"
    ),
    _L + "ListEntries": rule(ANY_MEMBER, scope="self, admin of the member, grid worker of the member's grid"),
    _L + "ListAuditEvents": rule(ADMIN, scope="admin of the community (or its street)"),
    _L + "Award": rule(ADMIN, scope="admin of the member's community or street, never oneself"),
    _L + "AwardCommendation": rule(ADMIN, scope="admin of the member's community or street, never oneself"),
    _L + "BulkAward": rule(ADMIN, scope="admin of every listed member's community or street, never oneself"),
    _L + "BulkAwardCommendation": rule(
        ADMIN, scope="admin of every listed member's community or street, never oneself"
    ),
    _L + "Adjust": rule(ADMIN, scope="admin of the member's community or street, never oneself"),
    _L + "Hold": rule(MARKET, scope="the market, with hold_id = redemption id"),
    _L + "Capture": rule(MARKET, scope="the market"),
    _L + "Release": rule(MARKET, scope="the market"),
    _L + "GetHold": rule(MARKET, scope="the market's saga recovery"),
    _L + "GetLeaderboard": rule(ANY_MEMBER, scope="any member; the caller's own rank is added"),
    # --- Reports (the admin console's dashboard) ---
    _P + "GetMonthlySummary": rule(
        ADMIN, scope="community: its admins and its street's admins; street: its street admins"
    ),
    # --- The needs list and the resource list ---
    _N + "PostNeed": rule(ADMIN, scope="admin of the community (or its street)"),
    _N + "ListNeeds": rule(ANY_MEMBER, scope="any member"),
    _N + "GetNeed": rule(ANY_MEMBER, scope="any member"),
    _N + "ClaimNeed": rule(
        ANY_MEMBER,
        scope="self, a volunteer of the need's community; or for a partner unit the caller belongs to "
        "(asked of members)",
    ),
    _N + "RejectClaim": rule(ADMIN, scope="admin of the need's community (or its street)"),
    _N + "AddNeedNote": rule(ANY_MEMBER, scope="an active claimant; an admin of the need's community"),
    _N + "CloseNeed": rule(
        ADMIN,
        scope="admin of the need's community; awards its claimants, or members the admin may award; "
        "never oneself",
    ),
    _N + "ReopenNeed": rule(ADMIN, scope="admin of the need's community (or its street)"),
    _N + "PutResource": rule(ADMIN, scope="admin of the community (or its street)"),
    _N + "DeleteResource": rule(ADMIN, scope="admin of the resource's community (or its street)"),
    _N + "ListResources": rule(ANY_MEMBER, scope="any member"),
    _N + "GetNeedsReport": rule(ADMIN, scope="admin of the community (or its street)"),
    # --- Certificates of service (志愿服务证明) ---
    _C + "IssueCertificate": rule(
        ANY_MEMBER,
        scope="the volunteer themself; an admin of the volunteer's community or street, or of the "
        "issuing community; never another volunteer",
    ),
    _C + "GetCertificate": rule(
        ANY_MEMBER,
        scope="the volunteer themself and their admins (community or street); never another volunteer",
    ),
    _C + "VerifyCertificate": rule(PUBLIC, scope="anyone with the serial: genuine or not, the name masked"),
}
