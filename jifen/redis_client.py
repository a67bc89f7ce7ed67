"""Redis connections: the real server in production, fakeredis as the embedded stand-in.

Redis is never the source of truth here (rate limits, leaderboards, caches), so an in-memory
stand-in loses nothing the databases cannot rebuild.
"""

from __future__ import annotations

import fakeredis
import redis

_EMBEDDED = fakeredis.FakeServer()


def connect(url: str) -> redis.Redis:
    if url.startswith("memory://"):
        return fakeredis.FakeRedis(server=_EMBEDDED, decode_responses=True)
    return redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5)
