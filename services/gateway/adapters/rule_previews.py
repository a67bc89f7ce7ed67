"""Which rule drafts an admin has seen previewed: a short-lived mark in Redis per preview.

Publishing a rule version is allowed only for exactly the draft whose preview was shown. The mark
lives in Redis (not in the form), so a client cannot make one up: only the preview route writes it.
"""

from __future__ import annotations

import secrets

# Long enough to read a preview and decide; a draft left longer is previewed again.
PREVIEW_SECONDS = 2 * 3600


class RulePreviews:
    def __init__(self, redis_client, namespace: str):
        self.redis = redis_client
        self.prefix = f"{namespace}:gateway:rule-preview:"

    def remember(self, member_id: str, draft_digest: str) -> str:
        """Marks a draft as previewed by this admin; returns the token the publish form carries."""
        token = secrets.token_urlsafe(24)
        self.redis.set(self._key(member_id, token), draft_digest, ex=PREVIEW_SECONDS)
        return token

    def digest_of(self, member_id: str, token: str) -> str:
        """The digest of the draft previewed under this token, or "" when there was no such preview."""
        if not token or len(token) > 100:
            return ""
        found = self.redis.get(self._key(member_id, token))
        if isinstance(found, bytes):
            return found.decode()
        return found or ""

    def _key(self, member_id: str, token: str) -> str:
        return f"{self.prefix}{member_id}:{token}"
