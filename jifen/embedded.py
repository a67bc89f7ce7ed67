"""`jifen up`: the whole system in one process on SQLite, for a first run or a small community's single PC.

The same service code runs as in production; only the adapters differ: SQLite files under the
data folder, the in-process bus instead of RabbitMQ, and an in-memory Redis stand-in. Each api
still listens on its own loopback port and services still talk to each other over gRPC.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from jifen import composition, migrations
from jifen.bus.in_process import InProcessBus
from jifen.composition import EventParts
from jifen.grpc_server import GrpcApp
from jifen.key_files import create_ring
from jifen.redis_client import connect
from jifen.settings import Settings
from jifen.tokens import generate_keypair

log = logging.getLogger("jifen.embedded")


@dataclass
class EmbeddedSystem:
    settings: Settings
    with_gateway: bool = True
    apps: list[GrpcApp] = field(default_factory=list)
    parts: list[EventParts] = field(default_factory=list)
    bus: InProcessBus | None = None
    gateway: object | None = None

    def start(self) -> None:
        settings = self.settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        generate_keypair(settings.private_key_path, settings.public_key_path)
        create_ring(settings.pickup_key_path)
        redis_client = connect(settings.redis_url)
        modules = [composition.load(name) for name in composition.SERVICES]
        for module in modules:
            migrations.upgrade(module.MIGRATIONS, settings.db_url(module.NAME))
        self.parts = [module.build_events(settings) for module in modules]
        self.bus = InProcessBus(self.parts)
        self.bus.start()
        self.apps = [module.build_api(settings, redis_client) for module in modules]
        for app in self.apps:
            app.start()
        if self.with_gateway:
            self.gateway = composition.load_gateway().Background(settings, redis_client)
            self.gateway.start()

    def stop(self) -> None:
        if self.gateway:
            self.gateway.stop()
        for app in self.apps:
            app.stop()
        if self.bus:
            self.bus.stop()
        for part in self.parts:
            part.close()

    def addresses(self) -> dict[str, str]:
        return {app.name: f"127.0.0.1:{app.port}" for app in self.apps}
