"""What a community or street admin does with people: find them, open one member's record, register
volunteers one by one or from a sheet, set their roles, deactivate and reactivate them, export the list,
and keep the community's partner units (共建单位)."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, timedelta, timezone

from jifen.members.v1 import members_pb2 as mpb

from . import admin_scope, people_sheet, translate, views
from . import views_people as vp
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session, require

ROLES = {
    "volunteer": mpb.ROLE_VOLUNTEER,
    "staff": mpb.ROLE_STAFF,
    "admin": mpb.ROLE_ADMIN,
    "grid_worker": mpb.ROLE_GRID_WORKER,
}
STATUSES = {"active": mpb.MEMBER_STATUS_ACTIVE, "deactivated": mpb.MEMBER_STATUS_DEACTIVATED}
ROLE_NAMES = {value: key for key, value in ROLES.items()}
ORGANIZATION_KINDS = {
    "partner_unit": mpb.ORGANIZATION_KIND_PARTNER_UNIT,
    "property_company": mpb.ORGANIZATION_KIND_PROPERTY_COMPANY,
    "social_organization": mpb.ORGANIZATION_KIND_SOCIAL_ORGANIZATION,
    "party_branch": mpb.ORGANIZATION_KIND_PARTY_BRANCH,
}
KIND_NAMES = {value: key for key, value in ORGANIZATION_KINDS.items()}
# One batch of an import stays well within a reverse proxy's usual 60-second limit.
IMPORT_BUDGET_SECONDS = 20
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LOCAL = timezone(timedelta(hours=8))


def people(
    services: Services,
    session: Session,
    community_id: str,
    query: str = "",
    role: str = "",
    status: str = "",
    grid: str = "",
) -> vp.PeopleList:
    """Members of one community the admin looks after, found by name or phone, grid, role and status."""
    mine, chosen = admin_scope.chosen(services, session, community_id)
    grids = _grids(services, session, chosen)
    filters = _filters(session, grids, role, status, grid)
    answer = services.members.member_page(
        session.credentials, chosen, grid, (query or "").strip()[:40], *filters, page_size=50
    )
    names = {g.grid_id: g.name for g in grids}
    return vp.PeopleList(
        communities=mine,
        community_id=chosen,
        grids=grids,
        query=query,
        role=role,
        status=status,
        grid=grid,
        members=[_person(m, names) for m in answer.members],
        more=bool(answer.next_page_token),
    )


def person(services: Services, session: Session, member_id: str) -> views.MemberRecord:
    """One member as their admin sees them: who, their points and hours, and this month's statement."""
    require(session.is_admin, session)
    who = session.credentials
    member = services.members.member(who, member_id)
    balance = services.points.balance(who, member_id)
    now = services.clock()
    entries = services.points.entries(who, now - timedelta(days=90), now, member_id=member_id).entries
    certified, to_next = translate.certified_hours(balance)
    return views.MemberRecord(
        person=_person(member),
        available=balance.available,
        held=balance.held,
        certified_hours=certified,
        star_level=balance.star_level,
        hours_to_next_star=to_next,
        entries=[translate.entry(e) for e in entries],
        hours=[translate.hour_record(r) for r in services.points.hour_records(who, member_id)],
    )


def manage(services: Services, session: Session, member_id: str) -> vp.ManagedMember:
    """One member with what their admin may change: roles among the grids and shops of their community."""
    record = person(services, session, member_id)
    community_id = record.person.community_id
    _in_scope(services, session, community_id)
    member = services.members.member(session.credentials, member_id)
    grids = _grids(services, session, community_id)
    names = {g.grid_id: g.name for g in grids}
    organizations = {
        o.organization_id: o.name for o in services.members.organizations(session.credentials, community_id)
    }
    return vp.ManagedMember(
        record=record,
        person=_person(member, names),
        roles=_roles(member),
        grids=grids,
        shops=_shops(services, session, community_id),
        organizations=[organizations[o] for o in member.organization_ids if o in organizations],
    )


