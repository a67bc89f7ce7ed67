"""The token a service shows when it calls another service over gRPC."""

from __future__ import annotations

from datetime import timedelta

from jifen.caller import Caller
from jifen.settings import Settings
from jifen.tokens import TokenIssuer

MINTED_TTL = timedelta(days=365)
# The services that call others: the market calls points; points and the market read through to members;
# the gateway vouches for people's addresses when they log in.
CALLERS = ("points", "market", "gateway")


def service_token(settings: Settings, service: str) -> str:
    """JIFEN_SERVICE_TOKEN, else keys/service-<service>.jwt (written by `jifen keys`), else a token
    minted here when this process can read the private key (the embedded system, one PC)."""
    if settings.service_token:
        return settings.service_token.strip()
    path = settings.service_token_path(service)
    if path.exists():
        return path.read_text().strip()
    if settings.private_key_path.exists():
        return mint(settings, service)
    raise RuntimeError(
        f"{service} has no service token: set JIFEN_SERVICE_TOKEN (`jifen token service {service}`) "
        f"or run `jifen keys` to write {path}"
    )


def mint(settings: Settings, service: str, ttl: timedelta = MINTED_TTL) -> str:
    issuer = TokenIssuer.from_file(settings.private_key_path, ttl)
    return issuer.issue(Caller(service=service))[0]
