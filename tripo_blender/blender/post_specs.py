"""The job spec that post-processes an object (:func:`post_process_spec`): the task of a Tripo
result, or the artist's own mesh exported for upload.

The conventions of ``JobSpec.meta`` and of a local source are :mod:`.sources`'s (its docstring).
Why a module of its own: building a spec for a local mesh exports it (:mod:`.mesh_export`, its
GLB writer and mesh snapshot) and plans its upload (:mod:`.uploads`); the checks the context menu
runs at every redraw (:mod:`.sources`) need none of that, and are registered when the add-on is
enabled, while this is needed only once a post-process is sent. Main thread only (``bpy``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..jobs import Job, JobSpec
from ..jobs.kinds import SOURCE_PARAM
from ..jobs.upload_keys import PLAN_KEY
from ..rules.landing_plan import DEFAULT_PLACEMENT, PLACEMENT_MODES
from .mesh_export import ExportFailed, export_meshes
from .sources import Source, local_problem
from .uploads import SOURCE_UID_META, known_upload, mesh_uid, remember_all

__all__ = ["post_process_spec"]


def post_process_spec(
    kind: str,
    source: Source,
    options: Mapping[str, Any] | None = None,
    *,
    name: str,
    placement: str = DEFAULT_PLACEMENT,
    presets: Sequence[str] = (),
    fit_frame_range: bool = False,
    history: Iterable[Job] = (),
) -> JobSpec:
    """The :class:`JobSpec` of post-process ``kind`` (a client method) applied to ``source``
    (from :func:`.sources.source_of`).

    ``options`` are the client method's other keyword arguments; ``presets`` (retarget) are also
    recorded in ``meta`` so the landing can name the actions and find the armature, with
    ``fit_frame_range`` (the artist asked the scene's range to follow the new active action).
    ``history``: the session's jobs (``runtime.jobs()``); for a local mesh, what earlier ones
    uploaded is stored on it first, so an unchanged mesh is not uploaded again. Raises
    TypeError for the source passed as an option, ValueError for an unknown placement or a local
    mesh that cannot go (the options themselves are checked when the job is submitted).
    """
    if placement not in PLACEMENT_MODES:
        raise ValueError(f"Unknown placement {placement!r}; use one of {', '.join(PLACEMENT_MODES)}")
    params = dict(options or {})
    if SOURCE_PARAM in params:
        raise TypeError(f"Pass the source object or task id as the first argument, not as {SOURCE_PARAM}=")
    if source.is_local:
        problem = local_problem(kind, source)
        if problem is None and placement == "REPLACE" and not source.expired_task:
            problem = (
                f"'{source.label}' is your own mesh, not a Tripo result: Replace would delete it. Choose "
                "Hide Source or Keep Both"
            )
        if problem is not None:
            raise ValueError(problem)
        return _local_spec(kind, source, params, name=name, placement=placement, history=history)
    params[SOURCE_PARAM] = source.task_id
    meta: dict[str, Any] = {"source_task_id": source.task_id, "placement": placement}
    if source.root is not None:
        meta["source_object"] = source.root.name
    if presets:
        meta["presets"] = list(presets)
        if fit_frame_range:
            meta["fit_frame_range"] = True
        if source.armature is not None:
            meta["target_armature"] = source.armature.name
    return JobSpec(kind, params, name=name, meta=meta)


def _local_spec(
    kind: str, source: Source, params: dict[str, Any], *, name: str, placement: str, history: Iterable[Job]
) -> JobSpec:
    """The spec of a post-process of a local mesh: the mesh is read now (main thread, quick) and
    its file written on the writer thread; the job's worker waits for it, then uploads it or
    reuses its earlier upload (:mod:`..jobs.mesh_upload`)."""
    root = source.root
    assert root is not None
    uid = mesh_uid(root)
    remember_all(history, root)  # uploads of earlier jobs, so an unchanged mesh is not sent again
    try:
        exported = export_meshes(source.meshes, root, rest_pose=bool(source.expired_task))
    except ExportFailed as exc:
        raise ValueError(str(exc)) from None
    params[SOURCE_PARAM] = exported.path
    meta: dict[str, Any] = {
        "source_task_id": "",
        "source_object": root.name,
        SOURCE_UID_META: uid,
        "placement": placement,
        # size 0: not written yet (the upload step reads the file's own)
        PLAN_KEY: {
            "path": exported.path,
            "size": 0,
            "triangles": exported.triangles,
            "objects": list(exported.objects),
            "known": known_upload(root),
        },
    }
    return JobSpec(kind, params, name=name, meta=meta)
