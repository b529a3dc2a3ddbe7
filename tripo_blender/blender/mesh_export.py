"""Export the artist's own mesh (any selected mesh, not only a Tripo result) to a GLB for Tripo.

Tripo post-processes a *model*: for a mesh made in Blender that means a GLB uploaded before the
request (the job's worker uploads it: ``jobs/mesh_upload.py``). What is sent is what the artist
sees: the *evaluated* mesh (modifiers applied), with its materials and UVs, in the glTF exporter's
own conventions (Y up, metres). The transforms are those *relative to the active object*: the
result lands in the active object's place (it takes its transform, :mod:`.placement`), so the
file must not carry that transform a second time. Several selected meshes go into one file.

How: copies of the evaluated meshes go into a temporary scene that only the exporter sees (the
user's scene, selection and undo history are untouched), which is removed right after. The
copies have fixed names, so exporting the same, unchanged mesh again gives the same bytes — the
hash that lets a second operation skip the upload.

What cannot be exported is refused with a sentence (:func:`refusal`): an armature, an empty, a
curve or a mesh without faces — before anything is exported or sent. The caps (Tripo's 150 MB per
upload, Smart UV's 80,000 triangles) are checked here too. Main thread only (``bpy``); it is
quick (a subdivided monkey: about half a second) and does nothing else: hashing and the upload
happen on the worker.
"""

from __future__ import annotations

import contextlib
import logging
import re
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

import bpy

from ..client.inputs import MAX_UPLOAD_BYTES

__all__ = ["ExportedMesh", "ExportFailed", "UPLOAD_MAX_BYTES", "UV_MAX_TRIANGLES", "refusal", "exportable",
           "triangle_count", "export_meshes", "size_problem"]

log = logging.getLogger(__name__)

#: The largest model Tripo takes (bytes): bigger exports are refused before anything is sent.
UPLOAD_MAX_BYTES = MAX_UPLOAD_BYTES
#: Smart UV (``mesh_uv``) takes meshes of at most this many triangles (wire reference R19).
UV_MAX_TRIANGLES = 80_000
_TEMP_NAME = "tripo_export"
_MB = 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_WHAT = {'ARMATURE': "an armature", 'EMPTY': "an empty", 'CAMERA': "a camera", 'LIGHT': "a light",
         'CURVE': "a curve", 'FONT': "a text object", 'SURFACE': "a surface", 'META': "a metaball",
         'GPENCIL': "a grease pencil", 'GREASEPENCIL': "a grease pencil", 'LATTICE': "a lattice",
         'POINTCLOUD': "a point cloud", 'VOLUME': "a volume", 'SPEAKER': "a speaker",
         'LIGHT_PROBE': "a light probe", 'CURVES': "hair curves"}


class ExportFailed(Exception):
    """The selection could not be written as a GLB (the message says why; nothing was sent)."""


@dataclass(frozen=True)
class ExportedMesh:
    """A written GLB: where, how big, and how many triangles it holds."""

    path: str
    size: int
    triangles: int
    objects: tuple[str, ...]


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
    if ob.type != 'MESH':
        what = _WHAT.get(ob.type, f"a {ob.type.lower()} object")
        if ob.type == 'ARMATURE':
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


def size_problem(size: int) -> str | None:
    """Why an export of ``size`` bytes cannot be uploaded (None: it can)."""
    if size <= UPLOAD_MAX_BYTES:
        return None
    return (f"The exported mesh is {size / _MB:.0f} MB; Tripo takes models up to {UPLOAD_MAX_BYTES / _MB:.0f} MB. "
            "Nothing was sent: decimate it (or remove modifiers) and try again")


#: How long an exported GLB may wait for its job: a job keeps its file until Tripo accepted the
#: paid request (a refused reuse, or a Retry, uploads it again), so failed and cancelled jobs leave
#: theirs behind; older ones are pruned at the next export (a later Retry says the file is gone).
EXPORT_KEEP_SECONDS = 3 * 24 * 3600


def _folder(now: float | None = None) -> Path:
    folder = Path(tempfile.gettempdir()) / "tripo_blender_exports"
    folder.mkdir(parents=True, exist_ok=True)
    oldest = (time.time() if now is None else now) - EXPORT_KEEP_SECONDS
    for stale in folder.glob("*.glb"):
        with contextlib.suppress(OSError):  # another Blender may be pruning too
            if stale.stat().st_mtime < oldest:
                stale.unlink()
    return folder


