"""Page tokens for List RPCs: opaque to clients, validated on the way in."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from jifen.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_OFFSET = 1_000_000


@dataclass(frozen=True)
class Page:
    offset: int
    size: int

    def next_token(self, returned: int) -> str:
        """A token for the following page, or "" when this page was the last."""
        if returned < self.size:
            return ""
        return encode_token(self.offset + self.size)


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def page(page_size: int, page_token: str) -> Page:
    if page_size < 0:
        raise InvalidArgument("page_size", "每页条数不能为负数", "must not be negative")
    size = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    if not page_token:
        return Page(0, size)
    try:
        offset = int(json.loads(base64.urlsafe_b64decode(page_token.encode()))["o"])
    except (ValueError, KeyError, TypeError, OverflowError, binascii.Error):
        raise InvalidArgument("page_token", "分页标记无效", "is not a token this service issued") from None
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidArgument("page_token", "分页标记无效", "is not a token this service issued")
    return Page(offset, size)
