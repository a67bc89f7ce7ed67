"""The token a service shows when it calls another service over gRPC: short-lived, and rotated.

Where a process can read the private key (the embedded system, one PC) it mints its own token and
mints a fresh one when half its life has gone. In production only members' key holder can read the
key: `jifen keys --rotate-every` rewrites each service's token file well before the old one expires,
and the service re-reads its file whenever the file changes. Nobody is logged out by a rotation:
member tokens do not depend on service tokens, and a service's old token stays valid until it expires.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.settings import Settings
from jifen.tokens import TokenIssuer

# The services that call others: the market calls points; points and the market read through to members;
# the gateway vouches for people's addresses when they log in.
CALLERS = ("points", "market", "gateway")


def service_token(settings: Settings, service: str) -> ServiceToken:
    """JIFEN_SERVICE_TOKEN (fixed: it does not rotate), else tokens minted here when this process can
    read the private key (the embedded system), else the service's token file (`jifen keys`)."""
    if settings.service_token:
        return ServiceToken(fixed=settings.service_token.strip())
    if settings.private_key_path.exists():
        issuer = TokenIssuer.from_file(settings.private_key_path, ttl(settings))
        return ServiceToken(issuer=issuer, service=service)
    path = settings.service_token_path(service)
    if path.exists():
        return ServiceToken(path=path)
    raise RuntimeError(
        f"{service} has no service token: run `jifen keys` to write {path} "
        f"(or set JIFEN_SERVICE_TOKEN from `jifen token service {service}`)"
    )


def ttl(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.service_token_ttl_minutes)


def mint(settings: Settings, service: str, lifetime: timedelta | None = None) -> str:
    issuer = TokenIssuer.from_file(settings.private_key_path, lifetime or ttl(settings))
    return issuer.issue(Caller(service=service))[0]


class ServiceToken:
    """Callable: the token to send now. Cheap enough to ask on every call (a stat, or a clock read)."""

    def __init__(
        self,
        fixed: str = "",
        path: Path | None = None,
        issuer: TokenIssuer | None = None,
        service: str = "",
        clock: Clock = utcnow,
    ):
        self.fixed, self.path, self.issuer, self.service, self.clock = fixed, path, issuer, service, clock
        self.lock = threading.Lock()
        self.token = fixed
        self.seen: tuple[int, int] | None = None  # the file's (mtime_ns, size) when last read
        self.renew_at = None

    def __call__(self) -> str:
        if self.fixed:
            return self.fixed
        with self.lock:
            if self.path is not None:
                self._reread()
            else:
                self._remint()
            return self.token

    def _reread(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return  # between a rotation's rename and nothing: keep the token we have
        if (stat.st_mtime_ns, stat.st_size) != self.seen:
            self.token = self.path.read_text().strip()
            self.seen = (stat.st_mtime_ns, stat.st_size)

    def _remint(self) -> None:
        now = self.clock()
        if self.renew_at is None or now >= self.renew_at:
            self.token, expires = self.issuer.issue(Caller(service=self.service))
            self.renew_at = now + (expires - now) / 2

