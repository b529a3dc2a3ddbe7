"""The GLB a mesh of one's own goes up as holds what Blender's own glTF exporter wrote before.

The add-on no longer runs Blender's exporter for an upload (it held the main thread for seconds
on a big mesh); it reads the evaluated meshes into arrays and writes the file on a background
thread. These tests pin what must not change: for each kind of mesh an artist brings — modifiers,
several materials and empty slots, textures (a file, one packed in the .blend, one only in
memory, a normal map, a metallic-roughness image), no UVs, n-gons and concave faces, flat and
smooth shading, several objects placed around the active one — the file has the same primitives
(vertex and index counts, bounds, attributes, materials), the same triangles (positions, UVs,
winding) and node transforms as Blender's exporter's, and imports back in Blender as the same objects
(vertices, bounds, UV maps, material slots, image sizes). Run in every supported Blender (4.2, 5.0, 5.3: ``build.py
test``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bmesh
import bpy
import pytest

from tests.emulator.glb import read as read_glb

from .export_support import (
    blenders_own,
    imported,
    material_summary,
    node_matrices,
    ours,
    primitives,
    same_matrices,
    triangles,
)
from .post_support import subdivided_monkey

Case = Callable[[Any, Path], tuple[list[Any], Any]]


def _mesh(scene: Any, name: str, build: Callable[[Any], Any], *, uvs: bool = True) -> Any:
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new()
    if uvs:
        bm.loops.layers.uv.new("UVMap")
    build(bm)
    bm.to_mesh(mesh)
    bm.free()
    ob = bpy.data.objects.new(name, mesh)
    scene.collection.objects.link(ob)
    return ob


def _plain_monkey(scene: Any, name: str = "Plain") -> Any:
    return _mesh(scene, name, lambda bm: bmesh.ops.create_monkey(bm, calc_uvs=True))


def _material(name: str) -> Any:
    material = bpy.data.materials.new(name)
    if bpy.app.version < (5, 0, 0):
        material.use_nodes = True
    return material


def _principled(material: Any) -> Any:
    return next(n for n in material.node_tree.nodes if n.type == "BSDF_PRINCIPLED")


def _png(folder: Path, name: str, size: int, color: tuple[float, float, float, float]) -> Path:
    image = bpy.data.images.new(name, size, size)
    image.pixels.foreach_set([c for _ in range(size * size) for c in color])
    path = folder / f"{name}.png"
    image.filepath_raw = str(path)
    image.file_format = "PNG"
    image.save()
    bpy.data.images.remove(image)
    return path


def modifiers(scene: Any, folder: Path) -> tuple[list[Any], Any]:
    """The monkey the menu tests use (Subdivision), smooth, with an Array modifier on top."""
    ob = subdivided_monkey(scene)
    ob.data.shade_smooth()
    ob.modifiers.new("Array", "ARRAY").count = 3
    return [ob], ob


def materials(scene: Any, folder: Path) -> tuple[list[Any], Any]:
    """Three slots (one empty) over the faces, some faces past the last slot."""
    ob = _plain_monkey(scene)
    for name in ("Clay", None, "Gold"):
        ob.data.materials.append(_material(name) if name else None)
    _principled(ob.data.materials[2]).inputs["Metallic"].default_value = 1.0
    for face in ob.data.polygons:
        face.material_index = face.index % 4 if face.index % 7 else 9
    return [ob], ob


def textured(scene: Any, folder: Path) -> tuple[list[Any], Any]:
    """Base colour from a PNG file, a normal map packed in the .blend, metallic-roughness from an
    image in memory only (through Separate Color, as the glTF importer wires it), emission."""
    ob = subdivided_monkey(scene)
    material = _material("Painted")
    ob.data.materials[0] = material
    tree, bsdf = material.node_tree, _principled(material)
    base = tree.nodes.new("ShaderNodeTexImage")
    base.image = bpy.data.images.load(str(_png(folder, "albedo", 16, (0.9, 0.5, 0.1, 1.0))))
    tree.links.new(base.outputs["Color"], bsdf.inputs["Base Color"])
    normal = tree.nodes.new("ShaderNodeTexImage")
    normal.image = bpy.data.images.load(str(_png(folder, "normal", 8, (0.5, 0.5, 1.0, 1.0))))
    normal.image.pack()
    normal.image.colorspace_settings.name = "Non-Color"
    normal_map = tree.nodes.new("ShaderNodeNormalMap")
    tree.links.new(normal.outputs["Color"], normal_map.inputs["Color"])
    tree.links.new(normal_map.outputs["Normal"], bsdf.inputs["Normal"])
    orm = tree.nodes.new("ShaderNodeTexImage")
    orm.image = bpy.data.images.new("orm", 12, 12)
    orm.image.generated_type = "COLOR_GRID"
    separate = tree.nodes.new("ShaderNodeSeparateColor")
    tree.links.new(orm.outputs["Color"], separate.inputs["Color"])
    tree.links.new(separate.outputs["Green"], bsdf.inputs["Roughness"])
    tree.links.new(separate.outputs["Blue"], bsdf.inputs["Metallic"])
    bsdf.inputs["Emission Color"].default_value = (0.2, 0.4, 0.1, 1.0)
    bsdf.inputs["Emission Strength"].default_value = 3.0
    return [ob], ob


def no_uvs(scene: Any, folder: Path) -> tuple[list[Any], Any]:
    """A cube made without a UV map, bevelled."""
    ob = _mesh(scene, "Box", lambda bm: bmesh.ops.create_cube(bm, size=2.0), uvs=False)
    ob.modifiers.new("Bevel", "BEVEL").segments = 2
    return [ob], ob


def _ngon_shapes(bm: Any) -> None:
    bmesh.ops.create_circle(bm, cap_ends=True, segments=16, radius=1.0)  # one 16-gon
    star = [
        bm.verts.new(
            (
                3 + (1.0 if i % 2 else 0.4) * math.cos(i * math.pi / 5),
                (1.0 if i % 2 else 0.4) * math.sin(i * math.pi / 5),
                0.2,
            )
        )
        for i in range(10)
    ]
    bm.faces.new(star)  # a concave 10-gon
    bmesh.ops.create_cone(bm, cap_ends=True, segments=7, radius1=0.5, radius2=0.2, depth=1.0)


def _quads_and_a_few_ngons(bm: Any) -> None:
    bmesh.ops.create_grid(bm, x_segments=12, y_segments=12, size=2.0)
    dart = [bm.verts.new(co) for co in ((-5, 0, 0), (-4, 0.8, 0.1), (-3, 0, 0), (-4, 2, 0))]
    bm.faces.new(dart)  # an arrowhead: its 0-2 diagonal lies outside, so Blender splits it along 1-3
    bm.faces.new([bm.verts.new((4 + math.cos(a), math.sin(a), 0.1 * a)) for a in (0.0, 1.2, 2.5, 3.6, 5.0)])


def ngons(scene: Any, folder: Path) -> tuple[list[Any], Any]:
    """Mostly n-gons (convex, concave, a cone's 7-gon caps); mostly quads with a concave one and
    a lone pentagon (the two ways n-gons are read)."""
    shapes = _mesh(scene, "Shapes", _ngon_shapes)
    quads = _mesh(scene, "Quads", _quads_and_a_few_ngons)
    for ob in (shapes, quads):
        for index, uv in enumerate(ob.data.uv_layers[0].uv):
            uv.vector = ((index % 5) / 5.0, (index % 3) / 3.0)
    return [shapes, quads], shapes


def shading(scene: Any, folder: Path) -> tuple[list[Any], Any]:
    """Half the faces smooth, half flat (normals per corner; the others are per vertex or per
    face), with two UV maps."""
    ob = subdivided_monkey(scene)
    ob.data.uv_layers.new(name="Second")
    for face in ob.data.polygons:
        face.use_smooth = face.index % 2 == 0
    return [ob], ob


def placed(scene: Any, folder: Path) -> tuple[list[Any], Any]:
    """The active monkey moved and turned; a child parented to it; a third, scaled unevenly."""
    active = subdivided_monkey(scene, "Head")
    child = _plain_monkey(scene, "Child")
    child.parent = active
    child.location, child.rotation_euler, child.scale = (2.0, 0.5, -1.0), (0.4, 0.1, 1.2), (0.5, 0.5, 0.5)
    other = _mesh(scene, "Slab", lambda bm: bmesh.ops.create_cube(bm, size=1.0))
    other.location, other.rotation_euler, other.scale = (-3.0, 1.0, 2.0), (0.0, 0.7, 0.3), (2.0, 1.0, 0.25)
    return [child, active, other], active


CASES: dict[str, Case] = {
    "modifiers": modifiers,
    "materials": materials,
    "textured": textured,
    "no_uvs": no_uvs,
    "ngons": ngons,
    "shading": shading,
    "placed": placed,
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_upload_holds_what_blenders_exporter_wrote(case: str, addon: Any, clean_scene: Any, tmp_path: Path) -> None:
    objects, active = CASES[case](clean_scene, tmp_path)
    bpy.context.view_layer.update()
    mine, theirs = ours(objects, active), blenders_own(objects, active, tmp_path)
    assert primitives(mine) == primitives(theirs)
    assert triangles(mine) == triangles(theirs), "the same triangles (Blender's triangulation), winding and UVs"
    assert same_matrices(node_matrices(mine), node_matrices(theirs)), "placed relative to the active object"
    assert material_summary(mine) == material_summary(theirs)
    assert imported(mine, tmp_path, "ours") == imported(theirs, tmp_path, "theirs")


def test_the_same_mesh_gives_the_same_bytes_and_a_changed_one_does_not(
    addon: Any, clean_scene: Any, tmp_path: Path
) -> None:
    """The hash that spares a second upload of an unchanged mesh (``jobs.mesh_upload``)."""
    objects, active = textured(clean_scene, tmp_path)
    bpy.context.view_layer.update()
    first = ours(objects, active)
    assert ours(objects, active) == first
    active.modifiers["Subdivision"].levels = 2
    bpy.context.view_layer.update()
    assert ours(objects, active) != first


def test_textures_go_up_as_the_files_own_bytes(addon: Any, clean_scene: Any, tmp_path: Path) -> None:
    """A PNG on disk and a packed one are embedded as they are (no re-encoding); an image only in
    memory is encoded as PNG."""
    objects, active = textured(clean_scene, tmp_path)
    bpy.context.view_layer.update()
    doc, binary = read_glb(ours(objects, active))
    embedded = {}
    for image in doc["images"]:
        view = doc["bufferViews"][image["bufferView"]]
        embedded[image["name"]] = (
            image["mimeType"],
            binary[view["byteOffset"] : view["byteOffset"] + view["byteLength"]],
        )
    assert embedded["albedo.png"] == ("image/png", (tmp_path / "albedo.png").read_bytes())
    assert embedded["normal.png"] == ("image/png", (tmp_path / "normal.png").read_bytes())
    assert embedded["orm"][0] == "image/png" and embedded["orm"][1].startswith(b"\x89PNG")
