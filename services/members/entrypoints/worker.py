"""members-worker (`jifen worker members`): relays the members outbox to RabbitMQ; it consumes no events."""

from jifen.bus.nameko_worker import worker_class

MembersWorker = worker_class("members", subscriptions=())
