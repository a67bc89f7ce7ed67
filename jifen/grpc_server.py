"""The grpcio server every api process runs: health, reflection, the access guard and error mapping.

Never start this in an eventlet-patched (nameko) process: grpcio's server deadlocks there.
"""

from __future__ import annotations

import contextvars
import logging
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import grpc
from google.protobuf.descriptor import ServiceDescriptor
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status

from jifen import errors, outages
from jifen.caller import ANONYMOUS, Caller
from jifen.policy import Rule, check_complete
from jifen.tokens import TokenVerifier

log = logging.getLogger("jifen.grpc")

_CALLER: contextvars.ContextVar[Caller] = contextvars.ContextVar("caller", default=ANONYMOUS)

STATUS = {
    errors.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    errors.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    errors.Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    errors.ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
    errors.Unavailable: grpc.StatusCode.UNAVAILABLE,
}
SERVICE_UNAVAILABLE = errors.Unavailable(
    "服务暂时不可用，请稍后再试", "service temporarily unavailable; try again later"
)
# Paths served without a token: probes and tooling.
OPEN_PREFIXES = ("/grpc.health.v1.", "/grpc.reflection.")


def current_caller() -> Caller:
    """The authenticated caller of the RPC running on this thread."""
    return _CALLER.get()


def client_address(context: grpc.ServicerContext) -> str:
    """The caller's host, from "ipv4:10.0.0.5:51234" or "ipv6:[::1]:51234"."""
    peer = context.peer() or ""
    return peer.split(":", 1)[-1].rsplit(":", 1)[0]


# The web app (gateway) tells members whose address a login comes from; only a service may say so.
CLIENT_ADDRESS_HEADER = "x-client-address"
TRUSTED_FORWARDERS = frozenset({"gateway"})


def person_address(context: grpc.ServicerContext) -> str:
    """The address of the person behind the call: the gateway's word for it when the gateway calls
    with its service token, else the calling peer's own address."""
    if current_caller().service in TRUSTED_FORWARDERS:
        for key, value in context.invocation_metadata() or ():
            if key == CLIENT_ADDRESS_HEADER and value:
                return value[:64]
    return client_address(context)


def _status_of(exc: errors.DomainError, locale: str) -> status_pb2.Status:
    code = STATUS.get(type(exc), grpc.StatusCode.FAILED_PRECONDITION)
    status = status_pb2.Status(code=getattr(code_pb2, code.name), message=exc.message(locale))
    if isinstance(exc, errors.InvalidArgument):
        detail = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=exc.field, description=exc.en)
            ]
        )
        status.details.add().Pack(detail)
    return status


def _locale_of(metadata) -> str:
    for key, value in metadata or ():
        if key == "accept-language" and value.lower().startswith("en"):
            return "en"
    return "zh"


def locale_of(context: grpc.ServicerContext) -> str:
    """ "en" when the caller asked for English (accept-language), else "zh"."""
    return _locale_of(context.invocation_metadata())


def _field_with_nul(message, prefix: str = "") -> str:
    """The first string field holding a NUL byte (databases refuse them), or ""."""
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, str) and "\x00" in item:
                return prefix + field.name
            if hasattr(item, "ListFields"):
                found = _field_with_nul(item, f"{prefix}{field.name}.")
                if found:
                    return found
    return ""


def _decoded(deserialize: Callable[[bytes], object] | None, raw: bytes):
    """The request message, or InvalidArgument when the bytes are not one (a string not in UTF-8...)."""
    if deserialize is None:
        return raw
    try:
        return deserialize(raw)
    except Exception:
        # Which field is bad is unknown here: protobuf's DecodeError does not say.
        raise errors.InvalidArgument(
            "request",
            "请求中含有无法识别的字符",
            "the request could not be decoded (e.g. a string that is not UTF-8)",
        ) from None


