"""`jifen up --demo` with the web app on free ports, as the browser and HTTP tests of the web app use it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from tests.members_client import MembersClient
from tests.processes import Process, embedded_env, jifen, wait_until


@dataclass
class Site:
    """The running system: the web app's address and gRPC channels for what an admin does elsewhere."""

    url: str
    members: MembersClient
    points: grpc.Channel
    market: grpc.Channel
    process: Process


@contextmanager
def running_site(folder: Path) -> Iterator[Site]:
    """A whole embedded system with its demo data, stopped (and checked to stop cleanly) at the end."""
    env, ports = embedded_env()
    process = jifen("jifen-up-web", ["up", "--demo", "--data-dir", str(folder / "data")], env, folder)
    wait_until(lambda: "demo logins" in process.log(), timeout=90, what="the demo", processes=(process,))
    members = MembersClient(f"127.0.0.1:{ports['members']}")
    found = Site(
        url=f"http://127.0.0.1:{ports['gateway']}",
        members=members,
        points=grpc.insecure_channel(f"127.0.0.1:{ports['points']}"),
        market=grpc.insecure_channel(f"127.0.0.1:{ports['market']}"),
        process=process,
    )
    try:
        yield found
    finally:
        found.points.close()
        found.market.close()
        members.close()
    assert process.stop() == 0, process.log()[-3000:]


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The one system every web and browser test of a run shares."""
    with running_site(tmp_path_factory.mktemp("web")) as found:
        yield found
