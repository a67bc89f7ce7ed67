"""The nameko side of a service's worker: its outbox relay and its event consumer as one dependency.

Only ever imported inside `nameko run`, which monkey-patches eventlet first; psycopg2 then
cooperates with eventlet, so database calls here do not freeze the worker (DESIGN §11).
"""

from __future__ import annotations

import time

from nameko.extensions import DependencyProvider

from jifen import composition
from jifen.composition import EventParts
from jifen.inbox import EventNotSettled
from jifen.settings import Settings

# Every @event_handler is declared with requeue_on_error=True: an event its consumer could neither
# handle nor park goes back to RabbitMQ instead of being acknowledged and lost. RabbitMQ offers a
# requeued message again at once, so the handler first waits this long (eventlet's sleep: the other
# greenlets go on), which keeps a consumer whose database is down from spinning on its queue.
REQUEUE_AFTER_SECONDS = 2.0


class ServiceEvents(DependencyProvider):
    def __init__(self, service: str):
        self.service = service
        self.parts: EventParts | None = None

    def setup(self) -> None:
        self.parts = composition.load(self.service).build_events(Settings())

    def stop(self) -> None:
        if self.parts:
            self.parts.close()

    def get_dependency(self, worker_ctx) -> EventRuntime:
        return EventRuntime(self.parts)


class EventRuntime:
    """What a worker method may do: relay its outbox through nameko, or consume one delivered event."""

    def __init__(self, parts: EventParts):
        self.parts = parts

    def relay(self, dispatch) -> int:
        return self.parts.relay.run_once(lambda envelope: dispatch(envelope.type, envelope.to_dict()))

    def consume(self, body: dict, requeue_after: float = REQUEUE_AFTER_SECONDS) -> bool:
        """Handles one delivered event; raises (so nameko requeues it) when it was not settled."""
        if self.parts.consumer is None:
            raise RuntimeError(f"{self.parts} has no event consumer")
        try:
            return self.parts.consumer.handle(body)
        except EventNotSettled:
            time.sleep(requeue_after)
            raise

    def run_job(self, name: str) -> int:
        return self.parts.job(name).run()


def relay_interval() -> float:
    return Settings().outbox_interval_seconds
