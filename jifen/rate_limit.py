"""Counting failures in Redis (logins, pickup codes, check-in codes).

Too many within a window block the key until the window passes.
"""

from __future__ import annotations

import hashlib

import redis


class FailureLimiter:
    """At most max_failures attempts per subject per window; successes reset the count."""

    def __init__(self, client: redis.Redis, prefix: str, max_failures: int, window_seconds: int):
        self.client = client
        self.prefix = prefix
        self.max_failures = max_failures
        self.window = window_seconds

    def _key(self, subject: str) -> str:
        # Keys hold a digest, not the phone number or code, so Redis never stores personal data.
        return f"{self.prefix}:{hashlib.sha256(subject.encode()).hexdigest()[:32]}"

    def attempt(self, subject: str) -> bool:
        """Counts an attempt before it is checked, so parallel guesses cannot slip past the limit."""
        key = self._key(subject)
        with self.client.pipeline() as pipe:
            pipe.incr(key)
            # The window starts at the first attempt and is not extended by later ones.
            pipe.expire(key, self.window, nx=True)
            count, _ = pipe.execute()
        return int(count) <= self.max_failures

    def reset(self, subject: str) -> None:
        """A success wipes the slate: only failures in a row count."""
        self.client.delete(self._key(subject))

    def refund(self, subject: str) -> None:
        """A success takes back the attempt it counted, but earlier failures stay: a known good
        code mixed in between guesses does not wipe the slate (unlike reset)."""
        key = self._key(subject)
        # DECR keeps the key's expiry; below zero means the window ended meanwhile and DECR made
        # a fresh key without one, which must not linger.
        if int(self.client.decr(key)) < 0:
            self.client.delete(key)
