"""A stand-in consumer service for the event tests: records each member it hears of, once.

It is built from the same runtime parts (EventConsumer, inbox, unit of work) a real consumer
service uses, and runs under `nameko run` like every worker.
"""

import os

from nameko.events import event_handler
from nameko.extensions import DependencyProvider

from jifen.bus.nameko_worker import EventRuntime
from jifen.composition import EventParts
from jifen.db import make_engine
from jifen.inbox import EventConsumer
from jifen.outbox import OutboxRelay
from jifen.unit_of_work import SqlUnitOfWork
from tests.integration.probe_tables import received


def record(uow, envelope):
    uow.connection.execute(
        received.insert().values(event_id=envelope.event_id, member_id=envelope.payload["member_id"])
    )


class ProbeEvents(DependencyProvider):
    def setup(self):
        self.engine = make_engine(os.environ["PROBE_DB_URL"], pool_size=2)
        self.consumer = EventConsumer(
            "probe",
            self.engine,
            lambda: SqlUnitOfWork(self.engine),
            {("members", "member.registered"): record},
        )

    def stop(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        # The same adapter a service worker's handlers call (ServiceEvents hands out the same).
        return EventRuntime(EventParts(self.engine, OutboxRelay(self.engine), self.consumer))


class Probe:
    name = os.environ.get("PROBE_SERVICE_NAME", "probe")
    events = ProbeEvents()

    @event_handler("members", "member.registered", requeue_on_error=True)
    def on_member_registered(self, body):
        changed = self.events.consume(body)
        # The test reads this line to know a delivery was handled, and whether it changed anything.
        print(f"probe delivery {body['event_id']} changed={changed}", flush=True)
