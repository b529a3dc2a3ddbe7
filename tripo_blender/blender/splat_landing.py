"""A Gaussian splat into the scene: native on Blender 5.3+, a coloured point cloud before.

The file was read on the job's worker thread (:mod:`..jobs.splats`); here, on the main thread,
the ready float32 arrays only go into Blender data through ``foreach_set`` (one call per
attribute, through the buffer protocol: no Python float per value).

* **Blender 5.3+** (a point cloud can be of type ``GAUSSIAN_SPLAT``): a point cloud with every
  gaussian and the attributes Blender's own PLY, SPZ and glTF importers write — ``position``,
  ``scale`` (linear), ``rotation`` (quaternion), ``radiance:base`` (the SH DC term r, g, b and the
  opacity) and ``radiance:sh_0…`` (the higher coefficients). Blender draws it as a splat.
* **Before 5.3** nothing draws splats, and 4.2–5.0 cannot even size a point cloud from Python (no
  ``resize``; 5.1 and 5.2 can, and take the same path, so there is one fallback): a mesh of one
  vertex per gaussian with a ``Col`` colour (the base colour, the opacity as alpha), ``opacity``,
  ``scale`` and ``rotation`` attributes, made points by a Geometry Nodes
  modifier ("Mesh to Points", each point as big as its gaussian: :data:`RADIUS_SIGMAS` times the
  geometric mean of its scales) with an emissive material that shows the colours
  (:data:`POINTS_GROUP`, :data:`POINTS_MATERIAL`, shared by every splat of the file).

A Y-up file (SPZ, glTF) gets a quarter turn about X on the object instead of a turned copy of its
data (:mod:`..jobs.splats.gaussians` says why). The object goes into a collection of its own at
the given location, tagged like every result, selected and active; :func:`land_splat` pushes no
undo step (the caller's landing pushes one for everything). Whatever fails part-way is removed
again, and the reason is an :class:`.importer.ImportFailed`.
"""

from __future__ import annotations

import logging
import math
import time
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import bpy

from ..jobs.splats import Splat, SplatError, ready_splats
from ..jobs.splats.gaussians import interleave
from .importer import ImportFailed, Tags, cursor_location, tag_objects
from .splat_tag import SPLAT_PROP

__all__ = [
    "LandedSplat",
    "POINTS_GROUP",
    "POINTS_MATERIAL",
    "RADIUS_SIGMAS",
    "COLOR_ATTRIBUTE",
    "native_splats",
    "land_splat",
]

log = logging.getLogger(__name__)

#: The Geometry Nodes group and the material that show a splat as points before Blender 5.3.
POINTS_GROUP = "Tripo Splat Points"
POINTS_MATERIAL = "Tripo Splat Points"
#: A point's radius in standard deviations of its gaussian (a 1.5 σ ball covers what a splat
#: visibly covers, without the blobs a 3 σ one makes).
RADIUS_SIGMAS = 1.5
#: The base colour and opacity of the points (the name Blender's own imports give a colour).
COLOR_ATTRIBUTE = "Col"
#: Marks the group and material this module made (they are reused only then).
_MADE_BY = "tripo_splat_points"
_QUARTER_TURN_X = (math.pi / 2.0, 0.0, 0.0)
_GEOMETRY_NODES: Any = "GeometryNodeTree"  # typed Any: the stubs' literal list lacks it


@dataclass
class LandedSplat:
    """What :func:`land_splat` put in the scene."""

    object: bpy.types.Object
    collection: bpy.types.Collection
    count: int
    native: bool
    source: str

    @property
    def note(self) -> str:
        """The job row's note: what landed, and how."""
        how = "" if self.native else "; shown as points (Blender 5.3 draws Gaussian splats natively)"
        return f"Gaussian splat of {self.count:,} gaussians ({self.source}){how}"


def native_splats() -> bool:
    """Whether this Blender has Gaussian-splat point clouds that Python can fill (5.3+)."""
    rna: Any = bpy.types.PointCloud.bl_rna  # the stubs predate 5.3's point cloud types
    kind = rna.properties.get("type")
    return kind is not None and "GAUSSIAN_SPLAT" in kind.enum_items.keys() and "resize" in rna.functions.keys()


