"""Bad input over gRPC: the right status, a message naming the field, and nothing written."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.field_mask_pb2 import FieldMask
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from jifen.caller import ADMIN, Caller, Grant
from jifen.clock import utcnow
from jifen.points.v1 import activities_pb2 as ap
from jifen.points.v1 import certificates_pb2 as cp
from jifen.points.v1 import ledger_pb2 as lp
from jifen.points.v1 import needs_pb2 as np
from jifen.points.v1 import reports_pb2 as rep
from jifen.points.v1 import rules_pb2 as rp
from jifen.tables import IDEMPOTENCY_KEYS, OUTBOX
from jifen.timestamps import to_timestamp
from services.points.adapters import tables
from services.points.entrypoints.policy import DESCRIPTORS, POLICY
from tests.integration.points_town import HOME, STREET
from tests.undecodable import refusals_of_undecodable_requests

START = utcnow().replace(microsecond=0) - timedelta(days=7)


def activity_request(request_id, **changes):
    fields = {
        "request_id": request_id,
        "community_id": HOME,
        "title": "环境卫生整治",
        "category": "environment",
        "difficulty": 2,
        "start_time": to_timestamp(START),
        "end_time": to_timestamp(START + timedelta(hours=3)),
        "place": "3 号楼",
    }
    return ap.CreateActivityRequest(**{**fields, **changes})


def counts(town):
    engine = sa.create_engine(town.settings.points_db_url)
    with engine.connect() as conn:
        found = {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (
                tables.activities,
                tables.hour_records,
                tables.entries,
                tables.rule_versions,
                tables.certificates,
                OUTBOX,
                IDEMPOTENCY_KEYS,
            )
        }
    engine.dispose()
    return found


def refused(call, request, metadata, code, field=None):
    with pytest.raises(grpc.RpcError) as err:
        call(request, metadata=metadata)
    assert err.value.code() == code, err.value.details()
    if field:
        assert err.value.details().startswith(f"{field}: ")
        status = rpc_status.from_call(err.value)
        violation = error_details_pb2.BadRequest()
        status.details[0].Unpack(violation)
        assert violation.field_violations[0].field == field
    return err.value.details()


def test_bad_input_is_refused_clearly_and_changes_nothing(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    town.register("m-vol")
    activity = town.activities.CreateActivity(activity_request("good"), metadata=admin).activity
    before = counts(town)

    invalid = grpc.StatusCode.INVALID_ARGUMENT
    assert "难度" in refused(
        town.activities.CreateActivity, activity_request("d9", difficulty=9), admin, invalid, "difficulty"
    )
    refused(
        town.activities.CreateActivity,
        activity_request("backwards", end_time=to_timestamp(START - timedelta(hours=1))),
        admin,
        invalid,
        "end_time",
    )
    for minutes in (-30, 0, 100_000):
        refused(
            town.activities.RecordHours,
            ap.RecordHoursRequest(
                request_id=f"minutes-{minutes}",
                activity_id=activity.activity_id,
                entries=[ap.HoursInput(member_id="m-vol", minutes=minutes)],
            ),
            admin,
            invalid,
            "entries[0].minutes",
        )
    not_found = grpc.StatusCode.NOT_FOUND
    refused(
        town.activities.GetActivity, ap.GetActivityRequest(activity_id="no-such-activity"), admin, not_found
    )
    refused(
        town.activities.RecordHours,
        ap.RecordHoursRequest(
            request_id="unknown-activity",
            activity_id="no-such-activity",
            entries=[ap.HoursInput(member_id="m-vol", minutes=60)],
        ),
        admin,
        not_found,
    )
    refused(
        town.activities.ApproveHours,
        ap.ApproveHoursRequest(request_id="unknown-record", hour_record_ids=["no-such-record"]),
        admin,
        not_found,
    )
    refused(
        town.rules.PublishRuleVersion,
        rp.PublishRuleVersionRequest(
            request_id="bad-rules",
            community_id=HOME,
            rules=rp.RuleSet(points_per_hour=10, difficulty_multipliers=[100, 120, 150]),
        ),
        admin,
        invalid,
        "rules.difficulty_multipliers",
    )
    refused(
        town.ledger.Adjust,
        lp.AdjustRequest(request_id="no-reason", member_id="m-vol", points=-5, reason=""),
        admin,
        invalid,
        "reason",
    )
    refused(
        town.ledger.Award,
        lp.AwardRequest(request_id="m", member_id="m-vol", points=-1, reason="x"),
        admin,
        invalid,
        "points",
    )
    assert counts(town) == before


def test_english_messages_on_request(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    message = refused(
        town.activities.CreateActivity,
        activity_request("d9", difficulty=9),
        [*admin, ("accept-language", "en")],
        grpc.StatusCode.INVALID_ARGUMENT,
        "difficulty",
    )
    assert message.isascii()


def test_bad_bulk_awards_are_refused_naming_the_place_and_change_nothing(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    town.register("m-vol")
    town.register("m-vol-2")
    before = counts(town)

    invalid = grpc.StatusCode.INVALID_ARGUMENT
    for member_ids, field in (
        ([], "member_ids"),
        ([f"m-{i}" for i in range(501)], "member_ids"),
        (["m-vol", ""], "member_ids[1]"),
        (["m-vol", "m-vol-2", "m-vol"], "member_ids[2]"),
    ):
        refused(
            town.ledger.BulkAward,
            lp.BulkAwardRequest(request_id="list", member_ids=member_ids, points=10, reason="河道清理"),
            admin,
            invalid,
            field,
        )
        refused(
            town.ledger.BulkAwardCommendation,
            lp.BulkAwardCommendationRequest(
                request_id="list", member_ids=member_ids, commendation="好人好事"
            ),
            admin,
            invalid,
            field,
        )
    pair = ["m-vol", "m-vol-2"]
    for points, reason, field in ((0, "河道清理", "points"), (-5, "河道清理", "points"), (10, " ", "reason")):
        refused(
            town.ledger.BulkAward,
            lp.BulkAwardRequest(request_id="award", member_ids=pair, points=points, reason=reason),
            admin,
            invalid,
            field,
        )
    refused(
        town.ledger.BulkAwardCommendation,
        lp.BulkAwardCommendationRequest(request_id="commend", member_ids=pair, commendation=""),
        admin,
        invalid,
        "commendation",
    )
    # Not bad input but a list naming someone it cannot reach: the error names the place and the member.
    unknown = [*pair, "no-such-member"]
    assert refused(
        town.ledger.BulkAward,
        lp.BulkAwardRequest(request_id="unknown", member_ids=unknown, points=10, reason="河道清理"),
        admin,
        grpc.StatusCode.NOT_FOUND,
    ).startswith("member_ids[2]: 成员 no-such-member 不存在")
    assert refused(
        town.ledger.BulkAwardCommendation,
        lp.BulkAwardCommendationRequest(request_id="no-such", member_ids=pair, commendation="社区之星"),
        admin,
        grpc.StatusCode.FAILED_PRECONDITION,
    ).startswith("member_ids[0]: 成员 m-vol：现行积分规则中没有「社区之星」")
    assert counts(town) == before


def test_a_string_that_is_not_utf8_is_invalid_argument_on_every_mutating_rpc(points_town):
    town = points_town
    admin, volunteer, market = town.admin("m-admin"), town.register("m-vol"), Caller(service="market")
    callers = [(c, lambda c=c: town.token(c)) for c in (admin, volunteer, market)]
    before = counts(town)
    tried, wrong = refusals_of_undecodable_requests(town.channel, DESCRIPTORS, POLICY, callers)
    assert wrong == [], "\n".join(wrong)
    assert "/jifen.points.v1.LedgerService/Hold" in tried and len(tried) >= 15
    assert counts(town) == before


def test_hours_past_the_cap_or_outside_the_community_are_refused_naming_the_field(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    organiser = town.token(town.register("m-organiser"))
    town.register("m-vol")
    town.register("m-outsider", "co-tianqing")
    # Three hours, one place: 180 minutes in all.
    activity = town.activities.CreateActivity(
        activity_request("one-place", capacity=1, organiser_id="m-organiser"), metadata=admin
    ).activity
    before = counts(town)

    def record(request_id, member_id, minutes):
        return ap.RecordHoursRequest(
            request_id=request_id,
            activity_id=activity.activity_id,
            entries=[ap.HoursInput(member_id=member_id, minutes=minutes)],
        )

    precondition = grpc.StatusCode.FAILED_PRECONDITION
    # Not bad input (the request is well formed) but refused all the same: the message names the field.
    assert refused(town.activities.RecordHours, record("cap", "m-vol", 200), admin, precondition).startswith(
        "entries: 本活动的服务时长合计不能超过 180 分钟"
    )
    assert refused(
        town.activities.RecordHours, record("outsider", "m-outsider", 60), admin, precondition
    ).startswith("entries[0].member_id: 该成员不属于本活动所在社区")
    denied = grpc.StatusCode.PERMISSION_DENIED
    assert refused(
        town.activities.RecordHours, record("not-signed-up", "m-vol", 60), organiser, denied
    ).startswith("entries[0].member_id: 该成员未报名本活动")
    assert refused(
        town.activities.UpdateActivity,
        ap.UpdateActivityRequest(
            request_id="handover",
            activity_id=activity.activity_id,
            organiser_id="m-vol",
            update_mask=FieldMask(paths=["organiser_id"]),
        ),
        organiser,
        denied,
    ).startswith("organiser_id: 只有管理员可以更换活动组织者")
    assert counts(town) == before


def test_a_check_in_qr_token_that_is_no_token_or_comes_with_a_code_is_bad_input(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    member = town.token(town.register("m-vol"))
    now = utcnow()
    activity = town.activities.CreateActivity(
        activity_request(
            "live",
            start_time=to_timestamp(now - timedelta(minutes=5)),
            end_time=to_timestamp(now + timedelta(hours=1)),
        ),
        metadata=admin,
    ).activity
    town.activities.SignUp(
        ap.SignUpRequest(request_id="su", activity_id=activity.activity_id), metadata=member
    )
    shown = town.activities.GetCheckInCode(
        ap.GetCheckInCodeRequest(activity_id=activity.activity_id), metadata=admin
    )
    before = counts(town)
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    rpcs = ((town.activities.CheckIn, ap.CheckInRequest), (town.activities.CheckOut, ap.CheckOutRequest))
    for call, message in rpcs:
        junk = message(request_id="junk", activity_id=activity.activity_id, qr_token="https://evil.example/")
        refused(call, junk, member, invalid, "qr_token")
        both = message(
            request_id="both", activity_id=activity.activity_id, code=shown.code, qr_token=shown.qr_payload
        )
        refused(call, both, member, invalid, "code")
    assert counts(town) == before


def test_a_monthly_summary_over_a_bad_range_or_scope_is_refused_naming_the_field(points_town):
    town = points_town
    street_admin = town.token(town.register("m-street", HOME, "", Grant(ADMIN, street_id=STREET)))
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    for fields, field in (
        ({"community_id": HOME, "from_month": "2026-13", "to_month": "2027-01"}, "from_month"),
        ({"community_id": HOME, "from_month": "", "to_month": "2027-01"}, "from_month"),
        ({"community_id": HOME, "from_month": "2026-09", "to_month": "26-1"}, "to_month"),
        ({"community_id": HOME, "from_month": "2026-09", "to_month": "2026-08"}, "to_month"),
        ({"community_id": HOME, "from_month": "2020-01", "to_month": "2026-01"}, "to_month"),
        ({"from_month": "2026-09", "to_month": "2026-10"}, "community_id"),
        ({"street_id": STREET, "from_month": "2026-09", "to_month": "2026"}, "to_month"),
        (dict(community_id=HOME, street_id=STREET, from_month="2026-09", to_month="2026-10"), "community_id"),
    ):
        request = rep.GetMonthlySummaryRequest(**fields)
        message = refused(town.reports.GetMonthlySummary, request, street_admin, invalid, field)
        assert not message.isascii(), message
    assert "早于" in refused(
        town.reports.GetMonthlySummary,
        rep.GetMonthlySummaryRequest(community_id=HOME, from_month="2026-09", to_month="2026-08"),
        street_admin,
        invalid,
        "to_month",
    )


def need_counts(town):
    engine = sa.create_engine(town.settings.points_db_url)
    with engine.connect() as conn:
        found = {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (
                tables.needs,
                tables.need_claims,
                tables.need_notes,
                tables.need_awards,
                tables.resources,
                tables.entries,
                OUTBOX,
                IDEMPOTENCY_KEYS,
            )
        }
    engine.dispose()
    return found


def test_bad_needs_claims_closes_and_resources_are_refused_naming_the_field_and_change_nothing(points_town):
    town = points_town
    admin = town.token(town.admin("m-admin"))
    volunteer = town.token(town.register("m-vol"))
    good = {"request_id": "x", "community_id": HOME, "title": "楼道堆物清理", "points": 10, "wanted": 2}
    need = town.needs.PostNeed(np.PostNeedRequest(**{**good, "request_id": "good"}), metadata=admin).need
    before = need_counts(town)
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    past = to_timestamp(utcnow() - timedelta(hours=1))
    for changes, field in (
        ({"title": "  "}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"points": -5}, "points"),
        ({"points": 2_000_000}, "points"),
        ({"wanted": 0}, "wanted"),
        ({"wanted": -1}, "wanted"),
        ({"deadline": past}, "deadline"),
        ({"community_id": ""}, "community_id"),
        ({"description": "字" * 2001}, "description"),
    ):
        message = refused(
            town.needs.PostNeed, np.PostNeedRequest(**{**good, **changes}), admin, invalid, field
        )
        assert not message.isascii(), message
    refused(town.needs.ClaimNeed, np.ClaimNeedRequest(request_id="c"), volunteer, invalid, "need_id")
    refused(
        town.needs.ClaimNeed,
        np.ClaimNeedRequest(request_id="c", need_id="no-such-need"),
        volunteer,
        grpc.StatusCode.NOT_FOUND,
    )
    refused(
        town.needs.CloseNeed,
        np.CloseNeedRequest(request_id="c", need_id=need.need_id, result=" "),
        admin,
        invalid,
        "result",
    )
    refused(
        town.needs.CloseNeed,
        np.CloseNeedRequest(request_id="c", need_id=need.need_id, result="好", member_ids=[""]),
        admin,
        invalid,
        "member_ids",
    )
    refused(
        town.needs.CloseNeed,
        np.CloseNeedRequest(request_id="c2", need_id=need.need_id, result="好", member_ids=["m-nobody"]),
        admin,
        grpc.StatusCode.NOT_FOUND,
    )
    refused(
        town.needs.RejectClaim,
        np.RejectClaimRequest(request_id="r", need_id=need.need_id, claim_id=""),
        admin,
        invalid,
        "claim_id",
    )
    refused(
        town.needs.RejectClaim,
        np.RejectClaimRequest(request_id="r2", need_id=need.need_id, claim_id="no-such-claim"),
        admin,
        grpc.StatusCode.NOT_FOUND,
    )
    refused(
        town.needs.ReopenNeed,
        np.ReopenNeedRequest(request_id="o", need_id=need.need_id),
        admin,
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    refused(
        town.needs.AddNeedNote,
        np.AddNeedNoteRequest(request_id="n", need_id=need.need_id, text=""),
        admin,
        invalid,
        "text",
    )
    refused(
        town.needs.ListNeeds, np.ListNeedsRequest(community_id=HOME, status=99), volunteer, invalid, "status"
    )
    refused(town.needs.ListNeeds, np.ListNeedsRequest(), volunteer, invalid, "community_id")
    refused(
        town.needs.PutResource,
        np.PutResourceRequest(request_id="p", community_id=HOME, unit_name="", title="讲座"),
        admin,
        invalid,
        "unit_name",
    )
    refused(
        town.needs.PutResource,
        np.PutResourceRequest(request_id="p2", community_id=HOME, unit_name="银行", title=""),
        admin,
        invalid,
        "title",
    )
    refused(
        town.needs.DeleteResource,
        np.DeleteResourceRequest(request_id="d", resource_id="no-such"),
        admin,
        grpc.StatusCode.NOT_FOUND,
    )
    start, end = to_timestamp(utcnow()), to_timestamp(utcnow() - timedelta(days=1))
    for fields, field in (
        ({"community_id": HOME}, "period_start"),
        ({"community_id": HOME, "period_start": start, "period_end": end}, "period_end"),
        ({"period_start": end, "period_end": start}, "community_id"),
    ):
        refused(town.needs.GetNeedsReport, np.GetNeedsReportRequest(**fields), admin, invalid, field)
    refused(town.needs.GetNeed, np.GetNeedRequest(need_id=" "), volunteer, invalid, "need_id")
    refused(
        town.needs.GetNeed, np.GetNeedRequest(need_id="no-such-need"), volunteer, grpc.StatusCode.NOT_FOUND
    )
    refused(town.needs.ListResources, np.ListResourcesRequest(), volunteer, invalid, "community_id")
    assert need_counts(town) == before


def test_bad_certificate_requests_are_refused_naming_the_field_and_issue_nothing(points_town):
    town = points_town
    volunteer = town.token(town.register("m-cert-vol"))
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    before = counts(town)
    year = utcnow().year
    for fields, field, words in (
        ({"from_date": "", "to_date": f"{year}-12-31"}, "from_date", "YYYY-MM-DD"),
        ({"from_date": f"{year}-13-01", "to_date": f"{year}-12-31"}, "from_date", "YYYY-MM-DD"),
        ({"from_date": f"{year}-01-01", "to_date": "明年"}, "to_date", "YYYY-MM-DD"),
        ({"from_date": f"{year}-06-01", "to_date": f"{year}-05-31"}, "to_date", "早于"),
        ({"from_date": "2000-01-01", "to_date": f"{year}-12-31"}, "to_date", "十年"),
        ({"from_date": f"{year + 1}-01-01", "to_date": f"{year + 1}-12-31"}, "from_date", "今天"),
        ({"from_date": f"{year}-01-01", "to_date": f"{year + 1}-01-01"}, "to_date", "今天"),
    ):
        request = cp.IssueCertificateRequest(request_id=f"bad-{field}-{words}", **fields)
        message = refused(town.certificates.IssueCertificate, request, volunteer, invalid, field)
        assert words in message, message
    for serial in ("", "   ", "Z" * 41):
        refused(
            town.certificates.GetCertificate,
            cp.GetCertificateRequest(serial=serial),
            volunteer,
            invalid,
            "serial",
        )
        refused(
            town.certificates.VerifyCertificate,
            cp.VerifyCertificateRequest(serial=serial),
            None,
            invalid,
            "serial",
        )
    with pytest.raises(grpc.RpcError) as err:
        town.certificates.GetCertificate(
            cp.GetCertificateRequest(serial="ZM2026-AAAA-BBBB-CCCC"), metadata=volunteer
        )
    assert err.value.code() == grpc.StatusCode.NOT_FOUND and "找不到该证明" in err.value.details()
    refused(
        town.certificates.IssueCertificate,
        cp.IssueCertificateRequest(
            request_id="bad-member", member_id="m-nobody", from_date=f"{year}-01-01", to_date=f"{year}-01-31"
        ),
        volunteer,
        grpc.StatusCode.NOT_FOUND,
    )
    assert counts(town) == before
