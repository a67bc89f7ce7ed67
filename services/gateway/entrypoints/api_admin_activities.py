"""/api/v1/admin: activities, their participants and hours, and the approval queue."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ..service import admin_activities, admin_hours
from ..service import views_activities as views
from ..service.admin_activities import ActivityInput
from ..service.session import Session
from .context import checked_call, gateway, session

router = APIRouter()
mutating = [Depends(checked_call)]
TAGS = ["admin: activities and hours"]


class ActivityFields(BaseModel):
    title: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=2000)
    category: str = Field(default="", max_length=40, description="environment, elderly_care, traffic, …")
    difficulty: int = Field(default=0, ge=0, le=9)
    place: str = Field(default="", max_length=200)
    capacity: int = Field(default=0, ge=0, le=1_000_000)
    # Asia/Shanghai wall-clock time, as a datetime-local input gives it.
    start_time: str = Field(default="", max_length=40, description="YYYY-MM-DDTHH:MM, Asia/Shanghai")
    end_time: str = Field(default="", max_length=40, description="YYYY-MM-DDTHH:MM, Asia/Shanghai")
    request_id: str = Field(default="", max_length=100)

    def given(self) -> ActivityInput:
        return ActivityInput.of(
            {**self.model_dump(), "difficulty": str(self.difficulty), "capacity": str(self.capacity)}
        )


class NewActivity(ActivityFields):
    community_id: str = Field(default="", max_length=100)


class Cancel(BaseModel):
    reason: str = Field(default="", max_length=200)
    request_id: str = Field(default="", max_length=100)


class Minutes(BaseModel):
    member_id: str = Field(max_length=100)
    minutes: int = Field(ge=0, le=100_000)


class RecordHours(BaseModel):
    entries: list[Minutes] = Field(max_length=200)
    request_id: str = Field(default="", max_length=100)


class Approve(BaseModel):
    community_id: str = Field(default="", max_length=100)
    hour_record_ids: list[str] = Field(max_length=200)
    # Approve flagged records too; needs override_reason. Without it flagged records stay pending.
    override: bool = False
    override_reason: str = Field(default="", max_length=200)
    request_id: str = Field(default="", max_length=100)


class Reject(BaseModel):
    community_id: str = Field(default="", max_length=100)
    hour_record_ids: list[str] = Field(max_length=200)
    reason: str = Field(default="", max_length=200)
    request_id: str = Field(default="", max_length=100)


def _services(request: Request):
    return gateway(request).services


@router.get("/activities", response_model=views.Activities, tags=TAGS)
def activities(request: Request, community_id: str = "", me: Session = Depends(session)):
    return admin_activities.activities(_services(request), me, community_id)


@router.post("/activities", response_model=views.AdminActivity, dependencies=mutating, tags=TAGS)
def create_activity(body: NewActivity, request: Request, me: Session = Depends(session)):
    return admin_activities.create(_services(request), me, body.community_id, body.given(), body.request_id)


@router.get("/activities/{activity_id}", response_model=views.ActivityRecord, tags=TAGS)
def activity(activity_id: str, request: Request, me: Session = Depends(session)):
    return admin_activities.activity_record(_services(request), me, activity_id)


@router.put("/activities/{activity_id}", response_model=views.AdminActivity, dependencies=mutating, tags=TAGS)
def update_activity(activity_id: str, body: ActivityFields, request: Request, me: Session = Depends(session)):
    return admin_activities.update(_services(request), me, activity_id, body.given(), body.request_id)


@router.post(
    "/activities/{activity_id}/cancel", response_model=views.AdminActivity, dependencies=mutating, tags=TAGS
)
def cancel_activity(activity_id: str, body: Cancel, request: Request, me: Session = Depends(session)):
    return admin_activities.cancel(_services(request), me, activity_id, body.reason, body.request_id)


@router.get("/activities/{activity_id}/participants", response_model=list[views.Participant], tags=TAGS)
def participants(activity_id: str, request: Request, me: Session = Depends(session)):
    return admin_activities.activity_record(_services(request), me, activity_id).participants


@router.post(
    "/activities/{activity_id}/hours", response_model=views.Recorded, dependencies=mutating, tags=TAGS
)
def record_hours(activity_id: str, body: RecordHours, request: Request, me: Session = Depends(session)):
    minutes = {e.member_id: str(e.minutes) for e in body.entries}
    return admin_activities.record_hours(_services(request), me, activity_id, minutes, body.request_id)


@router.get("/hours", response_model=views.HourQueue, tags=TAGS)
def queue(request: Request, community_id: str = "", me: Session = Depends(session)):
    return admin_hours.queue(_services(request), me, community_id)


@router.post("/hours/approve", response_model=views.Decided, dependencies=mutating, tags=TAGS)
def approve(body: Approve, request: Request, me: Session = Depends(session)):
    return admin_hours.approve(
        _services(request),
        me,
        body.community_id,
        body.hour_record_ids,
        body.override,
        body.override_reason,
        body.request_id,
    )


@router.post("/hours/reject", response_model=list[views.QueuedRecord], dependencies=mutating, tags=TAGS)
def reject(body: Reject, request: Request, me: Session = Depends(session)):
    return admin_hours.reject(
        _services(request), me, body.community_id, body.hour_record_ids, body.reason, body.request_id
    )
