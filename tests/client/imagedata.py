"""Tiny, real image files for tests (generated, so no licensing questions)."""

from __future__ import annotations

import struct
import zlib


def png_bytes(width: int = 32, height: int = 32) -> bytes:
    """A valid RGB PNG of a flat colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# Smallest useful headers for sniffing tests (content after the magic is irrelevant to the sniffer).
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01"
WEBP_HEAD = b"RIFF\x24\x00\x00\x00WEBPVP8 "
GIF_HEAD = b"GIF89a\x01\x00\x01\x00\x00\x00\x00"
