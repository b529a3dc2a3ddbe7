"""What the Tripo context menu may do with the selected object, and why not.

A post-process (texture, rig, retarget, convert…) works on a Tripo *task*, found through the
``tripo_task_id`` tag of the object or one of its parents (:func:`.sources.source_of`). Whether
Tripo accepts that task depends on what made it: retargeting needs a successful ``animate_rig``
task of the Tripo spec, completion a segmentation, and so on (``Kind.accepts`` in
:mod:`..jobs.kinds`). And Tripo keeps task records about 7 days: an older task is no longer
known (2001), so it cannot be post-processed as a task. The landing tags every object with its task
type (``tripo_task_type``), its creation time (``tripo_task_created``) and, for rigs, the spec
and format, so the menu can grey out what Tripo would refuse — *before* anyone pays or waits — and
say why (``poll_message_set``). A task followed with "Import by Task ID" is tagged with the type
and creation time the server reported. One of unknown type or age (objects tagged by an older
version) gets the benefit of the doubt: Tripo answers for it, and retargeting falls back to "has
an armature".

A Tripo result older than that is treated as a mesh of one's own (below): Tripo no longer has
its task, so its meshes are uploaded first (:func:`.sources.usable_source`).

Any other mesh is a *local* source (issue 11): the same items apply, its file is uploaded by the
job (:mod:`.sources`); what cannot start from a mesh of one's own (retarget, complete parts), an
armature, an empty, a mesh without faces and Smart UV over its triangle cap are greyed out with
the reason.

Everything here reads the scene and the runtime's job list only; nothing is sent. One function,
:func:`unavailable`, serves every operator's ``poll`` (the menu and scripts alike), so the menu
and ``bpy.ops.tripo.<item>()`` can never disagree.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import bpy

from ..client import RigSpec, routes, versions
from ..jobs import Job, JobState
from ..jobs.kinds import CHECK_RIGGABLE, COMPLETE, RETARGET, SEGMENT, SOURCE_PARAM, by_task_type, kind_of
from ..rules.account import ONLINE_ACCESS_OFF
from ..rules.errors import UserError
from ..rules.tags import PART_NAME_PROP, RIG_SPEC_PROP, TASK_TYPE_PROP
from .importer import string_tag
from .runtime import online_access, runtime
from .sources import Source, local_problem, source_of, tagged_ancestor, usable_source, uv_problem
from .splat_tag import is_splat
from .uploads import MESH_UID_PROP, SOURCE_UID_META

__all__ = [
    "Target",
    "Unavailable",
    "context_object",
    "tripo_object",
    "target_of",
    "unavailable",
    "task_type_of",
    "part_names",
    "rig_check_job",
    "RigCheck",
    "rig_check",
    "rig_v1_fits",
    "auto_rig_version",
    "version_label",
]

log = logging.getLogger(__name__)

_MIXAMO = RigSpec.MIXAMO.value


@dataclass(frozen=True)
class Target:
    """The object the menu acts on and the Tripo source it resolves to."""

    object: bpy.types.Object
    source: Source
    task_type: str | None  # None: unknown (tags from an older version)

    @property
    def name(self) -> str:
        return str(self.object.name)


class Unavailable(UserError):
    """Why the menu cannot act on the current selection (a sentence for the UI)."""


def context_object(context: Any) -> bpy.types.Object | None:
    """The object the menu acts on: the active object if selected, else the first selected one."""
    selected = list(getattr(context, "selected_objects", None) or ())
    active = getattr(context, "active_object", None)
    if active is not None and active in selected:
        return active
    return selected[0] if selected else None


def tripo_object(ob: bpy.types.Object | None) -> bool:
    """Whether ``ob`` or one of its parents carries a Tripo task id (the menu is shown for it)."""
    return tagged_ancestor(ob) is not None


def task_type_of(source: Source) -> str | None:
    """The task type the landing stamped on the source's objects, if known."""
    if source.root is not None:
        found = string_tag(source.root, TASK_TYPE_PROP)
        if found:
            return found
    return None


def target_of(context: Any) -> Target:
    """Resolve the selection to a :class:`Target`; raise :class:`Unavailable` with the reason."""
    ob = context_object(context)
    if ob is None:
        raise Unavailable("Select an object of a Tripo result first")
    try:
        source = usable_source(source_of(ob, list(getattr(context, "selected_objects", None) or ())), runtime.jobs())
    except ValueError as exc:  # neither a Tripo result nor a mesh with faces: the reason
        raise Unavailable(str(exc)) from None
    return Target(ob, source, None if source.is_local else task_type_of(source))


def _source_job_problem(task_id: str) -> str | None:
    """A reason when the jobs this session knows for the source task are not successful.

    An object carries a task id only once its result landed, so this is rare (a failed re-run,
    a followed task still running); an unknown task (earlier session) is assumed fine.
    """
    known = [j for j in runtime.jobs() if j.task_id == task_id]
    if not known or any(j.state == JobState.DONE for j in known):
        return None
    job = known[0]
    if job.state.is_active:
        return f"The source task is still {job.state.value}: wait until it is done"
    return f"The source task is {job.state.value}, not successful: its model cannot be processed"


def _label(task_type: str) -> str:
    """The menu's name of what makes ``task_type`` ("Rig"; an unknown type by its own name)."""
    record = by_task_type(task_type)
    return record.label if record is not None else task_type.replace("_", " ")


def _type_name(task_type: str) -> str:
    """What to call the result of a task type in a sentence ("a rig result")."""
    name = _label(task_type).lower()
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name} result"


