"""What a splat file holds once read: :class:`Splat`, flat float32 arrays ready for Blender.

Why flat ``array('f')`` columns, interleaved per attribute (``x y z x y z …``): that is the layout
Blender's ``foreach_set`` takes in one call, through the buffer protocol, without building a
Python float per value — the main thread only hands them over (:mod:`...blender.splat_landing`).
numpy would do the arithmetic faster, but the bpy-free layers do without it (it comes with
Blender, not with Python); the readers keep the per-value work to table lookups, slices and one
pass per activation (bench row ``splat_read``: a 1 M-gaussian file).

Encodings, the same whatever the file's format (the ones Blender 5.3's own importers store):

* ``positions``: x, y, z as the file has them; ``y_up`` says the file is Y-up (SPZ, glTF), which
  the landing turns Z-up with the object's rotation (see below);
* ``scales``: **linear** (the 3DGS PLY's ``exp(scale_i)``), per local axis;
* ``rotations``: unit quaternions **w, x, y, z** (Blender's order);
* ``opacities``: 0–1 (the PLY's ``sigmoid(opacity)``);
* ``sh_dc``: the spherical-harmonic DC coefficients, r, g, b (the PLY's ``f_dc_*``);
* ``colors``: the base colour ``0.5 + SH_C0 · dc`` clamped to 0–1 (display-referred sRGB, what a
  viewer without splats shows);
* ``sh_rest``: one plane per higher coefficient (degree 1 m = -1, 0, 1, then degree 2…), each
  r, g, b per gaussian — Blender's ``radiance:sh_<k>`` attributes, in order.

Why a Y-up file is not turned here: turning each gaussian means mixing its SH coefficients (the
degree-2 and -3 ones are linear combinations of each other), one Python multiply-add per value —
about 5 s for a million gaussians of degree 3, more than the rest of the reading. Blender's
importers bake that turn; the landing instead gives the object a quarter turn about X, which
Blender draws identically (a Cycles render of both, SH of degree 1–3, differs only by sampling
noise), for free.
"""

from __future__ import annotations

import math
import struct
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "Splat",
    "SplatError",
    "SH_C0",
    "MAX_SH_REST",
    "floats",
    "zeros",
    "interleave",
    "mapped",
    "lookup",
    "exp_all",
    "sigmoid_all",
    "base_colors",
    "unit_wxyz",
    "CHUNK",
]

#: The degree-0 spherical harmonic, Y₀₀ = 1 / (2√π): colour = 0.5 + SH_C0 · dc.
SH_C0 = 0.28209479177387814
#: Higher coefficients Blender draws: degrees 1–3 (SPZ's degree 4 is dropped).
MAX_SH_REST = 15
#: Values handled per step of a per-value loop: bounds the transient Python floats (~1.5 MB).
CHUNK = 1 << 16
#: exp() and the sigmoid's exp(-v) overflow a double past ~709; a float32 past ~88.
_EXP_LIMIT = 80.0


class SplatError(ValueError):
    """The file is not a Gaussian splat this add-on reads, or it is damaged: the message says
    which, in words an artist can act on (never a traceback)."""


def floats(values: Iterable[float] = ()) -> array[float]:
    """A float32 array."""
    return array("f", values)


def zeros(count: int) -> array[float]:
    """``count`` float32 zeros (allocated in C, no Python floats)."""
    return array("f", bytes(4 * count))


def interleave(columns: Sequence[array[float]]) -> array[float]:
    """``a0 b0 c0 a1 b1 c1 …`` from columns ``a``, ``b``, ``c`` of one length (strided copies in C)."""
    width = len(columns)
    out = zeros(width * len(columns[0]))
    for i, column in enumerate(columns):
        out[i::width] = column
    return out


def mapped(function: Callable[[float], float], values: Sequence[float]) -> array[float]:
    """``function`` of every value, as a float32 array (chunked: bounded transient memory)."""
    out = floats()
    for start in range(0, len(values), CHUNK):
        out.extend(array("f", map(function, values[start : start + CHUNK])))
    return out


def lookup(table: Sequence[float], data: bytes) -> array[float]:
    """``table[b]`` for every byte ``b`` of ``data``, without a Python float per value: each of the
    four bytes of the float32 results is one ``bytes.translate`` of ``data`` (C speed; 7x a
    ``map`` over the table)."""
    encoded = [struct.pack("<f", v) for v in table]
    out = bytearray(4 * len(data))
    for k in range(4):
        out[k::4] = data.translate(bytes(e[k] for e in encoded))
    values = array("f", out)
    if sys.byteorder != "little":
        values.byteswap()
    return values


def _exp(v: float) -> float:
    return math.exp(v if v < _EXP_LIMIT else _EXP_LIMIT)


def _sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v)) if v > -_EXP_LIMIT else 0.0


