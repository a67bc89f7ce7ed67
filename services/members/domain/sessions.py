"""Sessions: the refresh tokens that renew short-lived access tokens.

A login starts a family; each refresh uses its token up and issues the next one in the family.
Only a hash is stored: the token is 256 random bits, so a plain SHA-256 cannot be reversed or
guessed, and a stolen database holds nothing that works. A used token presented again means
someone kept a copy: the whole family ends, the thief's session and the member's alike.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from jifen.errors import InvalidArgument, Unauthenticated

# token_urlsafe(32) gives 43 characters; anything much longer was never issued here.
MAX_TOKEN_LENGTH = 200

ENDED = ("登录已失效，请重新登录", "this session has ended; log in again")
EXPIRED = ("登录已过期，请重新登录", "the refresh token has expired; log in again")
REUSED = (
    "该登录凭证已使用过，为安全起见已退出登录，请重新登录",
    "this refresh token was used before; for safety its session has ended, log in again",
)


@dataclass(frozen=True)
class RefreshToken:
    token_hash: str
    family_id: str
    member_id: str
    created_at: datetime
    expires_at: datetime
    # Set when a refresh replaced it with its successor.
    used_at: datetime | None = None
    # Set when its session ended: logout, a reuse, or the member's deactivation.
    revoked_at: datetime | None = None

    def check_usable(self, now: datetime) -> None:
        """Unauthenticated unless it may be exchanged now; a used token is the caller's to handle first."""
        if self.revoked_at is not None:
            raise Unauthenticated(*ENDED)
        if self.expires_at <= now:
            raise Unauthenticated(*EXPIRED)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def presented_hash(token: str) -> str:
    """The hash to look a presented token up by; refuses an empty or overlong one as bad input."""
    token = (token or "").strip()
    if not token:
        raise InvalidArgument("refresh_token", "登录续期凭证不能为空", "is required")
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidArgument(
            "refresh_token", "登录续期凭证格式不正确", f"must be at most {MAX_TOKEN_LENGTH} characters"
        )
    return hash_refresh_token(token)
