"""Every event the market worker consumes, and what it does with it: the one declaration of what the
market subscribes to. The embedded bus subscribes from this table, and the nameko worker class is
built from it (entrypoints/worker.py)."""

from __future__ import annotations

from jifen.inbox import Handler

from . import member_events


def handlers() -> dict[tuple[str, str], Handler]:
    return {
        ("members", "member.registered"): member_events.member_registered,
        ("members", "member.updated"): member_events.member_updated,
        ("members", "member.deactivated"): member_events.member_deactivated,
        ("members", "member.reactivated"): member_events.member_reactivated,
        ("members", "community.created"): member_events.community_created,
    }
