"""Pickup codes (核销码) and the QR payload that stands for one.

A code is 8 random digits shown once; the market keeps only a keyed hash (HMAC with a pickup key
read from a secret file, never from the database), so a copy of the database reveals no code and
lets no one forge a QR, yet staff's entry can still be looked up.

Keys rotate: the ring holds the current key, which issues every new code and QR, and the previous
ones, which still verify what they issued until those orders are done. A stored hash names the
key that made it ("<key id>:<hex>"); hashes without a key id were made with the key the market
once kept in its database (migration 0003), which verifies the orders placed before it.

The QR carries the redemption id and a signature over the order's current code hash, so it can be
drawn again at any time without the code, and a reissued code makes every earlier QR worthless.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from jifen.errors import InvalidArgument

CODE_DIGITS = 8
QR_PREFIX = "jifen:pickup:"
# The id of the key the market kept in its database before keys moved to a secret file.
LEGACY_KEY_ID = ""


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalised_code(text: str) -> str:
    """The 8 digits of what staff typed ("1234 5678" and "1234-5678" are fine)."""
    digits = "".join(ch for ch in (text or "") if ch not in " -")
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        raise InvalidArgument("pickup_code", "核销码应为 8 位数字", "must be 8 digits")
    return digits


@dataclass(frozen=True)
class PickupKey:
    id: str
    secret: bytes = b""

    def code_hash(self, code: str) -> str:
        digest = hmac.new(self.secret, f"code:{code}".encode(), hashlib.sha256).hexdigest()
        return f"{self.id}:{digest}" if self.id != LEGACY_KEY_ID else digest

    def signature(self, redemption_id: str, code_hash: str) -> str:
        message = f"qr:{redemption_id}:{code_hash}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class KeyRing:
    """The current key first, then the previous ones still trusted to verify."""

    keys: tuple[PickupKey, ...]

    def __post_init__(self):
        if not self.keys or self.keys[0].id == LEGACY_KEY_ID:
            raise ValueError("a pickup key ring needs a current key from the key file")

    @property
    def current(self) -> PickupKey:
        return self.keys[0]

    def code_hash(self, code: str) -> str:
        """The hash a new code is stored under: always the current key's."""
        return self.current.code_hash(code)

    def code_hashes(self, code: str) -> list[str]:
        """Every hash a live order's code may be stored under, the current key's first."""
        return [key.code_hash(code) for key in self.keys]

    def qr_payload(self, redemption_id: str, code_hash: str) -> str:
        signature = self.current.signature(redemption_id, code_hash)
        return f"{QR_PREFIX}{redemption_id}:{self.current.id}:{signature}"

    def qr_redemption_id(self, payload: str) -> str | None:
        """The redemption a scanned QR names, before it is checked against the order's code."""
        parsed = _parsed(payload)
        return parsed[0] if parsed else None

    def qr_matches(self, payload: str, redemption_id: str, code_hash: str) -> bool:
        """True when the QR was signed, with a key of the ring, for this order's current code."""
        parsed = _parsed(payload)
        if parsed is None or parsed[0] != redemption_id or not code_hash:
            return False
        _, key_id, signature = parsed
        key = next((k for k in self.keys if k.id == key_id and k.id != LEGACY_KEY_ID), None)
        return key is not None and hmac.compare_digest(signature, key.signature(redemption_id, code_hash))


def _parsed(payload: str) -> tuple[str, str, str] | None:
    body = (payload or "").strip()
    if not body.startswith(QR_PREFIX):
        return None
    parts = body[len(QR_PREFIX) :].rsplit(":", 2)
    if len(parts) != 3 or not parts[0] or not parts[1]:
        return None
    return parts[0], parts[1], parts[2]
