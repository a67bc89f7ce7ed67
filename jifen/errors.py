"""Errors a user can cause, raised by domain and use cases and mapped once to gRPC status codes.

Each carries its message in Chinese (the default) and English, because the people who read
them use the Chinese pages, while operators and foreign clients may ask for English.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error caused by the request rather than by a bug."""

    def __init__(self, zh: str, en: str, field: str | None = None):
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.field = field

    def message(self, locale: str = "zh") -> str:
        text = self.en if locale.startswith("en") else self.zh
        return f"{self.field}: {text}" if self.field else text


class InvalidArgument(DomainError):
    def __init__(self, field: str, zh: str, en: str):
        super().__init__(zh, en, field)


class NotFound(DomainError):
    pass


class AlreadyExists(DomainError):
    pass


class FailedPrecondition(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


DENIED = ("您没有执行此操作的权限", "you may not do this")


def denied(zh: str = DENIED[0], en: str = DENIED[1]) -> PermissionDenied:
    """The one refusal for a caller outside an action's scope (each service words it the same way)."""
    return PermissionDenied(zh, en)


class Unauthenticated(DomainError):
    pass


def account_deactivated() -> PermissionDenied:
    """A deactivated member, at login, refresh or with a token they still hold: one answer everywhere.

    PERMISSION_DENIED, not UNAUTHENTICATED: who they are is proven, they are just not allowed in.
    """
    return PermissionDenied(
        "账号已停用，请联系社区管理员", "this account is deactivated; ask your community's administrator"
    )


class ResourceExhausted(DomainError):
    pass


class Unavailable(DomainError):
    """Another service did not answer; nothing was decided, and the caller may try again."""


class Conflict(Exception):
    """A concurrent transaction wrote the same unique row first; the caller may retry once."""


def required(field: str, value: str, zh_name: str) -> str:
    """Returns the stripped value, or raises InvalidArgument naming the empty field."""
    value = (value or "").strip()
    if not value:
        raise InvalidArgument(field, f"{zh_name}不能为空", f"{field.replace('_', ' ')} is required")
    return value


def bounded(field: str, value: str, max_length: int, zh_name: str, optional: bool = True) -> str:
    """Returns the stripped value, refusing an empty one (unless optional) or one over max_length."""
    value = (value or "").strip()
    if not value and not optional:
        return required(field, value, zh_name)
    if len(value) > max_length:
        raise InvalidArgument(
            field, f"{zh_name}不能超过 {max_length} 个字", f"must be at most {max_length} characters"
        )
    return value
