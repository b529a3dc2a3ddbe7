"""glTF splats: point primitives carrying ``KHR_gaussian_splatting`` (a GLB, or a .gltf whose
buffers are embedded ``data:`` URIs — a download is one file, so nothing else can be found).

The extension (Khronos, ratified) gives each primitive ``POSITION``,
``KHR_gaussian_splatting:ROTATION`` (x, y, z, w; float or normalised byte/short),
``…:SCALE`` (linear; float or byte/short, normalised or not), ``…:OPACITY`` (0–1; float or
normalised ubyte/ushort) and ``…:SH_DEGREE_<l>_COEF_<m>`` (float r, g, b; degree 0 required).
Drafts before ratification stored the scale as a log: a file with a negative scale (impossible
when linear) is read as such, with a log line. Every splat primitive of every mesh is read, in
order, and concatenated (what Blender's importer does within a mesh); node transforms are not
applied. The file is Y-up: the splat is marked ``y_up`` (see :mod:`.gaussians`).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import struct
import sys
from array import array
from collections.abc import Callable
from typing import Any, BinaryIO

from .gaussians import MAX_SH_REST, Splat, SplatError, exp_all, floats, interleave, mapped, unit_wxyz

__all__ = ["GLB_MAGIC", "EXTENSION", "read_gltf", "is_splat_gltf"]

log = logging.getLogger(__name__)

GLB_MAGIC = b"glTF"
EXTENSION = "KHR_gaussian_splatting"
_PREFIX = EXTENSION + ":"
_JSON_CHUNK, _BIN_CHUNK = 0x4E4F534A, 0x004E4942
#: Extensions that change how the data reads and that this reader does not decode.
_UNREADABLE = (
    "KHR_draco_mesh_compression",
    "EXT_meshopt_compression",
    "KHR_meshopt_compression",
    "KHR_gaussian_splatting_compression_spz",
    "KHR_gaussian_splatting_compression_spz_2",
)
#: componentType → (array typecode, divisor when normalised, lower bound when normalised).
_COMPONENTS = {
    5120: ("b", 127.0, -1.0),
    5121: ("B", 255.0, 0.0),
    5122: ("h", 32767.0, -1.0),
    5123: ("H", 65535.0, 0.0),
    5125: ("I", 4294967295.0, 0.0),
    5126: ("f", 1.0, -1.0),
}
_WIDTHS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}


def _split_glb(data: bytes) -> tuple[dict[str, Any], bytes]:
    if len(data) < 20:
        raise SplatError("The GLB file ends inside its header: it is truncated.")
    _magic, version, length = struct.unpack_from("<4sII", data)
    if version != 2:
        raise SplatError(f"The GLB file is glTF version {version}; splats come in glTF 2.")
    if length > len(data):
        raise SplatError(f"The GLB file says it is {length:,} bytes long but is {len(data):,}: it is truncated.")
    doc, binary, at = None, b"", 12
    while at + 8 <= length:
        size, kind = struct.unpack_from("<II", data, at)
        chunk = data[at + 8 : at + 8 + size]
        if kind == _JSON_CHUNK and doc is None:
            doc = _parse_json(chunk)
        elif kind == _BIN_CHUNK and not binary:
            binary = chunk
        at += 8 + size
    if doc is None:
        raise SplatError("The GLB file has no JSON chunk: it is damaged.")
    return doc, binary


def _parse_json(raw: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SplatError(f"The glTF JSON cannot be read ({exc}).") from None
    if not isinstance(doc, dict):
        raise SplatError("The glTF JSON is not an object: the file is damaged.")
    parsed: dict[str, Any] = doc
    return parsed


def _primitives(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The splat primitives of every mesh, in order."""
    found = []
    for mesh in doc.get("meshes") or []:
        for primitive in (mesh.get("primitives") or []) if isinstance(mesh, dict) else []:
            if not isinstance(primitive, dict):
                continue
            attributes = primitive.get("attributes") or {}
            if EXTENSION in (primitive.get("extensions") or {}) or any(str(k).startswith(_PREFIX) for k in attributes):
                found.append(primitive)
    return found


def is_splat_gltf(doc: dict[str, Any]) -> bool:
    return bool(_primitives(doc)) or EXTENSION in (doc.get("extensionsUsed") or [])


