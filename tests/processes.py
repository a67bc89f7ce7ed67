"""Starting and stopping the real processes that system and event tests drive."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import grpc

from tests.conftest import free_port
from tests.members_client import MembersClient
from tests.servers import AMQP_URL, REDIS_URL, fresh_database

ROOT = Path(__file__).resolve().parent.parent
JIFEN = str(Path(sys.executable).parent / "jifen")


class Process:
    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.popen = subprocess.Popen(
            args,
            env={**os.environ, **env},
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.alive():
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._log.close()
        return self.popen.returncode

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


def jifen(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> Process:
    return Process(name, [JIFEN, *args], env, log_dir)


def wait_until(
    predicate: Callable[[], object],
    timeout: float = 30,
    what: str = "condition",
    processes: tuple[Process, ...] = (),
) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        for process in processes:
            if not process.alive():
                raise AssertionError(f"{process.name} exited early:\n{process.log()[-3000:]}")
        time.sleep(0.1)
    logs = "\n".join(f"--- {p.name}\n{p.log()[-3000:]}" for p in processes)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{logs}")


def topology_env(
    services: tuple[str, ...], keys: tuple[Path, Path], namespace: str
) -> tuple[dict, dict, dict]:
    """(env, database urls, ports) for the production topology of `services` on fresh databases."""
    urls = {service: fresh_database(service) for service in services}
    ports = {service: free_port() for service in services}
    env = {
        "JIFEN_REDIS_URL": REDIS_URL,
        "JIFEN_REDIS_NAMESPACE": f"{namespace}-{ports[services[0]]}",
        "JIFEN_AMQP_URL": AMQP_URL,
        "JIFEN_TOKEN_PRIVATE_KEY_FILE": str(keys[0]),
        "JIFEN_TOKEN_PUBLIC_KEY_FILE": str(keys[1]),
        "JIFEN_OUTBOX_INTERVAL_SECONDS": "0.2",
        "JIFEN_ADMIN_PASSWORD": "secret-123",
        # The stories register dozens of people from this one address; the limit has its own tests.
        "JIFEN_REGISTRATION_MAX_PER_CLIENT": "1000",
    }
    for service in services:
        env[f"JIFEN_{service.upper()}_DB_URL"] = urls[service]
        env[f"JIFEN_{service.upper()}_BIND"] = env[f"JIFEN_{service.upper()}_TARGET"] = (
            f"127.0.0.1:{ports[service]}"
        )
    return env, urls, ports


def set_up(env: dict, admin: tuple[str, str, str], log_dir: Path) -> None:
    """Migrates every database and creates the street's first admin, as an operator would."""
    for step in (
        ["migrate"],
        ["admin", "create", "--name", admin[0], "--phone", admin[1], "--street", admin[2]],
    ):
        done = jifen("setup", step, env, log_dir)
        assert done.popen.wait(60) == 0, done.log()
        done.stop()


def embedded_env() -> tuple[dict[str, str], dict[str, int]]:
    """(env, ports) for `jifen up` on free loopback ports: the three apis and the web app."""
    ports = {name: free_port() for name in ("members", "points", "market", "gateway")}
    env = {
        "JIFEN_GATEWAY_BIND": f"127.0.0.1:{ports['gateway']}",
        # One session of web tests registers and logs in people from this one address by the hundred;
        # both limits have their own tests.
        "JIFEN_REGISTRATION_MAX_PER_CLIENT": "1000",
        "JIFEN_LOGIN_MAX_ATTEMPTS_PER_CLIENT": "5000",
    }
    for service in ("members", "points", "market"):
        env[f"JIFEN_{service.upper()}_BIND"] = env[f"JIFEN_{service.upper()}_TARGET"] = (
            f"127.0.0.1:{ports[service]}"
        )
    return env, ports


def members_up(target: str) -> MembersClient | None:
    """A members client once the api at `target` accepts connections, else None (for wait_until)."""
    try:
        return MembersClient(target)
    except grpc.FutureTimeoutError:
        return None
