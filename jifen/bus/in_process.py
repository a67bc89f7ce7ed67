"""The embedded event bus: drains every service's outbox into the same consumers the nameko workers run.

One thread polls the relays; a delivery calls each subscribed consumer directly, and the
event is marked published only after all of them have handled (or parked) it; one that could do
neither leaves it in the outbox, to be delivered again. The same thread
runs the services' timed jobs, as a worker's nameko timers would.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict

from jifen.composition import EventParts
from jifen.envelope import Envelope
from jifen.inbox import EventConsumer, EventNotSettled

log = logging.getLogger("jifen.bus")


class InProcessBus:
    def __init__(self, parts: list[EventParts], interval: float = 0.1):
        self.parts = parts
        self.interval = interval
        self.subscribers: dict[tuple[str, str], list[EventConsumer]] = defaultdict(list)
        for part in parts:
            if part.consumer is not None:
                for key in part.consumer.subscriptions:
                    self.subscribers[key].append(part.consumer)
        self._due = {
            (part_index, job.name): 0.0 for part_index, part in enumerate(parts) for job in part.jobs
        }
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="jifen-bus", daemon=True)

    def deliver(self, envelope: Envelope) -> None:
        """Hands the event to every subscriber; raises when one could neither handle nor park it, so
        the relay keeps it in the outbox and offers it again after its back-off (the others, having
        recorded it, drop the repeat)."""
        unsettled: list[EventNotSettled] = []
        for consumer in self.subscribers.get((envelope.producer, envelope.type), ()):
            try:
                consumer.handle(envelope.to_dict())
            except EventNotSettled as exc:
                unsettled.append(exc)
        if unsettled:
            raise unsettled[0]

    def drain(self) -> int:
        """Relays everything due once; returns how many events went out."""
        return sum(part.relay.run_once(self.deliver) for part in self.parts)

    def run_due_jobs(self) -> int:
        """Runs every job whose interval has passed; returns how many ran."""
        ran = 0
        for index, part in enumerate(self.parts):
            for job in part.jobs:
                if time.monotonic() >= self._due[(index, job.name)]:
                    self._due[(index, job.name)] = time.monotonic() + job.interval
                    try:
                        job.run()
                    except Exception:
                        log.exception("job %s failed", job.name)
                    ran += 1
        return ran

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_due_jobs()
                sent = self.drain()
            except Exception:
                log.exception("event bus round failed")
                sent = 0
            if not sent:
                self._stop.wait(self.interval)
