"""Every event the points worker consumes, and what it does with it: the one declaration of what points
subscribes to. The embedded bus subscribes from this table, and the nameko worker class is built
from it (entrypoints/worker.py)."""

from __future__ import annotations

from jifen.envelope import Envelope
from jifen.inbox import Handler

from . import event_handlers
from .leaderboards import handlers as leaderboards
from .leaderboards.ports import Boards
from .ports import UnitOfWork

# Changes that move a member on the leaderboards: points earned or minutes certified.
LEADERBOARD_EVENTS = ("points.accrued", "points.awarded", "points.adjusted", "hours.approved")


def handlers(boards: Boards) -> dict[tuple[str, str], Handler]:
    def member_updated(uow: UnitOfWork, envelope: Envelope) -> None:
        left = event_handlers.member_updated(uow, envelope)
        if left:
            leaderboards.moved(boards, envelope.payload["member_id"], left)
            leaderboards.refresh_within(uow, boards, envelope.payload["member_id"], envelope.occurred_at)

    def points_changed(uow: UnitOfWork, envelope: Envelope) -> None:
        leaderboards.refresh_within(uow, boards, envelope.payload["member_id"], envelope.occurred_at)

    table: dict[tuple[str, str], Handler] = {
        ("members", "member.registered"): event_handlers.member_registered,
        ("members", "member.updated"): member_updated,
        ("members", "member.deactivated"): event_handlers.member_deactivated,
        ("members", "member.reactivated"): event_handlers.member_reactivated,
        ("members", "community.created"): event_handlers.community_created,
    }
    table.update({("points", event_type): points_changed for event_type in LEADERBOARD_EVENTS})
    return table

