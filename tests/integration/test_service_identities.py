"""A leaked service token: what it can do against the real points api on PostgreSQL.

Each service token names its service in its audience; points lets only the market's identity
hold, capture, release or look up holds, and no service may award points.
"""

from __future__ import annotations

from datetime import timedelta

import grpc
import jwt
import pytest

from jifen.caller import Caller
from jifen.clock import utcnow
from jifen.points.v1 import ledger_pb2 as pb
from jifen.timestamps import to_timestamp
from jifen.tokens import ALGORITHM, AUDIENCE, ISSUER
from tests.integration.points_town import PointsTown
from tests.integration.rpc_errors import code_of

VOLUNTEER = "m-vol"


def hold_request(hold_id: str) -> pb.HoldRequest:
    return pb.HoldRequest(
        request_id=f"req-{hold_id}",
        hold_id=hold_id,
        member_id=VOLUNTEER,
        amount=10,
        deadline=to_timestamp(utcnow() + timedelta(days=7)),
        reason="兑换 毛巾 ×1",
    )


def bearer(town: PointsTown, **claims) -> list[tuple[str, str]]:
    """A token signed with the real key but with claims of our choosing (what a careless issuer made)."""
    now = int(utcnow().timestamp())
    body = {"iss": ISSUER, "iat": now, "exp": now + 3600} | claims
    return [("authorization", f"Bearer {jwt.encode(body, town.issuer.key, algorithm=ALGORITHM)}")]


@pytest.fixture
def town(points_town: PointsTown) -> PointsTown:
    admin = points_town.admin("m-admin")
    points_town.register(VOLUNTEER)
    points_town.ledger.Award(
        pb.AwardRequest(request_id="award-1", member_id=VOLUNTEER, points=100, reason="志愿服务表彰"),
        metadata=points_town.token(admin),
    )
    return points_town


def balance(town: PointsTown) -> int:
    request = pb.GetBalanceRequest(member_id=VOLUNTEER)
    return town.ledger.GetBalance(request, metadata=town.market).balance.available


def test_the_market_service_token_cannot_award_points(town):
    award = pb.AwardRequest(request_id="award-2", member_id=VOLUNTEER, points=1000, reason="志愿服务表彰")
    denied = grpc.StatusCode.PERMISSION_DENIED
    assert code_of(lambda: town.ledger.Award(award, metadata=town.market)) == denied
    assert balance(town) == 100


def test_another_services_token_cannot_hold_a_members_points(town):
    gateway = town.token(Caller(service="gateway"))
    assert code_of(lambda: town.ledger.Hold(hold_request("red-1"), metadata=gateway)) == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert balance(town) == 100


@pytest.mark.parametrize("rpc", ["Capture", "Release", "GetHold"])
def test_another_services_token_cannot_settle_or_read_the_markets_holds(town, rpc):
    town.ledger.Hold(hold_request("red-2"), metadata=town.market)
    request = {
        "Capture": pb.CaptureRequest(request_id="cap-1", hold_id="red-2"),
        "Release": pb.ReleaseRequest(request_id="rel-1", hold_id="red-2"),
        "GetHold": pb.GetHoldRequest(hold_id="red-2"),
    }[rpc]
    points = town.token(Caller(service="points"))
    assert code_of(lambda: getattr(town.ledger, rpc)(request, metadata=points)) == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert balance(town) == 90


def test_the_market_with_its_own_token_still_holds_points(town):
    town.ledger.Hold(hold_request("red-3"), metadata=town.market)
    assert balance(town) == 90


def test_a_market_token_of_another_services_audience_is_refused(town):
    forged = bearer(town, sub="service:market", svc="market", aud="jifen-service:gateway")
    assert code_of(lambda: town.ledger.Hold(hold_request("red-4"), metadata=forged)) == (
        grpc.StatusCode.UNAUTHENTICATED
    )
    assert balance(town) == 100


def test_a_service_token_of_the_members_audience_is_refused(town):
    # The year-long tokens minted before service audiences existed looked exactly like this.
    old = bearer(town, sub="service:market", svc="market", aud=AUDIENCE)
    assert code_of(lambda: town.ledger.Hold(hold_request("red-5"), metadata=old)) == (
        grpc.StatusCode.UNAUTHENTICATED
    )
    assert balance(town) == 100


def test_a_member_token_of_a_service_audience_is_refused(town):
    admin = town.members["m-admin"]
    claims = {"sub": admin.member_id, "community": admin.community_id, "aud": "jifen-service:market"}
    claims["roles"] = [g.to_claim() for g in admin.grants]
    award = pb.AwardRequest(request_id="award-3", member_id=VOLUNTEER, points=5, reason="志愿服务表彰")
    assert code_of(lambda: town.ledger.Award(award, metadata=bearer(town, **claims))) == (
        grpc.StatusCode.UNAUTHENTICATED
    )