class _Buffers:
    """The bytes of each buffer: the GLB's binary chunk, or embedded base64 ``data:`` URIs."""

    def __init__(self, doc: dict[str, Any], binary: bytes) -> None:
        self.doc, self.binary = doc, binary
        self.cache: dict[int, bytes] = {}

    def get(self, index: Any) -> bytes:
        if index not in self.cache:
            buffer = _item(self.doc, "buffers", index)
            uri = buffer.get("uri")
            if uri is None:
                data = self.binary
            elif isinstance(uri, str) and uri.startswith("data:") and ";base64," in uri:
                try:
                    data = base64.b64decode(uri.split(";base64,", 1)[1], validate=True)
                except (binascii.Error, ValueError):
                    raise SplatError(f"The glTF buffer {index} has a damaged embedded data URI.") from None
            else:
                raise SplatError(
                    f"The glTF file keeps its data in a separate file ({str(uri)[:60]!r}), which did "
                    "not come with the download."
                )
            if len(data) < int(buffer.get("byteLength", 0)):
                raise SplatError(f"The glTF buffer {index} is shorter than it says: the file is truncated.")
            self.cache[index] = data
        return self.cache[index]


def _item(doc: dict[str, Any], kind: str, index: Any) -> dict[str, Any]:
    items = doc.get(kind)
    if (
        not isinstance(index, int)
        or not isinstance(items, list)
        or not 0 <= index < len(items)
        or not isinstance(items[index], dict)
    ):
        raise SplatError(f"The glTF file refers to {kind} {index!r}, which it does not have: it is damaged.")
    item: dict[str, Any] = items[index]
    return item


def _accessor(doc: dict[str, Any], buffers: _Buffers, index: Any, width: int) -> list[array[float]]:
    """An accessor's components as float columns (normalised integers made 0–1 or -1–1)."""
    acc = _item(doc, "accessors", index)
    count, kind, component = acc.get("count"), acc.get("type"), acc.get("componentType")
    if (
        not isinstance(kind, str)
        or _WIDTHS.get(kind) != width
        or component not in _COMPONENTS
        or not isinstance(count, int)
        or count < 0
    ):
        raise SplatError(f"The glTF accessor {index} is not a {width}-component one the extension allows.")
    if "sparse" in acc:
        raise SplatError(f"The glTF accessor {index} is sparse, which splat attributes never are here.")
    code, divisor, low = _COMPONENTS[component]
    size = array(code).itemsize
    if "bufferView" not in acc:  # all zeros, by the glTF rules
        return [floats(bytes(4 * count)) for _ in range(width)]
    view = _item(doc, "bufferViews", acc["bufferView"])
    data = buffers.get(view.get("buffer"))
    stride = int(view.get("byteStride") or width * size)
    start = int(view.get("byteOffset", 0)) + int(acc.get("byteOffset", 0))
    end = start + (stride * (count - 1) + width * size if count else 0)
    if start < 0 or end > len(data) or end > int(view.get("byteOffset", 0)) + int(view.get("byteLength", 0)):
        raise SplatError(f"The glTF accessor {index} reaches past its data: the file is truncated or damaged.")
    columns = []
    for c in range(width):
        packed = bytearray(count * size)
        for k in range(size):
            packed[k::size] = data[start + c * size + k : end : stride][:count]
        values: Any = array(code, packed)
        if sys.byteorder != "little":
            values.byteswap()
        if code == "f":
            columns.append(values)
        elif acc.get("normalized"):
            columns.append(mapped(_normaliser(divisor, low), values))
        else:
            columns.append(array("f", values))
    return columns


def _normaliser(divisor: float, low: float) -> Callable[[float], float]:
    """A normalised integer component as glTF reads it (``max(v / (2^bits - 1), -1)``)."""
    return lambda v: max(v / divisor, low)


def _attribute(
    doc: dict[str, Any], buffers: _Buffers, primitive: dict[str, Any], name: str, width: int, count: int
) -> list[array[float]] | None:
    index = (primitive.get("attributes") or {}).get(name)
    if index is None:
        return None
    columns = _accessor(doc, buffers, index, width)
    if len(columns[0]) != count:
        raise SplatError(f"The glTF attribute {name} has {len(columns[0]):,} values for {count:,} points.")
    return columns


