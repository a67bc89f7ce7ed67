"""The needs list (问题清单) and the resource list (资源清单) as people use them: admins post, close and
reopen needs and keep the resource list; volunteers and partner units' members browse and claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from jifen.ids import new_id
from jifen.members.v1 import members_pb2 as mpb
from jifen.points.v1 import needs_pb2 as npb

from . import admin_scope, views
from .calendar import LOCAL
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session

STATUS = {npb.NEED_STATUS_OPEN: "open", npb.NEED_STATUS_CLAIMED: "claimed", npb.NEED_STATUS_CLOSED: "closed"}
REPORT_DAYS = 30


@dataclass(frozen=True)
class Unit:
    organization_id: str
    name: str


@dataclass(frozen=True)
class Listing:
    communities: list[views.Community]
    community_id: str
    open: list[npb.Need]
    closed: list[npb.Need]


@dataclass(frozen=True)
class NeedInput:
    title: str = ""
    description: str = ""
    place: str = ""
    grid_id: str = ""
    category: str = ""
    points: str = ""
    wanted: str = "1"
    deadline: str = ""

    @classmethod
    def of(cls, form: dict) -> NeedInput:
        return cls(**{name: str(form.get(name, "")).strip() for name in cls.__dataclass_fields__})


def status_of(need: npb.Need) -> str:
    return STATUS.get(need.status, "open")


def _split(found: list[npb.Need]) -> tuple[list[npb.Need], list[npb.Need]]:
    return (
        [n for n in found if n.status != npb.NEED_STATUS_CLOSED],
        [n for n in found if n.status == npb.NEED_STATUS_CLOSED],
    )


# --- Admins ---


def admin_needs(services: Services, session: Session, community_id: str) -> Listing:
    mine, chosen = admin_scope.chosen(services, session, community_id)
    open_, closed = _split(services.points.needs(session.credentials, chosen))
    return Listing(mine, chosen, open_, closed)


def grids(services: Services, session: Session, community_id: str) -> list:
    return services.members.grids(session.credentials, community_id)


def _whole(text: str, field: str, name: str, session: Session, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ActionError(Kind.INVALID, session.gettext("%(name)s须是整数") % {"name": name}, field) from None
    if value < low:
        raise ActionError(
            Kind.INVALID, session.gettext("%(name)s不能小于 %(n)s") % {"name": name, "n": low}, field
        )
    return value


def post(services: Services, session: Session, community_id: str, given: NeedInput, request_id: str):
    _, chosen = admin_scope.chosen(services, session, community_id)
    points = _whole(given.points or "0", "points", session.gettext("积分"), session, 0)
    wanted = _whole(given.wanted or "1", "wanted", session.gettext("需要人数"), session, 1)
    deadline = None
    if given.deadline:
        try:
            deadline = datetime.strptime(given.deadline, "%Y-%m-%dT%H:%M").replace(tzinfo=LOCAL)
        except ValueError:
            raise ActionError(Kind.INVALID, session.gettext("截止时间格式不对"), "deadline") from None
    request = npb.PostNeedRequest(
        request_id=request_id or new_id(),
        community_id=chosen,
        grid_id=given.grid_id,
        place=given.place,
        title=given.title,
        description=given.description,
        category=given.category,
        points=points,
        wanted=wanted,
    )
    if deadline is not None:
        request.deadline.FromDatetime(deadline)
    return services.points.post_need(session.credentials, request)


def need(services: Services, session: Session, need_id: str) -> npb.Need:
    return services.points.need(session.credentials, need_id)


def close(services: Services, session: Session, need_id: str, result: str, request_id: str):
    return services.points.close_need(session.credentials, request_id or new_id(), need_id, result)


def reopen(services: Services, session: Session, need_id: str, reason: str, request_id: str):
    return services.points.reopen_need(session.credentials, request_id or new_id(), need_id, reason)


def reject(services: Services, session: Session, need_id: str, claim_id: str, reason: str, request_id: str):
    return services.points.reject_claim(
        session.credentials, request_id or new_id(), need_id, claim_id, reason
    )


def note(services: Services, session: Session, need_id: str, text: str, request_id: str):
    return services.points.note_need(session.credentials, request_id or new_id(), need_id, text)


@dataclass(frozen=True)
class Resources:
    communities: list[views.Community]
    community_id: str
    resources: list[npb.Resource]
    report: npb.GetNeedsReportResponse
    report_days: int
    grid_names: dict[str, str]


def admin_resources(services: Services, session: Session, community_id: str) -> Resources:
    mine, chosen = admin_scope.chosen(services, session, community_id)
    now = services.clock()
    report = services.points.needs_report(
        session.credentials, chosen, now - timedelta(days=REPORT_DAYS), now + timedelta(minutes=1)
    )
    offered = services.points.resources(session.credentials, chosen)
    return Resources(mine, chosen, offered, report, REPORT_DAYS, grid_names(services, session, chosen))


def grid_names(services: Services, session: Session, community_id: str) -> dict[str, str]:
    """Grid id -> its name, so people read 第一网格 rather than an id."""
    return {g.grid_id: g.name for g in services.members.grids(session.credentials, community_id)}


def put_resource(services: Services, session: Session, community_id: str, form: dict) -> npb.Resource:
    _, chosen = admin_scope.chosen(services, session, community_id)
    request = npb.PutResourceRequest(
        request_id=form.get("request_id", "") or new_id(),
        resource_id=form.get("resource_id", ""),
        community_id=chosen,
        unit_name=form.get("unit_name", ""),
        title=form.get("title", ""),
        description=form.get("description", ""),
        contact=form.get("contact", ""),
    )
    return services.points.put_resource(session.credentials, request)


def delete_resource(services: Services, session: Session, resource_id: str, request_id: str) -> None:
    services.points.delete_resource(session.credentials, request_id or new_id(), resource_id)


# --- Volunteers and partner units' members ---


def browse(services: Services, session: Session) -> Listing:
    community = session.caller.community_id
    open_, closed = _split(services.points.needs(session.credentials, community))
    return Listing([], community, open_, closed[:20])


def my_units(services: Services, session: Session, need: npb.Need) -> list[Unit]:
    """The partner units the member belongs to, that they may claim for."""
    me = services.members.member(session.credentials, session.member_id)
    if not me.organization_ids:
        return []
    found: dict[str, Unit] = {}
    for community in {need.community_id, me.community_id}:
        for org in services.members.organizations(session.credentials, community):
            if org.organization_id in me.organization_ids and org.kind == mpb.ORGANIZATION_KIND_PARTNER_UNIT:
                found[org.organization_id] = Unit(org.organization_id, org.name)
    return list(found.values())


def claim(services: Services, session: Session, need_id: str, organization_id: str, request_id: str):
    return services.points.claim_need(session.credentials, request_id or new_id(), need_id, organization_id)


def resources(services: Services, session: Session) -> list[npb.Resource]:
    return services.points.resources(session.credentials, session.caller.community_id)
