"""Admin pages for activities, their participants and hours, and the approval queue."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request

from jifen.ids import new_id

from ..service import admin_activities, admin_hours
from ..service.admin_activities import ActivityInput
from ..service.errors import ActionError, Kind
from ..service.session import Session
from .context import checked_form, gateway, session
from .render import form_error, redirect, render

router = APIRouter()
PICK = "pick_"
MINUTES = "minutes_"


def services(request: Request):
    return gateway(request).services


@router.get("/activities")
def activities(request: Request, community: str = "", me: Session = Depends(session)):
    found = admin_activities.activities(services(request), me, community)
    return render(request, "admin/activities.html", me, listing=found)


@router.get("/activities/new")
def new_activity(request: Request, community: str = "", me: Session = Depends(session)):
    found = admin_activities.activities(services(request), me, community)
    return _activity_form(request, me, None, found.community_id, ActivityInput(), found.communities)


@router.post("/activities/new")
def create_activity(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    given = ActivityInput.of(form)
    community = form.get("community", "")
    try:
        made = admin_activities.create(services(request), me, community, given, form.get("request_id", ""))
    except ActionError as error:
        found = admin_activities.activities(services(request), me, community)
        return _activity_form(request, me, None, found.community_id, given, found.communities, error)
    return redirect(f"/admin/activities/{made.activity_id}", me.gettext("活动已创建"))


@router.get("/activities/{activity_id}")
def activity(request: Request, activity_id: str, me: Session = Depends(session)):
    return _activity_page(request, me, activity_id, {})


@router.get("/activities/{activity_id}/edit")
def edit_activity(request: Request, activity_id: str, me: Session = Depends(session)):
    found = admin_activities.activity(services(request), me, activity_id)
    return _activity_form(request, me, found, found.community_id, ActivityInput.showing(found), [])


@router.post("/activities/{activity_id}/edit")
def update_activity(
    request: Request, activity_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    given = ActivityInput.of(form)
    try:
        admin_activities.update(services(request), me, activity_id, given, form.get("request_id", ""))
    except ActionError as error:
        found = admin_activities.activity(services(request), me, activity_id)
        return _activity_form(request, me, found, found.community_id, given, [], error)
    return redirect(f"/admin/activities/{activity_id}", me.gettext("活动已修改"))


@router.get("/activities/{activity_id}/cancel")
def cancel_page(request: Request, activity_id: str, me: Session = Depends(session)):
    found = admin_activities.activity(services(request), me, activity_id)
    return render(request, "admin/activity_cancel.html", me, activity=found, form={}, request_id=new_id())


@router.post("/activities/{activity_id}/cancel")
def cancel_activity(
    request: Request, activity_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    try:
        admin_activities.cancel(
            services(request), me, activity_id, form.get("reason", ""), form.get("request_id", "")
        )
    except ActionError as error:
        found = admin_activities.activity(services(request), me, activity_id)
        return form_error(
            request, "admin/activity_cancel.html", me, error, activity=found, form=form, request_id=new_id()
        )
    return redirect(f"/admin/activities/{activity_id}", me.gettext("活动已取消，报名的志愿者会看到取消原因"))


@router.post("/activities/{activity_id}/hours")
def record_hours(
    request: Request, activity_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    chosen = {
        key[len(PICK) :]: form.get(MINUTES + key[len(PICK) :], "") for key in form if key.startswith(PICK)
    }
    try:
        done = admin_activities.record_hours(
            services(request),
            me,
            activity_id,
            chosen,
            form.get("request_id", ""),
            form.get("phones", ""),
            form.get("phone_minutes", ""),
        )
    except ActionError as error:
        return _activity_page(request, me, activity_id, form, error)
    if not done.recorded:
        refused = ActionError(Kind.CONFLICT, me.gettext("未记录：") + "；".join(done.refused), "members")
        return _activity_page(request, me, activity_id, form, refused)
    flash = me.gettext("已为 %(n)s 位志愿者记录服务时长，待审核") % {"n": len(done.recorded)}
    if done.refused:
        flash += me.gettext("；未记录：") + "；".join(done.refused)
    return redirect(f"/admin/activities/{activity_id}", flash)


@router.get("/hours")
def hours(request: Request, community: str = "", held: str = "", me: Session = Depends(session)):
    return _queue_page(request, me, community, {}, held_ids=held.split(","))


@router.post("/hours")
def decide(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    """One form, three buttons: approve the ticked records, approve every record shown, reject the ticked."""
    community = form.get("community", "")
    decision = form.get("decision", "")
    ticked = [key[len(PICK) :] for key in form if key.startswith(PICK)]
    request_id = form.get("request_id", "")
    try:
        if decision == "reject":
            rejected = admin_hours.reject(
                services(request), me, community, ticked, form.get("reject_reason", ""), request_id
            )
            return redirect(_queue_url(community), me.gettext("已驳回 %(n)s 条记录") % {"n": len(rejected)})
        chosen = form.get("shown", "").split() if decision == "approve_all" else ticked
        decided = admin_hours.approve(
            services(request),
            me,
            community,
            chosen,
            form.get("override") == "1",
            form.get("override_reason", ""),
            request_id,
        )
    except ActionError as error:
        return _queue_page(request, me, community, form, error=error)
    flash = me.gettext("已通过 %(n)s 条记录，积分已发放") % {"n": len(decided.approved)}
    held = [r.hour_record_id for r in decided.held_back]
    return redirect(_queue_url(community, held), flash)


def _queue_url(community: str, held: list[str] = ()) -> str:
    query = {key: value for key, value in (("community", community), ("held", ",".join(held))) if value}
    return "/admin/hours" + (f"?{urlencode(query)}" if query else "")


def _queue_page(request: Request, me: Session, community: str, form: dict, held_ids=(), error=None):
    found = admin_hours.queue(services(request), me, community)
    held = [r for r in found.records if r.hour_record_id in set(held_ids)]
    context = dict(
        queue=found,
        flag_names=admin_hours.flag_names(me),
        held=held,
        held_sentences=admin_hours.held_back_sentences(me, held),
        request_id=new_id(),
    )
    if error is not None:
        return form_error(request, "admin/hours.html", me, error, form=form, **context)
    return render(request, "admin/hours.html", me, form=form, **context)


def _activity_page(request: Request, me: Session, activity_id: str, form: dict, error=None):
    found = admin_activities.activity_record(services(request), me, activity_id)
    context = dict(record=found, flag_names=admin_hours.flag_names(me), request_id=new_id())
    if error is not None:
        return form_error(request, "admin/activity.html", me, error, form=form, **context)
    return render(request, "admin/activity.html", me, form=form, **context)


def _activity_form(request: Request, me: Session, found, community_id, given, communities, error=None):
    context = dict(
        activity=found,
        community_id=community_id,
        communities=communities,
        categories=admin_activities.CATEGORIES,
        request_id=new_id(),
    )
    if error is not None:
        return form_error(request, "admin/activity_form.html", me, error, form=given, **context)
    return render(request, "admin/activity_form.html", me, form=given, **context)
