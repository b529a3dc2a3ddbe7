"""Write the GLB Tripo receives from arrays read off Blender's evaluated meshes (numpy, no bpy).

Why a writer of our own: Blender's glTF exporter took 3-4.5 s of the main thread for a mesh of a
million triangles (a sculpt, exactly what an artist brings to "texture my mesh") and ~120 ms for a
small one with a modifier (its fixed cost, a temporary scene, a full copy of the mesh). Reading
the evaluated mesh with ``foreach_get`` costs ~20 ms at a million triangles (:mod:`.mesh_snapshot`);
everything else — triangulating, splitting vertices, encoding — is numpy on a background thread,
which is why this module must never touch ``bpy``: it gets plain arrays and bytes.

What it writes follows Blender's own exporter, so a file imports back as it did before:

* one node per object, its transform relative to the active object (glTF axes: Y up), one mesh
  per object, one primitive per material index used (in index order); an index past the
  object's slots takes the last slot, as the exporter does;
* triangles in Blender's order: triangles and quads as Blender triangulates them (a quad along
  0-2, unless that diagonal is outside it: 1-3), n-gons as Blender's own ``loop_triangles``;
* a glTF vertex for every distinct (vertex, normal, UVs) of a primitive's corners — the
  exporter's rule (normals rounded to 4 digits, normalised, Y up; UVs flipped to glTF's V), so
  vertex counts match it;
* materials and textures as :mod:`.material_snapshot` described them; images are the files'
  own bytes (PNG, JPEG, WebP) or, for an image only in memory, a PNG encoded here.

The same mesh gives the same bytes (fixed names, no time stamp): an unchanged mesh hashes the
same and is not uploaded again (:mod:`..jobs.mesh_upload`).
"""

from __future__ import annotations

import json
import logging
import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "MeshArrays",
    "ImageSource",
    "SceneArrays",
    "glb_bytes",
    "write_glb",
    "least_bytes",
    "png_bytes",
    "face_sizes",
    "IMAGE_MAGIC",
]

_FLOAT, _USHORT, _UINT = 5126, 5123, 5125
_ARRAY_BUFFER, _ELEMENT_ARRAY_BUFFER = 34962, 34963
#: The first bytes of each image type a GLB may embed (what the exporter checks before reusing a file).
IMAGE_MAGIC: dict[str, Callable[[bytes], bool]] = {
    "image/png": lambda head: head.startswith(b"\x89PNG"),
    "image/jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "image/webp": lambda head: head[8:12] == b"WEBP",
}
_NORMAL_DIGITS = 4  # Blender's exporter rounds normals so near-equal corners share a vertex
_GENERATOR = "Tripo for Blender (any-mesh export)"

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class MeshArrays:
    """One object's evaluated mesh, as read on the main thread (Blender axes, object space).

    ``tri_faces``: the face of each triangle, in Blender's triangle order (a face of n corners has
    n - 2 triangles, in a row). ``ngon_tris``: corner indices of the triangles of the faces with
    more than four corners, in face order (Blender's triangulation); ``tris``: all triangles,
    when they were read at once instead. ``normals``: Blender's own normals in their domain
    (``Mesh.normals_domain``): a smooth mesh's corners take their vertex's normal, a flat one's
    their face's — the same values as ``corner_normals``, read at a fraction of the size.
    ``slots``: for each material slot, the file's material
    index (None: an empty slot). ``translation`` (x, y, z), ``rotation`` (x, y, z, w) and ``scale``:
    the node's transform, already in glTF axes (None: the identity).
    """

    name: str
    positions: np.ndarray  # (V, 3) float32
    corner_verts: np.ndarray  # (L,) int32
    normals: np.ndarray  # (V | P | L, 3) float32, by normals_domain
    uvs: tuple[np.ndarray, ...]  # (L, 2) float32 each, in Blender's UV space
    tri_faces: np.ndarray  # (T,) int32
    face_materials: np.ndarray | None  # (P,) int32; None: all 0
    ngon_tris: np.ndarray | None = None  # (K, 3) int32
    tris: np.ndarray | None = None  # (T, 3) int32
    slots: tuple[int | None, ...] = ()
    normals_domain: str = "CORNER"  # POINT: smooth (per vertex), FACE: flat (per face), CORNER: mixed
    translation: tuple[float, ...] | None = None
    rotation: tuple[float, ...] | None = None
    scale: tuple[float, ...] | None = None


