"""SPZ, Niantic's compressed splats (github.com/nianticlabs/spz, MIT): the gzip container, v2 and v3.

Layout (little-endian): a gzip stream holding a 16-byte header — magic ``NGSP`` (0x5053474e),
version, point count, SH degree, fractional bits, flags, a reserved byte — then, when flag 0x2 is
set, extension records, then one block per attribute for all points: positions (three 24-bit
fixed-point integers, ``fractional bits`` after the point), alphas (``opacity · 255``), colours
(``dc · 0.15 · 255 + 127.5``: the DC term, not a display colour), scales (``(log + 10) · 16``),
rotations (v3: the smallest three components of the unit quaternion in 10 bits each — sign and 9
bits of ``|c| / √½`` — with the largest one's index in the top 2 bits; v2: x, y, z as
``(c + 1) · 127.5`` with w ≥ 0 derived), then the higher SH coefficients, colour channel fastest
(``(v · 128) + 128``, or spread over the range an Adobe quantisation extension gives).

SPZ stores "RUB" coordinates (right, up, back: Y-up): the splat is marked ``y_up`` (see
:mod:`.gaussians`). Version 4 (a plaintext header and zstd streams) needs a
decompressor Python has no module for before 3.14: such a file is refused with that reason.
Every byte becomes a float through a 256-entry table (:func:`.gaussians.lookup`): no Python
arithmetic per value, but for the positions and the v3 rotations.
"""

from __future__ import annotations

import logging
import math
import struct
import sys
import zlib
from array import array
from collections.abc import Callable
from typing import BinaryIO

from .gaussians import CHUNK, MAX_SH_REST, SH_C0, Splat, SplatError, floats, interleave, lookup, unit_wxyz

__all__ = ["GZIP_MAGIC", "PLAIN_MAGIC", "read_spz", "is_spz_stream"]

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
#: The first bytes of the (decompressed) header; a v4 file starts with them uncompressed.
PLAIN_MAGIC = b"NGSP"
_HEADER = struct.Struct("<4sIIBBBB")
_FLAG_EXTENSIONS = 0x2
_SH_QUANTIZATION = 0xADBE0001
_LEGACY_PAYLOADS = {_SH_QUANTIZATION: 10, 0xADBE0002: 12}  # records without a length (early writers)
#: Extension bytes tolerated after the header (a few records of a dozen bytes in practice).
_MAX_EXTENSIONS = 1 << 20
_COLOR_SCALE = 0.15
_SIGN = bytes(0xFF if b & 0x80 else 0 for b in range(256))
_SQRT_HALF = math.sqrt(0.5)


def is_spz_stream(head: bytes) -> bool:
    """Whether gzip data starting with ``head`` decompresses to an SPZ header."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4) == PLAIN_MAGIC
    except zlib.error:
        return False


def _table(function: Callable[[int], float]) -> list[float]:
    return [float(function(v)) for v in range(256)]


def _decompressed(data: bytes) -> bytes:
    if data[:4] == PLAIN_MAGIC:
        version = struct.unpack_from("<I", data, 4)[0] if len(data) >= 8 else 0
        raise SplatError(
            f"This SPZ file is version {version}, whose streams are zstd-compressed; the add-on reads "
            "versions 2 and 3 (gzip). Open it with a tool that reads SPZ 4, or ask for another format."
        )
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        head = inflater.decompress(data, _HEADER.size)
        if len(head) < _HEADER.size:
            raise SplatError("The SPZ file ends inside its header: it is truncated.")
        magic, version, count, degree, _bits, flags, _ = _HEADER.unpack(head)
        if magic != PLAIN_MAGIC:
            raise SplatError("The file is gzip-compressed but holds no SPZ splat (no NGSP header).")
        body = _body_size(version, count, degree)
        out = head + inflater.decompress(
            inflater.unconsumed_tail, body + (_MAX_EXTENSIONS if flags & _FLAG_EXTENSIONS else 0)
        )
        if not inflater.eof:  # the stream's end and its gzip check (CRC-32, size) follow the data
            inflater.decompress(inflater.unconsumed_tail, _MAX_EXTENSIONS)
        if not inflater.eof and len(out) >= _HEADER.size + body:
            raise SplatError(
                "The SPZ file's compressed stream stops after its data, without the end and check gzip "
                "puts there: it is truncated or damaged."
            )
        return out
    except zlib.error as exc:
        raise SplatError(f"The SPZ file's compressed data is damaged ({exc}).") from None


def _sh_dim(degree: int) -> int:
    return (degree + 1) ** 2 - 1


def _body_size(version: int, count: int, degree: int) -> int:
    if version not in (2, 3):
        raise SplatError(f"This SPZ file is version {version}; the add-on reads versions 2 and 3.")
    if count == 0:
        raise SplatError("The SPZ file has no gaussians.")
    if degree > 4:
        raise SplatError(f"The SPZ file says its spherical harmonics have degree {degree}; SPZ has at most 4.")
    return count * (9 + 1 + 3 + 3 + (4 if version >= 3 else 3) + 3 * _sh_dim(degree))


def _sh_range(records: bytes) -> tuple[float, float]:
    """The SH range of an Adobe quantisation record among the extensions, else SPZ's -1…1."""
    for lengths in (True, False):
        at, found = 0, None
        while at + 4 <= len(records):
            kind = struct.unpack_from("<I", records, at)[0]
            if lengths:
                if at + 8 > len(records):
                    break
                size = struct.unpack_from("<I", records, at + 4)[0]
                payload_at = at + 8
            elif kind in _LEGACY_PAYLOADS:
                size, payload_at = _LEGACY_PAYLOADS[kind], at + 4
            else:
                break
            if kind == _SH_QUANTIZATION and size >= 10 and payload_at + 10 <= len(records):
                found = struct.unpack_from("<ff", records, payload_at + 2)
            at = payload_at + size
        if at == len(records):
            low, high = found if found is not None else (-1.0, 1.0)
            return (low, high) if high > low and math.isfinite(low) and math.isfinite(high) else (-1.0, 1.0)
    log.info("SPZ: extension records of an unknown layout ignored (%d bytes)", len(records))
    return -1.0, 1.0


