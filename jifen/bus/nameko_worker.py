"""The nameko side of a service's worker: its outbox relay and its event consumer as one dependency.

Only ever imported inside `nameko run`, which monkey-patches eventlet first; psycopg2 then
cooperates with eventlet, so database calls here do not freeze the worker (DESIGN §11).
"""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from jifen import composition
from jifen.composition import EventParts
from jifen.settings import Settings


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

    def consume(self, body: dict) -> bool:
        if self.parts.consumer is None:
            raise RuntimeError(f"{self.parts} has no event consumer")
        return self.parts.consumer.handle(body)

    def run_job(self, name: str) -> int:
        return self.parts.job(name).run()


def relay_interval() -> float:
    return Settings().outbox_interval_seconds
