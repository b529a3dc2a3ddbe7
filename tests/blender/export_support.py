"""Helpers for the any-mesh export tests: our GLB, Blender's own exporter's GLB, and what each
imports back as — so a test can say "the same as Blender's exporter" about what an artist sees.

Blender's glTF exporter is run exactly as the add-on ran it before it wrote its own files (copies
of the evaluated meshes in a temporary scene, placed relative to the active object, the same
options): that is the behaviour the upload must keep.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bpy
import numpy as np
from mathutils import Matrix, Quaternion, Vector

from tests.emulator.glb import read as read_glb

from .runtime_support import addon_module

_SUFFIX = re.compile(r"\.\d{3}$")  # Blender renames an imported "Clay" to "Clay.001" when one exists


def ours(objects: Sequence[Any], active: Any) -> bytes:
    """The add-on's GLB of ``objects`` (read now, written on the writer thread, waited for)."""
    exported = addon_module("blender.mesh_export").export_meshes(objects, active)
    assert addon_module("jobs.mesh_writes").EXPORT_WRITES.wait(exported.path, 300), "the file was written"
    path = Path(exported.path)
    data = path.read_bytes()
    path.unlink()
    return data


def blenders_own(objects: Sequence[Any], active: Any, folder: Path) -> bytes:
    """Blender's glTF exporter's GLB of the same objects, the add-on's former way."""
    depsgraph = bpy.context.evaluated_depsgraph_get()
    scene = bpy.data.scenes.new("tripo_export")
    frame = active.matrix_world.inverted_safe()
    copies = []
    ordered = [*(o for o in objects if o is active), *(o for o in objects if o is not active)]
    for index, ob in enumerate(ordered):
        mesh = bpy.data.meshes.new_from_object(
            ob.evaluated_get(depsgraph), preserve_all_data_layers=True, depsgraph=depsgraph
        )
        copy = bpy.data.objects.new(f"tripo_export_{index}", mesh)
        copy.matrix_world = frame @ ob.matrix_world
        scene.collection.objects.link(copy)
        copies.append(copy)
    path = folder / "blenders-own.glb"
    window = bpy.context.window
    user_scene = window.scene if window is not None else None
    try:
        with bpy.context.temp_override(scene=scene, view_layer=scene.view_layers[0]):
            bpy.ops.export_scene.gltf(
                filepath=str(path),
                export_format="GLB",
                use_active_scene=True,
                use_selection=False,
                export_apply=False,
                export_animations=False,
                export_yup=True,
                export_texcoords=True,
                export_normals=True,
                export_materials="EXPORT",
                export_cameras=False,
                export_lights=False,
                export_extras=False,
            )
    finally:
        if window is not None and user_scene is not None:
            window.scene = user_scene
        for copy in copies:
            mesh = copy.data
            bpy.data.objects.remove(copy, do_unlink=True)
            bpy.data.meshes.remove(mesh, do_unlink=True)
        bpy.data.scenes.remove(scene, do_unlink=True)
    return path.read_bytes()


def _rounded(values: Sequence[float], digits: int = 4) -> list[float]:
    return [round(float(v), digits) + 0.0 for v in values]


def primitives(data: bytes) -> list[list[dict[str, Any]]]:
    """Per mesh, per primitive: vertex and index counts, attributes, material name, bounds."""
    doc, _binary = read_glb(data)
    accessors, materials = doc["accessors"], doc.get("materials", [])
    found = []
    for mesh in doc["meshes"]:
        rows = []
        for primitive in mesh["primitives"]:
            position = accessors[primitive["attributes"]["POSITION"]]
            material = primitive.get("material")
            rows.append(
                {
                    "vertices": position["count"],
                    "indices": accessors[primitive["indices"]]["count"],
                    "attributes": sorted(primitive["attributes"]),
                    "material": None if material is None else materials[material]["name"],
                    "bounds": _rounded(position["min"] + position["max"]),
                }
            )
        found.append(rows)
    return found


_COMPONENTS = {5126: np.float32, 5125: np.uint32, 5123: np.uint16, 5121: np.uint8}
_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}


def _values(doc: dict[str, Any], binary: bytes, index: int) -> np.ndarray:
    accessor = doc["accessors"][index]
    view = doc["bufferViews"][accessor["bufferView"]]
    width = _WIDTH[accessor["type"]]
    return np.frombuffer(
        binary,
        _COMPONENTS[accessor["componentType"]],
        accessor["count"] * width,
        view.get("byteOffset", 0) + accessor.get("byteOffset", 0),
    ).reshape(-1, width)