def _coefficients(primitive: dict[str, Any]) -> int:
    """How many higher SH coefficients the primitive has (full degrees only, up to 3)."""
    attributes = primitive.get("attributes") or {}
    total = 0
    for degree in (1, 2, 3):
        names = [f"{_PREFIX}SH_DEGREE_{degree}_COEF_{m}" for m in range(2 * degree + 1)]
        if not all(n in attributes for n in names):
            break
        total += len(names)
    return min(total, MAX_SH_REST)


def _read_primitive(
    doc: dict[str, Any], buffers: _Buffers, primitive: dict[str, Any], coefficients: int
) -> dict[str, list[array[float]]]:
    if primitive.get("mode", 4) != 0:
        raise SplatError("The glTF splat primitive is not made of points (mode 0), as the extension requires.")
    position_index = (primitive.get("attributes") or {}).get("POSITION")
    if position_index is None:
        raise SplatError("The glTF splat primitive has no POSITION.")
    count = int(_item(doc, "accessors", position_index).get("count", 0))
    found: dict[str, list[array[float]]] = {}
    for key, name, width in (
        ("position", "POSITION", 3),
        ("rotation", f"{_PREFIX}ROTATION", 4),
        ("scale", f"{_PREFIX}SCALE", 3),
        ("opacity", f"{_PREFIX}OPACITY", 1),
        ("dc", f"{_PREFIX}SH_DEGREE_0_COEF_0", 3),
    ):
        columns = _attribute(doc, buffers, primitive, name, width, count)
        if columns is None:
            raise SplatError(f"The glTF splat has no {name} attribute, which {EXTENSION} requires.")
        found[key] = columns
    for k in range(coefficients):
        degree = next(d for d in (1, 2, 3) if k < (d + 1) ** 2 - 1)
        m = k - (degree * degree - 1)
        columns = _attribute(doc, buffers, primitive, f"{_PREFIX}SH_DEGREE_{degree}_COEF_{m}", 3, count)
        assert columns is not None  # counted by _coefficients
        found[f"sh{k}"] = columns
    return found


def _joined(parts: list[dict[str, list[array[float]]]], key: str) -> list[array[float]]:
    if len(parts) == 1:
        return parts[0][key]
    joined = [floats() for _ in parts[0][key]]
    for part in parts:
        for column, values in zip(joined, part[key]):
            column.extend(values)
    return joined


def read_gltf(fh: BinaryIO) -> Splat:
    """Every gaussian of the glTF/GLB splat open in ``fh`` (see the module docstring)."""
    data = fh.read()
    doc, binary = _split_glb(data) if data[:4] == GLB_MAGIC else (_parse_json(data), b"")
    required = [e for e in doc.get("extensionsRequired") or [] if e in _UNREADABLE]
    if required:
        raise SplatError(
            f"The glTF splat is compressed with {', '.join(required)}, which the add-on does not "
            "decode; ask for a PLY or SPZ splat, or open it with a tool that decodes it."
        )
    primitives = _primitives(doc)
    if not primitives:
        raise SplatError(f"The glTF file holds no splat: none of its primitives has {EXTENSION}.")
    buffers = _Buffers(doc, binary)
    coefficients = min(_coefficients(p) for p in primitives)
    parts = [_read_primitive(doc, buffers, p, coefficients) for p in primitives]
    x, y, z = _joined(parts, "position")
    qx, qy, qz, qw = _joined(parts, "rotation")
    s0, s1, s2 = _joined(parts, "scale")
    if any(v < 0.0 for column in (s0, s1, s2) for v in column):
        log.info("glTF splat: negative scales, read as logs (a writer from before the extension's ratification)")
        s0, s1, s2 = exp_all(s0), exp_all(s1), exp_all(s2)
    planes = [interleave(_joined(parts, f"sh{k}")) for k in range(coefficients)]
    return Splat.build(
        positions=interleave([x, y, z]),
        scales=interleave([s0, s1, s2]),
        rotations=unit_wxyz(qw, qx, qy, qz),
        opacities=_joined(parts, "opacity")[0],
        sh_dc=interleave(_joined(parts, "dc")),
        sh_rest=planes,
        source=f"glTF {EXTENSION}",
        y_up=True,
    )
