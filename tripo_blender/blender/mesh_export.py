"""Export the artist's own mesh (any selected mesh, not only a Tripo result) to a GLB for Tripo.

Tripo post-processes a *model*: for a mesh made in Blender that means a GLB uploaded before the
request (the job's worker uploads it: ``jobs/mesh_upload.py``). What is sent is what the artist
sees: the *evaluated* mesh (modifiers applied), with its materials and UVs, in the glTF exporter's
own conventions (Y up, metres). The transforms are those *relative to the active object*: the
result lands in the active object's place (it takes its transform, :mod:`.placement`), so the
file must not carry that transform a second time. Several selected meshes go into one file.

How, and why so: Blender's glTF exporter held the main thread 3-4.5 s for a sculpt of a million
triangles (~120 ms even for a small mesh with a modifier: its fixed cost, a temporary scene and
copies of the meshes). Now the main thread only *reads* the evaluated meshes into arrays
(:mod:`.mesh_snapshot`, ~25 ms for a million triangles, under a wait cursor) and the GLB is
written from them on a background thread (:mod:`.glb_writer`, queued on
:data:`..jobs.mesh_writes.EXPORT_WRITES`); the job's upload step waits for the file, its row
saying "Preparing the mesh…". The user's scene, selection and undo history are untouched. The
file has fixed names, so exporting the same, unchanged mesh again gives the same bytes — the
hash that lets a second operation skip the upload.

What cannot be exported is refused with a sentence (:func:`.mesh_checks.refusal`): an armature, an empty, a
curve or a mesh without faces — before anything is read or sent. The caps (Tripo's 150 MB per
upload, Smart UV's 80,000 triangles) are checked here too: a mesh whose file could not fit the
upload cap whatever it holds is refused at once; a file that turns out too big once written
fails its job with the same sentence, before anything is sent. Main thread only (``bpy``).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bpy

from ..client.inputs import MAX_UPLOAD_BYTES
from ..jobs.mesh_writes import EXPORT_WRITES
from .glb_writer import SceneArrays, least_bytes, write_glb
from .mesh_checks import exportable, refusal
from .mesh_snapshot import read_scene
from .windows import wait_cursor

__all__ = [
    "ExportedMesh",
    "ExportFailed",
    "UPLOAD_MAX_BYTES",
    "export_meshes",
    "size_problem",
]

log = logging.getLogger(__name__)

#: The largest model Tripo takes (bytes): bigger exports are refused before anything is sent.
UPLOAD_MAX_BYTES = MAX_UPLOAD_BYTES
_MB = 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


class ExportFailed(Exception):
    """The selection could not be written as a GLB (the message says why; nothing was sent)."""


@dataclass(frozen=True)
class ExportedMesh:
    """A GLB being written: where it will be, the least it can weigh, the triangles it holds."""

    path: str
    least_size: int
    triangles: int
    objects: tuple[str, ...]


def size_problem(size: int, *, at_least: bool = False) -> str | None:
    """Why an export of ``size`` bytes (``at_least``: or more) cannot be uploaded (None: it can)."""
    if size <= UPLOAD_MAX_BYTES:
        return None
    weight = f"would be at least {size / _MB:.0f} MB" if at_least else f"is {size / _MB:.0f} MB"
    return (
        f"The exported mesh {weight}; Tripo takes models up to {UPLOAD_MAX_BYTES / _MB:.0f} MB. "
        "Nothing was sent: decimate it (or remove modifiers) and try again"
    )


#: How long an exported GLB may wait for its job: a job keeps its file until Tripo accepted the
#: paid request (a refused reuse, or a Retry, uploads it again), so failed and cancelled jobs leave
#: theirs behind; older ones are pruned at the next export (a later Retry says the file is gone),
#: by the writer thread: listing a folder is no work for the main thread.
EXPORT_KEEP_SECONDS = 3 * 24 * 3600


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "tripo_blender_exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _prune(folder: Path, now: float | None = None) -> None:
    """Remove exports (and partial files) older than :data:`EXPORT_KEEP_SECONDS`."""
    oldest = (time.time() if now is None else now) - EXPORT_KEEP_SECONDS
    for stale in (*folder.glob("*.glb"), *folder.glob("*.glb.part")):
        with contextlib.suppress(OSError):  # another Blender may be pruning too
            if stale.stat().st_mtime < oldest:
                stale.unlink()


@contextlib.contextmanager
def _rest_pose(objects: Sequence[bpy.types.Object]) -> Iterator[None]:
    """The armatures deforming ``objects`` in their rest pose for a moment, then as they were."""
    rigs = [getattr(m, "object", None) for ob in objects for m in ob.modifiers if m.type == "ARMATURE"]
    armatures = {rig.data for rig in rigs if rig is not None and rig.type == "ARMATURE"}
    posed = [data for data in armatures if data.pose_position != "REST"]
    view_layer = bpy.context.view_layer
    for data in posed:
        data.pose_position = "REST"
    try:
        if posed and view_layer is not None:
            view_layer.update()
        yield
    finally:
        for data in posed:
            data.pose_position = "POSE"
        if posed and view_layer is not None:
            view_layer.update()


def export_meshes(
    objects: Sequence[bpy.types.Object],
    active: bpy.types.Object,
    depsgraph: Any | None = None,
    *,
    rest_pose: bool = False,
) -> ExportedMesh:
    """Read ``objects`` (evaluated, relative to ``active``) and start writing them to a new
    temporary GLB on the writer thread; returns at once with the path the file will have.

    ``active`` is the frame the file is written in; it is one of the meshes, except for a Tripo
    result gone up as a mesh (its root may be an empty over the meshes: ``sources.usable_source``).
    ``rest_pose``: skinned meshes go up in their armature's rest pose — such a result's task had
    it so, and a posed mesh would come back posed (or be rigged in its pose).
    Raises :class:`ExportFailed` when nothing can be exported, or when the file could not fit
    Tripo's cap whatever it holds (a file that turns out too big once written fails its job).
    """
    with wait_cursor(_window()):  # all of it: choosing evaluates the meshes, a rest pose re-evaluates them
        if rest_pose:
            with _rest_pose(objects):
                return _export(objects, active, None)
        return _export(objects, active, depsgraph)


def _export(objects: Sequence[bpy.types.Object], active: bpy.types.Object, depsgraph: Any | None) -> ExportedMesh:
    """:func:`export_meshes` under its wait cursor."""
    chosen = exportable(objects, depsgraph)
    if not chosen or (active not in chosen and active.type == "MESH"):
        raise ExportFailed(f"'{active.name}' cannot be sent: {refusal(active, depsgraph) or 'it is not selected'}")
    if depsgraph is None:
        depsgraph = bpy.context.evaluated_depsgraph_get()
    try:
        scene, image_bytes = read_scene(chosen, active, depsgraph)
    except (KeyError, RuntimeError, ValueError) as exc:  # an attribute this mesh lacks, a bad n-gon
        raise ExportFailed(f"'{active.name}' could not be read for upload: {exc}") from None
    least = least_bytes(scene, image_bytes)
    problem = size_problem(least, at_least=True)
    if problem is not None:
        raise ExportFailed(problem)
    base = _UNSAFE.sub("_", active.name).strip("_") or "mesh"
    path = _folder() / f"{base}-{uuid.uuid4().hex[:8]}.glb"
    triangles = sum(len(m.tri_faces) for m in scene.meshes)
    log.info(
        "read %d object(s) around %s for upload: %d triangles, at least %d bytes, writing %s",
        len(chosen),
        active.name,
        triangles,
        least,
        path,
    )
    exported = ExportedMesh(str(path), least, triangles, tuple(ob.name for ob in chosen))
    EXPORT_WRITES.start(str(path), functools.partial(_write, scene, path))  # last: the writer takes the GIL at times
    return exported


def _write(scene: SceneArrays, path: Path) -> int:
    """The writer thread's part (no ``bpy``): old exports pruned, then the GLB, unless it would
    exceed Tripo's cap."""
    started = time.perf_counter()
    _prune(path.parent)
    size = write_glb(scene, path, refuse=size_problem)
    log.info("wrote %s: %d bytes in %.0f ms", path, size, (time.perf_counter() - started) * 1e3)
    return size


def _window() -> Any:
    """The window the artist works in (None in background mode, or a timer's context)."""
    return bpy.context.window
