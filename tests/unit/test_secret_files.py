"""The signing key and the service tokens are never readable by others, not even for a moment."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jifen.caller import Caller
from jifen.tokens import TokenVerifier, generate_keypair

# Audit hooks cannot be removed: the one hook stays, inert unless a test points it at a folder.
_WATCHED: dict[str, object] = {"folder": None, "seen": []}


def _watch(event: str, _args) -> None:
    folder = _WATCHED["folder"]
    if folder is None or event not in {"open", "os.chmod", "os.rename", "os.replace"}:
        return
    for path in Path(folder).rglob("*"):
        if path.is_file():
            _WATCHED["seen"].append((path.name, stat.S_IMODE(path.stat().st_mode)))


sys.addaudithook(_watch)


@pytest.fixture
def open_umask():
    """A umask of 0: what the code asks for is exactly what the file gets."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.fixture
def watched(tmp_path):
    """Every file of tmp_path's mode, at every open, chmod and rename while the test runs."""
    _WATCHED.update(folder=tmp_path, seen=[])
    yield _WATCHED["seen"]
    _WATCHED["folder"] = None


def open_to_others(name: str, mode: int) -> bool:
    """Any access for others, but reading the public key."""
    allowed = stat.S_IROTH if name.endswith(".pub.pem") else 0
    return bool(mode & 0o007 & ~allowed)


def test_a_new_private_key_is_never_readable_by_others_even_while_written(tmp_path, open_umask, watched):
    private = tmp_path / "keys" / "token_ed25519.pem"
    generate_keypair(private, tmp_path / "keys" / "token_ed25519.pub.pem")
    _WATCHED["folder"] = None
    seen_private = [mode for name, mode in watched if name.endswith(".pem") and "pub" not in name]
    assert seen_private, "the watcher saw the key being written"
    assert [oct(mode) for mode in seen_private if mode & 0o077] == []
    assert [(name, oct(mode)) for name, mode in watched if open_to_others(name, mode)] == []
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_service_tokens_written_by_jifen_keys_are_never_readable_by_others(tmp_path, open_umask, watched):
    from jifen.cli import app

    env = {
        "JIFEN_TOKEN_PRIVATE_KEY_FILE": str(tmp_path / "private" / "token_ed25519.pem"),
        "JIFEN_TOKEN_PUBLIC_KEY_FILE": str(tmp_path / "public" / "token_ed25519.pub.pem"),
        "JIFEN_SERVICE_TOKEN_DIR": str(tmp_path / "tokens"),
    }
    result = CliRunner().invoke(app, ["keys"], env=env)
    _WATCHED["folder"] = None
    assert result.exit_code == 0, result.output
    tokens = sorted((tmp_path / "tokens").glob("*/token.jwt"))
    assert [p.parent.name for p in tokens] == ["gateway", "market", "points"]
    assert [(name, oct(mode)) for name, mode in watched if open_to_others(name, mode)] == []
    assert {stat.S_IMODE(p.stat().st_mode) for p in tokens} == {0o640}


def test_each_service_token_file_holds_that_services_identity(tmp_path):
    from jifen.cli import app

    env = {
        "JIFEN_TOKEN_PRIVATE_KEY_FILE": str(tmp_path / "private" / "token_ed25519.pem"),
        "JIFEN_TOKEN_PUBLIC_KEY_FILE": str(tmp_path / "public" / "token_ed25519.pub.pem"),
        "JIFEN_SERVICE_TOKEN_DIR": str(tmp_path / "tokens"),
    }
    assert CliRunner().invoke(app, ["keys"], env=env).exit_code == 0
    verifier = TokenVerifier.from_file(tmp_path / "public" / "token_ed25519.pub.pem")
    for service in ("points", "market", "gateway"):
        token = (tmp_path / "tokens" / service / "token.jwt").read_text()
        assert verifier.verify(token) == Caller(service=service)