def _positions(raw: bytes, fractional_bits: int) -> tuple[array[float], array[float], array[float]]:
    count = len(raw) // 3
    wide = bytearray(4 * count)
    for k in range(3):
        wide[k::4] = raw[k::3]
    wide[3::4] = raw[2::3].translate(_SIGN)
    ints = array("i", wide)
    if sys.byteorder != "little":
        ints.byteswap()
    scale = 1.0 / (1 << fractional_bits)
    coords = floats()
    for start in range(0, count, CHUNK):
        coords.extend(array("f", [v * scale for v in ints[start : start + CHUNK]]))
    return coords[0::3], coords[1::3], coords[2::3]


def _smallest_three(raw: bytes) -> array[float]:
    """v3 rotations (see the module docstring), w x y z. Unit by construction: the largest
    component is derived from the others."""
    words = array("I", raw)
    if sys.byteorder != "little":
        words.byteswap()
    field = [(-1.0 if f & 0x200 else 1.0) * _SQRT_HALF * (f & 0x1FF) / 511.0 for f in range(1024)]
    out = floats()
    sqrt = math.sqrt
    for start in range(0, len(words), CHUNK):
        part: list[float] = []
        for word in words[start : start + CHUNK]:
            a, b, c = field[word & 1023], field[(word >> 10) & 1023], field[(word >> 20) & 1023]
            big = 1.0 - a * a - b * b - c * c
            big = sqrt(big) if big > 0.0 else 0.0
            largest = word >> 30  # the fields fill the other indices (x y z w), from the highest down
            part += (
                (big, c, b, a)
                if largest == 3
                else (a, big, c, b)
                if largest == 0
                else (a, c, big, b)
                if largest == 1
                else (a, c, b, big)
            )
        out.extend(array("f", part))
    return out


def _first_three(raw: bytes) -> array[float]:
    """v2 rotations: x, y, z stored, w ≥ 0 derived; normalised, w x y z."""
    component = _table(lambda v: v / 127.5 - 1.0)
    x, y, z = (lookup(component, raw[k::3]) for k in range(3))
    w = floats(math.sqrt(max(0.0, 1.0 - a * a - b * b - c * c)) for a, b, c in zip(x, y, z))
    return unit_wxyz(w, x, y, z)


def _sh_planes(sh: bytes, count: int, dim: int, value: list[float]) -> list[array[float]]:
    """The higher SH coefficients as planes (r, g, b per gaussian), up to degree 3."""
    planes = []
    for k in range(min(dim, MAX_SH_REST)):
        plane = bytearray(3 * count)
        for channel in range(3):
            plane[channel::3] = sh[3 * k + channel :: 3 * dim]
        planes.append(lookup(value, bytes(plane)))
    return planes


def read_spz(fh: BinaryIO) -> Splat:
    """Every gaussian of the SPZ file open in ``fh`` (see the module docstring)."""
    data = _decompressed(fh.read())
    _magic, version, count, degree, bits, flags, _ = _HEADER.unpack_from(data)
    body = _body_size(version, count, degree)
    extra = len(data) - _HEADER.size - body
    if extra < 0:
        done = max(0, len(data) - _HEADER.size) // max(1, body // count)
        raise SplatError(
            f"The SPZ file ends before the data of its {count:,} gaussians is complete (about "
            f"{done:,} worth): it is truncated (an interrupted download?)."
        )
    low, high = _sh_range(data[_HEADER.size : _HEADER.size + extra]) if flags & _FLAG_EXTENSIONS else (-1.0, 1.0)
    at = _HEADER.size + (extra if flags & _FLAG_EXTENSIONS else 0)
    sizes = (9, 1, 3, 3, 4 if version >= 3 else 3, 3 * _sh_dim(degree))
    blocks = []
    for size in sizes:
        blocks.append(data[at : at + size * count])
        at += size * count
    raw_positions, alphas, colours, scales, rotations, sh = blocks

    x, y, z = _positions(raw_positions, bits)
    dc_of = _table(lambda v: (v / 255.0 - 0.5) / _COLOR_SCALE)
    sh_value = (
        _table(lambda v: (v - 128.0) / 128.0)
        if (low, high) == (-1.0, 1.0)
        else _table(lambda v: low + v / 255.0 * (high - low))
    )
    return Splat.build(
        positions=interleave([x, y, z]),
        scales=lookup(_table(lambda v: math.exp(v / 16.0 - 10.0)), scales),
        rotations=_smallest_three(rotations) if version >= 3 else _first_three(rotations),
        opacities=lookup(_table(lambda v: v / 255.0), alphas),
        sh_dc=lookup(dc_of, colours),
        colors=lookup([min(1.0, max(0.0, 0.5 + SH_C0 * v)) for v in dc_of], colours),
        sh_rest=_sh_planes(sh, count, _sh_dim(degree), sh_value),
        source=f"SPZ v{version}",
        y_up=True,
    )
