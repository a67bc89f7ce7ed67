"""Pickup codes (核销码) and the QR payload that stands for one.

A code is 8 random digits shown once; the market keeps only a keyed hash (HMAC with the
market's secret), so a copy of the database does not reveal codes, yet staff's entry can
still be looked up. The QR carries the redemption id signed with the same secret, so it can
be drawn again at any time without the code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from jifen.errors import InvalidArgument

CODE_DIGITS = 8
QR_PREFIX = "jifen:pickup:"


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalised_code(text: str) -> str:
    """The 8 digits of what staff typed ("1234 5678" and "1234-5678" are fine)."""
    digits = "".join(ch for ch in (text or "") if ch not in " -")
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        raise InvalidArgument("pickup_code", "核销码应为 8 位数字", "must be 8 digits")
    return digits


def code_hash(secret: bytes, code: str) -> str:
    return hmac.new(secret, f"code:{code}".encode(), hashlib.sha256).hexdigest()


def _signature(secret: bytes, redemption_id: str) -> str:
    return hmac.new(secret, f"qr:{redemption_id}".encode(), hashlib.sha256).hexdigest()[:32]


def qr_payload(secret: bytes, redemption_id: str) -> str:
    return f"{QR_PREFIX}{redemption_id}:{_signature(secret, redemption_id)}"


def redemption_of(secret: bytes, payload: str) -> str | None:
    """The redemption id a scanned QR names, or None when it is not one the market signed."""
    body = (payload or "").strip()
    if not body.startswith(QR_PREFIX):
        return None
    redemption_id, _, signature = body[len(QR_PREFIX) :].rpartition(":")
    if not redemption_id or not hmac.compare_digest(signature, _signature(secret, redemption_id)):
        return None
    return redemption_id
