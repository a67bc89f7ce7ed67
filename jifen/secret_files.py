"""Secrets on disk (the signing key, service tokens): created unreadable by others from the first byte.

A file written and then chmod'ed is readable by anyone for the moment between the two; here the
file is created with its final mode (O_CREAT|O_EXCL), under a temporary name in the same folder,
and renamed over the old one, so a reader sees the old secret or the new one, never half of either.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PRIVATE = 0o600
# A service token: its owner (the key holder, who rotates it) and the group of the one service that
# reads it (deploy/ makes each token folder setgid to that service's group); never anyone else.
TOKEN_MODE = 0o640
PUBLIC = 0o644


def write_secret(path: Path, data: bytes, mode: int = PRIVATE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{secrets.token_hex(6)}.{path.name}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        # Exactly this mode: a umask could take away the group bit a service's reader needs.
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            fd = -1
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if fd != -1:
            os.close(fd)
        temporary.unlink(missing_ok=True)
        raise
