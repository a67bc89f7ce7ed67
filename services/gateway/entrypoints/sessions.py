"""The session cookies, the CSRF token and logged-out tokens.

Two HTTP-only, SameSite=Lax cookies (Secure over HTTPS) hold the person's own tokens: the short-lived
access token members issued, and the refresh token that renews it. The gateway keeps no session of
its own: when the access token has expired it asks members for a new pair, which re-reads the
person's roles and status. Logging out ends the refresh token in members and records the access
token's digest in Redis until it would have expired, so an old cookie stops working at once.
Forms and mutating JSON calls carry a double-submit CSRF token: the value of an HTTP-only cookie,
repeated in the form or a header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import jwt
from fastapi import Request, Response

from jifen.caller import Caller
from jifen.errors import Unauthenticated
from jifen.tokens import TokenVerifier

SESSION_COOKIE = "jifen_session"
REFRESH_COOKIE = "jifen_refresh"
CSRF_COOKIE = "jifen_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CARE_COOKIE = "jifen_care"
LANG_COOKIE = "jifen_lang"
YEAR = 365 * 24 * 3600


class NotSignedIn(Exception):
    """No valid session: pages send the person to the login page, the JSON API answers 401."""


class BadCsrf(Exception):
    """A form or call without the right CSRF token: refused, nothing changes."""


class LoggedOut:
    """Tokens given up at logout, kept until they would have expired anyway."""

    def __init__(self, redis_client, namespace: str):
        self.redis = redis_client
        self.prefix = f"{namespace}:gateway:logged-out:"

    def add(self, token: str) -> None:
        expires = _expiry(token)
        seconds = int((expires - datetime.now(UTC)).total_seconds()) if expires else 0
        if seconds > 0:
            self.redis.set(self.prefix + _digest(token), "1", ex=seconds)

    def __contains__(self, token: str) -> bool:
        return bool(self.redis.exists(self.prefix + _digest(token)))


def signed_in(request: Request, verifier: TokenVerifier, logged_out: LoggedOut, renew) -> tuple[str, Caller]:
    """The person behind the cookies: their access token, renewed with `renew(refresh_token)` (which
    returns the new (access, refresh) pair or raises NotSignedIn) once it has expired."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if token and token not in logged_out:
        try:
            caller = verifier.verify(token)
        except Unauthenticated:
            caller = None
        if caller is not None and caller.member_id:
            return token, caller
    refresh = request.cookies.get(REFRESH_COOKIE, "")
    if not refresh:
        raise NotSignedIn()
    token, refresh = renew(refresh)
    # Set on the way out by the middleware, whatever the page answers.
    request.state.renewed = (token, refresh)
    return token, verifier.verify(token)


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session(response: Response, request: Request, token: str, refresh: str) -> None:
    for name, value in ((SESSION_COOKIE, token), (REFRESH_COOKIE, refresh)):
        response.set_cookie(name, value, httponly=True, samesite="lax", secure=is_https(request), path="/")


def set_renewed_session(response: Response, request: Request) -> None:
    renewed = getattr(request.state, "renewed", None)
    if renewed and SESSION_COOKIE not in response.headers.get("set-cookie", ""):
        set_session(response, request, *renewed)


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(REFRESH_COOKIE, path="/")


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser; a new one is made (and set by the middleware) on first visit."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", "")
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def set_csrf_cookie(response: Response, request: Request) -> None:
    token = getattr(request.state, "new_csrf", "")
    if token:
        response.set_cookie(
            CSRF_COOKIE, token, httponly=True, samesite="lax", secure=is_https(request), path="/"
        )


def check_csrf(request: Request, presented: str | None) -> None:
    expected = request.cookies.get(CSRF_COOKIE, "")
    if not expected or not presented or not hmac.compare_digest(expected, presented):
        raise BadCsrf()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expiry(token: str) -> datetime | None:
    # Only the expiry is read, to size the record; the token was verified when the session was used.
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    return datetime.fromtimestamp(int(claims.get("exp", 0)), UTC)
