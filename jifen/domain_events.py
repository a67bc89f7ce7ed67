"""Domain events: what an aggregate records happened, for its unit of work to send at commit.

An aggregate (a dataclass of a service's domain) records plain dataclass events with `record`.
Its repository notes the aggregates written through it in the unit of work's `seen` list; at
commit the unit of work pulls their events, in the order they were recorded, and the service's
outbox adapter maps each to its jifen.events.v1 message. No use case writes an outbox row.
Pure: imports nothing outside the standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

_PENDING = "_pending_events"


class Aggregate:
    """Mixin for an entity that records events. The list lives outside the dataclass fields, so a
    frozen aggregate can record too and equality and `replace()` ignore what it recorded."""

    def record(self, event: object) -> None:
        vars(self).setdefault(_PENDING, []).append(event)

    def pull_events(self) -> list[object]:
        return vars(self).pop(_PENDING, [])


class Happenings(Aggregate):
    """What a use case did that belongs to no single aggregate (a batch, a sweep): the unit of work
    carries one as `uow.happenings`, and sends its events with the aggregates' at commit."""


class Outbox(Protocol):
    def add(self, event_type: str, message: Any, occurred_at: datetime | None = None) -> Any: ...


# A service's outbox adapter: one domain event -> (event type, jifen.events.v1 message, occurred at).
ToMessage = Callable[[object], tuple[str, Any, datetime | None]]


class RecordsEvents:
    """The event half of a unit of work, shared by the SQL units of work and the in-memory fakes."""

    to_message: ToMessage | None = None

    def start_recording(self) -> None:
        self.happenings = Happenings()
        self.seen: list[Aggregate] = [self.happenings]

    def send_recorded(self, outbox: Outbox) -> None:
        """Maps every event the seen aggregates recorded into the outbox, once."""
        for event in pull_all(getattr(self, "seen", ())):
            outbox.add(*type(self).to_message(event))


def pull_all(aggregates: Iterable[Aggregate]) -> list[object]:
    pulled: list[object] = []
    done: set[int] = set()
    for aggregate in aggregates:
        if id(aggregate) not in done:
            done.add(id(aggregate))
            pulled.extend(aggregate.pull_events())
    return pulled
