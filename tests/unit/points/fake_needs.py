"""The needs and the resource list in memory (the SQL ones: services/points/adapters/needs_repository.py)."""

from __future__ import annotations

import copy
from dataclasses import replace

from services.points.domain.need import Need, Resource


class FakeNeeds:
    def __init__(self):
        self.rows: dict[str, Need] = {}
        self.awards: dict[tuple[str, str], str] = {}
        self.seen: list = []

    def add(self, need: Need) -> None:
        self.rows[need.id] = self._stored(need)
        self.seen.append(need)

    def get(self, need_id: str, lock: bool = False) -> Need | None:
        found = self.rows.get(need_id)
        if found is None:
            return None
        loaded = copy.deepcopy(found)
        if lock:
            self.seen.append(loaded)
        return loaded

    def save(self, need: Need) -> None:
        self.rows[need.id] = self._stored(need)
        need.new_claims, need.changed_claims, need.new_notes = [], [], []
        if need not in self.seen:
            self.seen.append(need)

    def list(self, community_id: str, grid_id: str = "") -> list[Need]:
        found = [
            copy.deepcopy(n)
            for n in self.rows.values()
            if n.community_id == community_id and (not grid_id or n.grid_id == grid_id)
        ]
        return sorted(found, key=lambda n: n.posted_at, reverse=True)

    def posted_between(self, community_id, start, end) -> list[Need]:
        return [n for n in self.list(community_id) if start <= n.posted_at < end]

    def awarded(self, need_id: str) -> set[str]:
        return {m for (n, m) in self.awards if n == need_id}

    def note_award(self, need_id, member_id, entry_id, now) -> None:
        if (need_id, member_id) in self.awards:
            raise AssertionError("a need awarded a member twice")
        self.awards[(need_id, member_id)] = entry_id

    @staticmethod
    def _stored(need: Need) -> Need:
        kept = copy.deepcopy(need)
        kept.pull_events()
        return replace(kept, new_claims=[], changed_claims=[], new_notes=[])


class FakeResources:
    def __init__(self):
        self.rows: dict[str, Resource] = {}

    def get(self, resource_id):
        return self.rows.get(resource_id)

    def put(self, resource):
        self.rows[resource.id] = resource

    def delete(self, resource_id):
        self.rows.pop(resource_id, None)

    def of_community(self, community_id):
        found = [r for r in self.rows.values() if r.community_id == community_id]
        return sorted(found, key=lambda r: (r.unit_name, r.title))
