"""Mainland China mobile numbers: validation, normalisation and masking for display and logs."""

from __future__ import annotations

import re

from jifen.errors import InvalidArgument

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()]")


def normalize_phone(raw: str, field: str = "phone") -> str:
    """Accepts 13812345678, 138-1234-5678, +86 138 1234 5678; returns the 11 digits."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits:
        raise InvalidArgument(field, "手机号不能为空", "phone number is required")
    if not _MOBILE.match(digits):
        raise InvalidArgument(
            field,
            "手机号格式不正确，应为以 1 开头的 11 位中国大陆手机号",
            "must be an 11-digit mainland China mobile number starting with 1",
        )
    return digits


def mask_phone(phone: str) -> str:
    """138****5678: enough for a person to recognise their own number, too little to call it."""
    if len(phone) != 11:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[7:]}"