def registration_form(services: Services, session: Session, community_id: str) -> vp.RegistrationForm:
    mine, chosen = admin_scope.chosen(services, session, community_id)
    return vp.RegistrationForm(communities=mine, community_id=chosen, grids=_grids(services, session, chosen))


def new_password() -> str:
    """A one-time initial password for a volunteer an admin registers: ten letters and digits without
    the look-alikes (0/o, 1/l/i), read out or printed for the member, who changes it after logging in."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(10))


def register(
    services: Services,
    session: Session,
    community_id: str,
    name: str,
    phone: str,
    grid_id: str,
    request_id: str,
    initial_password: str,
) -> vp.Registered:
    """Registers a volunteer into a community of the admin's, with the initial password the form showed."""
    _, chosen = admin_scope.chosen(services, session, community_id)
    grids = _grids(services, session, chosen)
    if grid_id and grid_id not in {g.grid_id for g in grids}:
        raise ActionError(Kind.INVALID, session.gettext("请选择列表中的网格"), "grid")
    _require_request_id(session, request_id)
    member = services.members.register_volunteer(
        session.credentials,
        request_id,
        (name or "").strip(),
        (phone or "").strip(),
        initial_password,
        chosen,
        grid_id,
    )
    return vp.Registered(
        member=_person(member, {g.grid_id: g.name for g in grids}), initial_password=initial_password
    )


def set_roles(
    services: Services, session: Session, member_id: str, roles: vp.Roles, request_id: str
) -> vp.Person:
    """Replaces the roles this page sets (volunteer, staff of one shop, grid worker, admin of the member's
    community); other grants the member holds (another community's admin, a street's) are kept as they are.
    The shop and the grid must be of the member's own community; members checks every grant's scope."""
    _require_request_id(session, request_id)
    who = session.credentials
    member = services.members.member(who, member_id)
    _in_scope(services, session, member.community_id)
    grids = _grids(services, session, member.community_id)
    if roles.grid_id and roles.grid_id not in {g.grid_id for g in grids}:
        raise ActionError(Kind.INVALID, session.gettext("请选择本社区的网格"), "grid_id")
    shops = _shops(services, session, member.community_id)
    if roles.shop_id and roles.shop_id not in {s.shop_id for s in shops}:
        raise ActionError(Kind.INVALID, session.gettext("请选择本社区的门店"), "shop_id")
    current = _roles(member)
    if member_id == session.member_id and current.admin and not roles.admin:
        # Another admin of the community or street may take it; an admin cannot lock themselves out.
        raise ActionError(Kind.INVALID, session.gettext("不能取消自己的管理员角色"), "roles")
    grants = [g for g in member.roles if _kept(g, member.community_id)]
    if roles.volunteer:
        grants.append(mpb.RoleGrant(role=mpb.ROLE_VOLUNTEER))
    if roles.shop_id:
        grants.append(mpb.RoleGrant(role=mpb.ROLE_STAFF, shop_id=roles.shop_id))
    if roles.grid_id:
        grants.append(mpb.RoleGrant(role=mpb.ROLE_GRID_WORKER, grid_id=roles.grid_id))
    if roles.admin:
        grants.append(mpb.RoleGrant(role=mpb.ROLE_ADMIN, community_id=member.community_id))
    if not grants:
        raise ActionError(Kind.INVALID, session.gettext("请至少保留一个角色"), "roles")
    updated = services.members.set_roles(who, request_id, member_id, grants)
    return _person(updated, {g.grid_id: g.name for g in grids})


def deactivate(
    services: Services, session: Session, member_id: str, reason: str, request_id: str
) -> vp.Person:
    _require_request_id(session, request_id)
    member = services.members.member(session.credentials, member_id)
    _in_scope(services, session, member.community_id)
    if not (reason or "").strip():
        raise ActionError(Kind.INVALID, session.gettext("请填写停用原因"), "reason")
    done = services.members.deactivate(session.credentials, request_id, member_id, reason.strip())
    return _person(done, {})


