"""The pickup QR as an image (segno), PNG for phones or SVG for printing."""

from __future__ import annotations

import io

import segno

PNG = "image/png"
SVG = "image/svg+xml"


def render(payload: str, content_type: str = PNG) -> bytes:
    # Error correction M survives a scratched phone screen; a border of 4 modules is what scanners expect.
    code = segno.make(payload, error="m", micro=False)
    buffer = io.BytesIO()
    if content_type == SVG:
        code.save(buffer, kind="svg", scale=8, border=4, xmldecl=False)
    else:
        code.save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()