@dataclass(frozen=True, eq=False)
class ImageSource:
    """An image a texture shows: the encoded file's ``data`` (packed in the .blend), or a ``path``
    to read here, or ``pixels`` (H, W, 4 float32, bottom row first, as ``Image.pixels``) to encode
    as PNG here. ``linear``: float pixels in scene-linear light, stored as sRGB in the PNG."""

    name: str
    mime: str
    data: bytes | None = None
    path: str | None = None
    pixels: np.ndarray | None = None
    linear: bool = False


@dataclass(frozen=True, eq=False)
class SceneArrays:
    """Everything the file holds, bpy-free: meshes, and the glTF JSON of materials, textures and
    samplers (textures name images by their index in ``images``)."""

    meshes: tuple[MeshArrays, ...]
    materials: tuple[dict[str, Any], ...] = ()
    textures: tuple[dict[str, Any], ...] = ()
    samplers: tuple[dict[str, Any], ...] = ()
    images: tuple[ImageSource, ...] = ()
    extensions_used: tuple[str, ...] = ()


def face_sizes(mesh: MeshArrays) -> np.ndarray:
    """Corners per face: its triangles, plus two (every face has a triangle, the last one too)."""
    return np.bincount(mesh.tri_faces) + 2


def _triangles(mesh: MeshArrays) -> np.ndarray:
    """(T, 3) corner indices of the mesh's triangles, in Blender's ``loop_triangles`` order."""
    if mesh.tris is not None:
        return mesh.tris.reshape(-1, 3)
    sizes = face_sizes(mesh).astype(np.int64)
    starts = np.cumsum(sizes) - sizes
    counts = sizes - 2
    tri_starts = np.cumsum(counts) - counts
    tris = np.empty((int(counts.sum()), 3), np.int32)
    three = sizes == 3
    first, at = starts[three], tri_starts[three]
    tris[at] = np.stack([first, first + 1, first + 2], axis=1)
    four = sizes == 4
    if four.any():
        first, at = starts[four], tri_starts[four]
        co = [mesh.positions[mesh.corner_verts[first + k]] for k in range(4)]
        # Blender splits a quad along 0-2 unless both halves then face apart (is_quad_flip_v3_first_third_fast)
        d12, d13, d14 = co[1] - co[0], co[2] - co[0], co[3] - co[0]
        a, b = np.cross(d12, d13), np.cross(d14, d13)
        flip = (a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1] + a[:, 2] * b[:, 2]) > 0
        tri_a = np.stack([first, first + 1, first + 2], axis=1)
        tri_b = np.stack([first, first + 2, first + 3], axis=1)
        tri_a[flip, 2] = first[flip] + 3
        tri_b[flip, 0] = first[flip] + 1
        tris[at], tris[at + 1] = tri_a, tri_b
    many = sizes > 4
    if many.any():
        if mesh.ngon_tris is None:
            raise ValueError(f"{mesh.name}: the triangles of its n-gons were not read")
        per_face = counts[many]
        offsets = np.arange(int(per_face.sum())) - np.repeat(np.cumsum(per_face) - per_face, per_face)
        tris[np.repeat(tri_starts[many], per_face) + offsets] = mesh.ngon_tris.reshape(-1, 3)
    return tris


def _corner_normals(mesh: MeshArrays) -> np.ndarray:
    """A normal per corner, from the domain Blender keeps them in."""
    normals = mesh.normals.reshape(-1, 3)
    if mesh.normals_domain == "POINT":
        return normals[mesh.corner_verts]
    if mesh.normals_domain == "FACE":
        sizes = face_sizes(mesh)
        return normals[np.repeat(np.arange(len(sizes)), sizes)]
    return normals


def _corner_attributes(mesh: MeshArrays) -> tuple[np.ndarray, list[np.ndarray]]:
    """Normals and UVs per corner as the file stores them (the exporter's processing)."""
    normals = np.round(_corner_normals(mesh).astype(np.float32), _NORMAL_DIGITS)
    norms = np.linalg.norm(normals, axis=1, keepdims=True)
    np.divide(normals, norms, out=normals, where=norms != 0)
    normals[~normals.any(axis=1), 2] = 1.0  # a degenerate corner: up
    normals = _y_up(normals)
    uvs = []
    for layer in mesh.uvs:
        uv = layer.reshape(-1, 2).astype(np.float32, copy=True)
        uv[:, 1] = 1.0 - uv[:, 1]
        uvs.append(uv)
    return normals, uvs


