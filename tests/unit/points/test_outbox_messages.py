"""The points outbox adapter knows every event the points domain records, and nothing else gets through."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, datetime

import pytest

from services.points.adapters.outbox_messages import to_message
from services.points.domain import events
from services.points.domain.ledger import Account, Earning

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_every_domain_event_has_its_outbox_message():
    recorded = [c for _, c in inspect.getmembers(events, inspect.isclass) if dataclasses.is_dataclass(c)]
    assert recorded and all(c in to_message.registry for c in recorded)


def test_an_unknown_event_is_refused_rather_than_dropped():
    with pytest.raises(TypeError):
        to_message(object())


def test_an_account_records_what_it_posts_and_the_message_is_dated_by_the_entry():
    account = Account(member_id="m1", community_id="co-a")
    earning = Earning("award", 5, "测试奖励", "award", "e1", commendation="优秀志愿者")
    entry = account.earn(earning, "e1", "l1", NOW)
    [event] = account.pull_events()
    event_type, message, occurred_at = to_message(event)
    assert (event_type, message.entry_id, message.commendation, occurred_at) == (
        "points.awarded",
        entry.id,
        "优秀志愿者",
        NOW,
    )
    assert account.pull_events() == []


def test_a_need_closed_says_whom_it_awarded_and_how_much_each():
    event = events.NeedClosed("n1", "co-a", "已清理", ("m1", "m2"), 20, NOW)
    event_type, message, occurred_at = to_message(event)
    assert (event_type, list(message.awarded_member_ids), message.points_each, occurred_at) == (
        "need.closed",
        ["m1", "m2"],
        20,
        NOW,
    )
