"""`jifen up --demo` with the web app on free ports, as the browser and HTTP tests of the web app use it."""

from __future__ import annotations

from dataclasses import dataclass

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


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
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
    yield found
    found.points.close()
    found.market.close()
    members.close()
    assert process.stop() == 0, process.log()[-3000:]