def reactivate(
    services: Services, session: Session, member_id: str, reason: str, request_id: str
) -> vp.Person:
    _require_request_id(session, request_id)
    member = services.members.member(session.credentials, member_id)
    _in_scope(services, session, member.community_id)
    done = services.members.reactivate(session.credentials, request_id, member_id, (reason or "").strip())
    return _person(done, {})


def preview_import(
    services: Services, session: Session, community_id: str, rows: list[people_sheet.RawRow], token: str
) -> vp.ImportPreview:
    """Each row of an uploaded roll OK or with its error, checked against the community as it is now."""
    mine, chosen = admin_scope.chosen(services, session, community_id)
    checked = _checked(services, session, chosen, rows)
    registered = registered_text(session)
    return vp.ImportPreview(
        token=token,
        community_id=chosen,
        community_name=_community_name(services, session, mine, chosen),
        filename="",
        # The rows with a problem first: the admin sees them without scrolling through a long roll.
        rows=[
            vp.PreviewRow(line=r.line, name=r.name, phone=r.phone, grid=r.grid, error=r.error)
            for r in sorted(checked, key=lambda r: (r.ok, r.line))
        ],
        ok=sum(1 for r in checked if r.ok),
        errors=sum(1 for r in checked if not r.ok),
        already_registered=sum(1 for r in checked if r.error == registered),
    )


def run_import(
    services: Services,
    session: Session,
    community_id: str,
    rows: list[people_sheet.RawRow],
    budget_seconds: float = IMPORT_BUDGET_SECONDS,
) -> tuple[vp.ImportResult, list[people_sheet.RawRow]]:
    """Registers the rows that are OK now (checked again: the community may have changed since the
    preview), and the rows left for the next batch. Each password is hashed slowly on purpose, so a
    long roll goes in batches of about `budget_seconds`, each answered with its own passwords, and a
    batch stops early, keeping its rest, when members does not answer.

    Each row's request id is the community's and the phone's, so an import run again, or cut off and
    run again, registers nobody twice."""
    _, chosen = admin_scope.chosen(services, session, community_id)
    started, clock = services.clock(), time.monotonic()
    registered, not_registered = [], []
    checked = _checked(services, session, chosen, rows)
    for index, row in enumerate(checked):
        done = vp.ImportedRow(line=row.line, name=row.name, phone=row.phone, grid=row.grid, error=row.error)
        if not row.ok:
            not_registered.append(done)
            continue
        if registered and time.monotonic() - clock > budget_seconds:
            return _batch(chosen, registered, not_registered, checked[index:], interrupted=""), _raw(
                checked[index:]
            )
        password = new_password()
        try:
            member = services.members.register_volunteer(
                session.credentials,
                f"people-import:{chosen}:{row.phone}",
                row.name,
                row.phone,
                password,
                chosen,
                row.grid_id,
            )
        except ActionError as refused:
            if refused.kind in (Kind.FORBIDDEN, Kind.UNAUTHENTICATED, Kind.INTERNAL):
                raise
            if refused.kind is Kind.UNAVAILABLE:
                left = checked[index:]
                return _batch(chosen, registered, not_registered, left, refused.message), _raw(left)
            not_registered.append(done.model_copy(update={"error": refused.message}))
            continue
        if member.created_at.ToDatetime(tzinfo=UTC) < started - timedelta(seconds=5):
            # Registered by an earlier run of the same row: its password was shown then, not this one.
            not_registered.append(
                done.model_copy(update={"member_id": member.member_id, "error": registered_text(session)})
            )
            continue
        registered.append(
            done.model_copy(update={"member_id": member.member_id, "initial_password": password})
        )
    return _batch(chosen, registered, not_registered, [], ""), []


def _batch(community_id, registered, not_registered, left, interrupted: str) -> vp.ImportResult:
    # Rows with errors after the cut are reported with the batch that reaches them.
    return vp.ImportResult(
        community_id=community_id,
        registered=registered,
        not_registered=not_registered,
        remaining=sum(1 for r in left if r.ok),
        interrupted=interrupted,
    )


