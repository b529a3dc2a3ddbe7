"""What can be sent to Tripo as a mesh, and how many triangles it holds: the quick checks of a
selection, apart from the export itself (:mod:`.mesh_export`).

Why a module of its own: the context menu's ``poll`` and dialogs ask these questions at every
redraw, so the add-on registers them at enable, while the export (its GLB writer and mesh
snapshot) is needed only once a post-process of a local mesh is sent. Main thread only (``bpy``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import bpy

__all__ = ["UV_MAX_TRIANGLES", "refusal", "exportable", "triangle_count"]

#: Smart UV (``mesh_uv``) takes meshes of at most this many triangles (docs/apiv3.md#post-processes).
UV_MAX_TRIANGLES = 80_000
_WHAT = {
    "ARMATURE": "an armature",
    "EMPTY": "an empty",
    "CAMERA": "a camera",
    "LIGHT": "a light",
    "CURVE": "a curve",
    "FONT": "a text object",
    "SURFACE": "a surface",
    "META": "a metaball",
    "GPENCIL": "a grease pencil",
    "GREASEPENCIL": "a grease pencil",
    "LATTICE": "a lattice",
    "POINTCLOUD": "a point cloud",
    "VOLUME": "a volume",
    "SPEAKER": "a speaker",
    "LIGHT_PROBE": "a light probe",
    "CURVES": "hair curves",
}


def _evaluated_mesh(ob: bpy.types.Object, depsgraph: Any | None) -> Any:
    """The mesh with its modifiers applied (what the file holds); the context's depsgraph is
    already evaluated for the viewport, so reading it in a ``poll`` costs little."""
    graph = depsgraph if depsgraph is not None else bpy.context.evaluated_depsgraph_get()
    return ob.evaluated_get(graph).data


def _triangles(mesh: Any) -> int:
    """Triangles of a mesh without triangulating it: a polygon of n corners makes n - 2."""
    return max(0, len(mesh.loops) - 2 * len(mesh.polygons))


def refusal(ob: bpy.types.Object | None, depsgraph: Any | None = None) -> str | None:
    """Why ``ob`` cannot be sent to Tripo as a mesh, as a clause ("it is an armature…"); None: it can."""
    if ob is None:
        return "nothing is selected"
    if ob.type != "MESH":
        what = _WHAT.get(ob.type, f"a {ob.type.lower()} object")
        if ob.type == "ARMATURE":
            return f"it is {what}: select the mesh it deforms"
        return f"it is {what}, not a mesh with faces"
    if not len(_evaluated_mesh(ob, depsgraph).polygons):
        return "it has no faces (only vertices or edges), and Tripo needs a surface"
    return None


def exportable(objects: Sequence[bpy.types.Object], depsgraph: Any | None = None) -> list[bpy.types.Object]:
    """The objects of a selection that go into the file: meshes with faces, in selection order."""
    return [ob for ob in objects if refusal(ob, depsgraph) is None]


def triangle_count(objects: Sequence[bpy.types.Object], depsgraph: Any | None = None) -> int:
    """Triangles of the evaluated meshes (what the file will hold)."""
    return sum(_triangles(_evaluated_mesh(ob, depsgraph)) for ob in objects)
