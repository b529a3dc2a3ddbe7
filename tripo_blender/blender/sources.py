"""Which Tripo task an object came from, and whether a post-process can start from it (the job
spec itself is built by :mod:`.post_specs`).

Post-processes (texture, rig, retarget, convert…) work on a *task*, not on geometry: Tripo
re-uses the model it already has for the source task (the client's ``original_model_task_id``,
apiv3's ``input``). In the scene that task is known from the ``tripo_task_id`` tag the importer
stamps on every object of a result, so an object — the result's root, any of its children, or a
child the user parented under it — leads to its task. The spec then carries the shared
``JobSpec.meta`` conventions (README) so the pump can land the result where the source is:
``source_task_id``, ``source_object`` (a name hint; names change, the tag is looked up first),
``placement``, and for retargets ``presets`` and ``target_armature``.

Options are checked where every job is, when it is submitted (:meth:`..jobs.Runner.submit`
runs the route's one validation, :func:`..client.routes.check`): an unknown option is a
TypeError, a value the client would refuse a ValueError with the client's message (a quadruped
rig with rig model v1.0, ``delight`` without texture v3.5…), before anything is sent.

A mesh that is no Tripo result (made in Blender, imported from elsewhere) is a *local* source
(``Source.task_id`` empty): the spec then carries the exported GLB's path as its source and an
upload plan in ``meta["mesh_upload"]`` (what :mod:`..jobs.mesh_upload` uploads, or reuses when the
mesh is unchanged), and ``meta["source_mesh_uid"]`` for the landing to find the object again.
Several selected meshes go into one file, placed relative to the active one. Armatures, empties,
meshes without faces, a file over Tripo's upload cap and (Smart UV) a mesh over 80,000 triangles
are refused with the reason, before anything is sent.

A Tripo result whose task Tripo no longer keeps (its creation stamp is older than
:data:`..rules.tags.TASK_RETENTION_DAYS`, or a post-process of it was refused as unknown, 2001) is
a mesh like any other to Tripo: :func:`usable_source` turns it into a local source made of the
result's own meshes, so Texture or Rig still work (after an upload) instead of failing on a task
Tripo forgot. Only what needs the task itself (retarget, complete parts) stays refused, with why.

Used by the console API (``tripo.rig(obj)``…) and meant for every other caller that starts a
post-process from an object (the context menu), so the conventions live in one place.
Main thread only (reads ``bpy.data``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import bpy

from ..jobs import Job, JobState
from ..jobs.kinds import RETARGET, SMART_UV, TASK_ONLY_KINDS, kind_of
from ..jobs.model import TASK_UNKNOWN_CODE
from ..rules.landing_plan import DEFAULT_PLACEMENT
from ..rules.tags import TASK_CREATED_PROP, TASK_RETENTION_DAYS, task_age_days
from .batches import is_ours
from .importer import objects_with_task, string_tag, task_id_of
from .mesh_checks import UV_MAX_TRIANGLES, exportable, refusal, triangle_count
from .naming import CHARACTER_PROP

__all__ = [
    "Source",
    "SourceRef",
    "source_of",
    "tagged_ancestor",
    "usable_source",
    "forgotten_tasks",
    "expiry_text",
    "local_problem",
    "DEFAULT_PLACEMENT",
    "UV_KIND",
    "uv_problem",
]

#: An object of a Tripo result, or the id of a task of this API key.
SourceRef = bpy.types.Object | str
#: Smart UV: the one post-process with a documented triangle cap on its input.
UV_KIND = SMART_UV.name


@dataclass(frozen=True)
class Source:
    """A post-process source: its task id, and (when it is in the scene) its objects.

    ``root`` is the topmost object of the tagged result (what placement copies); ``armature`` the
    armature of a rigged result (what a retarget animates), if any. A *local* source (a mesh
    that is no Tripo result) has no task id; ``root`` is the active mesh, ``meshes`` every
    selected mesh that goes into the uploaded file. ``expired_task``: the task of a Tripo result
    that Tripo no longer keeps, whose meshes go up instead (:func:`usable_source`).
    """

    task_id: str
    root: bpy.types.Object | None = None
    armature: bpy.types.Object | None = None
    meshes: tuple[bpy.types.Object, ...] = ()
    expired_task: str = ""

    @property
    def is_local(self) -> bool:
        """True for a mesh that reaches Tripo by upload (no task of its own)."""
        return not self.task_id

    @property
    def label(self) -> str:
        """A short name for job titles: the collection the result is in, unless that is the scene's
        or one of the add-on's ("Tripo", a batch's: named after other results too), else the
        character it belongs to (the job that made it, "Fox"), else the root's name, else the
        start of the task id."""
        if self.root is None:
            return f"task {self.task_id[:8]}"
        if self.is_local:
            return str(self.root.name)
        masters = {scene.collection for scene in bpy.data.scenes}
        named = [c for c in self.root.users_collection if c not in masters and not is_ours(c)]
        if named:
            return str(named[0].name)
        return string_tag(self.root, CHARACTER_PROP) or str(self.root.name)


def tagged_ancestor(ob: bpy.types.Object | None) -> bpy.types.Object | None:
    """``ob`` or its nearest parent carrying a task tag (a user's child under a result counts)."""
    current: bpy.types.Object | None = ob
    while current is not None:
        if task_id_of(current) is not None:
            return current
        current = current.parent
    return None


def _result_root(ob: bpy.types.Object, task_id: str) -> bpy.types.Object:
    """The topmost ancestor of ``ob`` that belongs to the same result (same task tag)."""
    root = ob
    while root.parent is not None and task_id_of(root.parent) == task_id:
        root = root.parent
    return root


def _armature_of(
    start: bpy.types.Object | None, root: bpy.types.Object | None, task_id: str
) -> bpy.types.Object | None:
    """The armature a retarget of this source animates: the object itself when it is one, else one
    in the result's hierarchy, else any armature tagged with the task."""
    if start is not None and start.type == "ARMATURE":
        return start
    candidates = [root, *root.children_recursive] if root is not None else []
    candidates += objects_with_task(task_id)
    return next((ob for ob in candidates if ob is not None and ob.type == "ARMATURE"), None)


def _local_source(ob: bpy.types.Object, selection: Sequence[bpy.types.Object]) -> Source:
    """``ob`` (no Tripo result) as a local source with the other selected meshes; ValueError why not."""
    why = refusal(ob)
    if why is not None:
        raise ValueError(
            f"'{ob.name}' is not a Tripo result, and {why}. Select a mesh with faces, or use "
            "Tripo › Import by Task ID to bring in a model made elsewhere"
        )
    others = [o for o in exportable(selection) if o is not ob]
    return Source("", ob, None, (ob, *others))


def source_of(target: SourceRef, selection: Sequence[bpy.types.Object] = ()) -> Source:
    """Resolve an object of a Tripo result (or a task id) to its :class:`Source`; any other mesh
    to a local source (with the other meshes of ``selection``, the file's content).

    Raises ValueError when the object is neither a Tripo result nor a mesh with faces — the
    message says why and what to pass instead.
    """
    if isinstance(target, str):
        task_id = target.strip()
        if not task_id:
            raise ValueError("The task id is empty: pass an object of a Tripo result or a task id")
        tagged = objects_with_task(task_id)
        root = _result_root(tagged[0], task_id) if tagged else None
        return Source(task_id, root, _armature_of(None, root, task_id))
    if not isinstance(target, bpy.types.Object):
        raise TypeError(f"Expected a Blender object of a Tripo result or a task id string, not {type(target).__name__}")
    tagged_ob = tagged_ancestor(target)
    if tagged_ob is None:
        return _local_source(target, selection)
    tag = task_id_of(tagged_ob)
    assert tag is not None
    root = _result_root(tagged_ob, tag)
    return Source(tag, root, _armature_of(target, root, tag))


def forgotten_tasks(jobs: Iterable[Job]) -> frozenset[str]:
    """Source tasks Tripo answered it no longer knows (2001) when a post-process of them was sent:
    Tripo may forget a task before the retention the stamp assumes. Only a refused POST counts (no
    task of its own): a 2001 for the job's *own* task (polled after a key switch, say) says
    nothing about its source."""
    return frozenset(
        str(job.spec.meta["source_task_id"])
        for job in jobs
        if job.state == JobState.FAILED
        and job.task_id is None
        and job.error is not None
        and job.error.code == TASK_UNKNOWN_CODE
        and job.spec.meta.get("source_task_id")
    )


def _expired_days(root: bpy.types.Object | None) -> float | None:
    """The age of the result's task when it is past Tripo's retention (None: it may still be kept)."""
    if root is None:
        return None
    try:
        age = task_age_days(root[TASK_CREATED_PROP])
    except KeyError:  # unstamped (an older add-on, a followed task): the benefit of the doubt
        return None
    return age if age is not None and age > TASK_RETENTION_DAYS else None


def usable_source(source: Source, jobs: Iterable[Job] = ()) -> Source:
    """``source`` as a new post-process can use it: a Tripo result whose task expired (by its
    stamp, or Tripo refused it among ``jobs``: :func:`forgotten_tasks`) becomes a local source of
    the result's own meshes, uploaded first. Raises ValueError when such a result has no mesh with
    faces. Cheap for the menu's ``poll``: the jobs are only read for a result still in date."""
    if source.is_local or source.root is None:
        return source
    if _expired_days(source.root) is None and source.task_id not in forgotten_tasks(jobs):
        return source
    root = source.root
    meshes = exportable([root, *root.children_recursive])
    expired = replace(source, task_id="", armature=None, meshes=tuple(meshes), expired_task=source.task_id)
    if not meshes:
        raise ValueError(f"'{root.name}': {expiry_text(expired)}, and it holds no mesh with faces to upload instead")
    return expired


def expiry_text(source: Source) -> str:
    """Why a Tripo result goes up as a mesh (a clause): its task's age, or Tripo's own answer."""
    age = _expired_days(source.root)
    if age is None:
        return "Tripo no longer knows its task"
    return (
        f"its Tripo task is {int(age)} days old and has expired on Tripo's side (Tripo keeps tasks about "
        f"{TASK_RETENTION_DAYS} days)"
    )


def local_problem(kind: str, source: Source) -> str | None:
    """Why post-process ``kind`` cannot start from the local mesh ``source`` (None: it can).
    Cheap enough for a menu's ``poll``: nothing is exported."""
    name = source.root.name if source.root is not None else "The selection"
    if kind in TASK_ONLY_KINDS and source.expired_task:
        again = (
            "Rig it again (its mesh is uploaded), then retarget the new rig"
            if kind == RETARGET.name
            else "Segment it again first"
        )
        return f"'{name}': {expiry_text(source)}, and {kind_of(kind).label} needs that task itself. {again}"
    if kind in TASK_ONLY_KINDS:
        if kind == RETARGET.name:
            return f"'{name}' is not rigged by Tripo: use Tripo › Rig… first, then retarget the rigged result"
        return f"{kind_of(kind).label} works on the result of a Tripo step (Segment), not on a mesh of your own"
    return uv_problem(kind, source)


def uv_problem(kind: str, source: Source) -> str | None:
    """Smart UV's triangle cap (80,000), for a local mesh or a Tripo result in the scene."""
    if kind != UV_KIND or source.root is None:
        return None
    meshes = source.meshes or [ob for ob in (source.root, *source.root.children_recursive) if ob.type == "MESH"]
    triangles = triangle_count(meshes)
    if triangles <= UV_MAX_TRIANGLES:
        return None
    return (
        f"'{source.root.name}' has {triangles:,} triangles (modifiers applied); Smart UV takes at most "
        f"{UV_MAX_TRIANGLES:,}. Decimate it first (Tripo › Smart Low Poly, or a Decimate modifier)"
    )
