"""Sessions: a login's short-lived access token is renewed with a refresh token that works once.

A refresh reads the member again, so new roles are in the next access token at once and a
deactivated member is turned away; a used refresh token shown again ends its whole session.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from jifen.clock import Clock, utcnow
from jifen.errors import Unauthenticated, account_deactivated
from jifen.ids import new_id

from ..domain.member import Member
from ..domain.sessions import (
    ENDED,
    REUSED,
    RefreshToken,
    hash_refresh_token,
    new_refresh_token,
    presented_hash,
)
from .commands import Logout, RefreshSession
from .ports import TokenMinter, UnitOfWork
from .views import LoggedIn

REFRESH_TTL = timedelta(days=30)


def start(
    uow: UnitOfWork, member: Member, tokens: TokenMinter, refresh_ttl: timedelta, clock: Clock = utcnow
) -> LoggedIn:
    """A new session for a member who just proved who they are."""
    with uow:
        uow.refresh_tokens.forget_expired(member.id, clock())
        session = _issue(uow, member, new_id(), tokens, refresh_ttl, clock())
        uow.commit()
    return session


def refresh(
    cmd: RefreshSession, uow: UnitOfWork, tokens: TokenMinter, refresh_ttl: timedelta, clock: Clock = utcnow
) -> LoggedIn:
    token_hash = presented_hash(cmd.refresh_token)
    now = clock()
    with uow:
        found = uow.refresh_tokens.get(token_hash)
        member = uow.members.get(found.member_id) if found else None
        if member is None:
            raise Unauthenticated(*ENDED)
        # Before anything about the token: a deactivated member hears what login tells them.
        if not member.active:
            raise account_deactivated()
        found.check_usable(now)
        if found.used_at is not None or not uow.refresh_tokens.use(token_hash, now):
            # Someone kept a copy of a token already exchanged: end the session for both.
            uow.refresh_tokens.revoke_family(found.family_id, now)
            uow.commit()
            raise Unauthenticated(*REUSED)
        session = _issue(uow, member, found.family_id, tokens, refresh_ttl, now)
        uow.commit()
    return session


def logout(cmd: Logout, uow: UnitOfWork, clock: Clock = utcnow) -> None:
    """Ends the session of the token; an unknown or ended one changes nothing and answers the same."""
    token_hash = presented_hash(cmd.refresh_token)
    with uow:
        found = uow.refresh_tokens.get(token_hash)
        if found is not None:
            uow.refresh_tokens.revoke_family(found.family_id, clock())
            uow.commit()


def _issue(
    uow: UnitOfWork,
    member: Member,
    family_id: str,
    tokens: TokenMinter,
    refresh_ttl: timedelta,
    now: datetime,
) -> LoggedIn:
    raw = new_refresh_token()
    refresh_expires_at = now + refresh_ttl
    uow.refresh_tokens.add(
        RefreshToken(hash_refresh_token(raw), family_id, member.id, now, refresh_expires_at)
    )
    access, expires_at = tokens.issue(member.caller())
    return LoggedIn(access, expires_at, member, raw, refresh_expires_at)
