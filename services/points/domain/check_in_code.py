"""The rotating on-site check-in code (签到码) an organiser shows.

The code is HMAC-SHA256 of the activity's secret and the index of the current time window,
truncated to 6 digits as in HOTP (RFC 4226). A code photographed and passed on stops working
within two windows: the current and the immediately previous window are accepted (so a member
who read the code just before it rotated is not refused), anything older is.

Six digits can be guessed, so the service counts wrong ones. The on-site QR carries a token
instead: the full HMAC of the activity and the window (under the same secret, kept apart from
the digits by its own label), which cannot be guessed and expires with the same two windows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

DEFAULT_WINDOW_SECONDS = 60
DIGITS = 6
QR_PREFIX = "jifen:checkin:"
# A token is the prefix, an activity id, a window index and 43 characters of signature.
MAX_TOKEN = 200


def new_secret() -> str:
    """64 hex characters: 256 bits the code cannot be guessed from."""
    return secrets.token_hex(32)


def window_index(at: datetime, window_seconds: int = DEFAULT_WINDOW_SECONDS) -> int:
    return int(at.timestamp()) // window_seconds


def code_for(secret: str, index: int) -> str:
    digest = hmac.new(secret.encode(), index.to_bytes(8, "big", signed=True), hashlib.sha256).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFF_FFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def _signature(secret: str, activity_id: str, index: int) -> str:
    message = f"qr:{activity_id}:{index}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def qr_token(activity_id: str, secret: str, index: int) -> str:
    """The signed text of the QR for one window: "jifen:checkin:<activity_id>:<window>:<signature>"."""
    return f"{QR_PREFIX}{activity_id}:{index}:{_signature(secret, activity_id, index)}"


def token_well_formed(token: str) -> bool:
    return token.startswith(QR_PREFIX) and len(token) <= MAX_TOKEN and token.isascii()


def accepts_token(
    activity_id: str, secret: str, token: str, now: datetime, window_seconds: int = DEFAULT_WINDOW_SECONDS
) -> bool:
    """True for a token of this activity signed for the current window or the one just before it."""
    if not token_well_formed(token):
        return False
    named, _, rest = token.removeprefix(QR_PREFIX).partition(":")
    window, _, signature = rest.partition(":")
    if named != activity_id or not (window.isascii() and window.lstrip("-").isdigit()):
        return False
    index = int(window)
    if index not in (window_index(now, window_seconds), window_index(now, window_seconds) - 1):
        return False
    return hmac.compare_digest(_signature(secret, activity_id, index), signature)


def well_formed(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


@dataclass(frozen=True)
class CheckInCode:
    code: str
    # When the next code replaces this one.
    expires_at: datetime
    qr_payload: str


def current(
    activity_id: str, secret: str, now: datetime, window_seconds: int = DEFAULT_WINDOW_SECONDS
) -> CheckInCode:
    index = window_index(now, window_seconds)
    code = code_for(secret, index)
    expires_at = datetime.fromtimestamp((index + 1) * window_seconds, UTC)
    return CheckInCode(code, expires_at, qr_token(activity_id, secret, index))


def accepts(secret: str, code: str, now: datetime, window_seconds: int = DEFAULT_WINDOW_SECONDS) -> bool:
    """True for the code of the current window or of the one just before it."""
    if not well_formed(code):
        return False
    index = window_index(now, window_seconds)
    # Both comparisons always run, in constant time, so timing tells nothing about the code.
    matches = [hmac.compare_digest(code_for(secret, i), code) for i in (index, index - 1)]
    return any(matches)
