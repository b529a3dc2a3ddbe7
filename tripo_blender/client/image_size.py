"""Pixel dimensions of a JPEG, PNG or WEBP file, read from its header (no image library).

Why: Tripo refuses images under 20 or over 6000 pixels a side (docs/apiv3.md#uploads), but only
after the upload and the task request — and a refused task is a failed job the artist sees
later. Reading the size from the header costs a few hundred bytes and lets the client refuse
such an image before anything is sent. Blender's own image loader is not available to the
bpy-free client, and Pillow is not bundled.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

__all__ = ["MIN_SIDE", "MAX_SIDE", "pixel_size", "side_problem"]

#: The API's limits on each side of an input image, in pixels.
MIN_SIDE = 20
MAX_SIDE = 6000

#: JPEG start-of-frame markers (the ones that carry the size): C0–CF except DHT, JPG and DAC.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg(fh: BinaryIO) -> tuple[int, int] | None:
    fh.seek(2)
    while True:
        byte = fh.read(1)
        while byte == b"\xff":  # fill bytes before a marker
            byte = fh.read(1)
        if not byte:
            return None
        marker = byte[0]
        if marker in (0x01, *range(0xD0, 0xDA)):  # standalone markers carry no length
            continue
        length_bytes = fh.read(2)
        if len(length_bytes) < 2:
            return None
        length = struct.unpack(">H", length_bytes)[0]
        if marker in _SOF:
            frame = fh.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return width, height
        fh.seek(length - 2, os.SEEK_CUR)
        if fh.read(1) != b"\xff":
            return None


def _webp(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":  # the key frame's start code
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:  # the lossless signature byte
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(head) >= 30:
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    return None


def pixel_size(path: str, file_type: str) -> tuple[int, int] | None:
    """(width, height) of the image at ``path`` of ``file_type`` (``"jpeg"``, ``"png"``,
    ``"webp"``, as :func:`.inputs.sniff_image_type` says); None when the header cannot tell."""
    with open(path, "rb") as fh:
        if file_type == "jpeg":
            return _jpeg(fh)
        head = fh.read(32)
    if file_type == "png" and len(head) >= 24 and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return width, height
    if file_type == "webp":
        return _webp(head)
    return None


def side_problem(size: tuple[int, int] | None) -> str | None:
    """Why Tripo would refuse an image of ``size`` pixels ("10×10 pixels; …"), or None."""
    if size is None:
        return None
    width, height = size
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_SIDE:
        return f"{width}×{height} pixels; Tripo accepts {MIN_SIDE} to {MAX_SIDE} pixels a side. Resize it"
    return None