def triangles(data: bytes) -> list[list[tuple[Any, ...]]]:
    """Per mesh, its triangles as sorted (position, UV) corners rounded to 4 digits, each triangle
    turned to start at its smallest corner (so the winding counts, the vertex order does not)."""
    doc, binary = read_glb(data)
    found = []
    for mesh in doc["meshes"]:
        rows = []
        for primitive in mesh["primitives"]:
            attributes = primitive["attributes"]
            corners = np.round(_values(doc, binary, attributes["POSITION"]), 4) + 0.0
            if "TEXCOORD_0" in attributes:
                corners = np.hstack([corners, np.round(_values(doc, binary, attributes["TEXCOORD_0"]), 4) + 0.0])
            keyed = [tuple(row) for row in corners.tolist()]
            for a, b, c in _values(doc, binary, primitive["indices"]).reshape(-1, 3).tolist():
                tri = (keyed[a], keyed[b], keyed[c])
                turn = tri.index(min(tri))
                rows.append(tri[turn:] + tri[:turn])
        found.append(sorted(rows))
    return found


def node_matrices(data: bytes) -> list[Matrix]:
    """Each node's local matrix (glTF axes), from its translation, rotation and scale."""
    doc, _binary = read_glb(data)
    matrices = []
    for node in doc["nodes"]:
        x, y, z, w = node.get("rotation", (0.0, 0.0, 0.0, 1.0))
        matrices.append(
            Matrix.LocRotScale(
                Vector(node.get("translation", (0.0, 0.0, 0.0))),
                Quaternion((w, x, y, z)),
                Vector(node.get("scale", (1.0, 1.0, 1.0))),
            )
        )
    return matrices


def same_matrices(a: Sequence[Matrix], b: Sequence[Matrix], tolerance: float = 1e-5) -> bool:
    return len(a) == len(b) and all(
        abs(x - y) <= tolerance for ma, mb in zip(a, b) for ra, rb in zip(ma, mb) for x, y in zip(ra, rb)
    )


def material_summary(data: bytes) -> list[dict[str, Any]]:
    """What each material carries: its name, factors (rounded), which textures, alpha and sides."""
    doc, _binary = read_glb(data)
    found = []
    for material in doc.get("materials", []):
        pbr = material.get("pbrMetallicRoughness", {})
        found.append(
            {
                "name": material.get("name"),
                "base": _rounded(pbr.get("baseColorFactor", (1.0, 1.0, 1.0, 1.0)), 3),
                "metallic": round(pbr.get("metallicFactor", 1.0), 3),
                "roughness": round(pbr.get("roughnessFactor", 1.0), 3),
                "emissive": _rounded(material.get("emissiveFactor", (0.0, 0.0, 0.0)), 3),
                "extensions": sorted(material.get("extensions", {})),
                "textures": sorted(key for key in ("baseColorTexture", "metallicRoughnessTexture") if key in pbr)
                + sorted(key for key in ("normalTexture", "emissiveTexture") if key in material),
                "alpha": material.get("alphaMode", "OPAQUE"),
                "double_sided": material.get("doubleSided", False),
            }
        )
    return found


def imported(data: bytes, folder: Path, name: str) -> list[dict[str, Any]]:
    """What ``data`` imports back as in Blender, per mesh object (then removed again): vertices,
    world bounds, UV maps, material slots, texture sizes."""
    path = folder / f"{name}.glb"
    path.write_bytes(data)
    before = set(bpy.data.objects)
    before_data = {kind: set(getattr(bpy.data, kind)) for kind in ("meshes", "materials", "images")}
    bpy.ops.import_scene.gltf(filepath=str(path))
    new = sorted((ob for ob in bpy.data.objects if ob not in before), key=lambda ob: ob.name)
    found = []
    for ob in new:
        if ob.type != "MESH":
            continue
        corners = [ob.matrix_world @ Vector(c) for c in ob.bound_box]
        images = sorted(
            tuple(node.image.size)
            for slot in ob.material_slots
            if slot.material and slot.material.node_tree
            for node in slot.material.node_tree.nodes
            if node.type == "TEX_IMAGE" and node.image
        )
        found.append(
            {
                "vertices": len(ob.data.vertices),
                "faces": len(ob.data.polygons),
                "bounds": _rounded(
                    [min(c[i] for c in corners) for i in range(3)] + [max(c[i] for c in corners) for i in range(3)], 3
                ),
                "uv_maps": len(ob.data.uv_layers),
                "materials": [
                    _SUFFIX.sub("", slot.material.name) if slot.material else None for slot in ob.material_slots
                ],
                "images": images,
            }
        )
    for ob in new:
        bpy.data.objects.remove(ob, do_unlink=True)
    for kind, old in before_data.items():
        collection = getattr(bpy.data, kind)
        for block in [b for b in collection if b not in old]:
            collection.remove(block)
    return sorted(found, key=lambda f: (f["bounds"], f["vertices"]))
