"""In-memory stand-ins for the runtime parts every unit of work carries: outbox and idempotency records."""

from __future__ import annotations


class FakeOutbox:
    def __init__(self):
        self.events: list[tuple[str, object]] = []

    def add(self, event_type, message, occurred_at=None):
        self.events.append((event_type, message))


class FakeIdempotency:
    def __init__(self):
        self.rows: dict[tuple[str, str], tuple[str, dict]] = {}

    def find(self, operation, request_id):
        return self.rows.get((operation, request_id))

    def record(self, operation, request_id, digest, result):
        self.rows[(operation, request_id)] = (digest, result)
