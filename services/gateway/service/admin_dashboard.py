"""The dashboard (数据看板) of a community, or of every community of the admin's street: each figure is
summed by the points and market services (their reports RPCs); the gateway only lays them out and
writes a table into an xlsx file."""

from __future__ import annotations

import re
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from jifen.caller import ADMIN
from jifen.months import LOCAL

from . import admin_scope
from .errors import ActionError, Kind
from .gateway import Services
from .session import Session
from .views_dashboard import Dashboard, GoodFigures, MonthFigures, ShopFigures

ALL = "all"
DEFAULT_MONTHS = 12
MONTH = re.compile(r"^\d{4}-\d{2}$")
# The tables a person can download, each with its Chinese sheet and file name.
TABLES = ("points", "hours", "volunteers", "shops", "goods")


def street_of(session: Session) -> str:
    """The street this admin looks after as a whole, if exactly one."""
    streets = {g.street_id for g in session.caller.grants if g.role == ADMIN and g.street_id}
    return next(iter(streets)) if len(streets) == 1 else ""


def default_period(services: Services) -> tuple[str, str]:
    """The last 12 calendar months (Asia/Shanghai), this one included."""
    now = services.clock().astimezone(LOCAL)
    index = now.year * 12 + now.month - 1 - (DEFAULT_MONTHS - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}", f"{now.year:04d}-{now.month:02d}"


def dashboard(
    services: Services, session: Session, community_id: str = "", from_month: str = "", to_month: str = ""
) -> Dashboard:
    street = street_of(session)
    if community_id == ALL:
        if not street:
            raise ActionError(Kind.FORBIDDEN, session.gettext("只有街道管理员可以查看全街道的数据"))
        mine, _ = admin_scope.chosen(services, session, "")
        scope = {"street_id": street}
    else:
        mine, community_id = admin_scope.chosen(services, session, community_id)
        scope = {"community_id": community_id}
    first, last = default_period(services)
    from_month, to_month = (from_month or first).strip(), (to_month or last).strip()
    for field, value in (("from_month", from_month), ("to_month", to_month)):
        if not MONTH.match(value):
            raise ActionError(Kind.INVALID, session.gettext("月份须写作 年-月，例如 2026-03"), field)
    who = session.credentials
    # The two services sum at the same time: the page waits for the slower, not for both in turn.
    with ThreadPoolExecutor(max_workers=1) as pool:
        asked = pool.submit(services.market.redemption_summary, who, from_month, to_month, **scope)
        months = services.points.monthly_summary(who, from_month, to_month, **scope)
        redemptions = asked.result()
    return Dashboard(
        communities=mine,
        community_id=community_id,
        street_wide=bool(street),
        from_month=from_month,
        to_month=to_month,
        months=[
            MonthFigures(
                month=m.month,
                points_issued=m.points_issued,
                points_taken_back=m.points_taken_back,
                points_spent=m.points_spent,
                points_held=m.points_held,
                points_expired=m.points_expired,
                certified_minutes=m.certified_minutes,
                certified_hours=round(m.certified_minutes / 60, 1),
                active_volunteers=m.active_volunteers,
            )
            for m in months
        ],
        shops=_shops(redemptions.shop_months),
        top_goods=_goods(redemptions),
    )


def _shops(shop_months) -> list[ShopFigures]:
    """Each shop's redemptions over the whole period, most collected first."""
    totals: OrderedDict[str, ShopFigures] = OrderedDict()
    for row in shop_months:
        found = totals.setdefault(
            row.shop_id,
            ShopFigures(shop_id=row.shop_id, shop_name=row.shop_name, collected=0, units=0, points=0),
        )
        found.collected += row.collected
        found.units += row.units
        found.points += row.points
    return sorted(totals.values(), key=lambda s: (-s.collected, -s.points, s.shop_name))


def _goods(redemptions) -> list[GoodFigures]:
    shop_names = {row.shop_id: row.shop_name for row in redemptions.shop_months}
    return [
        GoodFigures(
            item_id=g.item_id,
            item_name=g.item_name,
            shop_name=shop_names.get(g.shop_id, ""),
            units=g.units,
            points=g.points,
        )
        for g in redemptions.top_goods
    ]


