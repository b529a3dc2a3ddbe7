"""GLB (binary glTF 2.0) read/write helpers and the GLB outputs the emulator generates.

Why: Tripo outputs are GLB files that the add-on imports into Blender, so the emulator must
serve *real* GLBs whose content matches the request: an untextured base model, a rigged model
without animations, a retargeted model whose animations are named after the requested presets,
and a segmented model whose node names are the part names. Editing the JSON chunk is enough
for all of that; binary buffers are reused as they are.
"""

from __future__ import annotations

import copy
import json
import struct
from collections.abc import Iterable
from typing import Any

from . import geometry

MAGIC = b"glTF"
_JSON_CHUNK = 0x4E4F534A  # "JSON"
_BIN_CHUNK = 0x004E4942  # "BIN\0"


class GlbError(ValueError):
    """The bytes are not a GLB this module understands."""


def read(data: bytes) -> tuple[dict[str, Any], bytes]:
    """Split a GLB into its parsed JSON chunk and its (possibly empty) BIN chunk."""
    if len(data) < 20 or data[:4] != MAGIC:
        raise GlbError("not a GLB file")
    _magic, version, length = struct.unpack_from("<4sII", data, 0)
    if version != 2 or length > len(data):
        raise GlbError(f"unsupported GLB version {version} or bad length {length}")
    offset = 12
    doc: dict[str, Any] | None = None
    binary = b""
    while offset + 8 <= length:
        chunk_len, chunk_type = struct.unpack_from("<II", data, offset)
        chunk = data[offset + 8 : offset + 8 + chunk_len]
        if chunk_type == _JSON_CHUNK:
            doc = json.loads(chunk.decode("utf-8"))
        elif chunk_type == _BIN_CHUNK:
            binary = chunk
        offset += 8 + chunk_len
    if doc is None:
        raise GlbError("GLB has no JSON chunk")
    return doc, binary


def write(doc: dict[str, Any], binary: bytes = b"") -> bytes:
    """Assemble a GLB; pads JSON with spaces and BIN with zeros to 4 bytes as the spec requires."""
    json_bytes = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    json_bytes += b" " * (-len(json_bytes) % 4)
    chunks = struct.pack("<II", len(json_bytes), _JSON_CHUNK) + json_bytes
    if binary:
        padded = binary + b"\x00" * (-len(binary) % 4)
        chunks += struct.pack("<II", len(padded), _BIN_CHUNK) + padded
    return MAGIC + struct.pack("<II", 2, 12 + len(chunks)) + chunks


def animation_names(data: bytes) -> list[str]:
    """Names of the glTF animations, in file order."""
    doc, _ = read(data)
    return [a.get("name", "") for a in doc.get("animations", [])]


def node_names(data: bytes) -> list[str]:
    """Names of the nodes listed in the default scene (top level only)."""
    doc, _ = read(data)
    scene = doc.get("scenes", [{}])[doc.get("scene", 0)]
    return [doc["nodes"][i].get("name", "") for i in scene.get("nodes", [])]


def without_animations(data: bytes) -> bytes:
    """The same model with its animations removed (a freshly rigged model has none).

    The accessors the animations used stay in the file unreferenced; glTF allows that.
    """
    doc, binary = read(data)
    doc.pop("animations", None)
    return write(doc, binary)


def with_animations(data: bytes, wanted: Iterable[tuple[str, str]]) -> bytes:
    """Replace the animations by copies of existing ones under new names.

    ``wanted`` is ``(new_name, source_animation_name)`` pairs; each produces one animation
    that reuses the source's samplers/accessors (no binary data is duplicated).
    """
    doc, binary = read(data)
    by_name = {a.get("name"): a for a in doc.get("animations", [])}
    animations = []
    for new_name, source in wanted:
        if source not in by_name:
            raise GlbError(f"no animation {source!r} to copy")
        clone = copy.deepcopy(by_name[source])
        clone["name"] = new_name
        animations.append(clone)
    doc["animations"] = animations
    return write(doc, binary)


# --------------------------------------------------------------------------- generated models


