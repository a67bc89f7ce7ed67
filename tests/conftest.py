from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from jifen.key_files import create_ring
from jifen.settings import Settings
from jifen.tokens import generate_keypair

# Tests never read a developer's own JIFEN_* environment by accident.
for key in [k for k in os.environ if k.startswith("JIFEN_") and not k.startswith("JIFEN_TEST_")]:
    del os.environ[key]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    private, public = tmp_path / "keys" / "token.pem", tmp_path / "keys" / "token.pub.pem"
    generate_keypair(private, public)
    # The market's pickup keys, beside the public key as `jifen keys` writes them.
    create_ring(public.parent / "pickup.keys")
    return private, public


@pytest.fixture
def settings(tmp_path: Path, keys) -> Iterator[Settings]:
    """Embedded-default settings in a temporary folder, listening on a free port."""
    port = free_port()
    yield Settings(
        data_dir=tmp_path / "data",
        token_private_key_file=keys[0],
        token_public_key_file=keys[1],
        members_bind=f"127.0.0.1:{port}",
        members_target=f"127.0.0.1:{port}",
        grpc_workers=8,
        # Stories register dozens of people from this one address; the limit has its own tests.
        registration_max_per_client=1000,
    )


# The web app as `jifen up --demo` serves it, for the browser tests and the HTTP tests of the web app.
from tests.web_site import site  # noqa: E402, F401