def _attribute(data: Any, name: str, data_type: str, key: str, values: array[float]) -> None:
    found = data.attributes.get(name)
    attribute = found if found is not None else data.attributes.new(name, data_type, "POINT")
    attribute.data.foreach_set(key, values)


def _native(name: str, splat: Splat) -> bpy.types.PointCloud:
    """A ``GAUSSIAN_SPLAT`` point cloud with the attributes Blender 5.3's importers write."""
    cloud: Any = bpy.data.pointclouds.new(name)  # resize and type: 5.3 (newer than the stubs)
    cloud.resize(splat.count)
    cloud.type = "GAUSSIAN_SPLAT"
    dc = splat.sh_dc
    _attribute(cloud, "position", "FLOAT_VECTOR", "vector", splat.positions)
    _attribute(cloud, "radiance:base", "FLOAT4", "vector", interleave([dc[0::3], dc[1::3], dc[2::3], splat.opacities]))
    _attribute(cloud, "scale", "FLOAT_VECTOR", "vector", splat.scales)
    _attribute(cloud, "rotation", "QUATERNION", "value", splat.rotations)
    for k, plane in enumerate(splat.sh_rest):
        _attribute(cloud, f"radiance:sh_{k}", "FLOAT_VECTOR", "vector", plane)
    return cloud


def _vertex_cloud(name: str, splat: Splat) -> bpy.types.Mesh:
    """One vertex per gaussian, with the attributes the points show (see the module docstring)."""
    mesh = bpy.data.meshes.new(name)
    mesh.vertices.add(splat.count)
    mesh.vertices.foreach_set("co", splat.positions)
    rgb = splat.colors
    _attribute(
        mesh,
        COLOR_ATTRIBUTE,
        "BYTE_COLOR",
        "color_srgb",
        interleave([rgb[0::3], rgb[1::3], rgb[2::3], splat.opacities]),
    )
    _attribute(mesh, "opacity", "FLOAT", "value", splat.opacities)
    _attribute(mesh, "scale", "FLOAT_VECTOR", "vector", splat.scales)
    _attribute(mesh, "rotation", "QUATERNION", "value", splat.rotations)
    mesh.color_attributes.active_color_name = COLOR_ATTRIBUTE
    mesh.update()
    return mesh


def _ours(datablock: Any) -> bool:
    return datablock is not None and _MADE_BY in datablock.keys()


