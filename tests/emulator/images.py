"""A tiny PNG encoder (stdlib zlib + struct) for every image output.

Renders (``rendered_image_url``), generated images, multiview views, depth maps and UV atlas
previews. Why generate instead of shipping files: they only have to be real, decodable images;
a small gradient costs a few hundred bytes and needs no licence entry.
"""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png(width: int = 64, height: int = 64, tint: tuple[int, int, int] = (90, 140, 220)) -> bytes:
    """An RGB PNG with a diagonal gradient in the ``tint`` colour."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: none
        for x in range(width):
            shade = (x + y) / max(1, width + height - 2)
            rows += bytes(int(c * (0.4 + 0.6 * shade)) for c in tint)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )
