"""The gateway's composition root: clients of the three services, the token verifier, the app."""

from __future__ import annotations

import logging
import threading

import uvicorn
from fastapi import FastAPI

from jifen.service_token import service_token
from jifen.settings import Settings
from jifen.tokens import TokenVerifier

from .adapters.market_client import MarketClient
from .adapters.members_client import MembersClient
from .adapters.points_client import PointsClient
from .entrypoints.web import build_app
from .service.gateway import Services

NAME = "gateway"
log = logging.getLogger("jifen.gateway")


def build_services(settings: Settings) -> Services:
    timeout = settings.call_timeout_seconds
    return Services(
        # The gateway's own token only vouches for the person's address at login; every other call
        # carries the person's own token, so the gateway never has more rights than they do.
        members=MembersClient(settings.target("members"), timeout, service_token(settings, NAME)),
        points=PointsClient(settings.target("points"), timeout),
        market=MarketClient(settings.target("market"), timeout),
    )


def build(settings: Settings, redis_client) -> FastAPI:
    verifier = TokenVerifier.from_file(settings.public_key_path)
    return build_app(build_services(settings), verifier, redis_client, settings.redis_namespace)


def server(settings: Settings, app: FastAPI) -> uvicorn.Server:
    host, _, port = settings.gateway_bind.rpartition(":")
    config = uvicorn.Config(
        app,
        host=host or "127.0.0.1",
        port=int(port),
        log_level=settings.log_level.lower(),
        # Behind a reverse proxy the person's address and https come from its headers.
        proxy_headers=True,
        forwarded_allow_ips=settings.gateway_forwarded_allow_ips,
        access_log=False,
    )
    return uvicorn.Server(config)


class Background:
    """The gateway in a thread of the embedded process (`jifen up`)."""

    def __init__(self, settings: Settings, redis_client):
        self.app = build(settings, redis_client)
        self.server = server(settings, self.app)
        self.thread = threading.Thread(target=self.server.run, name="gateway", daemon=True)

    def start(self) -> None:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return
            self.thread.join(0.05)
        raise RuntimeError("the gateway did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.app.state.gateway.services.close()
