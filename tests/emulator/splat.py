"""Gaussian splats as Tripo's ``image-to-splat`` may return them: a 3DGS PLY, an SPZ, a glTF.

Why generate them: the add-on must land every gaussian of whatever format arrives (Tripo does not
say which one: docs/sources.md#splat-format), and the tests check its reading value by value, so the
files are made here from one known cloud (:func:`cloud`) by small writers that follow each
format's public description — the original 3DGS code's PLY layout, Niantic's SPZ (``nianticlabs/spz``
README and ``load-spz.cc``, gzip container v2/v3) and Khronos' ``KHR_gaussian_splatting``. The
writers take switches for the variants a reader must survive (ASCII and big-endian PLY, other
property orders and types, extra elements, SPZ v2 rotations and extension records, quantised and
log-scale glTF attributes, embedded ``.gltf``).

The cloud is a colourful ball: positions on and in a sphere, colours by height, the SH rest
coefficients of degree 3 small and varied, quaternions not all of unit length (3DGS stores them
raw). Deterministic (a seeded generator): the same bytes every run.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import random
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: The formats the emulator can serve for ``image_to_splat`` (``Emulator.splat_format``).
FORMATS = ("ply", "spz", "glb", "gltf")
#: The 3DGS PLY's property order after the position and normal.
SH_C0 = 0.28209479177387814
_PLY_TYPES = {"float": "f", "double": "d", "uchar": "B", "int": "i", "short": "h"}


@dataclass(frozen=True)
class Cloud:
    """Gaussians in the 3DGS PLY's own terms: what every writer encodes.

    ``rest`` holds each gaussian's higher SH coefficients in the PLY's order (all reds, then
    greens, then blues); ``opacity`` is a logit, ``log_scales`` logs, ``rotations`` w, x, y, z.
    """

    positions: list[tuple[float, float, float]]
    dc: list[tuple[float, float, float]]
    rest: list[tuple[float, ...]]
    opacity: list[float]
    log_scales: list[tuple[float, float, float]]
    rotations: list[tuple[float, float, float, float]]

    @property
    def count(self) -> int:
        return len(self.positions)

    @property
    def coefficients(self) -> int:
        """Higher SH coefficients per channel (15 for degree 3)."""
        return len(self.rest[0]) // 3 if self.rest and self.rest[0] else 0

    def plane(self, i: int, k: int) -> tuple[float, float, float]:
        """Coefficient ``k`` (r, g, b) of gaussian ``i``."""
        K = self.coefficients
        row = self.rest[i]
        return row[k], row[K + k], row[2 * K + k]


def cloud(count: int = 1500, degree: int = 3, seed: int = 7) -> Cloud:
    """A deterministic ball of ``count`` gaussians with SH up to ``degree`` (0–3)."""
    rng = random.Random(seed)
    K = (degree + 1) ** 2 - 1
    positions, dc, rest, opacity, scales, rotations = [], [], [], [], [], []
    for i in range(count):
        u, v = rng.uniform(-1.0, 1.0), rng.uniform(0.0, 2.0 * math.pi)
        r = 0.5 * rng.uniform(0.6, 1.0) ** (1 / 3)
        s = math.sqrt(1.0 - u * u)
        x, y, z = r * s * math.cos(v), r * s * math.sin(v), r * u
        positions.append((x, y, z))
        height = z + 0.5  # 0 at the bottom, 1 at the top
        rgb = (0.9 * height + 0.05, 0.4 + 0.4 * math.sin(6 * v) ** 2, 0.95 - 0.8 * height)
        dc.append(tuple((c - 0.5) / SH_C0 for c in rgb))  # type: ignore[misc]
        rest.append(tuple(rng.uniform(-0.3, 0.3) for _ in range(3 * K)))
        opacity.append(rng.uniform(-2.0, 4.0))
        scales.append((rng.uniform(-4.5, -3.0), rng.uniform(-4.5, -3.0), rng.uniform(-5.5, -3.5)))
        q = [rng.gauss(0.0, 1.0) for _ in range(4)]
        length = math.sqrt(sum(c * c for c in q)) * (1.0 if i % 3 else 1.7)  # some not of unit length
        rotations.append(tuple(c / length for c in q))  # type: ignore[misc]
    return Cloud(positions, dc, rest, opacity, scales, rotations)  # type: ignore[arg-type]


def _sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


def _unit(q: Sequence[float]) -> tuple[float, ...]:
    length = math.sqrt(sum(c * c for c in q))
    return tuple(c / length for c in q)


# --------------------------------------------------------------------------- PLY


def ply_properties(c: Cloud, *, normals: bool = True) -> list[str]:
    """The 3DGS property names in the original code's order."""
    names = ["x", "y", "z", *(("nx", "ny", "nz") if normals else ()), "f_dc_0", "f_dc_1", "f_dc_2"]
    names += [f"f_rest_{i}" for i in range(3 * c.coefficients)]
    return names + ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]