def _y_up(vectors: np.ndarray) -> np.ndarray:
    """Blender's (x, y, z) as glTF's (x, z, -y)."""
    out = np.empty_like(vectors)
    out[:, 0], out[:, 1], out[:, 2] = vectors[:, 0], vectors[:, 2], -vectors[:, 1]
    return out


def _hash(columns: list[np.ndarray]) -> np.ndarray:
    """A 64-bit hash per row of 32-bit columns (FNV-style mixing, a splitmix64 finaliser)."""
    value = np.full(len(columns[0]), 0xCBF29CE484222325, np.uint64)
    prime = np.uint64(0x100000001B3)
    for column in columns:
        value ^= column
        value *= prime
    for shift, factor in ((31, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
        value ^= value >> np.uint64(shift)
        value *= np.uint64(factor)
    value ^= value >> np.uint64(31)
    return value


def _vertex_ids(
    corner_verts: np.ndarray, attributes: list[np.ndarray], vertex_count: int
) -> tuple[np.ndarray, np.ndarray]:
    """A glTF vertex id per corner (equal ids: equal vertex, normal and UVs) and, per id, a corner
    that has it: the exporter's vertices, found without sorting most corners.

    Most corners of a vertex carry the same normal and UVs as the vertex's other corners (a
    smooth mesh away from its UV seams): they take the vertex's id at once. Only the others
    (seams, sharp edges, flat faces) are sorted, by a 64-bit hash of their values — integers,
    several times faster to sort than the rows the exporter sorts. Every corner is then checked
    against its id's corner, so should two different corners ever hash alike, the rows are
    sorted after all.
    """
    columns = [corner_verts.astype(np.uint32)]
    for values in attributes:
        bits = (values + np.float32(0.0)).view(np.uint32)  # -0.0 is 0.0
        columns += [np.ascontiguousarray(bits[:, k]) for k in range(bits.shape[1])]
    hashed = _hash(columns)
    corners = np.arange(len(corner_verts))
    some_corner = np.zeros(vertex_count, np.int64)
    some_corner[corner_verts] = corners
    used = np.zeros(vertex_count, bool)
    used[corner_verts] = True
    ids = (np.cumsum(used) - 1)[corner_verts]
    representatives = [some_corner[used]]
    odd = np.flatnonzero(hashed != hashed[some_corner[corner_verts]])
    if odd.size:
        distinct, inverse = np.unique(hashed[odd], return_inverse=True)
        ids[odd] = len(representatives[0]) + inverse.reshape(-1)
        extra = np.empty(len(distinct), np.int64)
        extra[inverse.reshape(-1)] = odd
        representatives.append(extra)
    chosen = np.concatenate(representatives)
    own = chosen[ids]
    if all(np.array_equal(column, column[own]) for column in columns):
        return ids, chosen
    log.warning("Two different mesh corners hashed alike: sorting the rows instead")
    rows = np.ascontiguousarray(np.stack(columns, axis=1)).view(np.dtype((np.void, 4 * len(columns)))).reshape(-1)
    _unique, first, ids = np.unique(rows, return_index=True, return_inverse=True)
    return ids.reshape(-1), first


class _Binary:
    """The BIN chunk being assembled: each block 4-byte aligned, one bufferView each."""

    def __init__(self) -> None:
        self.blocks: list[bytes] = []
        self.views: list[dict[str, Any]] = []
        self.length = 0

    def add(self, data: bytes, target: int | None = None) -> int:
        view: dict[str, Any] = {"buffer": 0, "byteOffset": self.length, "byteLength": len(data)}
        if target is not None:
            view["target"] = target
        self.views.append(view)
        self.blocks.append(data)
        self.length += len(data)
        padding = -len(data) % 4
        if padding:
            self.blocks.append(b"\x00" * padding)
            self.length += padding
        return len(self.views) - 1


class _Document:
    """The glTF JSON and its binary buffer, built mesh by mesh."""

    def __init__(self) -> None:
        self.binary = _Binary()
        self.accessors: list[dict[str, Any]] = []

    def accessor(
        self, values: np.ndarray, kind: str, component: int, *, bounds: bool = False, target: int = _ARRAY_BUFFER
    ) -> int:
        data = np.ascontiguousarray(values)
        entry: dict[str, Any] = {
            "bufferView": self.binary.add(data.tobytes(), target),
            "componentType": component,
            "count": int(len(data)),
            "type": kind,
        }
        if bounds:
            entry["min"] = [float(v) for v in data.min(axis=0)]
            entry["max"] = [float(v) for v in data.max(axis=0)]
        self.accessors.append(entry)
        return len(self.accessors) - 1

    def primitive(
        self,
        positions: np.ndarray,
        normals: np.ndarray,
        uvs: list[np.ndarray],
        indices: np.ndarray,
        material: int | None,
    ) -> dict[str, Any]:
        attributes = {
            "POSITION": self.accessor(positions, "VEC3", _FLOAT, bounds=True),
            "NORMAL": self.accessor(normals, "VEC3", _FLOAT),
        }
        for n, uv in enumerate(uvs):
            attributes[f"TEXCOORD_{n}"] = self.accessor(uv, "VEC2", _FLOAT)
        small = len(positions) < 65535
        index_type, component = (np.uint16, _USHORT) if small else (np.uint32, _UINT)
        primitive: dict[str, Any] = {
            "attributes": attributes,
            "indices": self.accessor(
                indices.reshape(-1).astype(index_type), "SCALAR", component, target=_ELEMENT_ARRAY_BUFFER
            ),
        }
        if material is not None:
            primitive["material"] = material
        return primitive


def _material_of(slot_index: int, slots: tuple[int | None, ...]) -> int | None:
    """The file material of a material index (past the slots: the last slot, as the exporter does)."""
    if not slots:
        return None
    return slots[slot_index] if slot_index < len(slots) else slots[-1]


def _primitives(mesh: MeshArrays, doc: _Document) -> list[dict[str, Any]]:
    """The mesh's primitives (one per material index its triangles use), written into ``doc``."""
    tris = _triangles(mesh)
    normals, uvs = _corner_attributes(mesh)
    ids, representative = _vertex_ids(mesh.corner_verts, [normals, *uvs], len(mesh.positions))
    positions = _y_up(mesh.positions.reshape(-1, 3).astype(np.float32))[mesh.corner_verts[representative]]
    normals, uvs = normals[representative], [uv[representative] for uv in uvs]
    tri_ids = ids[tris]
    if mesh.face_materials is None:
        groups: list[tuple[int, np.ndarray | None]] = [(0, None)]
    else:
        tri_materials = mesh.face_materials[mesh.tri_faces]
        indices = np.unique(tri_materials)
        groups = [(int(m), tri_materials == m) for m in indices] if len(indices) > 1 else [(int(indices[0]), None)]
    primitives = []
    for index, chosen in groups:
        if chosen is None:  # one primitive: every vertex is in it
            used, local = np.arange(len(positions)), tri_ids
        else:  # the vertices this material's triangles use, renumbered in order (no sort)
            picked = tri_ids[chosen]
            used_mask = np.zeros(len(positions), bool)
            used_mask[picked] = True
            used = np.flatnonzero(used_mask)
            local = (np.cumsum(used_mask) - 1)[picked]
        primitives.append(
            doc.primitive(
                positions[used], normals[used], [uv[used] for uv in uvs], local, _material_of(index, mesh.slots)
            )
        )
    return primitives


def png_bytes(pixels: np.ndarray, *, linear: bool = False) -> bytes:
    """An RGBA PNG of ``pixels`` (H, W, 4 floats in 0..1, bottom row first, as Blender keeps them)."""
    values = np.clip(np.asarray(pixels, np.float32), 0.0, 1.0)
    if linear:  # scene-linear light to sRGB, colour channels only
        rgb = values[..., :3]
        values[..., :3] = np.where(rgb <= 0.0031308, rgb * 12.92, 1.055 * np.power(rgb, 1 / 2.4) - 0.055)
    rows = (values[::-1] * 255.0 + 0.5).astype(np.uint8)
    height, width = rows.shape[:2]
    raw = np.zeros((height, 1 + width * 4), np.uint8)  # filter byte 0 (none) before each row
    raw[:, 1:] = rows.reshape(height, width * 4)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def _image_bytes(image: ImageSource) -> tuple[bytes, str]:
    """The encoded image and its MIME type (a file that is no longer what it was: OSError)."""
    if image.pixels is not None:
        return png_bytes(image.pixels, linear=image.linear), "image/png"
    data = image.data
    if data is None and image.path is not None:
        data = Path(image.path).read_bytes()
    if data is None or not IMAGE_MAGIC.get(image.mime, lambda _head: False)(data[:16]):
        raise OSError(f"the texture image '{image.name}' changed or is unreadable ({image.path or 'packed'})")
    return data, image.mime


def _document(scene: SceneArrays) -> tuple[dict[str, Any], _Binary]:
    doc = _Document()
    nodes, meshes = [], []
    for number, mesh in enumerate(scene.meshes):
        meshes.append({"name": mesh.name, "primitives": _primitives(mesh, doc)})
        node: dict[str, Any] = {"mesh": number, "name": mesh.name}
        for key, value in (("rotation", mesh.rotation), ("scale", mesh.scale), ("translation", mesh.translation)):
            if value is not None:
                node[key] = [float(v) for v in value]
        nodes.append(node)
    gltf: dict[str, Any] = {
        "asset": {"generator": _GENERATOR, "version": "2.0"},
        "scene": 0,
        "scenes": [{"name": "tripo_export", "nodes": list(range(len(nodes)))}],
        "nodes": nodes,
        "meshes": meshes,
        "accessors": doc.accessors,
    }
    if scene.extensions_used:
        gltf["extensionsUsed"] = list(scene.extensions_used)
    if scene.materials:
        gltf["materials"] = [dict(m) for m in scene.materials]
    if scene.textures:
        gltf["textures"] = [dict(t) for t in scene.textures]
    if scene.samplers:
        gltf["samplers"] = [dict(s) for s in scene.samplers]
    if scene.images:
        gltf["images"] = []
        for image in scene.images:
            data, mime = _image_bytes(image)
            gltf["images"].append({"bufferView": doc.binary.add(data), "mimeType": mime, "name": image.name})
    gltf["bufferViews"] = doc.binary.views
    gltf["buffers"] = [{"byteLength": doc.binary.length}]
    return gltf, doc.binary


def _chunks(scene: SceneArrays) -> list[bytes]:
    """The GLB as a list of byte strings (header, JSON chunk, BIN chunk and its blocks)."""
    gltf, binary = _document(scene)
    text = json.dumps(gltf, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 4)
    total = 12 + 8 + len(text) + 8 + binary.length
    return [
        b"glTF" + struct.pack("<II", 2, total),
        struct.pack("<I", len(text)) + b"JSON",
        text,
        struct.pack("<I", binary.length) + b"BIN\x00",
        *binary.blocks,
    ]


def glb_bytes(scene: SceneArrays) -> bytes:
    """The whole GLB in memory."""
    return b"".join(_chunks(scene))


def write_glb(
    scene: SceneArrays, path: str | os.PathLike[str], refuse: Callable[[int], str | None] | None = None
) -> int:
    """Write the GLB to ``path`` (complete or not at all: a partial file never has the name);
    returns its size. ``refuse(size)`` may name why a file that big must not be written (ValueError)."""
    chunks = _chunks(scene)
    size = sum(len(c) for c in chunks)
    problem = refuse(size) if refuse is not None else None
    if problem is not None:
        raise ValueError(problem)
    target = Path(path)
    part = target.with_name(target.name + ".part")
    try:
        with open(part, "wb") as stream:
            for block in chunks:
                stream.write(block)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return size


def least_bytes(scene: SceneArrays, image_bytes: int = 0) -> int:
    """The fewest bytes the file can take — its triangles' indices at 16 bits, the images whose
    size is known — found without a pass over the mesh (the main thread's budget): enough to
    refuse a mesh far over Tripo's cap before anything is written; the writer checks the rest."""
    return image_bytes + sum(len(mesh.tri_faces) * 3 * 2 for mesh in scene.meshes)
