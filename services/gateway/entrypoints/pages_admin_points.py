"""Admin pages for commendations, adjustments, the rule editor and the leaderboard."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request

from jifen.ids import new_id

from ..service import admin_points, admin_rules
from ..service.errors import ActionError
from ..service.session import Session
from .context import checked_form, gateway, session
from .render import form_error, redirect, render

router = APIRouter()

# The editor's inputs a refusal of the rules service points at (it names the draft's fields).
DRAFT_INPUTS = {
    "difficulty_multipliers": "difficulty_1",
    "category_multipliers": "category_environment",
    "commendations": "commendation_name_0",
    "daily_hour_cap_minutes": "daily_cap_hours",
    # A publish refused for want of its preview: the editor's heading, where the draft is previewed.
    "preview_token": "draft",
}


async def picked_members(request: Request) -> list[str]:
    """Every ticked member_ids box of the posted form (checked_form keeps one value a name)."""
    posted = await request.form()
    return [value for value in posted.getlist("member_ids") if isinstance(value, str)]


def _desk(request: Request, me: Session, community: str, q: str, **context):
    desk = admin_points.desk(gateway(request).services, me, community, q)
    return {
        "desk": desk,
        "award_request_id": new_id(),
        "adjust_request_id": new_id(),
        "picked": context.pop("picked", []),
        **context,
    }


@router.get("/points")
def points(request: Request, community: str = "", q: str = "", me: Session = Depends(session)):
    return render(request, "admin/points.html", me, form={}, **_desk(request, me, community, q))


@router.post("/points/commendations")
def award(
    request: Request,
    form: dict = Depends(checked_form),
    picked: list[str] = Depends(picked_members),
    me: Session = Depends(session),
):
    community, q = form.get("community", ""), form.get("q", "")
    try:
        done = admin_points.award_commendation(
            gateway(request).services,
            me,
            picked,
            form.get("commendation", ""),
            form.get("citation", ""),
            form.get("request_id", ""),
        )
    except ActionError as error:
        context = _desk(request, me, community, q, picked=picked)
        return form_error(request, "admin/points.html", me, error, form=form, **context)
    return redirect(_points_path(community, q), done.message)


@router.post("/points/adjustments")
def adjust(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    community, q = form.get("community", ""), form.get("q", "")
    try:
        done = admin_points.adjust(
            gateway(request).services,
            me,
            form.get("member_id", ""),
            form.get("points", ""),
            form.get("reason", ""),
            form.get("request_id", ""),
        )
    except ActionError as error:
        context = _desk(request, me, community, q)
        return form_error(request, "admin/points.html", me, error, form=form, **context)
    return redirect(_points_path(community, q), done.message)


@router.get("/points/leaderboard")
def leaderboard(
    request: Request,
    community: str = "",
    period: str = "month",
    metric: str = "points",
    year: int = 0,
    month: int = 0,
    me: Session = Depends(session),
):
    board = admin_points.leaderboard(gateway(request).services, me, community, period, metric, year, month)
    return render(request, "admin/leaderboard.html", me, board=board)


@router.get("/rules")
def rules(request: Request, community: str = "", me: Session = Depends(session)):
    found = admin_rules.rules(gateway(request).services, me, community)
    return _editor(request, me, found, admin_rules.form_of(found.in_force.rules))


@router.post("/rules/preview")
def preview(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    services = gateway(request).services
    community = form.get("community", "")
    try:
        draft = admin_rules.draft_from_form(me, form)
        shown = admin_rules.preview(services, me, request.app.state.rule_previews, community, draft)
    except ActionError as error:
        found = admin_rules.rules(services, me, community)
        return _editor(request, me, found, form, error)
    return render(
        request,
        "admin/rules_preview.html",
        me,
        preview=shown,
        draft_json=shown.draft.model_dump_json(),
        request_id=new_id(),
    )


@router.post("/rules/edit")
def edit(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    """Back from the preview to the editor, with the draft as it was."""
    found = admin_rules.rules(gateway(request).services, me, form.get("community", ""))
    draft = admin_rules.draft_from_json(me, form.get("draft", ""))
    return _editor(request, me, found, admin_rules.form_of(draft))


@router.post("/rules/publish")
def publish(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    services = gateway(request).services
    community = form.get("community", "")
    draft = admin_rules.draft_from_json(me, form.get("draft", ""))
    try:
        published = admin_rules.publish(
            services,
            me,
            request.app.state.rule_previews,
            community,
            draft,
            form.get("preview_token", ""),
            form.get("request_id", ""),
        )
    except ActionError as error:
        found = admin_rules.rules(services, me, community)
        return _editor(request, me, found, admin_rules.form_of(draft), error)
    message = me.gettext("已发布积分规则“%(title)s”") % {"title": published.title}
    return redirect("/admin/rules?" + urlencode({"community": community}), message)


def _editor(request: Request, me: Session, found, form: dict, error: ActionError | None = None):
    context = {
        "rules": found,
        "form": form,
        "categories": admin_rules.categories_of(form),
        "commendation_rows": admin_rules.commendation_rows(form),
    }
    if error is None:
        return render(request, "admin/rules.html", me, **context)
    error.field = DRAFT_INPUTS.get(error.field, error.field)
    return form_error(request, "admin/rules.html", me, error, **context)


def _points_path(community: str, q: str) -> str:
    return "/admin/points?" + urlencode({"community": community, "q": q})