def _points_material() -> bpy.types.Material:
    """Emission of the base colour, see-through by the opacity (a splat's colour is light it
    gives, not a surface lit by the scene)."""
    found: Any = bpy.data.materials.get(POINTS_MATERIAL)
    if _ours(found):
        return cast(bpy.types.Material, found)
    material = bpy.data.materials.new(POINTS_MATERIAL)
    material[_MADE_BY] = 1
    if bpy.app.version < (5, 0, 0):  # always on from 5.0 (the switch is deprecated there)
        material.use_nodes = True
    tree: Any = material.node_tree
    nodes, links = tree.nodes, tree.links
    nodes.clear()
    color = nodes.new("ShaderNodeAttribute")
    color.attribute_name = COLOR_ATTRIBUTE
    opacity = nodes.new("ShaderNodeAttribute")
    opacity.attribute_name = "opacity"
    emission = nodes.new("ShaderNodeEmission")
    clear = nodes.new("ShaderNodeBsdfTransparent")
    mix = nodes.new("ShaderNodeMixShader")
    output = nodes.new("ShaderNodeOutputMaterial")
    links.new(color.outputs["Color"], emission.inputs["Color"])
    links.new(opacity.outputs["Fac"], mix.inputs["Fac"])
    links.new(clear.outputs["BSDF"], mix.inputs[1])
    links.new(emission.outputs["Emission"], mix.inputs[2])
    links.new(mix.outputs["Shader"], output.inputs["Surface"])
    for index, node in enumerate((color, opacity, emission, clear, mix, output)):
        node.location = (200.0 * (index % 3), -200.0 * (index // 3))
    return material


def _math(tree: Any, operation: str, a: Any, b: Any) -> Any:
    node = tree.nodes.new("ShaderNodeMath")
    node.operation = operation
    for socket, value in zip(node.inputs, (a, b)):
        if isinstance(value, float):
            socket.default_value = value
        else:
            tree.links.new(value, socket)
    return node.outputs["Value"]


def _points_group() -> bpy.types.NodeTree:
    """Mesh → points, each of radius :data:`RADIUS_SIGMAS` · ∛(sx·sy·sz), with the material."""
    found: Any = bpy.data.node_groups.get(POINTS_GROUP)
    if _ours(found) and found.bl_idname == _GEOMETRY_NODES:
        return cast(bpy.types.NodeTree, found)
    tree: Any = bpy.data.node_groups.new(POINTS_GROUP, _GEOMETRY_NODES)
    tree[_MADE_BY] = 1
    tree.interface.new_socket("Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
    tree.interface.new_socket("Geometry", in_out="OUTPUT", socket_type="NodeSocketGeometry")
    nodes, links = tree.nodes, tree.links
    group_in, group_out = nodes.new("NodeGroupInput"), nodes.new("NodeGroupOutput")
    scale = nodes.new("GeometryNodeInputNamedAttribute")
    scale.data_type = "FLOAT_VECTOR"
    scale.inputs["Name"].default_value = "scale"
    axes = nodes.new("ShaderNodeSeparateXYZ")
    links.new(scale.outputs["Attribute"], axes.inputs["Vector"])
    volume = _math(tree, "MULTIPLY", _math(tree, "MULTIPLY", axes.outputs["X"], axes.outputs["Y"]), axes.outputs["Z"])
    radius = _math(tree, "MULTIPLY", _math(tree, "POWER", volume, 1.0 / 3.0), RADIUS_SIGMAS)
    points = nodes.new("GeometryNodeMeshToPoints")
    links.new(group_in.outputs["Geometry"], points.inputs["Mesh"])
    links.new(radius, points.inputs["Radius"])
    material = nodes.new("GeometryNodeSetMaterial")
    material.inputs["Material"].default_value = _points_material()
    links.new(points.outputs["Points"], material.inputs["Geometry"])
    links.new(material.outputs["Geometry"], group_out.inputs["Geometry"])
    for index, node in enumerate(nodes):
        node.location = (180.0 * index, 0.0)
    return tree


def _take(path: str) -> Splat:
    try:
        return ready_splats.take(path)
    except SplatError as exc:
        raise ImportFailed(str(exc)) from None


def land_splat(path: str, *, name: str, tags: Tags, location: Sequence[float] | None = None) -> LandedSplat:
    """Land the splat file at ``path`` as ``name`` (see the module docstring).

    ``location`` defaults to the 3D cursor. Raises :class:`ImportFailed` (nothing left in the
    scene) when the file is no readable splat or Blender refuses the data.
    """
    scene, view_layer = bpy.context.scene, bpy.context.view_layer
    if scene is None or view_layer is None:
        raise ImportFailed("there is no active scene to land the splat in")
    splat = _take(path)
    started = time.perf_counter()
    native = native_splats()
    made: list[Any] = []
    try:
        data = _native(name, splat) if native else _vertex_cloud(name, splat)
        made.append(data)
        ob = bpy.data.objects.new(name, data)
        made.append(ob)
        if not native:
            modifier: Any = ob.modifiers.new("Splat as points", "NODES")
            modifier.node_group = _points_group()
        collection = bpy.data.collections.new(name)
        made.append(collection)
        scene.collection.children.link(collection)
        collection.objects.link(ob)
    except (RuntimeError, TypeError, ValueError, MemoryError) as exc:
        bpy.data.batch_remove(made)  # whatever was made, of any type
        raise ImportFailed(f"Blender could not make the splat: {exc}") from None
    if splat.y_up:
        ob.rotation_euler = _QUARTER_TURN_X
    ob.location = tuple(location) if location is not None else cursor_location(scene)
    tags = {**tags, SPLAT_PROP: splat.count}
    tag_objects([ob], tags)
    for key, value in tags.items():
        collection[key] = value
    for other in view_layer.objects:
        if other.select_get():
            other.select_set(False)
    ob.select_set(True)
    view_layer.objects.active = ob
    log.info(
        "Landed %s: %d gaussians (%s, %s) in %.3f s",
        name,
        splat.count,
        splat.source,
        "native" if native else "points",
        time.perf_counter() - started,
    )
    return LandedSplat(ob, collection, splat.count, native, splat.source)
