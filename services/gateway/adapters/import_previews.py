"""Uploaded volunteer rolls kept between the preview and the import, in Redis (shared by every gateway
replica) under a random token bound to the admin and the community, for a short while.

The browser only carries the token back: the rows imported are the rows the gateway read and checked,
never rows a form could resend altered."""

from __future__ import annotations

import json
import secrets

from ..service.people_sheet import RawRow

LIFETIME_SECONDS = 30 * 60


class ImportPreviews:
    def __init__(self, redis_client, namespace: str):
        self.redis = redis_client
        self.prefix = f"{namespace}:gateway:people-import:"

    def put(self, admin_id: str, community_id: str, filename: str, rows: list[RawRow]) -> str:
        token = secrets.token_urlsafe(18)
        value = {
            "admin": admin_id,
            "community": community_id,
            "filename": filename,
            "rows": [[r.line, r.name, r.phone, r.grid] for r in rows],
        }
        self.redis.set(self.prefix + token, json.dumps(value, ensure_ascii=False), ex=LIFETIME_SECONDS)
        return token

    def get(self, admin_id: str, token: str) -> tuple[str, str, list[RawRow]] | None:
        """(community id, file name, rows) of this admin's upload; None when unknown, expired or another's."""
        return self._read(admin_id, self.redis.get(self.prefix + token) if _plausible(token) else None)

    def take(self, admin_id: str, token: str) -> tuple[str, str, list[RawRow]] | None:
        """As get, and the upload is gone: of two imports of one preview (a double click), one runs."""
        if not _plausible(token):
            return None
        found = self.get(admin_id, token)
        if found is None or not self.redis.delete(self.prefix + token):
            return None
        return found

    @staticmethod
    def _read(admin_id: str, raw: str | bytes | None) -> tuple[str, str, list[RawRow]] | None:
        if not raw:
            return None
        value = json.loads(raw)
        if value.get("admin") != admin_id:
            return None
        rows = [
            RawRow(int(line), str(name), str(phone), str(grid)) for line, name, phone, grid in value["rows"]
        ]
        return value["community"], value.get("filename", ""), rows


def _plausible(token: str) -> bool:
    return 10 <= len(token or "") <= 64 and all(c.isalnum() or c in "-_" for c in token)