@contextlib.contextmanager
def _rest_pose(objects: Sequence[bpy.types.Object]) -> Iterator[None]:
    """The armatures deforming ``objects`` in their rest pose for a moment, then as they were."""
    rigs = [getattr(m, "object", None) for ob in objects for m in ob.modifiers if m.type == 'ARMATURE']
    armatures = {rig.data for rig in rigs if rig is not None and rig.type == 'ARMATURE'}
    posed = [data for data in armatures if data.pose_position != 'REST']
    view_layer = bpy.context.view_layer
    for data in posed:
        data.pose_position = 'REST'
    try:
        if posed and view_layer is not None:
            view_layer.update()
        yield
    finally:
        for data in posed:
            data.pose_position = 'POSE'
        if posed and view_layer is not None:
            view_layer.update()


def export_meshes(objects: Sequence[bpy.types.Object], active: bpy.types.Object,
                  depsgraph: Any | None = None, *, rest_pose: bool = False) -> ExportedMesh:
    """Write ``objects`` (evaluated, relative to ``active``) to a new temporary GLB.

    ``active`` is the frame the file is written in; it is one of the meshes, except for a Tripo
    result gone up as a mesh (its root may be an empty over the meshes: ``sources.usable_source``).
    ``rest_pose``: skinned meshes go up in their armature's rest pose — such a result's task had
    it so, and a posed mesh would come back posed (or be rigged in its pose).
    Raises :class:`ExportFailed` when nothing can be exported or the exporter fails.
    """
    if rest_pose:
        with _rest_pose(objects):
            return export_meshes(objects, active)
    chosen = exportable(objects, depsgraph)
    if not chosen or (active not in chosen and active.type == 'MESH'):
        raise ExportFailed(f"'{active.name}' cannot be sent: {refusal(active, depsgraph) or 'it is not selected'}")
    if depsgraph is None:
        depsgraph = bpy.context.evaluated_depsgraph_get()
    base = _UNSAFE.sub("_", active.name).strip("_") or "mesh"
    path = _folder() / f"{base}-{uuid.uuid4().hex[:8]}.glb"
    scene = bpy.data.scenes.new(_TEMP_NAME)
    copies: list[tuple[bpy.types.Object, Any]] = []
    triangles = 0
    try:
        frame = active.matrix_world.inverted_safe()
        for index, ob in enumerate([*(o for o in chosen if o is active), *(o for o in chosen if o is not active)]):
            mesh = bpy.data.meshes.new_from_object(ob.evaluated_get(depsgraph), preserve_all_data_layers=True,
                                                   depsgraph=depsgraph)
            mesh.name = f"{_TEMP_NAME}_{index}"
            copy = bpy.data.objects.new(f"{_TEMP_NAME}_{index}", mesh)
            copy.matrix_world = frame @ ob.matrix_world
            scene.collection.objects.link(copy)
            copies.append((copy, mesh))
            triangles += _triangles(mesh)
        _write(scene, path)
    finally:
        for copy, mesh in copies:
            bpy.data.objects.remove(copy, do_unlink=True)
            bpy.data.meshes.remove(mesh, do_unlink=True)
        bpy.data.scenes.remove(scene, do_unlink=True)
    if not path.is_file():
        raise ExportFailed("Blender's glTF exporter wrote no file")
    size = path.stat().st_size
    log.info("exported %d object(s) around %s: %d triangles, %d bytes, %s", len(copies), active.name, triangles,
             size, path)
    return ExportedMesh(str(path), size, triangles, tuple(ob.name for ob in chosen))


def _write(scene: bpy.types.Scene, path: Path) -> None:
    """Run Blender's glTF exporter on ``scene`` alone.

    The exporter makes each exported scene the window's scene and, at the end, "restores" the one
    ``bpy.context.scene`` named when it started — under our override, the temporary scene. Left
    so, the window would show a scene that is deleted right after (the 4.2 module then crashed in
    the next export; a user with several scenes would be switched to another one). So the
    window's own scene is put back here.
    """
    window = bpy.context.window
    user_scene = window.scene if window is not None else None
    try:
        with bpy.context.temp_override(scene=scene, view_layer=scene.view_layers[0]):
            result = bpy.ops.export_scene.gltf(
                filepath=str(path), export_format='GLB', use_active_scene=True, use_selection=False,
                export_apply=False, export_animations=False, export_yup=True, export_texcoords=True,
                export_normals=True, export_materials='EXPORT', export_cameras=False, export_lights=False,
                export_extras=False)
    except (RuntimeError, TypeError, AttributeError) as exc:  # exporter disabled, or refused the data
        raise ExportFailed(f"Blender's glTF exporter failed: {exc}") from None
    finally:
        if window is not None and user_scene is not None and window.scene != user_scene:
            window.scene = user_scene
    if result != {'FINISHED'}:
        raise ExportFailed("Blender's glTF exporter did not finish")
