"""The gateway's FastAPI application: pages and /api/v1 over the same actions, with one error mapping,
security headers on every answer, and the static files built from the npm registry at install time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from jifen.tokens import TokenVerifier

from ..adapters.import_previews import ImportPreviews
from ..adapters.rule_previews import RulePreviews
from ..service.errors import ActionError, Kind
from ..service.gateway import Services
from . import api, pages
from .clock_text import local_clock, local_date, local_time
from .context import locale
from .i18n import text
from .render import error_page
from .sessions import BadCsrf, LoggedOut, NotSignedIn, clear_session, set_csrf_cookie, set_renewed_session

log = logging.getLogger("jifen.gateway")
HERE = Path(__file__).resolve().parent.parent

HTTP_STATUS = {
    Kind.INVALID: 422,
    Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409,
    Kind.FORBIDDEN: 403,
    Kind.UNAUTHENTICATED: 401,
    Kind.THROTTLED: 429,
    Kind.UNAVAILABLE: 503,
    Kind.INTERNAL: 500,
}
# No inline script anywhere: every script is a file served from /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    # The staff page scans QR codes with the camera of this same site only.
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}


@dataclass
class Gateway:
    services: Services
    verifier: TokenVerifier
    logged_out: LoggedOut
    templates: Jinja2Templates


def build_app(services: Services, verifier: TokenVerifier, redis_client, namespace: str) -> FastAPI:
    app = FastAPI(
        title="积分超市 Jifen",
        version="1",
        description="The JSON API of the Jifen web app: the same actions as its pages.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters.update(local_time=local_time, local_clock=local_clock, local_date=local_date)
    app.state.gateway = Gateway(services, verifier, LoggedOut(redis_client, namespace), templates)
    # Admin console, rules: which drafts each admin has seen previewed (publishing needs it).
    app.state.rule_previews = RulePreviews(redis_client, namespace)

    # people: uploaded volunteer rolls between their preview and their import
    app.state.import_previews = ImportPreviews(redis_client, namespace)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith(("/api/", "/login", "/logout")) or "set-cookie" in response.headers:
            response.headers.setdefault("Cache-Control", "no-store")
        set_csrf_cookie(response, request)
        set_renewed_session(response, request)
        return response

    @app.exception_handler(ActionError)
    async def refused(request: Request, exc: ActionError):
        if exc.kind is Kind.UNAUTHENTICATED:
            return await not_signed_in(request, NotSignedIn())
        status = HTTP_STATUS[exc.kind]
        if exc.kind is Kind.INTERNAL:
            log.error("%s %s: %s", request.method, request.url.path, exc.message)
        if _wants_json(request):
            return json_error(exc.kind.value, exc.message, status, exc.field)
        return error_page(request, status, exc.message)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn):
        if _wants_json(request):
            _ = text(locale(request))
            response = json_error("unauthenticated", _("请先登录"), 401)
        else:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            response = RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        # Cookies that no longer sign anyone in are dropped, so the browser stops presenting them.
        clear_session(response)
        return response

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, exc: BadCsrf):
        _ = text(locale(request))
        sentence = _("页面已过期，请返回上一页刷新后再提交")
        if _wants_json(request):
            return json_error("csrf", sentence, 403)
        return error_page(request, 403, sentence)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception):
        # A bug, not the person's doing: log it whole, show a plain sentence and no trace.
        log.exception("%s %s failed", request.method, request.url.path)
        _ = text(locale(request))
        sentence = _("服务暂时出错，请稍后再试")
        if _wants_json(request):
            return json_error("internal", sentence, 500)
        return error_page(request, 500, sentence)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        return Response("ok", media_type="text/plain")

    return app


def json_error(kind: str, message: str, status: int, field: str = "") -> JSONResponse:
    """The JSON API's one error shape: {"error": {"kind", "message", "field"}}."""
    return JSONResponse(
        {"error": {"kind": kind, "message": message, "field": field or None}}, status_code=status
    )


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")