def _ply_row(c: Cloud, i: int) -> dict[str, float]:
    row = dict(zip(("x", "y", "z"), c.positions[i]))
    row.update(nx=0.0, ny=0.0, nz=0.0, opacity=c.opacity[i])
    row.update({f"f_dc_{k}": v for k, v in enumerate(c.dc[i])})
    row.update({f"f_rest_{k}": v for k, v in enumerate(c.rest[i])})
    row.update({f"scale_{k}": v for k, v in enumerate(c.log_scales[i])})
    row.update({f"rot_{k}": v for k, v in enumerate(c.rotations[i])})
    row.update(zip(("red", "green", "blue"), (max(0.0, min(255.0, 255 * (0.5 + SH_C0 * v))) for v in c.dc[i])))
    return row


def ply(
    c: Cloud | None = None,
    *,
    encoding: str = "binary_little_endian",
    order: Sequence[str] | None = None,
    types: dict[str, str] | None = None,
    normals: bool = True,
    extra_elements: bool = False,
) -> bytes:
    """A 3DGS PLY of ``c`` (default: :func:`cloud`).

    ``encoding``: ``binary_little_endian``, ``binary_big_endian`` or ``ascii``; ``order``: the
    property names in another order (or a subset: ``red green blue`` instead of ``f_dc_*``…);
    ``types``: a PLY type per name (``double``, ``uchar``…; default ``float``); ``extra_elements``:
    a ``camera`` element before the vertices and a ``face`` element (with lists) after.
    """
    c = c or cloud()
    names = list(order) if order is not None else ply_properties(c, normals=normals)
    kinds = {name: (types or {}).get(name, "float") for name in names}
    header = ["ply", f"format {encoding} 1.0", "comment made by tests/emulator/splat.py"]
    if extra_elements:
        header += ["element camera 1", "property float fx", "property float fy"]
    header.append(f"element vertex {c.count}")
    header += [f"property {kinds[name]} {name}" for name in names]
    if extra_elements:
        header += ["element face 1", "property list uchar int vertex_indices"]
    header.append("end_header")
    head = ("\n".join(header) + "\n").encode("ascii")
    rows = [_ply_row(c, i) for i in range(c.count)]
    if encoding == "ascii":
        lines = ["1.5 2.5"] if extra_elements else []
        for row in rows:
            lines.append(
                " ".join(
                    str(round(row[n])) if kinds[n] != "float" and kinds[n] != "double" else repr(row[n]) for n in names
                )
            )
        if extra_elements:
            lines.append("3 0 1 2")
        return head + ("\n".join(lines) + "\n").encode("ascii")
    endian = "<" if encoding == "binary_little_endian" else ">"
    fmt = endian + "".join(_PLY_TYPES[kinds[n]] for n in names)
    integer = {n for n in names if kinds[n] not in ("float", "double")}
    body = b"".join(struct.pack(fmt, *(round(row[n]) if n in integer else row[n] for n in names)) for row in rows)
    before = struct.pack(endian + "ff", 1.5, 2.5) if extra_elements else b""
    after = struct.pack(endian + "Biii", 3, 0, 1, 2) if extra_elements else b""
    return head + before + body + after


