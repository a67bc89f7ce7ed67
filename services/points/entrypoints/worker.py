"""points-worker (`jifen worker points`): consumes member events and its own, relays, runs jobs.

Translate only: each handler hands the envelope to the consumer that service/event_handlers.py
configures; each timer runs one job of bootstrap.build_events. Every handler requeues on error: the
consumer raises only for an event it could neither handle nor park (jifen/bus/nameko_worker.py).
"""

from nameko.events import EventDispatcher, event_handler
from nameko.timer import timer

from jifen.bus.nameko_worker import ServiceEvents, relay_interval
from jifen.settings import Settings

JOB_INTERVAL = Settings().points_job_interval_seconds


class PointsWorker:
    name = "points"

    dispatch = EventDispatcher()
    events = ServiceEvents("points")

    @timer(interval=relay_interval())
    def relay_outbox(self):
        self.events.relay(self.dispatch)

    @timer(interval=JOB_INTERVAL)
    def expire_lots(self):
        self.events.run_job("expire_lots")

    @timer(interval=JOB_INTERVAL)
    def release_overdue_holds(self):
        self.events.run_job("release_overdue_holds")

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

    @event_handler("points", "points.accrued", requeue_on_error=True)
    def on_points_accrued(self, body):
        self.events.consume(body)

    @event_handler("points", "points.awarded", requeue_on_error=True)
    def on_points_awarded(self, body):
        self.events.consume(body)

    @event_handler("points", "points.adjusted", requeue_on_error=True)
    def on_points_adjusted(self, body):
        self.events.consume(body)

    @event_handler("points", "hours.approved", requeue_on_error=True)
    def on_hours_approved(self, body):
        self.events.consume(body)
