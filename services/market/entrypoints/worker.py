"""market-worker (`jifen worker market`): consumes member events, relays its outbox, runs its jobs.

Its event handlers come from service/subscriptions.py, the table the embedded bus reads too; its
timers run the jobs of bootstrap.build_events (jifen/bus/nameko_worker.py builds the class).
The jobs call points over gRPC; the client runs those blocking calls on eventlet's thread pool
(adapters/points_client.py).
"""

from jifen.bus.nameko_worker import worker_class
from jifen.settings import Settings

from ..service.subscriptions import handlers

JOB_INTERVAL = Settings().market_job_interval_seconds

MarketWorker = worker_class(
    "market",
    subscriptions=handlers(),
    jobs={
        "sweep_reserving": JOB_INTERVAL,
        "expire_uncollected": JOB_INTERVAL,
        "forget_legacy_pickup_key": JOB_INTERVAL,
    },
)