# --------------------------------------------------------------------------- SPZ


def _u8(v: float) -> int:
    return max(0, min(255, round(v)))


def _smallest_three(q_xyzw: Sequence[float]) -> bytes:
    q = _unit(q_xyzw)
    largest = max(range(4), key=lambda i: abs(q[i]))
    negate = q[largest] < 0
    word = largest
    for i in range(4):
        if i != largest:
            negative = (q[i] < 0) ^ negate
            magnitude = int(511 * abs(q[i]) / math.sqrt(0.5) + 0.5)
            word = (word << 10) | (int(negative) << 9) | magnitude
    return struct.pack("<I", word)


def _first_three(q_xyzw: Sequence[float]) -> bytes:
    q = _unit(q_xyzw)
    sign = -1.0 if q[3] < 0 else 1.0
    return bytes(_u8(sign * v * 127.5 + 127.5) for v in q[:3])


def spz(c: Cloud | None = None, *, version: int = 3, extensions: bytes = b"", degree: int | None = None) -> bytes:
    """``c`` as an SPZ file (gzip container) of ``version`` 2 or 3, coordinates as they are.

    ``extensions``: raw extension records to store after the header (flag 0x2 is set);
    ``degree``: the SH degree to write (default: the cloud's).
    """
    c = c or cloud()
    degree = degree if degree is not None else {0: 0, 3: 1, 8: 2, 15: 3}[c.coefficients]
    dim = (degree + 1) ** 2 - 1
    flags = 0x2 if extensions else 0
    header = struct.pack("<4sIIBBBB", b"NGSP", version, c.count, degree, 12, flags, 0)
    positions, alphas, colours, scales, rotations, sh = (bytearray() for _ in range(6))
    for i in range(c.count):
        for v in c.positions[i]:
            positions += (round(v * 4096) & 0xFFFFFF).to_bytes(3, "little")
        alphas.append(_u8(_sigmoid(c.opacity[i]) * 255))
        colours += bytes(_u8(v * 0.15 * 255 + 127.5) for v in c.dc[i])
        scales += bytes(_u8((v + 10) * 16) for v in c.log_scales[i])
        w, x, y, z = c.rotations[i]
        rotations += _smallest_three((x, y, z, w)) if version >= 3 else _first_three((x, y, z, w))
        for k in range(dim):
            sh += bytes(_u8(v * 128 + 128) for v in c.plane(i, k))
    raw = header + extensions + positions + alphas + colours + scales + rotations + sh
    return gzip.compress(bytes(raw), mtime=0)


def spz_sh_quantization(low: float, high: float, *, with_length: bool = True) -> bytes:
    """An Adobe SH-quantisation extension record (type 0xADBE0001): 5/4 bits, range ``low``–``high``."""
    payload = struct.pack("<BBff", 5, 4, low, high)
    return struct.pack("<I", 0xADBE0001) + (struct.pack("<I", len(payload)) if with_length else b"") + payload


# --------------------------------------------------------------------------- glTF


def _accessor(
    doc: dict[str, Any],
    blob: bytearray,
    values: list[Sequence[float]],
    kind: str,
    component: int,
    normalized: bool = False,
) -> int:
    width = {"SCALAR": 1, "VEC3": 3, "VEC4": 4}[kind]
    code, limit = {5126: ("f", None), 5122: ("h", 32767), 5121: ("B", 255)}[component]
    while len(blob) % 4:
        blob.append(0)
    start = len(blob)
    for row in values:
        items = [round(v * limit) if limit else v for v in row]
        blob += struct.pack(f"<{width}{code}", *items)
    doc["bufferViews"].append({"buffer": 0, "byteOffset": start, "byteLength": len(blob) - start})
    accessor: dict[str, Any] = {
        "bufferView": len(doc["bufferViews"]) - 1,
        "componentType": component,
        "count": len(values),
        "type": kind,
    }
    if normalized:
        accessor["normalized"] = True
    if kind == "VEC3" and component == 5126:
        accessor["min"] = [min(r[i] for r in values) for i in range(3)]
        accessor["max"] = [max(r[i] for r in values) for i in range(3)]
    doc["accessors"].append(accessor)
    return len(doc["accessors"]) - 1