def _kind_problem(kind: str, target: Target) -> str | None:
    """Why Tripo would refuse ``kind`` on this target's task type (None: it should accept it)."""
    task_type, name = target.task_type, target.name
    record = kind_of(kind)
    if kind == RETARGET.name:
        if task_type is None and target.source.armature is None:
            return f"'{name}' is not rigged: use Tripo › Rig… first"
        if task_type is not None and task_type not in (record.accepts or ()):
            return f"'{name}' is not rigged (it is {_type_name(task_type)}): use Tripo › Rig… first"
        spec = string_tag(target.source.root, RIG_SPEC_PROP) if target.source.root is not None else None
        if spec == _MIXAMO:
            return (
                f"'{name}' was rigged with the Mixamo spec, which Tripo cannot retarget; "
                "rig it again with the Tripo spec"
            )
        return None
    allowed = record.accepts
    if task_type is None or allowed is None or task_type in allowed:
        return None
    if kind == COMPLETE.name:
        return f"{COMPLETE.label} works on the result of {SEGMENT.label}: segment this model first"
    names = ", ".join(sorted(_label(t) for t in allowed))
    return f"{record.label} does not work on {_type_name(task_type)} (Tripo accepts results of: {names})"


def unavailable(kind: str, context: Any) -> str | None:
    """Why post-process ``kind`` cannot run on the context's selection now; None when it can.

    Order: selection, Tripo object (an expired one counts as a mesh of one's own), online access,
    the source job's state, then what Tripo accepts for this kind — the first reason that applies is the one the
    user can act on first.
    """
    try:
        target = target_of(context)
    except Unavailable as exc:
        return str(exc)
    if is_splat(target.source.root):  # Tripo's model tools take meshes; a splat has none
        return f"'{target.name}' is a Gaussian splat: {kind_of(kind).label} works on models"
    if not online_access():
        return ONLINE_ACCESS_OFF
    if target.source.is_local:
        return local_problem(kind, target.source)
    return _source_job_problem(target.source.task_id) or _kind_problem(kind, target) or uv_problem(kind, target.source)


# --------------------------------------------------------------------------- parts


def part_names(source: Source) -> list[str]:
    """Names of the parts of a segmented source, in hierarchy order ([] = not made of parts).

    Only meshes the landing tagged as parts count: a model without parts may still consist of
    several meshes, and Tripo would not know their names.
    """
    if source.root is None:
        return []
    found: list[str] = []
    for ob in [source.root, *source.root.children_recursive]:
        name = string_tag(ob, PART_NAME_PROP)
        if ob.type == "MESH" and name and name not in found:
            found.append(name)
    return found


# --------------------------------------------------------------------------- rigging


def rig_check_job(source: Source) -> Job | None:
    """The newest riggability check of ``source`` this session (any state), if one was started.
    A local mesh's check is found by the object's uid (its job's source is a file, then a token)."""
    uid = string_tag(source.root, MESH_UID_PROP) if source.is_local and source.root is not None else None
    for job in runtime.jobs():  # newest first
        if job.kind != CHECK_RIGGABLE.name:
            continue
        if source.is_local:
            if uid is not None and job.spec.meta.get(SOURCE_UID_META) == uid:
                return job
        elif job.spec.params.get(SOURCE_PARAM) == source.task_id:
            return job
    return None


@dataclass(frozen=True)
class RigCheck:
    """The riggability check as the Rig dialog shows it.

    ``riggable`` is True/False once Tripo answered, None while it runs or when it failed.
    """

    text: str
    icon: str
    riggable: bool | None
    rig_type: str | None = None
    pending: bool = False


def rig_check(job: Job | None) -> RigCheck:
    """Turn the check job (from :func:`rig_check_job`) into what the dialog says."""
    if job is None:
        return RigCheck("Riggability not checked yet", "QUESTION", None)
    if job.state.is_active:
        return RigCheck("Checking whether Tripo can rig this model (free)…", "TIME", None, pending=True)
    if job.state != JobState.DONE:
        why = job.error.message if job.error is not None else job.state.value
        return RigCheck(f"The riggability check did not answer: {why}", "ERROR", None)
    riggable = job.result.get("riggable")
    rig_type = job.result.get("rig_type") or job.result.get("topology")
    rig_type = str(rig_type) if rig_type else None
    if riggable is True:
        detected = f", detected rig type: {rig_type}" if rig_type else ""
        return RigCheck(f"Riggable{detected}", "CHECKMARK", True, rig_type)
    if riggable is False:
        return RigCheck(
            f"Tripo's check says this model cannot be rigged (rig type: {rig_type or 'unknown'}). "
            "The check can be wrong; rigging anyway costs credits",
            "ERROR",
            False,
            rig_type,
        )
    return RigCheck("The riggability check gave no answer", "QUESTION", None)


def version_label(version: str) -> str:
    """``v2.5-20260210`` -> ``v2.5`` (menus are narrow; the full id is in the tooltip)."""
    return version.split("-", 1)[0]


def rig_v1_fits(rig_type: str | None, spec: str) -> bool:
    """Whether rig model v1.0 can make this rig (the rig route's gates: a biped — no rig type is
    Tripo's biped — with the Tripo, Mixamo or ActorCore skeleton)."""
    rig = routes.RIG
    return rig.field("rig_type").offered(
        versions.RIG_DEFAULT, rig_type or rig.field("rig_type").implicit
    ) and rig.field("spec").offered(versions.RIG_DEFAULT, spec)


def auto_rig_version(rig_type: str | None, spec: str) -> str:
    """The rig model the Rig dialog's "Auto" sends: v1.0 (Tripo's default, about 100 biped
    presets) for the rigs it makes (:func:`rig_v1_fits`), else v2.5, which rigs every type and
    spec (v3.0, the newest, is chosen explicitly)."""
    if rig_v1_fits(rig_type, spec):
        return versions.RIG_DEFAULT
    return versions.RIG_V25
