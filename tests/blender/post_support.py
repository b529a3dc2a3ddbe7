"""Helpers for the context-menu and landing tests: make a Tripo result, select it, find jobs.

Results are made the way a user makes them — a job through the add-on's runtime against the
emulator, landed by the pump — so the objects carry exactly the tags a real session leaves.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import bmesh
import bpy
import pytest
from mathutils import Matrix, Vector

from tests.emulator import Emulator
from tests.emulator.glb import read as read_glb

from .runtime_support import addon_module, created, layout_spy, pump_job

#: glTF is Y up; Blender Z up: (x, y, z) in Blender is (x, z, -y) in the file.
TO_GLTF = Matrix(((1, 0, 0, 0), (0, 0, 1, 0), (0, -1, 0, 0), (0, 0, 0, 1)))


def subdivided_monkey(scene: Any, name: str = "Suzanne") -> Any:
    """A subdivided monkey with a modifier and a material, moved and turned, no Tripo tag."""
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new()
    bm.loops.layers.uv.new("UVMap")
    bmesh.ops.create_monkey(bm, calc_uvs=True)
    bm.to_mesh(mesh)
    bm.free()
    ob = bpy.data.objects.new(name, mesh)
    scene.collection.objects.link(ob)
    ob.location = (1.5, -2.0, 0.5)
    ob.rotation_euler = (0.2, 0.0, 0.7)
    ob.scale = (1.5, 1.5, 1.5)
    subsurf = ob.modifiers.new("Subdivision", "SUBSURF")
    subsurf.levels = 1
    material = bpy.data.materials.new("Clay")
    material.diffuse_color = (0.8, 0.3, 0.2, 1.0)
    mesh.materials.append(material)
    return ob


def objects_of(job: Any) -> list[Any]:
    """The objects a finished job landed (its ``objects`` names), roots first."""
    found = [bpy.data.objects[name] for name in job.objects]
    return sorted(found, key=lambda ob: ob.parent in found)


def root_of(job: Any) -> Any:
    roots = [ob for ob in objects_of(job) if ob.parent not in objects_of(job)]
    assert len(roots) == 1, [ob.name for ob in roots]
    return roots[0]


def make_result(rt: Any, kind: str = "text_to_model", name: str = "Fox", **params: Any) -> Any:
    """Run one generation job to the end; returns its final snapshot."""
    params.setdefault("prompt", "a small fox")
    spec = addon_module("jobs").JobSpec(kind, params, name=name)
    return pump_job(rt, rt.submit(spec).id, "done")


def select(*objects: Any) -> None:
    """Select exactly ``objects``; the first becomes active (as a click, then shift-clicks, do)."""
    view_layer = bpy.context.view_layer
    for ob in view_layer.objects:
        ob.select_set(False)
    for ob in objects:
        ob.select_set(True)
    view_layer.objects.active = objects[0] if objects else None


def newest(rt: Any, kind: str) -> Any:
    """The newest job of ``kind`` the runtime knows."""
    return next(j for j in rt.jobs() if j.kind == kind)


def finish(rt: Any, kind: str, state: str = "done") -> Any:
    """Pump the newest job of ``kind`` to ``state`` and return it."""
    return pump_job(rt, newest(rt, kind).id, state)


def posted(emulator: Emulator, task_type: str) -> list[dict[str, Any]]:
    """Bodies of the task-creating requests of ``task_type`` (its apiv3 route), in order."""
    return [r.json for r in created(emulator, task_type) if isinstance(r.json, dict)]


def armatures() -> list[Any]:
    return [ob for ob in bpy.data.objects if ob.type == "ARMATURE"]


class DialogDouble:
    """Stands in for a running operator while its ``draw`` builds the dialog.

    Operator instances exist only inside Blender's own calls, and in background mode
    ``INVOKE_DEFAULT`` skips ``invoke`` (there is no window), so dialogs cannot be opened for real.
    This double gives ``draw`` what an instance has — property values (the RNA defaults, or those
    given), ``properties``, ``layout`` — and the class's own methods, bound to itself.
    """

    def __init__(self, op_class: Any, layout: Any, **values: Any) -> None:
        self._class = op_class
        self.layout = layout
        module, name = op_class.bl_idname.split(".")
        rna = getattr(getattr(bpy.ops, module), name).get_rna_type()  # the operator's properties
        self.properties = SimpleNamespace(bl_rna=rna, is_property_set=lambda name: name in values)
        for prop in rna.properties:
            if prop.identifier == "rna_type":
                continue
            if prop.type == "POINTER":
                continue
            if prop.type == "COLLECTION":
                default: Any = []
            elif prop.type == "ENUM" and prop.is_enum_flag:
                default = set(prop.default_flag)
            else:
                default = prop.default
            setattr(self, prop.identifier, values.get(prop.identifier, default))

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._class, name)
        return attr.__get__(self) if callable(attr) and hasattr(attr, "__get__") else attr


def draw_dialog(op_class: Any, **values: Any) -> Any:
    """Draw ``op_class``'s dialog for the current selection; returns the recording layout."""
    layout = layout_spy()
    op_class.draw(DialogDouble(op_class, layout, **values), bpy.context)
    return layout


def poll_message(op_name: str) -> str | None:
    """None when the item is enabled, else its poll message (what the greyed item's tooltip says)."""
    op = getattr(bpy.ops.tripo, op_name)
    if op.poll():
        return None
    with pytest.raises(RuntimeError) as info:
        op()
    return str(info.value)


def evaluated_mesh(ob: Any) -> tuple[int, Vector, Vector]:
    """Triangles and local bounds (glTF axes) of the evaluated mesh: what the file must hold."""
    mesh = ob.evaluated_get(bpy.context.evaluated_depsgraph_get()).data
    triangles = len(mesh.loops) - 2 * len(mesh.polygons)
    points = [TO_GLTF @ v.co for v in mesh.vertices]
    low = Vector(tuple(min(p[i] for p in points) for i in range(3)))
    high = Vector(tuple(max(p[i] for p in points) for i in range(3)))
    return triangles, low, high


def glb_mesh(data: bytes) -> tuple[int, Vector, Vector, list[str]]:
    """Triangles, bounds of the positions (as the accessors declare them) and material names."""
    doc, _binary = read_glb(data)
    triangles = 0
    lows, highs = [], []
    for mesh in doc["meshes"]:
        for primitive in mesh["primitives"]:
            triangles += doc["accessors"][primitive["indices"]]["count"] // 3
            position = doc["accessors"][primitive["attributes"]["POSITION"]]
            lows.append(Vector(position["min"]))
            highs.append(Vector(position["max"]))
            assert "TEXCOORD_0" in primitive["attributes"], "the UVs are kept"
    low = Vector(tuple(min(v[i] for v in lows) for i in range(3)))
    high = Vector(tuple(max(v[i] for v in highs) for i in range(3)))
    return triangles, low, high, [m.get("name", "") for m in doc.get("materials", [])]
