"""Rendering a page: the template, the person's language, care mode, the CSRF token and a flash message."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..service.errors import ActionError
from ..service.session import Session
from .context import gateway, locale
from .i18n import text
from .sessions import CARE_COOKIE, csrf_token

FLASH_COOKIE = "jifen_flash"


def render(
    request: Request, template: str, session: Session | None = None, status: int = 200, **context
) -> HTMLResponse:
    language = locale(request)
    _ = text(language)
    flash = unquote(request.cookies.get(FLASH_COOKIE, ""))
    response = gateway(request).templates.TemplateResponse(
        request,
        template,
        {
            "_": _,
            "lang": language,
            "care": request.cookies.get(CARE_COOKIE) == "1",
            "csrf_token": csrf_token(request),
            "session": session,
            "flash": flash,
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            **context,
        },
        status_code=status,
    )
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(to: str, flash: str = "") -> RedirectResponse:
    """After a form: 303 to the page that shows the result, with a one-time message."""
    response = RedirectResponse(to, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, quote(flash), httponly=True, samesite="lax", path="/", max_age=60)
    return response


def form_error(request: Request, template: str, session: Session | None, error: ActionError, **context):
    """The same form again, with the sentence on top and beside its field (GOV.UK's errors-twice)."""
    from .web import HTTP_STATUS

    return render(
        request,
        template,
        session,
        status=HTTP_STATUS[error.kind],
        error=error,
        form=context.pop("form", {}),
        **context,
    )


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", None, status=status, status_code=status, message=message)


def local_path(target: str | None, default: str = "/") -> str:
    """Only a path on this site: a login link must never send anyone elsewhere."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not (target or "").startswith("/") or (target or "").startswith("//"):
        return default
    return target or default
