"""Idempotent commands: a request id with a unique constraint, so a retry returns the first result.

A request id belongs to its caller: the stored key is the caller's identity, then the request id.
Another caller who happens (or tries) to send the same request id gets their own result, and is not
told that someone else used it.

The record is written in the same transaction as the command's effects. Two concurrent twins
race on the primary key; the loser's transaction fails with Conflict and its retry finds the
winner's record (check-then-insert alone would let both through).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from jifen.caller import Caller
from jifen.errors import AlreadyExists, Conflict, DomainError, InvalidArgument

T = TypeVar("T")
MAX_REQUEST_ID_LENGTH = 100


def secret(default: Any = dataclasses.MISSING) -> Any:
    """Marks a command field (a password) that must not enter the stored fingerprint."""
    return dataclasses.field(default=default, metadata={"secret": True}, repr=False)


def _identity(value: Any) -> str:
    # The caller counts by who they are, not by their token's details: a retry with a fresh
    # token (renamed, new roles) is still the same request.
    if isinstance(value, Caller):
        return value.member_id or f"service:{value.service}"
    return str(value)


def caller_key(command: Any) -> str:
    """Whose request ids a command's belongs to: its actor's member id or service, or "anonymous"."""
    actor = getattr(command, "actor", None)
    if not isinstance(actor, Caller) or actor.is_anonymous:
        return "anonymous"
    return _identity(actor)


def fingerprint(command: Any) -> str:
    """A digest of everything in the command but its request id and secrets."""
    fields = {
        f.name: getattr(command, f.name)
        for f in dataclasses.fields(command)
        if f.name != "request_id" and not f.metadata.get("secret")
    }
    canonical = json.dumps(fields, sort_keys=True, default=_identity, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyStore(Protocol):
    """The port: where a unit of work keeps each request id's fingerprint and result reference
    (jifen/idempotency_store.py in SQL, a dict in the unit tests' fakes)."""

    def find(self, operation: str, request_id: str) -> tuple[str, dict] | None: ...
    def record(self, operation: str, request_id: str, digest: str, result: dict) -> None: ...


def idempotent(operation: str, view: Callable[[Any, dict], Any] | None = None):
    """Makes a handler `handler(cmd, uow, *args)` run once per request id, inside one transaction.

    The handler returns a small JSON-able reference to what it produced ({"hold_id": ...}); the
    caller gets `view(uow, reference)` (read in the same transaction) or the reference itself. A
    retry of the same request id answers from the record without running the handler again."""

    def decorate(handler: Callable[..., dict]):
        @functools.wraps(handler)
        def once(cmd: Any, uow: Any, *args: Any, **kwargs: Any) -> Any:
            return run(
                uow,
                operation,
                cmd,
                lambda: handler(cmd, uow, *args, **kwargs),
                None if view is None else (lambda reference: view(uow, reference)),
            )

        return once

    return decorate


def run(
    uow: Any,
    operation: str,
    command: Any,
    execute: Callable[[], dict],
    view: Callable[[dict], T] | None = None,
) -> Any:
    """Runs `execute` once per request id inside `uow` and returns its result reference (or its view).

    `execute` does the work and returns a small JSON-able reference to what it produced
    (e.g. {"member_id": ...}); a replay returns that same reference without running again.

    With `view`, the answer is `view(reference)` instead, read inside the same transaction: the one
    that commits the work, or for a replay the one that finds the record. A second transaction after
    the commit could fail in an outage and tell the client an error about a change that was made
    (and its retry with a new request id would then be refused: "phone taken").
    """
    request_id = _scoped_request_id(command)
    digest = fingerprint(command)
    answer = view or (lambda reference: reference)
    for attempt in range(2):
        try:
            with uow:
                prior = _prior(uow, operation, request_id, digest)
                if prior is not None:
                    return answer(prior)
                result = execute()
                uow.idempotency.record(operation, request_id, digest, result)
                response = answer(result)
                uow.commit()
                return response
        except Conflict:
            if attempt == 1:
                raise
        except DomainError:
            # A twin may have committed between our look-up and our checks (its member now makes
            # "phone taken" true for us): then the answer is the twin's result, not the error.
            with uow:
                prior = _prior(uow, operation, request_id, digest)
                if prior is not None:
                    return answer(prior)
            raise
    raise AssertionError("unreachable")


def replayed(uow: Any, operation: str, command: Any, view: Callable[[dict], T] | None = None) -> Any:
    """The result of an earlier run of this request id (through `view`, in the same transaction), or None.

    For commands whose work spans several transactions and calls to other services (the market's
    saga): a retry of a finished request must answer from the record, not start the work again.
    """
    request_id = _scoped_request_id(command)
    with uow:
        prior = _prior(uow, operation, request_id, fingerprint(command))
        return prior if prior is None or view is None else view(prior)


def _request_id(command: Any) -> str:
    request_id = (command.request_id or "").strip()
    if not request_id:
        raise InvalidArgument("request_id", "请求编号不能为空", "is required (an idempotency key)")
    if len(request_id) > MAX_REQUEST_ID_LENGTH:
        raise InvalidArgument(
            "request_id", "请求编号过长", f"must be at most {MAX_REQUEST_ID_LENGTH} characters"
        )
    return request_id


def _scoped_request_id(command: Any) -> str:
    # A caller key never holds "/" (member ids are ULIDs, services plain names), so keys cannot collide.
    return f"{caller_key(command)}/{_request_id(command)}"


def _prior(uow: Any, operation: str, request_id: str, digest: str) -> dict | None:
    found = uow.idempotency.find(operation, request_id)
    if found is None:
        return None
    if found[0] != digest:
        raise AlreadyExists(
            "该请求编号已用于另一个不同的请求",
            "this request_id was already used for a different request",
            "request_id",
        )
    return found[1]
