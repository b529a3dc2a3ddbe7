"""A Sponge v2 ``.schem`` (gzipped NBT) for ``stylize_model`` with ``style=minecraft``.

Why: Tripo's minecraft style returns a schematic, not a mesh; a client must recognise that it
cannot import it as a model. The emulator serves a small but well-formed one (a stone cube).
"""

from __future__ import annotations

import gzip
import struct

_TAG_END, _TAG_SHORT, _TAG_INT, _TAG_BYTE_ARRAY, _TAG_COMPOUND, _TAG_INT_ARRAY = 0, 2, 3, 7, 10, 11


def _name(name: str) -> bytes:
    raw = name.encode("utf-8")
    return struct.pack(">H", len(raw)) + raw


def _tag(tag: int, name: str, payload: bytes) -> bytes:
    return bytes((tag,)) + _name(name) + payload


def _int(name: str, value: int) -> bytes:
    return _tag(_TAG_INT, name, struct.pack(">i", value))


def _short(name: str, value: int) -> bytes:
    return _tag(_TAG_SHORT, name, struct.pack(">h", value))


def schematic(size: int = 4) -> bytes:
    """A ``size``^3 block of stone, gzip-compressed like Minecraft tools write it."""
    palette = _int("minecraft:air", 0) + _int("minecraft:stone", 1) + bytes((_TAG_END,))
    blocks = bytes([1]) * size**3  # palette ids < 128 are single-byte varints
    body = (
        _int("Version", 2)
        + _int("DataVersion", 3465)
        + _short("Width", size)
        + _short("Height", size)
        + _short("Length", size)
        + _int("PaletteMax", 2)
        + _tag(_TAG_COMPOUND, "Palette", palette)
        + _tag(_TAG_BYTE_ARRAY, "BlockData", struct.pack(">i", len(blocks)) + blocks)
        + _tag(_TAG_INT_ARRAY, "Offset", struct.pack(">iiii", 3, 0, 0, 0))
        + bytes((_TAG_END,))
    )
    return gzip.compress(_tag(_TAG_COMPOUND, "Schematic", body), mtime=0)
