"""Secret key files: written readable by their owner only from the first byte, and rotated in place.

A key ring file holds one key a line, "<key id> <hex secret>", the current key first and then the
previous one, which still verifies what it signed while that is in use.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path


def write_secret(path: Path, text: str) -> None:
    """Replaces the file with text, never readable by anyone but its owner, even for a moment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _new_key() -> tuple[str, bytes]:
    return f"k{datetime.now(UTC):%Y%m%d%H%M%S}{secrets.token_hex(2)}", secrets.token_bytes(32)


def _write_ring(path: Path, keys: list[tuple[str, bytes]]) -> None:
    write_secret(path, "".join(f"{key_id} {secret.hex()}\n" for key_id, secret in keys))


def read_ring(path: Path) -> list[tuple[str, bytes]]:
    """(key id, secret) for every key of the file, the current one first."""
    keys = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        key_id, _, value = line.strip().partition(" ")
        if not key_id or ":" in key_id or len(value.strip()) < 64:
            raise ValueError(f"{path}:{number}: expected '<key id> <hex secret of 32 bytes or more>'")
        keys.append((key_id, bytes.fromhex(value.strip())))
    if not keys:
        raise ValueError(f"{path} holds no key")
    return keys


def create_ring(path: Path) -> bool:
    """Writes a ring of one new key unless the file exists; True when written."""
    if path.exists():
        return False
    _write_ring(path, [_new_key()])
    return True


def rotate_ring(path: Path) -> str:
    """A new current key; the current one becomes the previous one, and any older key is dropped.
    Returns the new key's id."""
    keys = read_ring(path) if path.exists() else []
    new = _new_key()
    _write_ring(path, [new, *keys[:1]])
    return new[0]
