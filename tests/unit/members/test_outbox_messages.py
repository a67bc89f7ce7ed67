"""Every event the members aggregates record has its contract message in the one outbox adapter."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import get_type_hints

import pytest

from jifen.caller import VOLUNTEER, Grant
from services.members.adapters.outbox_messages import to_message
from services.members.domain import events

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
SAMPLES = {
    str: "x",
    bool: True,
    datetime: AT,
    datetime | None: AT,
    tuple[Grant, ...]: (Grant(VOLUNTEER),),
}


def _recorded_event_types() -> list[type]:
    return [
        value
        for value in vars(events).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == events.__name__
    ]


def _sample(event_type: type):
    return event_type(**{name: SAMPLES[hint] for name, hint in get_type_hints(event_type).items()})


@pytest.mark.parametrize("event_type", _recorded_event_types(), ids=lambda t: t.__name__)
def test_each_domain_event_maps_to_a_contract_message_with_its_time(event_type):
    name, message, occurred_at = to_message(_sample(event_type))
    assert "." in name and message.SerializeToString()
    assert occurred_at == AT


def test_an_event_the_adapter_does_not_know_is_a_bug_not_a_silent_drop():
    with pytest.raises(TypeError):
        to_message(object())
