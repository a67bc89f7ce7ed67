"""A service's token rotates under it: re-read from its file, or re-minted where the key is at hand."""

from __future__ import annotations

from datetime import timedelta

from jifen.caller import Caller
from jifen.secret_files import TOKEN_MODE, write_secret
from jifen.service_token import ServiceToken
from jifen.tokens import TokenIssuer, TokenVerifier


def test_a_service_reads_its_rotated_token_without_restarting(tmp_path, keys):
    issuer = TokenIssuer.from_file(keys[0], timedelta(hours=1))
    path = tmp_path / "tokens" / "market" / "token.jwt"
    first, second = (issuer.issue(Caller(service="market"), timedelta(minutes=m))[0] for m in (10, 20))
    write_secret(path, first.encode(), TOKEN_MODE)
    token = ServiceToken(path=path)
    assert token() == first
    write_secret(path, second.encode(), TOKEN_MODE)
    assert token() == second


def test_a_minted_service_token_is_renewed_before_it_expires(keys):
    now = [TokenIssuer.from_file(keys[0], timedelta(hours=1)).clock()]
    issuer = TokenIssuer(keys[0].read_bytes(), timedelta(hours=1), clock=lambda: now[0])
    token = ServiceToken(issuer=issuer, service="points", clock=lambda: now[0])
    first = token()
    now[0] += timedelta(minutes=20)
    assert token() == first
    now[0] += timedelta(minutes=20)
    renewed = token()
    assert renewed != first
    verifier = TokenVerifier(keys[1].read_bytes(), clock=lambda: now[0])
    assert verifier.verify(renewed) == Caller(service="points")
