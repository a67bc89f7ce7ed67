"""The nameko side of a service's worker: its outbox relay and its event consumer as one dependency,
and the worker class itself, built from the service's subscription table.

Only ever imported inside `nameko run`, which monkey-patches eventlet first; psycopg2 then
cooperates with eventlet, so database calls here do not freeze the worker (DESIGN §11).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from nameko.events import EventDispatcher, event_handler
from nameko.extensions import DependencyProvider
from nameko.timer import timer

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


def handler_name(event_type: str) -> str:
    """The worker method for EVENT_TYPE. RabbitMQ names each queue after its method
    (evt-<producer>-<type>--<service>.<method>), so renaming one strands the events queued under the
    old name: keep this rule."""
    return "on_" + event_type.replace(".", "_")


def worker_class(
    service: str, subscriptions: Iterable[tuple[str, str]], jobs: Mapping[str, float] | None = None
) -> type:
    """The nameko service class of SERVICE's worker: a timer relaying its outbox, a timer per job
    (name -> interval in seconds, as bootstrap.build_events names them), and one @event_handler per
    (producer, event type) of SUBSCRIPTIONS, the very table the embedded bus subscribes from.

    Translate only: each handler hands the envelope to the service's consumer, each timer runs one
    job. Every handler requeues on error (REQUEUE_AFTER_SECONDS)."""
    members: dict[str, object] = {
        "name": service,
        "dispatch": EventDispatcher(),
        "events": ServiceEvents(service),
        "relay_outbox": timer(interval=relay_interval())(_relay_outbox()),
    }
    for job, interval in (jobs or {}).items():
        members[_unused(members, job, service)] = timer(interval=interval)(_run_job(job))
    for producer, event_type in subscriptions:
        method = _unused(members, handler_name(event_type), service)
        members[method] = event_handler(producer, event_type, requeue_on_error=True)(_consume(method))
    return type(f"{service.capitalize()}Worker", (), members)


def _unused(members: Mapping[str, object], method: str, service: str) -> str:
    if method in members:
        raise ValueError(f"{service} worker: two entrypoints would be named {method}")
    return method


# Each entrypoint gets a function of its own: nameko marks the function object it decorates.
def _relay_outbox() -> Callable:
    def relay_outbox(self):
        self.events.relay(self.dispatch)

    return relay_outbox


def _run_job(job: str) -> Callable:
    def run_job(self):
        self.events.run_job(job)

    run_job.__name__ = run_job.__qualname__ = job
    return run_job


def _consume(method: str) -> Callable:
    def consume(self, body):
        self.events.consume(body)

    consume.__name__ = consume.__qualname__ = method
    return consume
