"""How the runtime finds each service's composition root (and the demo street), without importing any of them.

Each services/<name>/bootstrap.py offers the same small surface (ServiceModule); the CLI, the
embedded runner and the nameko workers use only that.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import redis
from sqlalchemy import Engine

from jifen.grpc_server import GrpcApp
from jifen.inbox import EventConsumer
from jifen.outbox import OutboxRelay
from jifen.settings import Settings

# In start-up order: a service's consumers exist before the producers they listen to publish.
SERVICES = ("members", "points", "market")
# The web app: a client of the services, with no database or events of its own.
GATEWAY = "gateway"
# The demo street `jifen up --demo` seeds: data for newcomers, not part of the runtime.
DEMO = "demo"


@dataclass(frozen=True)
class Job:
    """A chore a worker runs every `interval` seconds; returns how many things it handled."""

    name: str
    interval: float
    run: Callable[[], int]


@dataclass
class EventParts:
    """What a worker process (or the in-process bus) runs for one service."""

    engine: Engine
    relay: OutboxRelay
    consumer: EventConsumer | None = None
    jobs: list[Job] = field(default_factory=list)

    def job(self, name: str) -> Job:
        return next(job for job in self.jobs if job.name == name)

    def close(self) -> None:
        self.engine.dispose()


class ServiceModule(Protocol):
    NAME: str
    MIGRATIONS: Path

    def build_api(self, settings: Settings, redis_client: redis.Redis) -> GrpcApp: ...
    def build_events(self, settings: Settings) -> EventParts: ...


def load(name: str) -> ServiceModule:
    if name not in SERVICES:
        raise ValueError(f"unknown service {name!r}; known: {', '.join(SERVICES)}")
    return importlib.import_module(f"services.{name}.bootstrap")


def load_gateway():
    return importlib.import_module(f"services.{GATEWAY}.bootstrap")


def load_demo():
    return importlib.import_module(DEMO)
