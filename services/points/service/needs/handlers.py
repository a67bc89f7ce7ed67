"""The needs list: post, claim, reject a claim, note progress, close (办结) and reopen; the resource
list; the report per community and period.

Every change to a need locks its row first, so claims of one need queue: a need that wants three
never gets a fourth. Closing awards the need's points through the ledger's award path, once per
member and need (need_awards), so closing twice, concurrently or after a reopen awards nobody twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import FailedPrecondition, InvalidArgument, NotFound, bounded, denied, required
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain.need import CLAIMED, CLOSED, FROM_NEED, OPEN, Need, Resource
from ..ledger.awards import MAX_POINTS, post_award
from ..lookups import known_active_member, known_community, known_member, known_partner_unit
from ..ports import UnitOfWork
from ..scope import administers, refused, require_admin_of, require_may_award
from .commands import (
    AddNeedNote,
    ClaimNeed,
    CloseNeed,
    DeleteResource,
    GetNeed,
    GetNeedsReport,
    ListNeeds,
    ListResources,
    PostNeed,
    PutResource,
    RejectClaim,
    ReopenNeed,
)
from .views import Count, NeedsReport, NeedView, need_view

MAX_WANTED = 1000
STATUSES = (OPEN, CLAIMED, CLOSED)
MAX_REPORT_DAYS = 400


def known_need(uow: UnitOfWork, need_id: str, lock: bool = False) -> Need:
    found = uow.needs.get(required("need_id", need_id, "需求编号"), lock=lock)
    if found is None:
        raise NotFound("找不到该需求", f"need {need_id!r} not found", "need_id")
    return found


def _view(uow: UnitOfWork, ref: dict) -> NeedView:
    need = known_need(uow, ref["need_id"])
    return need_view(uow, need, ref.get("caller", ""), tuple(ref.get("awarded", ())))


def _admin_of_need(uow: UnitOfWork, actor: Caller, need: Need) -> None:
    require_admin_of(actor, known_community(uow, need.community_id))


# --- Posting ---


def post_need(cmd: PostNeed, uow: UnitOfWork, clock: Clock = utcnow) -> NeedView:
    _valid_post(cmd, clock())
    return _post_need(cmd, uow, clock)


def _valid_post(cmd: PostNeed, now: datetime) -> None:
    required("community_id", cmd.community_id, "社区")
    bounded("title", cmd.title, 100, "标题", optional=False)
    bounded("description", cmd.description, 2000, "说明")
    bounded("place", cmd.place, 100, "地点")
    bounded("category", cmd.category, 40, "类别")
    bounded("grid_id", cmd.grid_id, 40, "网格")
    if cmd.points < 0 or cmd.points > MAX_POINTS:
        raise InvalidArgument("points", f"积分须在 0 到 {MAX_POINTS} 之间", f"must be 0..{MAX_POINTS}")
    if cmd.wanted < 1 or cmd.wanted > MAX_WANTED:
        raise InvalidArgument("wanted", f"需要的人数须在 1 到 {MAX_WANTED} 之间", f"must be 1..{MAX_WANTED}")
    if cmd.deadline is not None and cmd.deadline <= now:
        raise InvalidArgument("deadline", "截止时间须晚于现在", "must be in the future")


@idempotent("points.PostNeed", view=_view)
def _post_need(cmd: PostNeed, uow: UnitOfWork, clock: Clock) -> dict:
    now = clock()
    require_admin_of(cmd.actor, known_community(uow, cmd.community_id))
    need = Need.post(
        id=new_id(),
        community_id=cmd.community_id,
        grid_id=cmd.grid_id.strip(),
        place=cmd.place.strip(),
        title=cmd.title.strip(),
        description=cmd.description.strip(),
        category=cmd.category.strip(),
        points=cmd.points,
        wanted=cmd.wanted,
        deadline=cmd.deadline,
        posted_by=cmd.actor.member_id,
        posted_at=now,
    )
    uow.needs.add(need)
    return {"need_id": need.id}


# --- Reading ---


def list_needs(query: ListNeeds, uow: UnitOfWork) -> list[NeedView]:
    required("community_id", query.community_id, "社区")
    if query.status and query.status not in STATUSES:
        raise InvalidArgument("status", "未知的需求状态", "unknown status")
    with uow:
        known_community(uow, query.community_id)
        found = uow.needs.list(query.community_id, query.grid_id.strip())
        return [
            need_view(uow, n, query.actor.member_id)
            for n in found
            if not query.status or n.status == query.status
        ]


def get_need(query: GetNeed, uow: UnitOfWork) -> NeedView:
    with uow:
        return need_view(uow, known_need(uow, query.need_id), query.actor.member_id)


# --- Claims ---


def claim_need(cmd: ClaimNeed, uow: UnitOfWork, clock: Clock = utcnow) -> NeedView:
    required("need_id", cmd.need_id, "需求编号")
    bounded("organization_id", cmd.organization_id, 40, "单位")
    return _claim_need(cmd, uow, clock)


@idempotent("points.ClaimNeed", view=_view)
def _claim_need(cmd: ClaimNeed, uow: UnitOfWork, clock: Clock) -> dict:
    now = clock()
    if not cmd.actor.member_id:
        raise refused()
    member = known_active_member(uow, cmd.actor.member_id)
    unit_id, unit_name = cmd.organization_id.strip(), ""
    if unit_id:
        # Members keeps who belongs to which unit: asked before the need's row is locked.
        unit_name = known_partner_unit(uow, member, unit_id)
    need = known_need(uow, cmd.need_id, lock=True)
    if not unit_id and member.community_id != need.community_id:
        raise denied(
            "只有本社区的志愿者可以认领该需求", "only volunteers of the need's community may claim it"
        )
    need.claim(new_id(), member.id, unit_id, unit_name, now)
    uow.needs.save(need)
    return {"need_id": need.id, "caller": member.id}


def reject_claim(cmd: RejectClaim, uow: UnitOfWork, clock: Clock = utcnow) -> NeedView:
    required("need_id", cmd.need_id, "需求编号")
    required("claim_id", cmd.claim_id, "认领编号")
    bounded("reason", cmd.reason, 200, "原因")
    return _reject_claim(cmd, uow, clock)


@idempotent("points.RejectClaim", view=_view)
def _reject_claim(cmd: RejectClaim, uow: UnitOfWork, clock: Clock) -> dict:
    need = known_need(uow, cmd.need_id, lock=True)
    _admin_of_need(uow, cmd.actor, need)
    need.reject(cmd.claim_id)
    uow.needs.save(need)
    return {"need_id": need.id}


def add_note(cmd: AddNeedNote, uow: UnitOfWork, clock: Clock = utcnow) -> NeedView:
    required("need_id", cmd.need_id, "需求编号")
    bounded("text", cmd.text, 500, "进展", optional=False)
    return _add_note(cmd, uow, clock)


@idempotent("points.AddNeedNote", view=_view)
def _add_note(cmd: AddNeedNote, uow: UnitOfWork, clock: Clock) -> dict:
    need = known_need(uow, cmd.need_id, lock=True)
    claimant = bool(cmd.actor.member_id) and need.claim_of(cmd.actor.member_id) is not None
    if not claimant and not administers(cmd.actor, known_community(uow, need.community_id)):
        raise refused()
    need.note(new_id(), cmd.actor.member_id, cmd.text.strip(), clock())
    uow.needs.save(need)
    return {"need_id": need.id, "caller": cmd.actor.member_id}


# --- Closing ---


def close_need(cmd: CloseNeed, uow: UnitOfWork, clock: Clock = utcnow) -> NeedView:
    required("need_id", cmd.need_id, "需求编号")
    bounded("result", cmd.result, 500, "办结结果", optional=False)
    if len(cmd.member_ids) > MAX_WANTED or any(not m.strip() for m in cmd.member_ids):
        raise InvalidArgument("member_ids", "志愿者名单有误", "must list member ids")
    return _close_need(cmd, uow, clock)


@idempotent("points.CloseNeed", view=_view)
def _close_need(cmd: CloseNeed, uow: UnitOfWork, clock: Clock) -> dict:
    now = clock()
    need = known_need(uow, cmd.need_id, lock=True)
    _admin_of_need(uow, cmd.actor, need)
    if need.closed:
        raise FailedPrecondition("该需求已办结", "the need is already closed")
    named = list(dict.fromkeys(m.strip() for m in cmd.member_ids))
    doers = named or [c.member_id for c in need.active_claims]
    targets = [known_member(uow, m, "member_ids") for m in doers]
    already = uow.needs.awarded(need.id)
    awarded: list[str] = []
    for target in sorted(targets, key=lambda t: t.id):
        if target.id in already:
            continue
        # A claimant of the need may live elsewhere (a partner unit's member): the need's admin awards
        # its claimants; anyone else named must be theirs to award. Never oneself.
        if need.claim_of(target.id) is None or target.id == cmd.actor.member_id:
            require_may_award(cmd.actor, target)
        if need.points > 0:
            entry = post_award(
                uow, cmd.actor, target, need.points, need.award_reason(), now, (FROM_NEED, need.id)
            )
            uow.needs.note_award(need.id, target.id, entry.id, now)
            awarded.append(target.id)
    need.close(cmd.result.strip(), tuple(awarded), now)
    uow.needs.save(need)
    return {"need_id": need.id, "awarded": awarded}


def reopen_need(cmd: ReopenNeed, uow: UnitOfWork, clock: Clock = utcnow) -> NeedView:
    required("need_id", cmd.need_id, "需求编号")
    bounded("reason", cmd.reason, 200, "原因")
    return _reopen_need(cmd, uow, clock)


@idempotent("points.ReopenNeed", view=_view)
def _reopen_need(cmd: ReopenNeed, uow: UnitOfWork, clock: Clock) -> dict:
    need = known_need(uow, cmd.need_id, lock=True)
    _admin_of_need(uow, cmd.actor, need)
    need.reopen()
    if cmd.reason.strip():
        need.note(new_id(), cmd.actor.member_id, f"重新打开：{cmd.reason.strip()}", clock())
    uow.needs.save(need)
    return {"need_id": need.id}


# --- The resource list ---


def known_resource(uow: UnitOfWork, resource_id: str) -> Resource:
    found = uow.resources.get(required("resource_id", resource_id, "资源编号"))
    if found is None:
        raise NotFound("找不到该资源", f"resource {resource_id!r} not found", "resource_id")
    return found


def _resource_view(uow: UnitOfWork, ref: dict) -> Resource:
    return known_resource(uow, ref["resource_id"])


def put_resource(cmd: PutResource, uow: UnitOfWork, clock: Clock = utcnow) -> Resource:
    required("community_id", cmd.community_id, "社区")
    bounded("unit_name", cmd.unit_name, 100, "单位名称", optional=False)
    bounded("title", cmd.title, 100, "资源名称", optional=False)
    bounded("description", cmd.description, 1000, "说明")
    bounded("contact", cmd.contact, 100, "联系方式")
    return _put_resource(cmd, uow, clock)


@idempotent("points.PutResource", view=_resource_view)
def _put_resource(cmd: PutResource, uow: UnitOfWork, clock: Clock) -> dict:
    require_admin_of(cmd.actor, known_community(uow, cmd.community_id))
    resource_id = cmd.resource_id.strip()
    if resource_id:
        existing = known_resource(uow, resource_id)
        require_admin_of(cmd.actor, known_community(uow, existing.community_id))
    resource = Resource(
        id=resource_id or new_id(),
        community_id=cmd.community_id,
        unit_name=cmd.unit_name.strip(),
        title=cmd.title.strip(),
        description=cmd.description.strip(),
        contact=cmd.contact.strip(),
        updated_at=clock(),
    )
    uow.resources.put(resource)
    return {"resource_id": resource.id}


def delete_resource(cmd: DeleteResource, uow: UnitOfWork) -> None:
    required("resource_id", cmd.resource_id, "资源编号")
    _delete_resource(cmd, uow)


@idempotent("points.DeleteResource")
def _delete_resource(cmd: DeleteResource, uow: UnitOfWork) -> dict:
    resource = known_resource(uow, cmd.resource_id)
    require_admin_of(cmd.actor, known_community(uow, resource.community_id))
    uow.resources.delete(resource.id)
    return {"resource_id": resource.id}


def list_resources(query: ListResources, uow: UnitOfWork) -> list[Resource]:
    required("community_id", query.community_id, "社区")
    with uow:
        known_community(uow, query.community_id)
        return uow.resources.of_community(query.community_id)


# --- The report ---


def needs_report(query: GetNeedsReport, uow: UnitOfWork) -> NeedsReport:
    required("community_id", query.community_id, "社区")
    start, end = query.period_start, query.period_end
    if start is None or end is None:
        raise InvalidArgument("period_start", "请给出统计的起止时间", "period_start and period_end are due")
    if end <= start:
        raise InvalidArgument("period_end", "结束时间须晚于开始时间", "must be after period_start")
    if (end - start).days > MAX_REPORT_DAYS:
        raise InvalidArgument("period_end", f"统计期间不能超过 {MAX_REPORT_DAYS} 天", "too long a period")
    with uow:
        require_admin_of(query.actor, known_community(uow, query.community_id))
        found = uow.needs.posted_between(query.community_id, start, end)
    return report_of(found)


def report_of(found: list[Need]) -> NeedsReport:
    """Posted, claimed (at least one active claim) and closed; by the claiming units and by grid."""
    total = [0, 0, 0]
    units: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    grids: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for need in found:
        claimed = bool(need.active_claims) or need.closed
        row = (1, int(claimed), int(need.closed))
        for i, n in enumerate(row):
            total[i] += n
            grids[need.grid_id][i] += n
        for unit in {c.organization_name for c in need.active_claims}:
            for i, n in enumerate(row):
                units[unit][i] += n
    return NeedsReport(
        Count("", *total),
        [Count(k, *v) for k, v in sorted(units.items())],
        [Count(k, *v) for k, v in sorted(grids.items())],
    )
