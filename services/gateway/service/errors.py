"""What can go wrong with a person's action, in words they can read, without transport details."""

from __future__ import annotations

from enum import Enum


class Kind(Enum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    THROTTLED = "throttled"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"


class ActionError(Exception):
    """A refusal to show the person: `message` is a plain sentence; `field` names the form field, if any."""

    def __init__(self, kind: Kind, message: str, field: str = ""):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.field = field
