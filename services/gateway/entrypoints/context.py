"""What every route needs: the gateway, the signed-in person's session, their language, the CSRF check."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from fastapi import Depends, Request, Response

from ..adapters.grpc_calls import Credentials
from ..service.errors import ActionError
from ..service.session import Session, require
from .i18n import locale_of, text
from .sessions import (
    CSRF_FIELD,
    CSRF_HEADER,
    LANG_COOKIE,
    REFRESH_COOKIE,
    SESSION_COOKIE,
    NotSignedIn,
    check_csrf,
    clear_session,
    set_session,
    signed_in,
)

if TYPE_CHECKING:
    from .web import Gateway


def gateway(request: Request) -> Gateway:
    return request.app.state.gateway


def locale(request: Request) -> str:
    return locale_of(request.cookies.get(LANG_COOKIE))


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def anonymous_credentials(request: Request) -> Credentials:
    return Credentials(locale=locale(request), client=client_address(request))


def session(request: Request) -> Session:
    """The signed-in person (a FastAPI dependency); NotSignedIn otherwise."""
    found = gateway(request)
    token, caller = signed_in(
        request, found.verifier, found.logged_out, lambda refresh: _renew(request, refresh)
    )
    language = locale(request)
    return Session(
        token=token,
        caller=caller,
        credentials=Credentials(token=token, locale=language, client=client_address(request)),
        gettext=text(language),
    )


def admin(me: Session = Depends(session)) -> Session:
    """The signed-in admin (a FastAPI dependency on every admin route): anyone else gets 403 before
    their request is even read, so no admin route answers a volunteer with anything but a refusal."""
    require(me.is_admin, me)
    return me


async def checked_form(request: Request) -> dict[str, str]:
    """The posted form, once its CSRF token matched the cookie's (a FastAPI dependency for pages)."""
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD, "")))
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


def checked_call(request: Request) -> None:
    """A mutating JSON call must repeat the CSRF cookie in its header (a FastAPI dependency)."""
    check_csrf(request, request.headers.get(CSRF_HEADER))


def log_in(request: Request, response: Response, phone: str, password: str):
    """Members checks the password (and counts attempts per person's address); the cookies get the tokens."""
    answer = gateway(request).services.members.login(phone, password, anonymous_credentials(request))
    set_session(response, request, answer.access_token, answer.refresh_token)
    return answer


def log_out(request: Request, response: Response) -> None:
    """Ends the refresh token in members and the access token here; the cookies go too."""
    found = gateway(request)
    refresh = request.cookies.get(REFRESH_COOKIE, "")
    if refresh:
        # Already ended or expired: logging out again is no error.
        with suppress(ActionError):
            found.services.members.logout(refresh, anonymous_credentials(request))
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        found.logged_out.add(token)
    clear_session(response)


def _renew(request: Request, refresh: str) -> tuple[str, str]:
    try:
        answer = gateway(request).services.members.refresh(refresh, anonymous_credentials(request))
    except ActionError:
        raise NotSignedIn() from None
    return answer.access_token, answer.refresh_token
