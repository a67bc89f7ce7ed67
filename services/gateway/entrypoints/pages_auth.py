"""Pages: logging in and out, and the two switches every page offers (关怀模式, language)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ..service.errors import ActionError
from .context import checked_form, log_in, log_out
from .render import form_error, local_path, redirect, render
from .sessions import CARE_COOKIE, LANG_COOKIE, YEAR

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    return render(request, "login.html", next=local_path(next), form={})


@router.post("/login")
def login(request: Request, form: dict = Depends(checked_form)):
    target = local_path(form.get("next"))
    phone, password = form.get("phone", "").strip(), form.get("password", "")
    response = redirect(target)
    try:
        log_in(request, response, phone, password)
    except ActionError as error:
        return form_error(request, "login.html", None, error, next=target, form={"phone": phone})
    return response


@router.post("/logout")
def logout(request: Request, form: dict = Depends(checked_form)):
    response = redirect("/login")
    log_out(request, response)
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