def table(board: Dashboard, name: str, gettext) -> tuple[str, list[str], list[list]]:
    """One of the dashboard's tables as (title, headings, rows), exactly as the page shows it."""
    _ = gettext
    if name == "points":
        return (
            _("积分发放与使用"),
            [_("月份"), _("发放"), _("扣回"), _("兑换使用"), _("月末冻结"), _("过期")],
            [
                [
                    m.month,
                    m.points_issued,
                    m.points_taken_back,
                    m.points_spent,
                    m.points_held,
                    m.points_expired,
                ]
                for m in board.months
            ],
        )
    if name == "hours":
        return (
            _("认证服务时长"),
            [_("月份"), _("认证时长（小时）"), _("认证时长（分钟）")],
            [[m.month, m.certified_hours, m.certified_minutes] for m in board.months],
        )
    if name == "volunteers":
        return (
            _("活跃志愿者"),
            [_("月份"), _("活跃志愿者（人）")],
            [[m.month, m.active_volunteers] for m in board.months],
        )
    if name == "shops":
        return (
            _("各超市兑换"),
            [_("超市"), _("兑换单数"), _("件数"), _("积分")],
            [[s.shop_name, s.collected, s.units, s.points] for s in board.shops],
        )
    if name == "goods":
        return (
            _("热门商品"),
            [_("排名"), _("商品"), _("超市"), _("件数"), _("积分")],
            [[n, g.item_name, g.shop_name, g.units, g.points] for n, g in enumerate(board.top_goods, 1)],
        )
    raise ActionError(Kind.NOT_FOUND, _("没有这张表"))


def charts(board: Dashboard, gettext) -> dict[str, dict]:
    """What dashboard.js draws for each table: its kind, labels and series (the table holds the same)."""
    _ = gettext
    months = [m.month for m in board.months]
    return {
        "points": {
            "kind": "bar",
            "labels": months,
            "series": [
                {"name": _("发放"), "values": [m.points_issued for m in board.months]},
                {"name": _("兑换使用"), "values": [m.points_spent for m in board.months]},
                {"name": _("月末冻结"), "values": [m.points_held for m in board.months]},
                {"name": _("过期"), "values": [m.points_expired for m in board.months]},
            ],
        },
        "hours": {
            "kind": "line",
            "labels": months,
            "series": [{"name": _("认证时长（小时）"), "values": [m.certified_hours for m in board.months]}],
        },
        "volunteers": {
            "kind": "line",
            "labels": months,
            "series": [
                {"name": _("活跃志愿者（人）"), "values": [m.active_volunteers for m in board.months]}
            ],
        },
        "shops": {
            "kind": "bar",
            "labels": [s.shop_name for s in board.shops],
            "series": [{"name": _("兑换单数"), "values": [s.collected for s in board.shops]}],
        },
        "goods": {
            "kind": "hbar",
            "labels": [g.item_name for g in board.top_goods],
            "series": [{"name": _("件数"), "values": [g.units for g in board.top_goods]}],
        },
    }


def xlsx(board: Dashboard, name: str, community_name: str, gettext) -> tuple[str, bytes]:
    """(file name, xlsx bytes) of one table, named in Chinese after the community and the period."""
    title, headings, rows = table(board, name, gettext)
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, heading in enumerate(headings):
        sheet.column_dimensions[chr(ord("A") + index)].width = max(12, len(heading) * 2 + 2)
    out = BytesIO()
    book.save(out)
    return f"{community_name}{title}_{board.from_month}至{board.to_month}.xlsx", out.getvalue()


def community_name(services: Services, session: Session, board: Dashboard) -> str:
    if board.community_id == ALL:
        return session.gettext("全街道")
    known = next((c.name for c in board.communities if c.community_id == board.community_id), "")
    return known or services.members.community(session.credentials, board.community_id).name
