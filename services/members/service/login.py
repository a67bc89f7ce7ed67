"""Logging in: a phone number and password for a token, with repeated failures slowed down."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Caller
from jifen.errors import ResourceExhausted, Unauthenticated, account_deactivated

from ..domain.member import Member
from ..domain.phone import normalize_phone
from .commands import Login
from .ports import LoginLimiter, PasswordHasher, TokenMinter, UnitOfWork

# Verifying against a real hash when the phone is unknown keeps both answers equally slow,
# so timing does not tell which phone numbers are registered.
_UNKNOWN_PHONE_HASH: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class LoggedIn:
    token: str
    expires_at: datetime
    member: Member


TOO_MANY = ("尝试次数过多，请 15 分钟后再试", "too many attempts; try again later")


def login(
    cmd: Login,
    uow: UnitOfWork,
    passwords: PasswordHasher,
    limiter: LoginLimiter,
    tokens: TokenMinter,
    clients: LoginLimiter | None = None,
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
    token, expires_at = tokens.issue(member.caller())
    return LoggedIn(token, expires_at, member)


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
