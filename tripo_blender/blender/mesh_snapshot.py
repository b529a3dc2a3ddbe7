"""Read the meshes the artist sees — evaluated, with their materials — into arrays (main thread).

Why this is the only part of an upload's export on Blender's main thread, and why it is fast:
everything is read with ``foreach_get`` straight from Blender's attribute arrays into numpy (a
memory copy: ~20 ms for a million triangles), nothing is copied into a new mesh or scene, and
nothing is computed that numpy can compute later on the writer's thread (:mod:`.glb_writer`):
triangles of triangles and quads, vertex splitting, images. Only what cannot be read in bulk is
read item by item: the triangles of n-gons (Blender's own triangulation of them), and the
material node trees (:mod:`.material_snapshot`).

The evaluated mesh is what the viewport shows: modifiers applied (the depsgraph the viewport
already evaluated). Transforms are relative to the active object (its node is the identity),
in glTF's axes: the result lands in the active object's place, so the file must not carry that
transform a second time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import bpy
import numpy as np

from .glb_writer import MeshArrays, SceneArrays
from .material_snapshot import MaterialTable

__all__ = ["read_scene", "node_name"]

#: Reading every triangle (``loop_triangles.foreach_get``, ~0.2 µs each) beats reading the n-gons'
#: one by one (~0.8 µs each) once they are more than this share of the triangles.
_NGON_SHARE = 0.25


def node_name(index: int) -> str:
    """Fixed names (not the objects'): the same mesh exported again gives the same bytes."""
    return f"tripo_export_{index}"


def _read(collection: Any, prop: str, count: int, dtype: Any) -> np.ndarray:
    values = np.empty(count, dtype)
    if count:
        collection.foreach_get(prop, values)
    return values


def _attribute(mesh: Any, name: str, domain: str) -> Any | None:
    found = mesh.attributes.get(name)
    return found if found is not None and found.domain == domain else None


def _corner_verts(mesh: Any, corners: int) -> np.ndarray:
    stored = _attribute(mesh, ".corner_vert", "CORNER")
    if stored is not None:
        return _read(stored.data, "value", corners, np.int32)
    return _read(mesh.loops, "vertex_index", corners, np.int32)  # slower, same values


def _ngon_triangles(mesh: Any, tri_faces: np.ndarray, faces: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(triangles of the n-gons only, or every triangle) — whichever is cheaper to read; (None,
    None) without n-gons (a face with three triangles in a row is one), the usual case, found
    with one comparison."""
    triangles = len(tri_faces)
    if triangles < 3 or not np.any(tri_faces[2:] == tri_faces[:-2]):
        return None, None
    counts = np.bincount(tri_faces, minlength=faces)
    many = np.flatnonzero(counts > 2)
    if int(counts[many].sum()) > _NGON_SHARE * triangles:
        return None, _read(mesh.loop_triangles, "loops", triangles * 3, np.int32).reshape(-1, 3)
    tri_starts = np.cumsum(counts) - counts
    loop_triangles = mesh.loop_triangles
    rows = [
        loop_triangles[int(start) + k].loops[:]
        for start, count in zip(tri_starts[many], counts[many])
        for k in range(int(count))
    ]
    return np.asarray(rows, np.int32).reshape(-1, 3), None


def _normals_domain(mesh: Any) -> str:
    return str(getattr(mesh, "normals_domain", "CORNER"))


def _normals(mesh: Any) -> np.ndarray:
    """Blender's normals in their own domain: per vertex (smooth, a quarter of per-corner), per
    face (flat) or per corner (sharp edges, custom normals)."""
    domain = _normals_domain(mesh)
    if domain == "POINT":
        return _read(mesh.vertex_normals, "vector", len(mesh.vertices) * 3, np.float32).reshape(-1, 3)
    if domain == "FACE":
        return _read(mesh.polygon_normals, "vector", len(mesh.polygons) * 3, np.float32).reshape(-1, 3)
    return _read(mesh.corner_normals, "vector", len(mesh.loops) * 3, np.float32).reshape(-1, 3)


def _transform(ob: bpy.types.Object, frame: Any) -> dict[str, tuple[float, ...] | None]:
    """The node's translation, rotation and scale relative to the frame, in glTF axes."""
    location, rotation, scale = (frame @ ob.matrix_world).decompose()
    return {
        "translation": (location.x, location.z, -location.y),
        "rotation": (rotation.x, rotation.z, -rotation.y, rotation.w),
        "scale": (scale.x, scale.z, scale.y),
    }


@contextlib.contextmanager
def _readable_mesh(evaluated: Any, depsgraph: Any) -> Iterator[Any]:
    """The evaluated mesh, or — for an object in Edit Mode, whose evaluated mesh wraps the edit
    mesh and has no attribute arrays — a temporary copy made from it, freed after reading."""
    mesh = evaluated.data
    if mesh.attributes.get("position") is not None:
        yield mesh
        return
    try:
        yield evaluated.to_mesh(preserve_all_data_layers=True, depsgraph=depsgraph)
    finally:
        evaluated.to_mesh_clear()


def _mesh_arrays(
    name: str, evaluated: Any, mesh: Any, transform: dict[str, tuple[float, ...] | None], materials: MaterialTable
) -> MeshArrays:
    vertices, corners, faces = len(mesh.vertices), len(mesh.loops), len(mesh.polygons)
    triangles = corners - 2 * faces
    tri_faces = _read(mesh.loop_triangle_polygons, "value", triangles, np.int32)
    ngon_tris, tris = _ngon_triangles(mesh, tri_faces, faces)
    material_index = _attribute(mesh, "material_index", "FACE")
    return MeshArrays(
        name=name,
        positions=_read(mesh.attributes["position"].data, "vector", vertices * 3, np.float32).reshape(-1, 3),
        corner_verts=_corner_verts(mesh, corners),
        normals=_normals(mesh),
        normals_domain=_normals_domain(mesh),
        uvs=tuple(_read(layer.uv, "vector", corners * 2, np.float32).reshape(-1, 2) for layer in mesh.uv_layers),
        tri_faces=tri_faces,
        face_materials=None if material_index is None else _read(material_index.data, "value", faces, np.int32),
        ngon_tris=ngon_tris,
        tris=tris,
        slots=tuple(materials.index(slot.material, mesh) for slot in evaluated.material_slots),
        **transform,
    )


def read_scene(
    objects: Sequence[bpy.types.Object], active: bpy.types.Object, depsgraph: Any
) -> tuple[SceneArrays, int]:
    """The file's content (``objects``, the active one first, placed relative to ``active``) and
    the bytes its images are known to take."""
    frame = active.matrix_world.inverted_safe()
    materials = MaterialTable()
    ordered = [*(o for o in objects if o is active), *(o for o in objects if o is not active)]
    meshes = []
    for index, ob in enumerate(ordered):
        identity: dict[str, tuple[float, ...] | None] = {"translation": None, "rotation": None, "scale": None}
        evaluated = ob.evaluated_get(depsgraph)
        with _readable_mesh(evaluated, depsgraph) as mesh:
            meshes.append(
                _mesh_arrays(
                    node_name(index), evaluated, mesh, identity if ob is active else _transform(ob, frame), materials
                )
            )
    scene = SceneArrays(
        meshes=tuple(meshes),
        materials=tuple(materials.materials),
        textures=tuple(materials.textures),
        samplers=tuple(materials.samplers),
        images=tuple(materials.images),
        extensions_used=tuple(materials.extensions),
    )
    return scene, materials.known_image_bytes
