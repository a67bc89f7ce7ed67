"""The points service as the gateway uses it: balances, statements, activities, hours, ranks."""

from __future__ import annotations

from datetime import datetime

from jifen.points.v1 import activities_pb2 as apb
from jifen.points.v1 import activities_pb2_grpc as apb_grpc
from jifen.points.v1 import certificates_pb2 as cpb
from jifen.points.v1 import certificates_pb2_grpc as cpb_grpc
from jifen.points.v1 import ledger_pb2 as lpb
from jifen.points.v1 import ledger_pb2_grpc as lpb_grpc
from jifen.points.v1 import needs_pb2 as npb
from jifen.points.v1 import needs_pb2_grpc as npb_grpc
from jifen.points.v1 import reports_pb2 as reports
from jifen.points.v1 import reports_pb2_grpc as reports_grpc
from jifen.points.v1 import rules_pb2 as rpb
from jifen.points.v1 import rules_pb2_grpc as rpb_grpc
from jifen.timestamps import to_timestamp

from .grpc_calls import Credentials, call, open_channel


class PointsClient:
    def __init__(self, target: str, timeout: float):
        self.channel = open_channel(target)
        self.ledger = lpb_grpc.LedgerServiceStub(self.channel)
        self.activities = apb_grpc.ActivitiesServiceStub(self.channel)
        self.needs_stub = npb_grpc.NeedsServiceStub(self.channel)
        self.certificates = cpb_grpc.CertificatesServiceStub(self.channel)
        self.timeout = timeout

    def balance(self, who: Credentials, member_id: str = "") -> lpb.Balance:
        request = lpb.GetBalanceRequest(member_id=member_id)
        return call(self.ledger.GetBalance, request, who, self.timeout).balance

    def entries(
        self, who: Credentials, after: datetime, before: datetime, page_token: str = "", member_id: str = ""
    ):
        request = lpb.ListEntriesRequest(
            member_id=member_id,
            created_after=to_timestamp(after),
            created_before=to_timestamp(before),
            page_size=100,
            page_token=page_token,
        )
        return call(self.ledger.ListEntries, request, who, self.timeout)

    def month_rank(self, who: Credentials, community_id: str, year: int, month: int):
        request = lpb.GetLeaderboardRequest(
            community_id=community_id,
            period=lpb.LEADERBOARD_PERIOD_MONTH,
            metric=lpb.LEADERBOARD_METRIC_POINTS,
            year=year,
            month=month,
            page_size=1,
        )
        return call(self.ledger.GetLeaderboard, request, who, self.timeout)

    def activities_starting_after(
        self, who: Credentials, community_id: str, after: datetime
    ) -> list[apb.Activity]:
        request = apb.ListActivitiesRequest(
            community_id=community_id, starts_after=to_timestamp(after), page_size=100
        )
        return list(call(self.activities.ListActivities, request, who, self.timeout).activities)

    def activity(self, who: Credentials, activity_id: str) -> apb.Activity:
        request = apb.GetActivityRequest(activity_id=activity_id)
        return call(self.activities.GetActivity, request, who, self.timeout).activity

    def sign_up(self, who: Credentials, request_id: str, activity_id: str) -> apb.Activity:
        request = apb.SignUpRequest(request_id=request_id, activity_id=activity_id)
        return call(self.activities.SignUp, request, who, self.timeout).activity

    def withdraw(self, who: Credentials, request_id: str, activity_id: str) -> apb.Activity:
        request = apb.WithdrawRequest(request_id=request_id, activity_id=activity_id)
        return call(self.activities.Withdraw, request, who, self.timeout).activity

    def check_in(
        self, who: Credentials, request_id: str, activity_id: str, code: str, qr_token: str = ""
    ) -> apb.Participant:
        request = apb.CheckInRequest(
            request_id=request_id, activity_id=activity_id, code=code, qr_token=qr_token
        )
        return call(self.activities.CheckIn, request, who, self.timeout).participant

    def check_out(
        self, who: Credentials, request_id: str, activity_id: str, code: str, qr_token: str = ""
    ) -> apb.CheckOutResponse:
        request = apb.CheckOutRequest(
            request_id=request_id, activity_id=activity_id, code=code, qr_token=qr_token
        )
        return call(self.activities.CheckOut, request, who, self.timeout)

    def hour_records(self, who: Credentials, member_id: str) -> list[apb.HourRecord]:
        request = apb.ListHourRecordsRequest(member_id=member_id, page_size=100)
        return list(call(self.activities.ListHourRecords, request, who, self.timeout).hour_records)

    def check_in_code(self, who: Credentials, activity_id: str) -> apb.GetCheckInCodeResponse:
        request = apb.GetCheckInCodeRequest(activity_id=activity_id)
        return call(self.activities.GetCheckInCode, request, who, self.timeout)

    def close(self) -> None:
        self.channel.close()

    # Admin console: activities and hours.
    def community_activities(
        self, who: Credentials, community_id: str, status: int, starts_after: datetime | None = None
    ) -> apb.ListActivitiesResponse:
        request = apb.ListActivitiesRequest(
            community_id=community_id,
            status=status,
            starts_after=to_timestamp(starts_after) if starts_after else None,
            page_size=100,
        )
        return call(self.activities.ListActivities, request, who, self.timeout)

    def create_activity(self, who: Credentials, request: apb.CreateActivityRequest) -> apb.Activity:
        return call(self.activities.CreateActivity, request, who, self.timeout).activity

    def update_activity(self, who: Credentials, request: apb.UpdateActivityRequest) -> apb.Activity:
        return call(self.activities.UpdateActivity, request, who, self.timeout).activity

    def cancel_activity(
        self, who: Credentials, request_id: str, activity_id: str, reason: str
    ) -> apb.Activity:
        request = apb.CancelActivityRequest(request_id=request_id, activity_id=activity_id, reason=reason)
        return call(self.activities.CancelActivity, request, who, self.timeout).activity

    def participants(self, who: Credentials, activity_id: str) -> list[apb.Participant]:
        request = apb.ListParticipantsRequest(activity_id=activity_id, page_size=100)
        return list(call(self.activities.ListParticipants, request, who, self.timeout).participants)

    def record_hours(
        self, who: Credentials, request_id: str, activity_id: str, member_id: str, minutes: int
    ) -> apb.HourRecord:
        request = apb.RecordHoursRequest(
            request_id=request_id,
            activity_id=activity_id,
            entries=[apb.HoursInput(member_id=member_id, minutes=minutes)],
        )
        return call(self.activities.RecordHours, request, who, self.timeout).hour_records[0]

    def community_hour_records(
        self, who: Credentials, community_id: str = "", activity_id: str = "", status: int = 0
    ) -> apb.ListHourRecordsResponse:
        request = apb.ListHourRecordsRequest(
            community_id=community_id, activity_id=activity_id, status=status, page_size=100
        )
        return call(self.activities.ListHourRecords, request, who, self.timeout)

    def approve_hours(
        self, who: Credentials, request_id: str, ids: list[str], override: bool, reason: str
    ) -> list[apb.HourRecord]:
        request = apb.ApproveHoursRequest(
            request_id=request_id, hour_record_ids=ids, override=override, override_reason=reason
        )
        return list(call(self.activities.ApproveHours, request, who, self.timeout).hour_records)

    def reject_hours(
        self, who: Credentials, request_id: str, ids: list[str], reason: str
    ) -> list[apb.HourRecord]:
        request = apb.RejectHoursRequest(request_id=request_id, hour_record_ids=ids, reason=reason)
        return list(call(self.activities.RejectHours, request, who, self.timeout).hour_records)

    # Admin console: points and rules.
    def award_commendation(
        self, who: Credentials, request_id: str, member_id: str, commendation: str, citation: str
    ) -> lpb.AwardCommendationResponse:
        request = lpb.AwardCommendationRequest(
            request_id=request_id, member_id=member_id, commendation=commendation, citation=citation
        )
        return call(self.ledger.AwardCommendation, request, who, self.timeout)

    def bulk_award_commendation(
        self, who: Credentials, request_id: str, member_ids: list[str], commendation: str, citation: str
    ) -> lpb.BulkAwardCommendationResponse:
        request = lpb.BulkAwardCommendationRequest(
            request_id=request_id, member_ids=member_ids, commendation=commendation, citation=citation
        )
        return call(self.ledger.BulkAwardCommendation, request, who, self.timeout)

    def adjust(
        self, who: Credentials, request_id: str, member_id: str, points: int, reason: str
    ) -> lpb.AdjustResponse:
        request = lpb.AdjustRequest(request_id=request_id, member_id=member_id, points=points, reason=reason)
        return call(self.ledger.Adjust, request, who, self.timeout)

    def leaderboard(
        self, who: Credentials, community_id: str, period: int, metric: int, year: int, month: int
    ) -> lpb.GetLeaderboardResponse:
        request = lpb.GetLeaderboardRequest(
            community_id=community_id, period=period, metric=metric, year=year, month=month, page_size=50
        )
        return call(self.ledger.GetLeaderboard, request, who, self.timeout)

    def rule_in_force(self, who: Credentials, community_id: str) -> rpb.RuleVersion:
        request = rpb.ResolveRuleVersionRequest(community_id=community_id)
        return call(self._rules().ResolveRuleVersion, request, who, self.timeout).rule_version

    def rule_versions(self, who: Credentials, community_id: str) -> list[rpb.RuleVersion]:
        request = rpb.ListRuleVersionsRequest(community_id=community_id, page_size=50)
        return list(call(self._rules().ListRuleVersions, request, who, self.timeout).rule_versions)

    def preview_rules(
        self, who: Credentials, community_id: str, rules: rpb.RuleSet, start: datetime, end: datetime
    ) -> rpb.PreviewRuleVersionResponse:
        request = rpb.PreviewRuleVersionRequest(
            community_id=community_id,
            rules=rules,
            period_start=to_timestamp(start),
            period_end=to_timestamp(end),
            page_size=200,
        )
        return call(self._rules().PreviewRuleVersion, request, who, self.timeout)

    def publish_rules(self, who: Credentials, request: rpb.PublishRuleVersionRequest) -> rpb.RuleVersion:
        return call(self._rules().PublishRuleVersion, request, who, self.timeout).rule_version

    def _rules(self) -> rpb_grpc.RulesServiceStub:
        return rpb_grpc.RulesServiceStub(self.channel)

    # The dashboard and the audit trail.
    def monthly_summary(
        self, who: Credentials, from_month: str, to_month: str, community_id: str = "", street_id: str = ""
    ) -> list[reports.MonthlySummary]:
        request = reports.GetMonthlySummaryRequest(
            community_id=community_id, street_id=street_id, from_month=from_month, to_month=to_month
        )
        stub = reports_grpc.ReportsServiceStub(self.channel)
        return list(call(stub.GetMonthlySummary, request, who, self.timeout).months)

    def audit_events(
        self, who: Credentials, community_id: str, kinds: list[int], before: datetime | None, page_size: int
    ) -> list[lpb.AuditEvent]:
        request = lpb.ListAuditEventsRequest(community_id=community_id, kinds=kinds, page_size=page_size)
        if before is not None:
            request.created_before.CopyFrom(to_timestamp(before))
        return list(call(self.ledger.ListAuditEvents, request, who, self.timeout).events)

    # --- The needs list and the resource list ---

    def needs(self, who: Credentials, community_id: str, status: int = 0) -> list[npb.Need]:
        request = npb.ListNeedsRequest(community_id=community_id, status=status)
        return list(call(self.needs_stub.ListNeeds, request, who, self.timeout).needs)

    def need(self, who: Credentials, need_id: str) -> npb.Need:
        request = npb.GetNeedRequest(need_id=need_id)
        return call(self.needs_stub.GetNeed, request, who, self.timeout).need

    def post_need(self, who: Credentials, request: npb.PostNeedRequest) -> npb.Need:
        return call(self.needs_stub.PostNeed, request, who, self.timeout).need

    def claim_need(
        self, who: Credentials, request_id: str, need_id: str, organization_id: str = ""
    ) -> npb.Need:
        request = npb.ClaimNeedRequest(
            request_id=request_id, need_id=need_id, organization_id=organization_id
        )
        return call(self.needs_stub.ClaimNeed, request, who, self.timeout).need

    def reject_claim(self, who: Credentials, request_id: str, need_id: str, claim_id: str, reason: str):
        request = npb.RejectClaimRequest(
            request_id=request_id, need_id=need_id, claim_id=claim_id, reason=reason
        )
        return call(self.needs_stub.RejectClaim, request, who, self.timeout).need

    def note_need(self, who: Credentials, request_id: str, need_id: str, text: str) -> npb.Need:
        request = npb.AddNeedNoteRequest(request_id=request_id, need_id=need_id, text=text)
        return call(self.needs_stub.AddNeedNote, request, who, self.timeout).need

    def close_need(self, who: Credentials, request_id: str, need_id: str, result: str):
        request = npb.CloseNeedRequest(request_id=request_id, need_id=need_id, result=result)
        return call(self.needs_stub.CloseNeed, request, who, self.timeout)

    def reopen_need(self, who: Credentials, request_id: str, need_id: str, reason: str) -> npb.Need:
        request = npb.ReopenNeedRequest(request_id=request_id, need_id=need_id, reason=reason)
        return call(self.needs_stub.ReopenNeed, request, who, self.timeout).need

    def resources(self, who: Credentials, community_id: str) -> list[npb.Resource]:
        request = npb.ListResourcesRequest(community_id=community_id)
        return list(call(self.needs_stub.ListResources, request, who, self.timeout).resources)

    def put_resource(self, who: Credentials, request: npb.PutResourceRequest) -> npb.Resource:
        return call(self.needs_stub.PutResource, request, who, self.timeout).resource

    def delete_resource(self, who: Credentials, request_id: str, resource_id: str) -> None:
        request = npb.DeleteResourceRequest(request_id=request_id, resource_id=resource_id)
        call(self.needs_stub.DeleteResource, request, who, self.timeout)

    def needs_report(self, who: Credentials, community_id: str, start: datetime, end: datetime):
        request = npb.GetNeedsReportRequest(
            community_id=community_id, period_start=to_timestamp(start), period_end=to_timestamp(end)
        )
        return call(self.needs_stub.GetNeedsReport, request, who, self.timeout)

    # --- Certificates of service (志愿服务证明) ---

    def issue_certificate(
        self, who: Credentials, request_id: str, member_id: str, from_date: str, to_date: str
    ) -> cpb.Certificate:
        request = cpb.IssueCertificateRequest(
            request_id=request_id, member_id=member_id, from_date=from_date, to_date=to_date
        )
        return call(self.certificates.IssueCertificate, request, who, self.timeout).certificate

    def certificate(self, who: Credentials, serial: str) -> cpb.Certificate:
        request = cpb.GetCertificateRequest(serial=serial)
        return call(self.certificates.GetCertificate, request, who, self.timeout).certificate

    def verify_certificate(self, who: Credentials, serial: str) -> cpb.VerifyCertificateResponse:
        """The public check: `who` may be anonymous (no token)."""
        return call(
            self.certificates.VerifyCertificate,
            cpb.VerifyCertificateRequest(serial=serial),
            who,
            self.timeout,
        )