def _raw(rows: list[people_sheet.CheckedRow]) -> list[people_sheet.RawRow]:
    return [people_sheet.RawRow(r.line, r.name, r.phone, r.grid) for r in rows]


def export(
    services: Services,
    session: Session,
    community_id: str,
    query: str = "",
    role: str = "",
    status: str = "",
    grid: str = "",
) -> tuple[bytes, str]:
    """The member list under the page's filter as xlsx, and its file name (the community's name and today)."""
    mine, chosen = admin_scope.chosen(services, session, community_id)
    grids = _grids(services, session, chosen)
    filters = _filters(session, grids, role, status, grid)
    names = {g.grid_id: g.name for g in grids}
    _ = session.gettext
    role_words = {
        "volunteer": _("志愿者"),
        "staff": _("店员"),
        "grid_worker": _("网格员"),
        "admin": _("管理员"),
    }
    rows = []
    for m in _all_members(services, session, chosen, grid, (query or "").strip()[:40], *filters):
        p = _person(m, names)
        rows.append(
            (
                p.name,
                p.phone,
                p.grid_name,
                "、".join(role_words.get(r, r) for r in p.roles),
                _("正常") if p.active else _("已停用"),
            )
        )
    community = _community_name(services, session, mine, chosen)
    day = services.clock().astimezone(LOCAL).strftime("%Y%m%d")
    title = _("%(community)s人员名单") % {"community": community}
    return people_sheet.member_list(rows), f"{title}-{day}.xlsx"


def organizations(services: Services, session: Session, community_id: str) -> vp.Organizations:
    mine, chosen = admin_scope.chosen(services, session, community_id)
    found = services.members.organizations(session.credentials, chosen)
    return vp.Organizations(
        communities=mine,
        community_id=chosen,
        organizations=[_organization(o) for o in found if o.community_id == chosen],
    )


def create_organization(
    services: Services,
    session: Session,
    community_id: str,
    name: str,
    kind: str,
    contact_name: str,
    contact_phone: str,
    request_id: str,
) -> vp.Organization:
    _, chosen = admin_scope.chosen(services, session, community_id)
    if kind not in ORGANIZATION_KINDS:
        raise ActionError(Kind.INVALID, session.gettext("请选择列表中的单位类型"), "kind")
    _require_request_id(session, request_id)
    made = services.members.create_organization(
        session.credentials,
        request_id,
        chosen,
        (name or "").strip(),
        ORGANIZATION_KINDS[kind],
        (contact_name or "").strip(),
        (contact_phone or "").strip(),
    )
    return _organization(made)


def add_organization_member(
    services: Services, session: Session, community_id: str, organization_id: str, phone: str, request_id: str
) -> vp.Organization:
    """Adds the member of the community with this whole phone number to one of its partner units."""
    _, chosen = admin_scope.chosen(services, session, community_id)
    _require_request_id(session, request_id)
    if organization_id not in {
        o.organization_id for o in organizations(services, session, chosen).organizations
    }:
        raise ActionError(Kind.NOT_FOUND, session.gettext("没有找到这个单位"), "organization_id")
    wanted = people_sheet.normal_phone(phone)
    if not wanted:
        raise ActionError(Kind.INVALID, session.gettext("手机号格式不正确，应为 11 位手机号"), "phone")
    found = services.members.member_page(session.credentials, chosen, "", wanted, 0, 0, page_size=5).members
    member = next((m for m in found if m.phone == wanted), None)
    if member is None:
        raise ActionError(Kind.NOT_FOUND, session.gettext("本社区没有这个手机号的成员"), "phone")
    added = services.members.add_organization_member(
        session.credentials, request_id, organization_id, member.member_id
    )
    return _organization(added)


def registered_text(session: Session) -> str:
    return session.gettext("已注册：该手机号已是本社区成员")


def _community_name(services: Services, session: Session, mine: list[views.Community], chosen: str) -> str:
    # A community admin's own community comes without its name from their grant.
    known = next((c.name for c in mine if c.community_id == chosen and c.name), "")
    return known or services.members.community(session.credentials, chosen).name or chosen


