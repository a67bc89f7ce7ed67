"""Every event the market worker consumes, and what it does with it: the one declaration of what the
market subscribes to. The embedded bus subscribes from this table, and the nameko worker class is
built from it (entrypoints/worker.py)."""

from __future__ import annotations

from jifen.inbox import Handler

from . import event_handlers


def handlers() -> dict[tuple[str, str], Handler]:
    return {
        ("members", "member.registered"): event_handlers.member_registered,
        ("members", "member.updated"): event_handlers.member_updated,
        ("members", "member.deactivated"): event_handlers.member_deactivated,
        ("members", "member.reactivated"): event_handlers.member_reactivated,
        ("members", "community.created"): event_handlers.community_created,
    }
