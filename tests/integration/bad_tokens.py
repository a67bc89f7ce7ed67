"""The callers every service's policy table is tried with, and the tokens no service may let in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import grpc

from jifen.caller import Caller
from jifen.tokens import TokenIssuer, generate_keypair

REFUSED = {grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED}
NOT_AUTHENTICATED = ("anonymous", "expired", "forged")
# The people every service is tried with; each policy test adds the callers of its own service.
PEOPLE = (
    *NOT_AUTHENTICATED,
    "self",
    "volunteer",
    "staff",
    "grid_worker",
    "admin",
    "other_admin",
    "street_admin",
)


def forged_token(tmp_path: Path, claims: Caller) -> str:
    """A token with these claims, signed by a key the members service never had."""
    generate_keypair(tmp_path / "evil.pem", tmp_path / "evil.pub.pem")
    token, _ = TokenIssuer.from_file(tmp_path / "evil.pem", timedelta(hours=1)).issue(claims)
    return token


def unauthenticated(tmp_path: Path, street_admin: Caller, token_for) -> dict:
    """No token, a street admin's claims expired, and a street admin's claims forged, as call metadata."""
    return {
        "anonymous": None,
        "expired": token_for(street_admin, ttl=timedelta(seconds=-60)),
        "forged": [("authorization", f"Bearer {forged_token(tmp_path, street_admin)}")],
    }
