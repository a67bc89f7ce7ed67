"""Pictures of goods: only PNG, JPEG or WebP, told by their first bytes (never by a name or a
declared type, which anyone can fake), and small enough to send to a phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.errors import InvalidArgument

MAX_IMAGE_BYTES = 1024 * 1024
MEDIA_PREFIX = "/media/items/"


@dataclass(frozen=True)
class ItemImage:
    id: str
    item_id: str
    content_type: str
    data: bytes
    sha256: str
    uploaded_by: str
    created_at: datetime

    @property
    def url(self) -> str:
        return MEDIA_PREFIX + self.id


def content_type(data: bytes) -> str:
    """The picture's type from its magic bytes; INVALID_ARGUMENT for anything else or too large."""
    if not data:
        raise InvalidArgument("image", "请选择要上传的图片", "choose a picture to upload")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidArgument(
            "image",
            f"图片不能超过 1 MB（这张有 {len(data) / 1024 / 1024:.1f} MB）",
            f"must be at most 1 MB (this one is {len(data) / 1024 / 1024:.1f} MB)",
        )
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    raise InvalidArgument(
        "image", "只能上传 PNG、JPEG 或 WebP 格式的图片", "must be a PNG, JPEG or WebP picture"
    )
