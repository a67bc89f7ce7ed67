"""What every client of another Jifen service needs: a channel that reconnects soon after an outage,
and blocking calls that do not freeze a nameko worker."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

import grpc

from jifen import tls

T = TypeVar("T")


def channel(target: str) -> grpc.Channel:
    """A channel to another Jifen api: over mutual TLS when this process's JIFEN_TLS_* settings say so."""
    # After an outage, reconnect within seconds rather than gRPC's default of up to two minutes.
    options = [("grpc.initial_reconnect_backoff_ms", 500), ("grpc.max_reconnect_backoff_ms", 5000)]
    credentials = tls.channel_credentials()
    if credentials is None:
        return grpc.insecure_channel(target, options=options)
    return grpc.secure_channel(target, credentials, options=options)


def blocking(call: Callable[[], T]) -> T:
    """Runs a blocking gRPC call; in a nameko worker on a real thread, so eventlet keeps running."""
    if "eventlet" in sys.modules:
        from eventlet import patcher, tpool

        if patcher.is_monkey_patched("socket"):
            return tpool.execute(call)
    return call()


def pages(call: Callable[[object], T], request_for: Callable[[str], object]) -> Iterator[T]:
    """Every page of a List RPC: request_for(page_token) builds each request; stops after the last."""
    token = ""
    while True:
        page = call(request_for(token))
        yield page
        token = page.next_page_token
        if not token:
            return