class GuardInterceptor(grpc.ServerInterceptor):
    """Authenticates the caller, applies the policy table, and maps domain errors to status codes."""

    def __init__(
        self,
        policy: dict[str, Rule],
        verifier: TokenVerifier,
        resolve: Callable[[Caller], Caller] | None = None,
        name: str = "api",
    ):
        self.policy = policy
        self.verifier = verifier
        # A service that owns identities (members) re-reads the caller, so a deactivated or
        # demoted admin loses their powers there at once rather than when the token expires.
        self.resolve = resolve
        self.outages = outages.OutageLog(name, log)

    def intercept_service(self, continuation, details):
        handler = continuation(details)
        if handler is None or details.method.startswith(OPEN_PREFIXES):
            return handler
        if handler.unary_unary is None:
            raise RuntimeError(f"{details.method}: only unary RPCs are guarded")
        rule = self.policy.get(details.method)
        behavior = handler.unary_unary
        deserialize = handler.request_deserializer

        def guarded(raw, context):
            metadata = context.invocation_metadata()
            locale = _locale_of(metadata)
            try:
                # A stale token must not stop someone from logging in again or browsing public lists.
                caller = self._authenticate(metadata, optional=rule is not None and rule.public)
                if self.resolve is not None and caller.member_id and not (rule and rule.public):
                    caller = self.resolve(caller)
                if rule is None or not rule.allows(caller):
                    if caller.is_anonymous:
                        raise errors.Unauthenticated("请先登录", "log in first")
                    raise errors.PermissionDenied("您没有执行此操作的权限", "you may not do this")
                # Decoded only now: a caller the policy refuses learns nothing about what they sent.
                request = _decoded(deserialize, raw)
                bad_field = _field_with_nul(request)
                if bad_field:
                    raise errors.InvalidArgument(bad_field, "含有不允许的字符", "contains a NUL character")
                caller_token = _CALLER.set(caller)
                try:
                    response = behavior(request, context)
                finally:
                    _CALLER.reset(caller_token)
                self.outages.succeeded()
                return response
            except errors.DomainError as exc:
                context.abort_with_status(rpc_status.to_status(_status_of(exc, locale)))
            except errors.Conflict:
                context.abort(
                    grpc.StatusCode.ABORTED, "请求冲突，请重试" if locale == "zh" else "conflict; retry"
                )
            except Exception as exc:
                unreachable = outages.unreachable(exc)
                if unreachable:
                    # Nobody's fault and soon over: the caller may retry; no traceback per request.
                    self.outages.failed(details.method, unreachable, exc)
                    context.abort_with_status(rpc_status.to_status(_status_of(SERVICE_UNAVAILABLE, locale)))
                # A bug, not the caller's doing: log it whole and tell the caller nothing internal.
                log.exception("%s failed", details.method)
                context.abort(
                    grpc.StatusCode.INTERNAL,
                    "服务暂时出错，请稍后再试" if locale == "zh" else "internal error",
                )

        # The request arrives as bytes and is decoded inside the guard: grpcio's own decoding would
        # answer INTERNAL with a traceback for what is only a client's bad input.
        return grpc.unary_unary_rpc_method_handler(
            guarded, request_deserializer=None, response_serializer=handler.response_serializer
        )

    def _authenticate(self, metadata, optional: bool) -> Caller:
        for key, value in metadata or ():
            if key == "authorization":
                scheme, _, token = value.partition(" ")
                try:
                    if scheme.lower() != "bearer" or not token:
                        raise errors.Unauthenticated(
                            "登录凭证格式不正确", "authorization must be 'Bearer <token>'"
                        )
                    return self.verifier.verify(token.strip())
                except errors.Unauthenticated:
                    if optional:
                        return ANONYMOUS
                    raise
        return ANONYMOUS


@dataclass
class GrpcApp:
    server: grpc.Server
    health: health.HealthServicer
    port: int
    name: str

    def start(self) -> None:
        self.server.start()
        log.info("%s api listening on port %d", self.name, self.port)

    def stop(self, grace: float = 5.0) -> None:
        # Probes see NOT_SERVING first, so a load balancer stops sending before the server goes.
        self.health.enter_graceful_shutdown()
        self.server.stop(grace).wait()


Registration = tuple[Callable[[object, grpc.Server], None], object]


def build_server(
    name: str,
    bind: str,
    registrations: list[Registration],
    descriptors: list[ServiceDescriptor],
    policy: dict[str, Rule],
    verifier: TokenVerifier,
    workers: int = 16,
    resolve: Callable[[Caller], Caller] | None = None,
    with_reflection: bool = False,
    credentials: grpc.ServerCredentials | None = None,
) -> GrpcApp:
    check_complete(policy, descriptors)
    server = grpc.server(
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"{name}-grpc"),
        interceptors=[GuardInterceptor(policy, verifier, resolve, name)],
        options=[("grpc.so_reuseport", 0)],
    )
    for add, servicer in registrations:
        add(servicer, server)
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for descriptor in descriptors:
        health_servicer.set(descriptor.full_name, health_pb2.HealthCheckResponse.SERVING)
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    if with_reflection:
        # A map of every RPC for anyone who can reach the port: for a developer's grpcurl, not production.
        reflection.enable_server_reflection(
            [d.full_name for d in descriptors]
            + [health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME],
            server,
        )
    # With credentials (mutual TLS, see jifen.tls) a client without a certificate of our CA gets nowhere.
    port = server.add_secure_port(bind, credentials) if credentials else server.add_insecure_port(bind)
    if port == 0:
        raise RuntimeError(f"{name}: cannot listen on {bind}")
    return GrpcApp(server, health_servicer, port, name)


def serve_until_signalled(apps: list[GrpcApp], on_stop: Callable[[], None] | None = None) -> None:
    """Starts the apps and blocks until SIGTERM or SIGINT, then stops them gracefully."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    for app in apps:
        app.start()
    stop.wait()
    log.info("stopping")
    if on_stop:
        on_stop()
    for app in apps:
        app.stop()
