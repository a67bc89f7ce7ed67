"""Calling a service over gRPC as the signed-in person: their token, their language, a deadline.

A gRPC status becomes an ActionError here, once, so nothing above this module knows about gRPC.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from jifen import grpc_client

from ..service.errors import ActionError, Kind

KINDS = {
    grpc.StatusCode.INVALID_ARGUMENT: Kind.INVALID,
    grpc.StatusCode.NOT_FOUND: Kind.NOT_FOUND,
    grpc.StatusCode.ALREADY_EXISTS: Kind.CONFLICT,
    grpc.StatusCode.FAILED_PRECONDITION: Kind.CONFLICT,
    grpc.StatusCode.ABORTED: Kind.CONFLICT,
    grpc.StatusCode.PERMISSION_DENIED: Kind.FORBIDDEN,
    grpc.StatusCode.UNAUTHENTICATED: Kind.UNAUTHENTICATED,
    grpc.StatusCode.RESOURCE_EXHAUSTED: Kind.THROTTLED,
    grpc.StatusCode.UNAVAILABLE: Kind.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED: Kind.UNAVAILABLE,
}
# What a person reads when the service said nothing they could use.
FALLBACK = {
    Kind.UNAVAILABLE: (
        "服务暂时不可用，请稍后再试",
        "The service is unavailable right now; please try again later.",
    ),
    Kind.INTERNAL: ("服务暂时出错，请稍后再试", "Something went wrong on our side; please try again later."),
}


@dataclass(frozen=True)
class Credentials:
    """Who the call is made for: the person's own token, their language and their address."""

    token: str = ""
    locale: str = "zh"
    client: str = ""

    def metadata(self) -> tuple[tuple[str, str], ...]:
        pairs = [("accept-language", "en" if self.locale == "en" else "zh-CN")]
        if self.token:
            pairs.append(("authorization", f"Bearer {self.token}"))
        return tuple(pairs)


def open_channel(target: str) -> grpc.Channel:
    return grpc_client.channel(target)


def call(method, request, credentials: Credentials, timeout: float, extra=()):
    """Runs one unary RPC; a refusal comes back as an ActionError in the person's language."""
    try:
        return method(request, metadata=credentials.metadata() + tuple(extra), timeout=timeout)
    except grpc.RpcError as exc:
        raise _action_error(exc, credentials.locale) from None


def _action_error(exc: grpc.RpcError, locale: str) -> ActionError:
    kind = KINDS.get(exc.code(), Kind.INTERNAL)
    if kind in FALLBACK:
        zh, en = FALLBACK[kind]
        return ActionError(kind, en if locale == "en" else zh)
    message = exc.details() or ""
    field = ""
    status = rpc_status.from_call(exc)
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            if bad.field_violations:
                field = bad.field_violations[0].field
    # The services name the field before the sentence ("phone: 请输入…"); people read the sentence.
    if field and message.startswith(f"{field}: "):
        message = message[len(field) + 2 :]
    return ActionError(kind, message, field)
