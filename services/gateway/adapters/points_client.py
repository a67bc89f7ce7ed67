"""The points service as the gateway uses it: balances, statements, activities, hours, ranks."""

from __future__ import annotations

from datetime import datetime

from jifen.points.v1 import activities_pb2 as apb
from jifen.points.v1 import activities_pb2_grpc as apb_grpc
from jifen.points.v1 import ledger_pb2 as lpb
from jifen.points.v1 import ledger_pb2_grpc as lpb_grpc
from jifen.points.v1 import reports_pb2 as rpb
from jifen.points.v1 import reports_pb2_grpc as rpb_grpc
from jifen.timestamps import to_timestamp

from .grpc_calls import Credentials, call, open_channel


class PointsClient:
    def __init__(self, target: str, timeout: float):
        self.channel = open_channel(target)
        self.ledger = lpb_grpc.LedgerServiceStub(self.channel)
        self.activities = apb_grpc.ActivitiesServiceStub(self.channel)
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

    # The dashboard and the audit trail.
    def monthly_summary(
        self, who: Credentials, from_month: str, to_month: str, community_id: str = "", street_id: str = ""
    ) -> list[rpb.MonthlySummary]:
        request = rpb.GetMonthlySummaryRequest(
            community_id=community_id, street_id=street_id, from_month=from_month, to_month=to_month
        )
        stub = rpb_grpc.ReportsServiceStub(self.channel)
        return list(call(stub.GetMonthlySummary, request, who, self.timeout).months)

    def audit_events(
        self, who: Credentials, community_id: str, kinds: list[int], before: datetime | None, page_size: int
    ) -> list[lpb.AuditEvent]:
        request = lpb.ListAuditEventsRequest(community_id=community_id, kinds=kinds, page_size=page_size)
        if before is not None:
            request.created_before.CopyFrom(to_timestamp(before))
        return list(call(self.ledger.ListAuditEvents, request, who, self.timeout).events)
