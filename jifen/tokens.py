"""Access tokens: Ed25519-signed JWTs. Only members holds the private key; every service verifies locally."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jifen.caller import Caller, Grant
from jifen.clock import Clock, utcnow
from jifen.errors import Unauthenticated
from jifen.secret_files import PUBLIC, write_secret

ALGORITHM = "EdDSA"
ISSUER = "jifen-members"
# Member tokens. A service token's audience names the service (jifen-service:market), so a service
# token never passes for a member's, nor one service's for another's.
AUDIENCE = "jifen"
SERVICE_AUDIENCE = "jifen-service:"


def service_audience(service: str) -> str:
    return SERVICE_AUDIENCE + service


def generate_keypair(private_path: Path, public_path: Path) -> None:
    """Writes a new key pair unless one is already there."""
    if private_path.exists() and public_path.exists():
        return
    key = Ed25519PrivateKey.generate()
    write_secret(
        private_path,
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    # Anyone may read the public key; nobody but its owner may swap it for one whose private half they hold.
    write_secret(
        public_path,
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        PUBLIC,
    )


class TokenIssuer:
    def __init__(self, private_key_pem: bytes, ttl: timedelta, clock: Clock = utcnow):
        self.key = serialization.load_pem_private_key(private_key_pem, password=None)
        self.ttl = ttl
        self.clock = clock

    @classmethod
    def from_file(cls, path: Path, ttl: timedelta) -> TokenIssuer:
        return cls(path.read_bytes(), ttl)

    def issue(self, caller: Caller, ttl: timedelta | None = None) -> tuple[str, datetime]:
        now = self.clock()
        expires = now + (ttl or self.ttl)
        claims = {
            "iss": ISSUER,
            "aud": service_audience(caller.service) if caller.service else AUDIENCE,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
        }
        if caller.service:
            claims["sub"] = f"service:{caller.service}"
            claims["svc"] = caller.service
        else:
            claims.update(
                sub=caller.member_id,
                name=caller.name,
                community=caller.community_id,
                street=caller.street_id,
                grid=caller.grid_id,
                roles=[g.to_claim() for g in caller.grants],
            )
        return jwt.encode(claims, self.key, algorithm=ALGORITHM), expires


class TokenVerifier:
    def __init__(self, public_key_pem: bytes, clock: Clock = utcnow):
        self.key = serialization.load_pem_public_key(public_key_pem)
        self.clock = clock

    @classmethod
    def from_file(cls, path: Path) -> TokenVerifier:
        return cls(path.read_bytes())

    def verify(self, token: str) -> Caller:
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                # The audience is checked below: it says whether this is a member's or which service's.
                options={"require": ["exp", "iat", "sub", "aud"], "verify_iat": False, "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("登录已过期，请重新登录", "the token has expired; log in again") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("登录凭证无效", "the token is not valid") from None
        audience, service = claims["aud"], str(claims.get("svc") or "")
        if service:
            # A service token of the old shared audience, or one whose audience names another service.
            if audience != service_audience(service):
                raise Unauthenticated("登录凭证无效", "the token is not valid")
            return Caller(service=service)
        if audience != AUDIENCE:
            raise Unauthenticated("登录凭证无效", "the token is not valid")
        return Caller(
            member_id=str(claims["sub"]),
            name=str(claims.get("name", "")),
            community_id=str(claims.get("community", "")),
            street_id=str(claims.get("street", "")),
            grid_id=str(claims.get("grid", "")),
            grants=tuple(Grant(**{k: str(v) for k, v in g.items()}) for g in claims.get("roles", [])),
        )