def exp_all(values: array[float]) -> array[float]:
    """Log-space scales made linear."""
    out = floats()
    for start in range(0, len(values), CHUNK):
        part = values[start : start + CHUNK]
        try:
            out.extend(array("f", map(math.exp, part)))
        except OverflowError:  # a damaged value: clamped, this chunk the slow way
            out.extend(array("f", map(_exp, part)))
    return out


def sigmoid_all(values: array[float]) -> array[float]:
    """Opacity logits made 0–1."""
    out = floats()
    exp = math.exp
    for start in range(0, len(values), CHUNK):
        part = values[start : start + CHUNK]
        try:
            out.extend(array("f", [1.0 / (1.0 + exp(-v)) for v in part]))
        except OverflowError:
            out.extend(array("f", map(_sigmoid, part)))
    return out


def base_colors(sh_dc: array[float]) -> array[float]:
    """The display colour of each DC coefficient (see the module docstring)."""
    out = floats()
    for start in range(0, len(sh_dc), CHUNK):
        out.extend(
            array(
                "f",
                [0.0 if (c := 0.5 + SH_C0 * v) < 0.0 else 1.0 if c > 1.0 else c for v in sh_dc[start : start + CHUNK]],
            )
        )
    return out


def _unit(a: float, b: float, c: float, d: float) -> tuple[float, float, float, float]:
    norm = math.sqrt(a * a + b * b + c * c + d * d)
    return (a / norm, b / norm, c / norm, d / norm) if norm > 0.0 and math.isfinite(norm) else (1.0, 0.0, 0.0, 0.0)


def unit_wxyz(w: array[float], x: array[float], y: array[float], z: array[float]) -> array[float]:
    """Quaternions from four columns, normalised and interleaved w x y z. A zero or non-finite
    one (a damaged record) becomes the identity rather than NaNs Blender would draw as nothing."""
    out = floats()
    sqrt = math.sqrt
    for start in range(0, len(w), CHUNK):
        end = start + CHUNK
        rows = zip(w[start:end], x[start:end], y[start:end], z[start:end])
        part: list[float] = []
        try:
            for a, b, c, d in rows:
                k = 1.0 / sqrt(a * a + b * b + c * c + d * d)
                part += (a * k, b * k, c * k, d * k)
        except (ZeroDivisionError, ValueError):  # this chunk again, one by one
            part = [v for row in zip(w[start:end], x[start:end], y[start:end], z[start:end]) for v in _unit(*row)]
        out.extend(array("f", part))
    return out


@dataclass(frozen=True)
class Splat:
    """Every gaussian of one file (see the module docstring for each array's encoding).

    ``source`` names what was read ("3DGS PLY", "SPZ v3", "glTF KHR_gaussian_splatting") for the
    job's note and the log; ``y_up``: the file's up axis is +Y (SPZ, glTF), not +Z.
    """

    count: int
    positions: array[float]
    scales: array[float]
    rotations: array[float]
    opacities: array[float]
    sh_dc: array[float]
    colors: array[float]
    sh_rest: tuple[array[float], ...]
    source: str
    y_up: bool = False

    def __post_init__(self) -> None:
        n = self.count
        sizes = {
            "positions": (self.positions, 3),
            "scales": (self.scales, 3),
            "rotations": (self.rotations, 4),
            "opacities": (self.opacities, 1),
            "sh_dc": (self.sh_dc, 3),
            "colors": (self.colors, 3),
        }
        sizes.update({f"sh_rest[{k}]": (plane, 3) for k, plane in enumerate(self.sh_rest)})
        wrong = [name for name, (values, width) in sizes.items() if len(values) != width * n]
        if wrong:  # a reader's bug, not the file's: said plainly all the same
            raise SplatError(f"The splat was read inconsistently ({', '.join(wrong)} of the wrong length).")

    @property
    def sh_degree(self) -> int:
        """The highest full spherical-harmonic degree (0–3)."""
        return next((d for d in (3, 2, 1) if len(self.sh_rest) >= (d + 1) ** 2 - 1), 0)

    @property
    def nbytes(self) -> int:
        """Memory the arrays hold."""
        arrays = (self.positions, self.scales, self.rotations, self.opacities, self.sh_dc, self.colors, *self.sh_rest)
        return sum(len(a) * a.itemsize for a in arrays)

    @classmethod
    def build(
        cls,
        *,
        positions: array[float],
        scales: array[float],
        rotations: array[float],
        opacities: array[float],
        sh_dc: array[float],
        sh_rest: Sequence[array[float]],
        source: str,
        y_up: bool = False,
        colors: array[float] | None = None,
    ) -> Splat:
        """A splat from activated arrays (see the module docstring); the colours are derived here
        unless the reader has them cheaper (SPZ: a table per byte)."""
        return cls(
            len(opacities),
            positions,
            scales,
            rotations,
            opacities,
            sh_dc,
            base_colors(sh_dc) if colors is None else colors,
            tuple(sh_rest[:MAX_SH_REST]),
            source,
            y_up,
        )
