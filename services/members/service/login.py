"""Logging in: a phone number and password for a token, with repeated failures slowed down."""

from __future__ import annotations

import weakref
from datetime import timedelta

from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import ResourceExhausted, Unauthenticated, account_deactivated

from ..domain.phone import normalize_phone
from . import sessions
from .commands import Login
from .ports import LoginLimiter, PasswordHasher, TokenMinter, UnitOfWork
from .views import LoggedIn

# Verifying against a real hash when the phone is unknown keeps both answers equally slow,
# so timing does not tell which phone numbers are registered.
_UNKNOWN_PHONE_HASH: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


TOO_MANY = ("尝试次数过多，请 15 分钟后再试", "too many attempts; try again later")


def login(
    cmd: Login,
    uow: UnitOfWork,
    passwords: PasswordHasher,
    limiter: LoginLimiter,
    tokens: TokenMinter,
    clients: LoginLimiter | None = None,
    refresh_ttl: timedelta = sessions.REFRESH_TTL,
    clock: Clock = utcnow,
) -> LoggedIn:
    """`limiter` counts per phone and forgets on success; `clients` counts every attempt per client."""
    phone = normalize_phone(cmd.phone)
    if not limiter.attempt(phone) or (clients is not None and cmd.client and not clients.attempt(cmd.client)):
        raise ResourceExhausted(*TOO_MANY)
    with uow:
        member = uow.members.by_phone(phone)
    stored = member.password_hash if member else _dummy_hash(passwords)
    if not passwords.verify(stored, cmd.password or "") or member is None:
        raise Unauthenticated("手机号或密码不正确", "wrong phone number or password")
    if not member.active:
        raise account_deactivated()
    limiter.reset(phone)
    return sessions.start(uow, member, tokens, refresh_ttl, clock)


def _dummy_hash(passwords: PasswordHasher) -> str:
    if passwords not in _UNKNOWN_PHONE_HASH:
        _UNKNOWN_PHONE_HASH[passwords] = passwords.hash("not-a-real-password")
    return _UNKNOWN_PHONE_HASH[passwords]


def current_identity(caller: Caller, uow: UnitOfWork) -> Caller:
    """The caller as the members database knows them now: still active, with their present roles."""
    with uow:
        member = uow.members.get(caller.member_id)
    if member is None:
        raise Unauthenticated("账号不存在，请重新登录", "this account does not exist; log in again")
    if not member.active:
        raise account_deactivated()
    return member.caller()