def _cube_buffers() -> tuple[bytes, int, int]:
    """Flat-shaded cube: 24 vertices (position+normal interleaved per attribute block), 36 u16 indices."""
    positions: list[float] = []
    normals: list[float] = []
    indices: list[int] = []
    for (a, b, c, d), normal in geometry.FACES:
        base = len(positions) // 3
        for corner in (a, b, c, d):
            positions += geometry.CORNERS[corner]
            normals += normal
        indices += [base, base + 1, base + 2, base, base + 2, base + 3]
    pos_bytes = struct.pack(f"<{len(positions)}f", *positions)
    nrm_bytes = struct.pack(f"<{len(normals)}f", *normals)
    idx_bytes = struct.pack(f"<{len(indices)}H", *indices)
    return pos_bytes + nrm_bytes + idx_bytes, len(positions) // 3, len(indices)


def _cube_doc(generator: str) -> tuple[dict[str, Any], bytes]:
    """A glTF document with one cube mesh's buffers/accessors; meshes and nodes left to the caller."""
    binary, vertex_count, index_count = _cube_buffers()
    vec_bytes = vertex_count * 12
    doc: dict[str, Any] = {
        "asset": {"version": "2.0", "generator": generator},
        "buffers": [{"byteLength": len(binary)}],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": vec_bytes, "target": 34962},
            {"buffer": 0, "byteOffset": vec_bytes, "byteLength": vec_bytes, "target": 34962},
            {"buffer": 0, "byteOffset": 2 * vec_bytes, "byteLength": index_count * 2, "target": 34963},
        ],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": vertex_count,
                "type": "VEC3",
                "min": [-0.5, -0.5, -0.5],
                "max": [0.5, 0.5, 0.5],
            },
            {"bufferView": 1, "componentType": 5126, "count": vertex_count, "type": "VEC3"},
            {"bufferView": 2, "componentType": 5123, "count": index_count, "type": "SCALAR"},
        ],
        "materials": [],
        "meshes": [],
        "nodes": [],
        "scenes": [{"name": "Scene", "nodes": []}],
        "scene": 0,
    }
    return doc, binary


def _add_part(
    doc: dict[str, Any],
    name: str,
    color: tuple[float, float, float],
    translation: tuple[float, float, float],
    scale: tuple[float, float, float],
) -> None:
    doc["materials"].append(
        {
            "name": f"{name}_material",
            "pbrMetallicRoughness": {"baseColorFactor": [*color, 1.0], "metallicFactor": 0.0, "roughnessFactor": 0.8},
        }
    )
    doc["meshes"].append(
        {
            "name": name,
            "primitives": [
                {"attributes": {"POSITION": 0, "NORMAL": 1}, "indices": 2, "material": len(doc["materials"]) - 1}
            ],
        }
    )
    doc["nodes"].append(
        {"name": name, "mesh": len(doc["meshes"]) - 1, "translation": list(translation), "scale": list(scale)}
    )
    doc["scenes"][0]["nodes"].append(len(doc["nodes"]) - 1)


def cube(name: str = "base_model") -> bytes:
    """An untextured static cube: the stand-in for a ``texture=false`` base model."""
    doc, binary = _cube_doc("tripo emulator")
    _add_part(doc, name, (0.8, 0.8, 0.8), (0.0, 0.0, 0.0), (1.0, 1.0, 1.0))
    return write(doc, binary)


#: Parts of the generated segmentation result: (name, colour, translation, scale).
PARTS: tuple[tuple[str, tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]], ...] = (
    ("head", (0.9, 0.7, 0.6), (0.0, 1.55, 0.0), (0.4, 0.4, 0.4)),
    ("torso", (0.2, 0.4, 0.8), (0.0, 1.0, 0.0), (0.6, 0.7, 0.3)),
    ("left_arm", (0.9, 0.7, 0.6), (0.45, 1.0, 0.0), (0.2, 0.7, 0.2)),
    ("right_arm", (0.9, 0.7, 0.6), (-0.45, 1.0, 0.0), (0.2, 0.7, 0.2)),
    ("legs", (0.3, 0.3, 0.3), (0.0, 0.35, 0.0), (0.5, 0.7, 0.3)),
)


def segmented() -> bytes:
    """A model split into named parts: one top-level node (and mesh) per part of :data:`PARTS`."""
    doc, binary = _cube_doc("tripo emulator (segmentation)")
    for name, color, translation, scale in PARTS:
        _add_part(doc, name, color, translation, scale)
    return write(doc, binary)
