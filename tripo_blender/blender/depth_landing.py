"""An image-to-depth result in the scene: the depth map as a Blender image, and a relief plane.

Why a plane as well as the image: a depth map alone is a grey picture in the Image Editor; what an
artist wants from one is relief — a backdrop card, a bas-relief, a quick 2.5-D layout. A grid with
the image's proportions, standing upright and facing the front view, displaced by the map through
its UVs (a Displace modifier, so strength and detail stay editable), shows that at once. The map
is Tripo's: light is near (``gray``) — the plane's near parts come towards the viewer.

Nothing here decides whether a job lands this way: :mod:`.landing` does, from the kind's outputs.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

import bmesh
import bpy

from .batches import batch_collection
from .importer import ImportFailed, cursor_location, tag_objects

__all__ = ["DEPTH_OUTPUT", "PLANE_SIZE", "RELIEF", "land_depth_plane"]

log = logging.getLogger(__name__)

#: The output key of an image-to-depth task (``output.depth_image``; kinds.IMAGE_TO_DEPTH).
DEPTH_OUTPUT = "depth_image"
#: The plane's long side in metres (the short side follows the image's proportions).
PLANE_SIZE = 2.0
#: How far the nearest point stands out, as a fraction of the long side.
RELIEF = 0.25
#: Grid cells along the long side: enough for a depth map's shapes, light enough to edit.
CELLS = 256


def _grid(name: str, width: float, height: float, cells_x: int, cells_y: int) -> bpy.types.Mesh:
    """A flat grid ``width`` × ``height`` in XY, centred, with a UV map spanning the image."""
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new()
    try:
        bm.loops.layers.uv.new("UVMap")
        bmesh.ops.create_grid(bm, x_segments=cells_x, y_segments=cells_y, size=0.5, calc_uvs=True)
        bmesh.ops.scale(bm, vec=(width, height, 1.0), verts=list(bm.verts))
        bm.to_mesh(mesh)
    finally:
        bm.free()
    return mesh


def _material(name: str, image: bpy.types.Image) -> bpy.types.Material:
    """The map itself on the plane, unlit-looking enough to read as what it is."""
    material = bpy.data.materials.new(name)
    if bpy.app.version < (5, 0, 0):  # always on from 5.0 (the switch is deprecated there)
        material.use_nodes = True
    tree: Any = material.node_tree
    texture = tree.nodes.new("ShaderNodeTexImage")
    texture.image = image
    texture.extension = "EXTEND"
    texture.location = (-400.0, 300.0)
    principled = next((n for n in tree.nodes if n.bl_idname == "ShaderNodeBsdfPrincipled"), None)
    if principled is not None:
        tree.links.new(texture.outputs["Color"], principled.inputs["Base Color"])
    return material


def land_depth_plane(
    image: bpy.types.Image,
    *,
    name: str,
    batch: str,
    tags: Mapping[str, str | int],
    location: Sequence[float] | None = None,
) -> bpy.types.Object:
    """A plane displaced by ``image`` named ``name``, in ``batch``'s collection under "Tripo",
    tagged like every result, at ``location`` (default: the 3D cursor). Raises
    :class:`ImportFailed` (nothing left in the scene) when Blender refuses the data."""
    scene = bpy.context.scene
    if scene is None:
        raise ImportFailed("there is no active scene to land the depth plane in")
    width_px, height_px = (int(v) for v in image.size)
    if width_px <= 0 or height_px <= 0:
        raise ImportFailed(f"the depth map {image.name} has no pixels Blender can read")
    wide = width_px >= height_px
    width = PLANE_SIZE if wide else PLANE_SIZE * width_px / height_px
    height = PLANE_SIZE * height_px / width_px if wide else PLANE_SIZE
    cells_x = CELLS if wide else max(1, round(CELLS * width_px / height_px))
    cells_y = max(1, round(CELLS * height_px / width_px)) if wide else CELLS
    made: list[Any] = []
    try:
        mesh = _grid(name, width, height, cells_x, cells_y)
        made.append(mesh)
        mesh.materials.append(_material(name, image))
        made.append(mesh.materials[0])
        texture: Any = bpy.data.textures.new(name, "IMAGE")
        made.append(texture)
        texture.image = image
        texture.extension = "EXTEND"
        ob = bpy.data.objects.new(name, mesh)
        made.append(ob)
        displace: Any = ob.modifiers.new("Depth", "DISPLACE")
        displace.texture = texture
        displace.texture_coords = "UV"
        displace.mid_level = 0.0  # black (far) stays in the plane; white (near) comes forward
        displace.strength = RELIEF * PLANE_SIZE
        batch_collection(scene, batch, name).objects.link(ob)
    except (RuntimeError, TypeError, ValueError, MemoryError) as exc:
        bpy.data.batch_remove(made)  # whatever was made, of any type
        raise ImportFailed(f"Blender could not make the depth plane: {exc}") from None
    ob.rotation_euler = (math.pi / 2, 0.0, 0.0)  # upright, facing the front view (-Y): relief towards it
    ob.location = tuple(location) if location is not None else cursor_location(scene)
    tag_objects([ob], dict(tags))
    log.info(
        "Landed the depth plane %s (%d × %d cells, %d × %d px map)", ob.name, cells_x, cells_y, width_px, height_px
    )
    return ob
