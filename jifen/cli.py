"""The `jifen` command: run the system, run one process of it, and the operator's chores."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jifen import composition, grpc_client, migrations
from jifen.errors import DomainError
from jifen.secret_files import TOKEN_MODE, write_secret
from jifen.settings import Settings, embedded_defaults

app = typer.Typer(
    help="积分超市 Jifen: points and rewards for community volunteers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
admin_app = typer.Typer(help="Administrators.", no_args_is_help=True)
outbox_app = typer.Typer(help="The transactional outbox of a service.", no_args_is_help=True)
events_app = typer.Typer(help="Events a service consumed or failed to consume.", no_args_is_help=True)
token_app = typer.Typer(help="Tokens for service-to-service calls.", no_args_is_help=True)
leaderboards_app = typer.Typer(help="The points leaderboards kept in Redis.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")
app.add_typer(outbox_app, name="outbox")
app.add_typer(events_app, name="events")
app.add_typer(token_app, name="token")
app.add_typer(leaderboards_app, name="leaderboards")
console = Console()

ServiceName = Annotated[str, typer.Argument(help=f"one of: {', '.join(composition.SERVICES)}")]


def _settings(data_dir: Path | None = None) -> Settings:
    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return settings


def _module(name: str):
    try:
        return composition.load(name)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@app.command()
def up(
    demo: Annotated[
        bool, typer.Option(help="Seed a demo street, communities, grids and volunteers.")
    ] = False,
    data_dir: Annotated[Path | None, typer.Option(help="Where the SQLite files and keys live.")] = None,
) -> None:
    """Run the whole system in this process (SQLite, in-process events, no servers needed)."""
    from jifen.embedded import EmbeddedSystem

    settings = embedded_defaults(_settings(data_dir))
    system = EmbeddedSystem(settings)
    system.start()
    table = Table(title="积分超市 Jifen 已启动 (embedded)")
    table.add_column("service")
    table.add_column("gRPC address")
    for name, address in system.addresses().items():
        table.add_row(name, address)
    console.print(table)
    console.print(f"积分超市 web app: http://{settings.gateway_bind}")
    if demo:
        # Found by name, like the services: the runtime imports neither (the import rules forbid it).
        demo_data = composition.load_demo()
        logins = demo_data.seed(settings, _module("members").create_admin)
        accounts = Table(title="演示账号 demo logins")
        for column in ("who", "phone", "password"):
            accounts.add_column(column)
        for login in logins:
            accounts.add_row(login.who, login.phone, login.password)
        console.print(accounts)
        console.print(demo_data.token_lifetimes(settings), soft_wrap=True)
    console.print(f"在浏览器打开 http://{settings.gateway_bind} ，用上面的账号登录")
    console.print(f"data: {settings.data_dir.resolve()}   stop with Ctrl+C")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    system.stop()


@app.command()
def serve(
    service: Annotated[str, typer.Argument(help=f"one of: {', '.join(composition.SERVICES)}, gateway")],
) -> None:
    """Run one service's gRPC api, or the web app (gateway), as one process of the production topology."""
    from jifen.grpc_server import serve_until_signalled
    from jifen.redis_client import connect

    settings = _settings()
    if service == composition.GATEWAY:
        gateway = composition.load_gateway()
        gateway.server(settings, gateway.build(settings, connect(settings.redis_url))).run()
        return
    module = _module(service)
    api = module.build_api(settings, connect(settings.redis_url))
    serve_until_signalled([api])


@app.command()
def worker(service: ServiceName) -> None:
    """Run one service's nameko worker: outbox relay and event handlers (production topology)."""
    _module(service)
    config = Path(__file__).parent / "bus" / "nameko.yaml"
    nameko = Path(sys.executable).parent / "nameko"
    # exec, so signals reach nameko directly and it stops its workers cleanly.
    os.execv(
        str(nameko), [str(nameko), "run", "--config", str(config), f"services.{service}.entrypoints.worker"]
    )


@app.command()
def probe(service: ServiceName, timeout: float = 3.0) -> None:
    """Exit 0 when SERVICE's api answers SERVING on grpc.health.v1 (for container health checks)."""
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    settings = _settings()
    _module(service)
    with grpc_client.channel(settings.target(service)) as channel:
        try:
            status = (
                health_pb2_grpc.HealthStub(channel)
                .Check(health_pb2.HealthCheckRequest(), timeout=timeout)
                .status
            )
        except grpc.RpcError as exc:
            console.print(f"{service}: {exc.code().name}")
            raise typer.Exit(1) from None
    console.print(f"{service}: {health_pb2.HealthCheckResponse.ServingStatus.Name(status)}")
    raise typer.Exit(0 if status == health_pb2.HealthCheckResponse.SERVING else 1)


@app.command()
def migrate(services: Annotated[list[str] | None, typer.Argument(help="default: all")] = None) -> None:
    """Bring service databases to the newest schema."""
    settings = _settings()
    for name in services or composition.SERVICES:
        module = _module(name)
        migrations.upgrade(module.MIGRATIONS, settings.db_url(name))
        console.print(f"{name}: up to date")


