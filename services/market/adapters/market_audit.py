"""The market audit: items against their redemptions and stock changes, redemptions against their
holds in points, and the members service's members against the market's copies of them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Engine

from jifen.clock import as_utc

from ..domain import audit
from ..domain.catalog import RESERVED, RETURNED
from ..domain.redemption import CANCELLED, COUNTED, EXPIRED, FAILED, OPEN, RESERVING
from ..service.ports import Directory, MembersUnavailable, Points, PointsUnavailable
from .tables import items, members, redemptions, service_slots, stock_changes


def audit_engine(
    engine: Engine,
    points: Points | None,
    reserving_before: datetime,
    directory: Directory | None = None,
    registered_before: datetime | None = None,
) -> list[str]:
    """Every broken invariant, one sentence each; empty when stock, holds and member copies are sound.

    One repeatable-read snapshot of the market; members is asked before it (a member it lists was
    registered before the snapshot began), points about each redemption after.
    """
    found: list[str] = []
    member_ids: list[str] | None = None
    if directory is not None and registered_before is not None:
        try:
            member_ids = directory.member_ids(registered_before)
        except MembersUnavailable as exc:
            found.append(f"members did not answer ({exc}): members were not checked against their copies")
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        for tally in _tallies(conn):
            found += audit.item_problems(tally)
        found += _slot_problems(conn)
        orders = conn.execute(
            sa.select(
                redemptions.c.id,
                redemptions.c.status,
                redemptions.c.quantity,
                redemptions.c.unit_points,
                redemptions.c.created_at,
            ).order_by(redemptions.c.created_at)
        ).all()
        if member_ids is not None:
            copies = set(conn.execute(sa.select(members.c.id)).scalars())
            found += audit.members_without_copy(member_ids, copies)
    stuck = [o.id for o in orders if o.status == RESERVING and as_utc(o.created_at) < reserving_before]
    if stuck:
        found.append(
            f"{len(stuck)} redemptions left reserving (the sweeper has not settled them): {stuck[:5]}"
        )
    if points is None:
        return found
    for order in orders:
        if order.status == RESERVING:
            continue
        try:
            state = points.hold_state(order.id)
        except PointsUnavailable:
            found.append("points did not answer: the redemptions were not checked against their holds")
            break
        problem = audit.hold_problem(order.id, order.status, order.quantity * order.unit_points, state)
        if problem:
            found.append(problem)
    return found


def _slot_problems(conn) -> list[str]:
    r, s = redemptions.c, service_slots.c
    holding = dict(
        conn.execute(
            sa.select(r.slot_id, sa.func.count())
            .where(r.slot_id != "", r.status.in_(COUNTED))
            .group_by(r.slot_id)
        ).all()
    )
    rows = conn.execute(sa.select(s.id, s.capacity, s.booked).order_by(s.id))
    problems = (
        audit.slot_problem(row.id, row.capacity, row.booked, int(holding.get(row.id, 0))) for row in rows
    )
    return [p for p in problems if p]


def _tallies(conn) -> list[audit.ItemTally]:
    r, sc = redemptions.c, stock_changes.c

    def per_item(query) -> dict[str, int]:
        return {row[0]: int(row[1]) for row in conn.execute(query)}

    open_qty = per_item(
        sa.select(r.item_id, sa.func.sum(r.quantity)).where(r.status.in_(OPEN)).group_by(r.item_id)
    )
    ordered = per_item(sa.select(r.item_id, sa.func.sum(r.quantity)).group_by(r.item_id))
    given_back = per_item(
        sa.select(r.item_id, sa.func.sum(r.quantity))
        .where(r.status.in_((FAILED, CANCELLED, EXPIRED)))
        .group_by(r.item_id)
    )
    changes = per_item(sa.select(sc.item_id, sa.func.sum(sc.delta)).group_by(sc.item_id))
    reserved_out = per_item(
        sa.select(sc.item_id, -sa.func.sum(sc.delta)).where(sc.kind == RESERVED).group_by(sc.item_id)
    )
    returned_in = per_item(
        sa.select(sc.item_id, sa.func.sum(sc.delta)).where(sc.kind == RETURNED).group_by(sc.item_id)
    )
    return [
        audit.ItemTally(
            item_id=row.id,
            name=row.name,
            stock=row.stock,
            reserved=row.reserved,
            open_quantity=open_qty.get(row.id, 0),
            changes_total=changes.get(row.id, 0),
            reserved_out=reserved_out.get(row.id, 0),
            returned_in=returned_in.get(row.id, 0),
            ordered=ordered.get(row.id, 0),
            given_back=given_back.get(row.id, 0),
        )
        for row in conn.execute(
            sa.select(items.c.id, items.c.name, items.c.stock, items.c.reserved).order_by(items.c.id)
        )
    ]
