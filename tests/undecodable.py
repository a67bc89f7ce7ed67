"""Requests no protobuf library will decode, sent to every mutating RPC of a service.

A client in another language can put any bytes in a string field; a lone UTF-16 surrogate
(ED A0 80) is the one we met. grpcio's own stubs refuse to build such a message, so the bytes
are made by hand (tag, length, payload) and sent through a channel without a serializer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import grpc
import pytest
from google.protobuf.descriptor import FieldDescriptor, ServiceDescriptor
from google.protobuf.message import DecodeError
from google.protobuf.message_factory import GetMessageClass
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from jifen.caller import Caller
from jifen.policy import Rule

LONE_SURROGATE = b"\xed\xa0\x80"
UNDECODABLE_ZH = "请求中含有无法识别的字符"


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def undecodable(message_class) -> bytes:
    """The message with its first string field holding invalid UTF-8; checked to be undecodable."""
    field = next(f for f in message_class.DESCRIPTOR.fields if f.type == FieldDescriptor.TYPE_STRING)
    tag = _varint(field.number << 3 | 2)  # wire type 2: length-delimited
    payload = tag + _varint(len(LONE_SURROGATE)) + LONE_SURROGATE
    with pytest.raises(DecodeError):
        message_class.FromString(payload)
    return payload


def _violated_fields(err: grpc.RpcError) -> list[str]:
    status = rpc_status.from_call(err)
    violation = error_details_pb2.BadRequest()
    if status is None or not status.details or not status.details[0].Unpack(violation):
        return []
    return [v.field for v in violation.field_violations]


class _Tracebacks(logging.Handler):
    """Keeps the log records that carry a traceback."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.found: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.found.append(record)


def mutating_rpcs(services: list[ServiceDescriptor]) -> list:
    """Every method whose request carries an idempotency key: the RPCs that change something."""
    found = [
        method
        for service in services
        for method in service.methods
        if "request_id" in method.input_type.fields_by_name
    ]
    assert found, "no mutating RPC found: the walk of the descriptors is broken"
    return found


def refusals_of_undecodable_requests(
    channel: grpc.Channel,
    services: list[ServiceDescriptor],
    policy: dict[str, Rule],
    callers: list[tuple[Caller, Callable[[], list[tuple[str, str]]]]],
) -> tuple[list[str], list[str]]:
    """Sends an undecodable request to every mutating RPC as the first of `callers` its rule allows.

    Returns the paths tried and what went wrong, so a test can report every RPC at once. Bad input
    is not a bug: a traceback in the log counts as wrong too.
    """
    tried, wrong = [], []
    tracebacks = _Tracebacks()
    logging.getLogger().addHandler(tracebacks)
    try:
        for method in mutating_rpcs(services):
            path = f"/{method.containing_service.full_name}/{method.name}"
            tried.append(path)
            why = _refusal(channel, method, path, policy, callers)
            if why:
                wrong.append(f"{path}: {why}")
    finally:
        logging.getLogger().removeHandler(tracebacks)
    wrong += [f"logged a traceback: {r.name}: {r.getMessage()}" for r in tracebacks.found]
    return tried, wrong


def _refusal(channel: grpc.Channel, method, path: str, policy: dict[str, Rule], callers) -> str:
    """What is wrong with the answer to an undecodable request to `method`, or ""."""
    allowed = [metadata for caller, metadata in callers if policy[path].allows(caller)]
    if not allowed:
        return "none of the test's callers may call it"
    call = channel.unary_unary(
        path,
        request_serializer=None,
        response_deserializer=GetMessageClass(method.output_type).FromString,
    )
    try:
        call(undecodable(GetMessageClass(method.input_type)), metadata=allowed[0](), timeout=30)
    except grpc.RpcError as err:
        details = err.details() or ""
        if err.code() != grpc.StatusCode.INVALID_ARGUMENT:
            return f"{err.code().name} {details}"
        if details != f"request: {UNDECODABLE_ZH}":
            return f"not the sentence a person understands: {details}"
        if _violated_fields(err) != ["request"]:
            return f"BadRequest names {_violated_fields(err)}"
        return ""
    return "answered OK"