def _filters(session: Session, grids: list[vp.Grid], role: str, status: str, grid: str) -> tuple[int, int]:
    if role and role not in ROLES:
        raise ActionError(Kind.INVALID, session.gettext("请选择列表中的角色"), "role")
    if status and status not in STATUSES:
        raise ActionError(Kind.INVALID, session.gettext("请选择列表中的状态"), "status")
    if grid and grid not in {g.grid_id for g in grids}:
        raise ActionError(Kind.INVALID, session.gettext("请选择列表中的网格"), "grid")
    return ROLES.get(role, 0), STATUSES.get(status, 0)


def _all_members(
    services: Services, session: Session, community_id: str, grid: str, query: str, role: int, status: int
):
    token = ""
    while True:
        page = services.members.member_page(
            session.credentials, community_id, grid, query, role, status, page_size=200, page_token=token
        )
        yield from page.members
        token = page.next_page_token
        if not token:
            return


def _checked(
    services: Services, session: Session, community_id: str, rows: list[people_sheet.RawRow]
) -> list[people_sheet.CheckedRow]:
    grids = {g.name: g.grid_id for g in _grids(services, session, community_id)}
    registered = {m.phone for m in _all_members(services, session, community_id, "", "", 0, 0)}
    return people_sheet.check_rows(rows, grids, registered, session.gettext)


def _grids(services: Services, session: Session, community_id: str) -> list[vp.Grid]:
    return [
        vp.Grid(grid_id=g.grid_id, name=g.name)
        for g in services.members.grids(session.credentials, community_id)
    ]


def _shops(services: Services, session: Session, community_id: str) -> list[vp.Shop]:
    return [
        vp.Shop(shop_id=s.shop_id, name=s.name)
        for s in services.market.shops(session.credentials, community_id)
    ]


def _roles(member: mpb.Member) -> vp.Roles:
    grants = list(member.roles)
    return vp.Roles(
        volunteer=any(g.role == mpb.ROLE_VOLUNTEER for g in grants),
        shop_id=next((g.shop_id for g in grants if g.role == mpb.ROLE_STAFF), ""),
        grid_id=next((g.grid_id for g in grants if g.role == mpb.ROLE_GRID_WORKER), ""),
        admin=any(g.role == mpb.ROLE_ADMIN and g.community_id == member.community_id for g in grants),
    )


def _kept(grant: mpb.RoleGrant, community_id: str) -> bool:
    """Grants the role form does not show: admin of a street or of another community."""
    return grant.role == mpb.ROLE_ADMIN and grant.community_id != community_id


def _in_scope(services: Services, session: Session, community_id: str) -> None:
    """The member lives in a community of the admin's (a street's own admins belong to none)."""
    if not community_id:
        raise ActionError(Kind.FORBIDDEN, session.gettext("您只能查看自己管理的社区"))
    admin_scope.chosen(services, session, community_id)


def _require_request_id(session: Session, request_id: str) -> None:
    if not (request_id or "").strip():
        raise ActionError(Kind.INVALID, session.gettext("页面已过期，请返回上一页刷新后再提交"), "request_id")


def _organization(value: mpb.Organization) -> vp.Organization:
    return vp.Organization(
        organization_id=value.organization_id,
        name=value.name,
        kind=KIND_NAMES.get(value.kind, ""),
        contact_name=value.contact_name,
        contact_phone=value.contact_phone,
        member_count=value.member_count,
    )


def _person(member: mpb.Member, grid_names: dict[str, str] | None = None) -> vp.Person:
    return vp.Person(
        member_id=member.member_id,
        name=member.name,
        phone=member.phone,
        community_id=member.community_id,
        grid_id=member.grid_id,
        grid_name=(grid_names or {}).get(member.grid_id, ""),
        roles=sorted({ROLE_NAMES.get(g.role, "") for g in member.roles} - {""}),
        active=member.status == mpb.MEMBER_STATUS_ACTIVE,
    )
