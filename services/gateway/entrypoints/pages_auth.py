"""Pages: logging in and out, and the two switches every page offers (关怀模式, language)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ..service.errors import ActionError
from .context import anonymous_credentials, checked_form, gateway
from .render import form_error, local_path, redirect, render
from .sessions import CARE_COOKIE, LANG_COOKIE, SESSION_COOKIE, YEAR, clear_session, set_session

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    return render(request, "login.html", next=local_path(next), form={})


@router.post("/login")
def login(request: Request, form: dict = Depends(checked_form)):
    target = local_path(form.get("next"))
    phone, password = form.get("phone", "").strip(), form.get("password", "")
    try:
        answer = gateway(request).services.members.login(phone, password, anonymous_credentials(request))
    except ActionError as error:
        return form_error(request, "login.html", None, error, next=target, form={"phone": phone})
    response = redirect(target)
    set_session(response, request, answer.access_token)
    return response


@router.post("/logout")
def logout(request: Request, form: dict = Depends(checked_form)):
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        gateway(request).logged_out.add(token)
    response = redirect("/login")
    clear_session(response)
    return response


@router.get("/prefs/care")
def care_mode(request: Request, on: int = 1, next: str = "/"):
    """关怀模式: larger text and buttons. A plain link, so it works without JavaScript."""
    response = redirect(local_path(next))
    response.set_cookie(CARE_COOKIE, "1" if on else "0", max_age=YEAR, samesite="lax", path="/")
    return response


@router.get("/prefs/lang")
def language(request: Request, to: str = "zh", next: str = "/"):
    response = redirect(local_path(next))
    response.set_cookie(LANG_COOKIE, "en" if to == "en" else "zh", max_age=YEAR, samesite="lax", path="/")
    return response