def gltf(c: Cloud | None = None, *, binary: bool = True, quantized: bool = False, log_scales: bool = False) -> bytes:
    """``c`` as a glTF with ``KHR_gaussian_splatting`` (coordinates as they are, read as Y-up):
    a GLB, or a .gltf with its buffer embedded (``binary=False``).

    ``quantized``: rotations as normalised shorts and opacities as normalised bytes (the
    extension allows both); ``log_scales``: scales stored as logs, as drafts before ratification did.
    """
    c = c or cloud()
    doc: dict[str, Any] = {
        "asset": {"version": "2.0", "generator": "tests/emulator/splat.py"},
        "extensionsUsed": ["KHR_gaussian_splatting"],
        "buffers": [],
        "bufferViews": [],
        "accessors": [],
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": "splat"}],
    }
    blob = bytearray()
    p = "KHR_gaussian_splatting:"
    rotations = [_unit((x, y, z, w)) for w, x, y, z in c.rotations]
    scales = [s if log_scales else tuple(math.exp(v) for v in s) for s in c.log_scales]
    attributes = {
        "POSITION": _accessor(doc, blob, c.positions, "VEC3", 5126),
        p + "ROTATION": _accessor(doc, blob, rotations, "VEC4", 5122 if quantized else 5126, quantized),
        p + "SCALE": _accessor(doc, blob, scales, "VEC3", 5126),
        p + "OPACITY": _accessor(
            doc, blob, [(_sigmoid(o),) for o in c.opacity], "SCALAR", 5121 if quantized else 5126, quantized
        ),
        p + "SH_DEGREE_0_COEF_0": _accessor(doc, blob, c.dc, "VEC3", 5126),
    }
    k = 0
    for degree in (1, 2, 3):
        if k + 2 * degree + 1 > c.coefficients:
            break
        for m in range(2 * degree + 1):
            attributes[f"{p}SH_DEGREE_{degree}_COEF_{m}"] = _accessor(
                doc, blob, [c.plane(i, k) for i in range(c.count)], "VEC3", 5126
            )
            k += 1
    doc["meshes"] = [
        {
            "name": "splat",
            "primitives": [
                {
                    "attributes": attributes,
                    "mode": 0,
                    "extensions": {
                        "KHR_gaussian_splatting": {"kernel": "ellipse", "colorSpace": "srgb_rec709_display"}
                    },
                }
            ],
        }
    ]
    while len(blob) % 4:
        blob.append(0)
    if not binary:
        uri = "data:application/octet-stream;base64," + base64.b64encode(bytes(blob)).decode("ascii")
        doc["buffers"].append({"byteLength": len(blob), "uri": uri})
        return json.dumps(doc, indent=1).encode("utf-8")
    doc["buffers"].append({"byteLength": len(blob)})
    text = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 4)
    chunks = struct.pack("<II", len(text), 0x4E4F534A) + text + struct.pack("<II", len(blob), 0x004E4942) + blob
    return b"glTF" + struct.pack("<II", 2, 12 + len(chunks)) + chunks


def make(fmt: str, c: Cloud | None = None) -> tuple[str, bytes]:
    """``(extension, bytes)`` of the splat in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "ply":
        return "ply", ply(c)
    if fmt == "spz":
        return "spz", spz(c)
    if fmt in ("glb", "gltf"):
        return fmt, gltf(c, binary=fmt == "glb")
    raise ValueError(f"splat format must be one of {', '.join(FORMATS)}, not {fmt!r}")
