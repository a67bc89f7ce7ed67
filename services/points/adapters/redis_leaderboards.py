"""Leaderboards as Redis sorted sets: one per community × metric × period, member → value.

Redis is never the source of truth: every value here is an absolute sum recomputed from the
database (refresh for one member, rebuild for all), so writing it twice changes nothing.
Keys: f"{namespace}:lb:{community_id}:{metric}:{period}", period "m:YYYY-MM", "y:YYYY" or "all".
"""

from __future__ import annotations

import uuid

import redis

from ..service.leaderboards.views import Ranked


class RedisLeaderboards:
    def __init__(self, client: redis.Redis, namespace: str):
        self.client = client
        self.namespace = namespace

    def key(self, community_id: str, metric: str, period: str) -> str:
        return f"{self.namespace}:lb:{community_id}:{metric}:{period}"

    def put(self, community_id: str, metric: str, period: str, member_id: str, value: int) -> None:
        """Sets the member's value; a member with nothing (or less) in the period leaves the board."""
        key = self.key(community_id, metric, period)
        if value > 0:
            self.client.zadd(key, {member_id: value})
        else:
            self.client.zrem(key, member_id)

    def remove(self, community_id: str, member_id: str) -> None:
        """Takes the member off every board of the community."""
        keys = list(self.client.scan_iter(match=f"{self.key(community_id, '*', '*')}", count=500))
        if keys:
            pipe = self.client.pipeline(transaction=False)
            for key in keys:
                pipe.zrem(key, member_id)
            pipe.execute()

    def count(self, community_id: str, metric: str, period: str) -> int:
        return int(self.client.zcard(self.key(community_id, metric, period)))

    def page(self, community_id: str, metric: str, period: str, offset: int, limit: int) -> list[Ranked]:
        """Highest value first; equal values share the rank of the first of them (1, 1, 3)."""
        key = self.key(community_id, metric, period)
        found = self.client.zrevrange(key, offset, offset + limit - 1, withscores=True)
        if not found:
            return []
        values = sorted({int(score) for _, score in found}, reverse=True)
        pipe = self.client.pipeline(transaction=False)
        for value in values:
            pipe.zcount(key, f"({value}", "+inf")
        above = dict(zip(values, pipe.execute(), strict=True))
        return [Ranked(_text(member), int(score), above[int(score)] + 1) for member, score in found]

    def standing(self, community_id: str, metric: str, period: str, member_id: str) -> Ranked | None:
        key = self.key(community_id, metric, period)
        score = self.client.zscore(key, member_id)
        if score is None:
            return None
        above = self.client.zcount(key, f"({int(score)}", "+inf")
        return Ranked(member_id, int(score), int(above) + 1)

    def replace_all(self, boards: dict[tuple[str, str, str], dict[str, int]]) -> int:
        """Swaps in a complete set of boards and drops every board not in it; returns the entries written.

        Each board is filled under a temporary key and renamed over the live one, so a reader sees
        the old board or the new one, never a half-written one.
        """
        stale = set(map(_text, self.client.scan_iter(match=f"{self.namespace}:lb:*", count=500)))
        written = 0
        for (community_id, metric, period), values in boards.items():
            members = {m: v for m, v in values.items() if v > 0}
            key = self.key(community_id, metric, period)
            if not members:
                continue
            temporary = f"{self.namespace}:lb-rebuild:{uuid.uuid4().hex}"
            items = list(members.items())
            pipe = self.client.pipeline(transaction=False)
            for start in range(0, len(items), 1000):
                pipe.zadd(temporary, dict(items[start : start + 1000]))
            pipe.rename(temporary, key)
            pipe.execute()
            stale.discard(key)
            written += len(members)
        if stale:
            self.client.delete(*stale)
        return written


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value
