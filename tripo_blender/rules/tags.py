"""The facts a landed result carries on its objects, beyond its task and job ids.

What the context menu may offer for an object depends on what made it (the source-task rules
of :data:`..jobs.kinds.KINDS`): retargeting needs a rig of the Tripo spec, completion a
segmentation, a retarget must come back in the rig's format, completion and texturing may name
parts, and nothing can be post-processed once Tripo forgot the task (it keeps task records about
7 days). The job that made an object knows all this, the object alone does not — so the landing
stamps it on the objects as ID custom properties (saved in the .blend, readable without the
add-on, like the task id). No ``bpy`` import here: these are names and pure functions shared by
the pump's landing and the menu.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

from ..jobs.kinds import FOLLOW_KIND, GENERATED_TYPES, KINDS, PARTS_KINDS, RIG
from ..jobs.model import TASK_CREATED_KEY, TASK_RETENTION_DAYS

__all__ = [
    "JOB_ID_PROP",
    "TASK_ID_PROP",
    "TASK_TYPE_PROP",
    "RIG_SPEC_PROP",
    "RIG_FORMAT_PROP",
    "RIG_TYPE_PROP",
    "PART_NAME_PROP",
    "PARTS_KINDS",
    "PARTS_TASK_TYPES",
    "RIG_TASK_TYPE",
    "MODEL_VERSION_PROP",
    "TASK_CREATED_PROP",
    "TASK_RETENTION_DAYS",
    "result_task_type",
    "rig_tags",
    "generation_tags",
    "followed_tags",
    "created_tags",
    "task_age_days",
    "has_parts",
    "strip_duplicate_suffix",
]

#: The ids every result's objects carry, and the Tripo task type that made them (``animate_rig``,
#: ``mesh_segmentation``…): what the context menu offers depends on it (retarget needs a rig
#: task, completion a segmentation task).
JOB_ID_PROP = "tripo_job_id"
TASK_ID_PROP = "tripo_task_id"
TASK_TYPE_PROP = "tripo_task_type"
#: Tags of a rig result: its spec (Mixamo rigs cannot be retargeted), its format (a retarget
#: must come back in the same format to land on this skeleton) and the rig type asked for.
RIG_SPEC_PROP = "tripo_rig_spec"
RIG_FORMAT_PROP = "tripo_rig_format"
RIG_TYPE_PROP = "tripo_rig_type"
#: On each mesh of a result made of named parts: the part's name as Tripo knows it. It survives
#: the user renaming the object, and is free of Blender's ``.001`` suffixes.
PART_NAME_PROP = "tripo_part_name"
#: On a generated model: the model version that made it (what the model was made with is worth
#: knowing when choosing what to do next; a followed task's echoed input says it too).
MODEL_VERSION_PROP = "tripo_model_version"
#: Unix seconds when the job that made the result's task was created. Tripo keeps task records
#: about :data:`TASK_RETENTION_DAYS` days; after that a post-process of the task is refused
#: (2001), so the menu says so before anyone waits or pays.
TASK_CREATED_PROP = "tripo_task_created"
#: The same, as task types (what a task followed by id is known by).
PARTS_TASK_TYPES = frozenset(KINDS[kind].wire_type for kind in PARTS_KINDS)
#: The task type of a rig (what a retarget needs as its source).
RIG_TASK_TYPE = RIG.wire_type
#: Keys under which a task's echoed input names its model version: apiv3's ``model``, and the
#: v2-era ``model_version`` (journals of earlier versions).
_VERSION_INPUT_KEYS = ("model", "model_version")
_DAY = 24 * 3600.0

_DUPLICATE_SUFFIX = re.compile(r"\.\d{3,}$")


def result_task_type(kind: str, reported: str | None) -> str | None:
    """The task type of a job's result: what the server reported (``Job.task_type``), else what
    the kind creates. A task followed by id (kind ``import_task``) is known only by the former."""
    record = KINDS.get(kind)
    if reported or record is None or kind == FOLLOW_KIND:
        return reported or None
    return record.wire_type


def rig_tags(params: Mapping[str, Any]) -> dict[str, str]:
    """The rig tags for a ``rig_model`` job's params (the server's defaults when not given)."""
    return {
        RIG_SPEC_PROP: str(params.get("spec") or "tripo"),
        RIG_FORMAT_PROP: str(params.get("out_format") or "glb"),
        RIG_TYPE_PROP: str(params.get("rig_type") or ""),
    }


def _version_of(values: Mapping[str, Any]) -> str | None:
    for key in _VERSION_INPUT_KEYS:
        value = values.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def generation_tags(task_type: str, params: Mapping[str, Any]) -> dict[str, str]:
    """The model-version tag of a generation (nothing when the version was left to the server).

    ``params`` are a job's client arguments (``model_version``) or a task's echoed input
    (``model`` on apiv3)."""
    version = _version_of(params)
    return {MODEL_VERSION_PROP: version} if task_type in GENERATED_TYPES and version else {}


def followed_tags(task_type: str | None, task_input: Mapping[str, Any]) -> dict[str, str]:
    """The tags of a task followed by id, from what the server echoed of its input
    (``Job.task_input``): a rig's spec, format and type, a generation's model version. Only what
    the server said: a missing fact stays untagged rather than guessed."""
    if task_type == RIG_TASK_TYPE:
        names = {"spec": RIG_SPEC_PROP, "out_format": RIG_FORMAT_PROP, "rig_type": RIG_TYPE_PROP}
        return {prop: value for key, prop in names.items() if isinstance(value := task_input.get(key), str) and value}
    return generation_tags(task_type or "", task_input)


def created_tags(kind: str, created_at: float, result: Mapping[str, Any] | None = None) -> dict[str, int]:
    """The creation stamp of a job's result (:data:`TASK_CREATED_PROP`). A task followed by id
    was created elsewhere: it is stamped with the time Tripo reported (``result``'s
    :data:`..jobs.model.TASK_CREATED_KEY`), else left unstamped (the menu then gives it the
    benefit of the doubt) rather than claiming to be younger than it is."""
    if kind != FOLLOW_KIND:
        return {TASK_CREATED_PROP: int(created_at)}
    reported = (result or {}).get(TASK_CREATED_KEY)
    if isinstance(reported, (int, float)) and not isinstance(reported, bool) and reported > 0:
        return {TASK_CREATED_PROP: int(reported)}
    return {}


def task_age_days(created: Any, now: float | None = None) -> float | None:
    """Days since a :data:`TASK_CREATED_PROP` stamp; None for a missing or unreadable stamp."""
    if isinstance(created, bool) or not isinstance(created, (int, float)) or created <= 0:
        return None
    return ((time.time() if now is None else now) - float(created)) / _DAY


def has_parts(kind: str, params: Mapping[str, Any], task_type: str | None = None) -> bool:
    """Whether the result of this job consists of named parts (``task_type``: as reported by the
    server, for a task followed by id)."""
    return kind in PARTS_KINDS or task_type in PARTS_TASK_TYPES or params.get("generate_parts") is True


def strip_duplicate_suffix(name: str) -> str:
    """``head.001`` -> ``head``: the name an importer meant before Blender made it unique."""
    return _DUPLICATE_SUFFIX.sub("", name)
