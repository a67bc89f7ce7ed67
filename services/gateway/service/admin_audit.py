"""The audit trail (操作记录) of a community: awards, commendations, adjustments and rule publications
from points, role changes from members and restocks from the market, merged newest first.

Each service pages its own list newest first; a page here asks each of them for the events before
a moment and merges them. The page token is that moment plus the events at exactly that moment
already shown, so events that share a timestamp are neither lost nor shown twice.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta

from jifen.members.v1 import members_pb2 as mpb
from jifen.points.v1 import ledger_pb2 as lpb
from jifen.timestamps import from_timestamp

from . import admin_scope
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session
from .views_dashboard import AuditRow, AuditTrail

PAGE_SIZE = 20
POINTS_KINDS = {
    "award": lpb.AUDIT_KIND_AWARD,
    "commendation": lpb.AUDIT_KIND_COMMENDATION,
    "adjustment": lpb.AUDIT_KIND_ADJUSTMENT,
    "rule": lpb.AUDIT_KIND_RULE_PUBLICATION,
}
KINDS = (*POINTS_KINDS, "role", "restock")
POINTS_KIND_NAMES = {value: key for key, value in POINTS_KINDS.items()}
ROLE_WORDS = {
    mpb.ROLE_VOLUNTEER: "志愿者",
    mpb.ROLE_STAFF: "店员",
    mpb.ROLE_GRID_WORKER: "网格员",
    mpb.ROLE_ADMIN: "管理员",
}


def trail(
    services: Services, session: Session, community_id: str = "", kind: str = "", page_token: str = ""
) -> AuditTrail:
    mine, community_id = admin_scope.chosen(services, session, community_id)
    _ = session.gettext
    if kind and kind not in KINDS:
        raise ActionError(Kind.INVALID, _("请选择列表中的类型"), "kind")
    before, shown = _cursor(page_token, _)
    who = session.credentials
    # Each source gets room for the page plus the events already shown at the cursor's moment.
    wanted = PAGE_SIZE + len(shown) + 1
    until = before + timedelta(microseconds=1) if before else None
    found: list[tuple[datetime, str, str, object]] = []
    full = False
    if kind in ("", *POINTS_KINDS):
        kinds = [POINTS_KINDS[kind]] if kind else list(POINTS_KINDS.values())
        events = services.points.audit_events(who, community_id, kinds, until, wanted)
        full |= len(events) >= wanted
        found += [(_when(e.occurred_at), "p:" + e.audit_event_id, "points", e) for e in events]
    if kind in ("", "role"):
        changes = services.members.role_changes(who, community_id, until, wanted)
        full |= len(changes) >= wanted
        found += [(_when(c.occurred_at), "m:" + c.role_change_id, "role", c) for c in changes]
    if kind in ("", "restock"):
        restocks = services.market.restocks(who, community_id, until, wanted)
        full |= len(restocks) >= wanted
        found += [(_when(s.created_at), "s:" + s.stock_change_id, "restock", s) for s in restocks]
    found = [f for f in found if f[1] not in shown]
    found.sort(key=lambda f: (f[0], f[1]), reverse=True)
    page, rest = found[:PAGE_SIZE], found[PAGE_SIZE:]
    token = ""
    if page and (rest or full):
        last = page[-1][0]
        same = [f[1] for f in page if f[0] == last]
        if last == before:
            same += shown
        token = _token(last, same)
    names = _Names(services, session)
    return AuditTrail(
        communities=mine,
        community_id=community_id,
        kind=kind,
        events=[_row(source, event, names, _) for _moment, _key, source, event in page],
        next_page_token=token,
    )


def _when(stamp) -> datetime:
    return from_timestamp(stamp) or datetime.min.replace(tzinfo=UTC)


def _token(moment: datetime, shown: list[str]) -> str:
    raw = json.dumps({"before": moment.isoformat(), "shown": shown}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor(token: str, _) -> tuple[datetime | None, set[str]]:
    if not token:
        return None, set()
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return datetime.fromisoformat(raw["before"]), set(raw["shown"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise ActionError(Kind.INVALID, _("翻页链接已失效，请从第一页重新查看"), "page_token") from None


class _Names:
    """Names of the people and goods an audit page mentions, each looked up once."""

    def __init__(self, services: Services, session: Session):
        self.services = services
        self.session = session
        self.members: dict[str, str] = {}
        self.items: dict[str, str] = {}

    def member(self, member_id: str, acting: bool = False) -> str:
        if not member_id:
            return ""
        if member_id not in self.members:
            try:
                found = self.services.members.member(self.session.credentials, member_id)
                self.members[member_id] = found.name
            except ActionError as refused:
                if refused.kind not in (Kind.FORBIDDEN, Kind.NOT_FOUND):
                    raise
                self.members[member_id] = ""
        if self.members[member_id]:
            return self.members[member_id]
        # Only a street admin acts in a community without belonging to it: a community admin may not
        # look them up, but may know who they are. Someone acted upon has since left the community.
        if acting:
            return self.session.gettext("街道管理员")
        return self.session.gettext("已不在本社区的成员")

    def item(self, item_id: str) -> str:
        if item_id not in self.items:
            try:
                self.items[item_id] = self.services.market.item(self.session.credentials, item_id).name
            except ActionError as refused:
                if refused.kind is not Kind.NOT_FOUND:
                    raise
                self.items[item_id] = item_id
        return self.items[item_id]


def _roles(grants, _) -> str:
    words = sorted({_(ROLE_WORDS[g.role]) for g in grants if g.role in ROLE_WORDS})
    return "、".join(words) or _("无")


def _row(source: str, event, names: _Names, _) -> AuditRow:
    if source == "points":
        kind = POINTS_KIND_NAMES.get(event.kind, "award")
        if kind == "rule":
            target, detail = _("积分规则"), ""
        else:
            target, detail = names.member(event.member_id), _("%(n)s 分") % {"n": f"{event.points:+d}"}
        return AuditRow(
            kind=kind,
            occurred_at=from_timestamp(event.occurred_at),
            actor_id=event.actor_id,
            actor=names.member(event.actor_id, acting=True),
            target=target,
            detail=detail,
            reason=event.reason,
        )
    if source == "role":
        if event.kind == mpb.ROLE_CHANGE_KIND_DEACTIVATED:
            detail = _("停用账号")
        elif event.kind == mpb.ROLE_CHANGE_KIND_REACTIVATED:
            detail = _("恢复账号")
        else:
            detail = f"{_roles(event.roles_before, _)} → {_roles(event.roles_after, _)}"
        return AuditRow(
            kind="role",
            occurred_at=from_timestamp(event.occurred_at),
            actor_id=event.actor_id,
            actor=names.member(event.actor_id, acting=True),
            target=names.member(event.member_id),
            detail=detail,
            reason=event.reason,
        )
    return AuditRow(
        kind="restock",
        occurred_at=from_timestamp(event.created_at),
        actor_id=event.changed_by,
        actor=names.member(event.changed_by, acting=True),
        target=names.item(event.item_id),
        detail=_("%(n)s 件，库存 %(after)s") % {"n": f"{event.delta:+d}", "after": event.stock_after},
        reason=event.reason,
    )
