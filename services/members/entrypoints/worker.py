"""members-worker (`jifen worker members`): relays the members outbox to RabbitMQ."""

from nameko.events import EventDispatcher
from nameko.timer import timer

from jifen.bus.nameko_worker import ServiceEvents, relay_interval


class MembersWorker:
    name = "members"

    dispatch = EventDispatcher()
    events = ServiceEvents("members")

    @timer(interval=relay_interval())
    def relay_outbox(self):
        self.events.relay(self.dispatch)