@app.command()
def keys(
    force: Annotated[bool, typer.Option(help="Replace the key pair (logs everyone out).")] = False,
    rotate: Annotated[
        bool, typer.Option(help="Keep running: write fresh service tokens every third of their lifetime.")
    ] = False,
    rotate_pickup_key: Annotated[
        bool, typer.Option(help="A new pickup-code key; codes of the previous one keep working.")
    ] = False,
) -> None:
    """Create the Ed25519 key pair that signs access tokens, each service's token and the pickup-code keys."""
    from jifen.key_files import create_ring, rotate_ring
    from jifen.service_token import CALLERS, mint, ttl
    from jifen.tokens import generate_keypair

    settings = _settings()
    if force:
        settings.private_key_path.unlink(missing_ok=True)
    generate_keypair(settings.private_key_path, settings.public_key_path)
    console.print(f"private key: {settings.private_key_path}\npublic key:  {settings.public_key_path}")
    # The market's pickup-code keys: replaced only by rotation, so open orders' codes keep working.
    if force or rotate_pickup_key:
        console.print(f"pickup key {rotate_ring(settings.pickup_key_path)}: {settings.pickup_key_path}")
    elif create_ring(settings.pickup_key_path):
        console.print(f"pickup keys: {settings.pickup_key_path}")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    while True:
        # Each caller's token in a file of its own, readable by that service's group alone (see deploy/).
        # A fresh token every run: short-lived, and replacing one logs nobody out.
        for service in CALLERS:
            path = settings.service_token_path(service)
            write_secret(path, mint(settings, service).encode(), TOKEN_MODE)
            console.print(f"{service} service token: {path}")
        if not rotate or stop.wait(ttl(settings).total_seconds() / 3):
            return


@admin_app.command("create")
def admin_create(
    name: Annotated[str, typer.Option(help="姓名")],
    phone: Annotated[str, typer.Option(help="手机号")],
    street: Annotated[str, typer.Option(help="街道名称; created when new")],
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, envvar="JIFEN_ADMIN_PASSWORD"),
    ],
) -> None:
    """Create the first admin of a street (and the street itself)."""
    settings = _settings()
    members = _module("members")
    migrations.upgrade(members.MIGRATIONS, settings.db_url("members"))
    try:
        member = members.create_admin(settings, name=name, phone=phone, street=street, password=password)
    except DomainError as exc:
        console.print(f"[red]{exc.message('zh')}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已创建街道管理员 {member.name} ({member.id})，街道 {street}")


@token_app.command("service")
def token_service(
    service: ServiceName,
    minutes: Annotated[int | None, typer.Option(help="default: JIFEN_SERVICE_TOKEN_TTL_MINUTES")] = None,
) -> None:
    """Mint a token with which SERVICE calls the others (JIFEN_SERVICE_TOKEN: it will not rotate)."""
    from jifen.service_token import mint

    print(mint(_settings(), service, timedelta(minutes=minutes) if minutes else None))


@outbox_app.command("status")
def outbox_status(service: ServiceName) -> None:
    """Count a service's outgoing events by state."""
    parts = _module(service).build_events(_settings())
    console.print(parts.relay.counts())
    parts.close()


@outbox_app.command("retry")
def outbox_retry(service: ServiceName) -> None:
    """Send again the events that gave up after too many failed attempts."""
    parts = _module(service).build_events(_settings())
    console.print(f"{parts.relay.retry_failed()} events queued again")
    parts.close()


@events_app.command("retry")
def events_retry(service: ServiceName) -> None:
    """Replay consumed events that were parked as dead letters."""
    parts = _module(service).build_events(_settings())
    if parts.consumer is None:
        console.print(f"{service} consumes no events")
    else:
        console.print(f"{parts.consumer.retry_dead_letters()} parked events replayed")
    parts.close()


@app.command()
def audit(service: ServiceName) -> None:
    """Check a service's invariants (points: every account against its entries, lots and holds)."""
    module = _module(service)
    if not hasattr(module, "audit"):
        raise typer.BadParameter(f"{service} has no audit")
    found = module.audit(_settings())
    for problem in found:
        console.print(f"[red]{problem}[/red]")
    console.print(f"{service}: {'审计通过 audit passed' if not found else f'{len(found)} problems'}")
    raise typer.Exit(1 if found else 0)


@leaderboards_app.command("rebuild")
def leaderboards_rebuild() -> None:
    """Recompute every leaderboard from the points database (Redis is never the source of truth)."""
    settings = _settings()
    if settings.redis_url.startswith("memory://"):
        # The embedded stand-in lives inside the running process; this one would fill its own copy.
        console.print("[red]JIFEN_REDIS_URL is memory://: set it to the Redis the services use[/red]")
        raise typer.Exit(1)
    console.print(
        f"排行榜已重建 leaderboards rebuilt: {_module('points').rebuild_leaderboards(settings)} entries"
    )


if __name__ == "__main__":
    app()
