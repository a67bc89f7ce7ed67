"""/api/v1/admin: commendations, adjustments, the rule editor and the leaderboard."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ..service import admin_points, admin_rules, views_points
from ..service.session import Session
from .context import checked_call, gateway, session

router = APIRouter()
mutating = [Depends(checked_call)]


class CommendationAward(BaseModel):
    member_ids: list[str] = Field(max_length=500)
    commendation: str = Field(max_length=40)
    citation: str = Field(default="", max_length=100)
    request_id: str = Field(max_length=100)


class Adjustment(BaseModel):
    member_id: str = Field(max_length=100)
    # Signed: positive gives, negative takes back.
    points: int = Field(ge=-(10**12), le=10**12)
    reason: str = Field(default="", max_length=200)
    request_id: str = Field(max_length=100)


class DraftPreview(BaseModel):
    community_id: str = Field(default="", max_length=100)
    draft: views_points.RuleDraft


class DraftPublication(BaseModel):
    community_id: str = Field(default="", max_length=100)
    draft: views_points.RuleDraft
    # From the preview of exactly this draft (POST /admin/rules/preview).
    preview_token: str = Field(default="", max_length=100)
    request_id: str = Field(max_length=100)


@router.get("/points/desk", response_model=views_points.PointsDesk, tags=["admin"])
def desk(request: Request, community_id: str = "", q: str = "", me: Session = Depends(session)):
    """The commendations the rules in force define, and active members found by name or phone."""
    return admin_points.desk(gateway(request).services, me, community_id, q)


@router.post(
    "/points/commendations", response_model=views_points.Awarded, dependencies=mutating, tags=["admin"]
)
def award(body: CommendationAward, request: Request, me: Session = Depends(session)):
    return admin_points.award_commendation(
        gateway(request).services, me, body.member_ids, body.commendation, body.citation, body.request_id
    )


@router.post(
    "/points/adjustments", response_model=views_points.Adjusted, dependencies=mutating, tags=["admin"]
)
def adjust(body: Adjustment, request: Request, me: Session = Depends(session)):
    return admin_points.adjust(
        gateway(request).services, me, body.member_id, body.points, body.reason, body.request_id
    )


@router.get("/points/leaderboard", response_model=views_points.Leaderboard, tags=["admin"])
def leaderboard(
    request: Request,
    community_id: str = "",
    period: str = "month",
    metric: str = "points",
    year: int = 0,
    month: int = 0,
    me: Session = Depends(session),
):
    return admin_points.leaderboard(gateway(request).services, me, community_id, period, metric, year, month)


@router.get("/rules", response_model=views_points.Rules, tags=["admin"])
def rules(request: Request, community_id: str = "", me: Session = Depends(session)):
    return admin_rules.rules(gateway(request).services, me, community_id)


@router.post("/rules/preview", response_model=views_points.RulePreview, dependencies=mutating, tags=["admin"])
def preview(body: DraftPreview, request: Request, me: Session = Depends(session)):
    """Writes nothing in points; remembers that this admin saw this draft previewed."""
    previews = request.app.state.rule_previews
    return admin_rules.preview(gateway(request).services, me, previews, body.community_id, body.draft)


@router.post("/rules/publish", response_model=views_points.RuleVersion, dependencies=mutating, tags=["admin"])
def publish(body: DraftPublication, request: Request, me: Session = Depends(session)):
    return admin_rules.publish(
        gateway(request).services,
        me,
        request.app.state.rule_previews,
        body.community_id,
        body.draft,
        body.preview_token,
        body.request_id,
    )
