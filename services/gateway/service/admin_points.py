"""What a community or street admin does with points: award commendations, adjust a balance, and read
the community's leaderboard. The points service checks every member is theirs; this module first
keeps the pages within the communities the admin looks after."""

from __future__ import annotations

from jifen.members.v1 import members_pb2 as mpb
from jifen.points.v1 import ledger_pb2 as lpb

from . import admin_scope, views, views_points
from .admin_people import ROLE_NAMES
from .calendar import LOCAL
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session

MAX_POINTS = 1_000_000
MAX_MEMBERS = 500
PERIODS = {"month": lpb.LEADERBOARD_PERIOD_MONTH, "year": lpb.LEADERBOARD_PERIOD_YEAR}
METRICS = {"points": lpb.LEADERBOARD_METRIC_POINTS, "hours": lpb.LEADERBOARD_METRIC_HOURS}


def desk(services: Services, session: Session, community_id: str, query: str = "") -> views_points.PointsDesk:
    """The commendations the rules in force for the community define, and its active members found by
    name or phone, to award or adjust."""
    mine, chosen = admin_scope.chosen(services, session, community_id)
    version = services.points.rule_in_force(session.credentials, chosen)
    found = services.members.community_members(
        session.credentials, chosen, (query or "").strip()[:40], 0, mpb.MEMBER_STATUS_ACTIVE
    )
    return views_points.PointsDesk(
        communities=mine,
        community_id=chosen,
        query=query,
        rule_title=version.title,
        commendations=[
            views_points.Commendation(name=c.name, points=c.points) for c in version.rules.commendations
        ],
        members=[_member(m) for m in found.members],
        more=bool(found.next_page_token),
    )


def award_commendation(
    services: Services,
    session: Session,
    member_ids: list[str],
    commendation: str,
    citation: str,
    request_id: str,
) -> views_points.Awarded:
    """One commendation to one member or a list; each gets the points of the rules in force for them.
    All or nothing: the service names the first member it refuses."""
    _ = session.gettext
    chosen = list(dict.fromkeys(m.strip() for m in member_ids if m.strip()))
    if not chosen:
        raise ActionError(Kind.INVALID, _("请至少选择一位成员"), "member_ids")
    if len(chosen) > MAX_MEMBERS:
        raise ActionError(Kind.INVALID, _("一次最多表彰 500 人"), "member_ids")
    if not (commendation or "").strip():
        raise ActionError(Kind.INVALID, _("请选择表彰项目"), "commendation")
    _require_request_id(session, request_id)
    who = session.credentials
    name, citation = commendation.strip(), (citation or "").strip()
    if len(chosen) == 1:
        one = services.points.award_commendation(who, request_id, chosen[0], name, citation)
        entries, balances = [one.entry], [one.balance]
    else:
        many = services.points.bulk_award_commendation(who, request_id, chosen, name, citation)
        entries, balances = list(many.entries), list(many.balances)
    awarded = [
        views_points.MemberPoints(member_id=b.member_id, points=e.amount, available=b.available)
        for e, b in zip(entries, balances, strict=True)
    ]
    return views_points.Awarded(
        commendation=name,
        members=awarded,
        message=_("已为 %(n)s 人颁发表彰“%(name)s”") % {"n": len(awarded), "name": name},
    )


def adjust(
    services: Services, session: Session, member_id: str, points: str | int, reason: str, request_id: str
) -> views_points.Adjusted:
    """Adds or takes back points with a reason; taking back more than the member has is refused by points."""
    _ = session.gettext
    if not (member_id or "").strip():
        raise ActionError(Kind.INVALID, _("请选择要调整积分的成员"), "member_id")
    amount = _whole_points(session, points)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(Kind.INVALID, _("请填写调整原因，成员会在积分明细里看到"), "reason")
    if len(reason) > 200:
        raise ActionError(Kind.INVALID, _("调整原因最多 200 字"), "reason")
    _require_request_id(session, request_id)
    done = services.points.adjust(session.credentials, request_id, member_id.strip(), amount, reason)
    return views_points.Adjusted(
        member=views_points.MemberPoints(
            member_id=done.balance.member_id, points=done.entry.amount, available=done.balance.available
        ),
        message=_("已调整积分 %(points)s，调整后可用积分 %(available)s")
        % {"points": f"{amount:+d}", "available": done.balance.available},
    )


def leaderboard(
    services: Services,
    session: Session,
    community_id: str,
    period: str = "month",
    metric: str = "points",
    year: int = 0,
    month: int = 0,
) -> views_points.Leaderboard:
    """The community's board for a month or a year, by points earned or by certified hours."""
    _ = session.gettext
    mine, chosen = admin_scope.chosen(services, session, community_id)
    period = period or "month"
    metric = metric or "points"
    if period not in PERIODS:
        raise ActionError(Kind.INVALID, _("请选择按月或按年"), "period")
    if metric not in METRICS:
        raise ActionError(Kind.INVALID, _("请选择按积分或按时长"), "metric")
    now = services.clock().astimezone(LOCAL)
    year = year or now.year
    month = (month or now.month) if period == "month" else 0
    if not 2000 <= year <= 2100:
        raise ActionError(Kind.INVALID, _("请输入 2000 到 2100 之间的年份"), "year")
    if not 0 <= month <= 12:
        raise ActionError(Kind.INVALID, _("请选择 1 到 12 月"), "month")
    board = services.points.leaderboard(
        session.credentials, chosen, PERIODS[period], METRICS[metric], year, month
    )
    return views_points.Leaderboard(
        communities=mine,
        community_id=chosen,
        period=period,
        metric=metric,
        year=year,
        month=month,
        rows=[
            views_points.LeaderboardRow(rank=e.rank, member_id=e.member_id, name=e.name, value=e.value)
            for e in board.entries
        ],
        total_members=board.total_members,
    )


def _whole_points(session: Session, points: str | int) -> int:
    _ = session.gettext
    try:
        amount = int(str(points).strip())
    except ValueError:
        raise ActionError(Kind.INVALID, _("请输入整数积分，扣减时在前面加减号，如 -20"), "points") from None
    if amount == 0 or abs(amount) > MAX_POINTS:
        raise ActionError(Kind.INVALID, _("调整积分须是 1 到 1000000 之间的整数，可加减号"), "points")
    return amount


def _require_request_id(session: Session, request_id: str) -> None:
    if not (request_id or "").strip() or len(request_id) > 100:
        raise ActionError(Kind.INVALID, session.gettext("页面已过期，请刷新后再提交"), "request_id")


def _member(member: mpb.Member) -> views.Member:
    return views.Member(
        member_id=member.member_id,
        name=member.name,
        phone=member.phone,
        community_id=member.community_id,
        grid_id=member.grid_id,
        roles=sorted({ROLE_NAMES.get(g.role, "") for g in member.roles} - {""}),
        active=member.status == mpb.MEMBER_STATUS_ACTIVE,
    )
