"""Refresh tokens over SQLAlchemy Core."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from ..domain.sessions import RefreshToken
from .tables import refresh_tokens

c = refresh_tokens.c


class SqlRefreshTokens:
    def __init__(self, connection: Connection):
        self.connection = connection

    def add(self, token: RefreshToken) -> None:
        self.connection.execute(refresh_tokens.insert().values(**asdict(token)))

    def get(self, token_hash: str) -> RefreshToken | None:
        row = self.connection.execute(sa.select(refresh_tokens).where(c.token_hash == token_hash)).first()
        return RefreshToken(**row._mapping) if row else None

    def use(self, token_hash: str, now: datetime) -> bool:
        """Marks a live token used; False when another request used or ended it first."""
        done = self.connection.execute(
            refresh_tokens.update()
            .where(c.token_hash == token_hash, c.used_at.is_(None), c.revoked_at.is_(None))
            .values(used_at=now)
        )
        return done.rowcount == 1

    def revoke_family(self, family_id: str, now: datetime) -> None:
        self.connection.execute(
            refresh_tokens.update()
            .where(c.family_id == family_id, c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def revoke_member(self, member_id: str, now: datetime) -> None:
        self.connection.execute(
            refresh_tokens.update()
            .where(c.member_id == member_id, c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def forget_expired(self, member_id: str, now: datetime) -> None:
        self.connection.execute(
            refresh_tokens.delete().where(c.member_id == member_id, c.expires_at <= now)
        )
