"""points-worker (`jifen worker points`): consumes member events and its own, relays, runs jobs.

Its event handlers come from service/subscriptions.py, the table the embedded bus reads too; its
timers run the jobs of bootstrap.build_events (jifen/bus/nameko_worker.py builds the class).
"""

from jifen.bus.nameko_worker import worker_class
from jifen.settings import Settings

from ..service.subscriptions import handlers

JOB_INTERVAL = Settings().points_job_interval_seconds

# Only the table's (producer, event type) pairs are read here: no leaderboard exists at import.
PointsWorker = worker_class(
    "points",
    subscriptions=handlers(boards=None),
    jobs={"expire_lots": JOB_INTERVAL, "release_overdue_holds": JOB_INTERVAL},
)
