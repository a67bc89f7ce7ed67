"""market-worker (`jifen worker market`): consumes member events, relays its outbox, runs its jobs.

Translate only: each handler hands the envelope to the consumer that service/event_handlers.py
configures; each timer runs one job of bootstrap.build_events. Every handler requeues on error: the
consumer raises only for an event it could neither handle nor park (jifen/bus/nameko_worker.py).
The jobs call points over gRPC; the client runs those blocking calls on eventlet's thread pool
(adapters/points_client.py).
"""

from nameko.events import EventDispatcher, event_handler
from nameko.timer import timer

from jifen.bus.nameko_worker import ServiceEvents, relay_interval
from jifen.settings import Settings

JOB_INTERVAL = Settings().market_job_interval_seconds


class MarketWorker:
    name = "market"

    dispatch = EventDispatcher()
    events = ServiceEvents("market")

    @timer(interval=relay_interval())
    def relay_outbox(self):
        self.events.relay(self.dispatch)

    @timer(interval=JOB_INTERVAL)
    def sweep_reserving(self):
        self.events.run_job("sweep_reserving")

    @timer(interval=JOB_INTERVAL)
    def expire_uncollected(self):
        self.events.run_job("expire_uncollected")

    @event_handler("members", "member.registered", requeue_on_error=True)
    def on_member_registered(self, body):
        self.events.consume(body)

    @event_handler("members", "member.updated", requeue_on_error=True)
    def on_member_updated(self, body):
        self.events.consume(body)

    @event_handler("members", "member.deactivated", requeue_on_error=True)
    def on_member_deactivated(self, body):
        self.events.consume(body)

    @event_handler("members", "member.reactivated", requeue_on_error=True)
    def on_member_reactivated(self, body):
        self.events.consume(body)

    @event_handler("members", "community.created", requeue_on_error=True)
    def on_community_created(self, body):
        self.events.consume(body)
