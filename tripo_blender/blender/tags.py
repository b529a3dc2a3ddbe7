"""The facts a landed result carries on its objects, beyond its task and job ids.

What the context menu may offer for an object depends on what made it (wire reference §4.1):
retargeting needs a rig of the Tripo spec, completion a segmentation, a retarget must come back
in the rig's format, completion and texturing may name parts. The job that made an object knows
all this, the object alone does not — so the landing stamps it on the objects as ID custom
properties (saved in the .blend, readable without the add-on, like the task id). No ``bpy``
import here: these are names and pure functions shared by the pump's landing and the menu.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

__all__ = ["TASK_TYPES", "RIG_SPEC_PROP", "RIG_FORMAT_PROP", "RIG_TYPE_PROP", "PART_NAME_PROP", "PARTS_KINDS",
           "PARTS_TASK_TYPES", "RIG_TASK_TYPE", "MODEL_VERSION_PROP", "GENERATION_KINDS", "result_task_type", "rig_tags",
           "generation_tags", "followed_tags", "is_draft_version", "has_parts", "strip_duplicate_suffix"]

#: The wire task type each job kind creates (what Tripo's source-task rules speak of).
TASK_TYPES: Mapping[str, str] = {
    "text_to_model": "text_to_model",
    "image_to_model": "image_to_model",
    "multiview_to_model": "multiview_to_model",
    "texture_model": "texture_model",
    "refine_model": "refine_model",
    "check_riggable": "animate_prerigcheck",
    "rig_model": "animate_rig",
    "retarget_animation": "animate_retarget",
    "stylize_model": "stylize_model",
    "convert_model": "convert_model",
    "mesh_segmentation": "mesh_segmentation",
    "mesh_completion": "mesh_completion",
    "smart_lowpoly": "highpoly_to_lowpoly",
}

#: Tags of a rig result: its spec (Mixamo rigs cannot be retargeted), its format (a retarget
#: must come back in the same format to land on this skeleton) and the rig type asked for.
RIG_SPEC_PROP = "tripo_rig_spec"
RIG_FORMAT_PROP = "tripo_rig_format"
RIG_TYPE_PROP = "tripo_rig_type"
#: On each mesh of a result made of named parts: the part's name as Tripo knows it. It survives
#: the user renaming the object, and is free of Blender's ``.001`` suffixes.
PART_NAME_PROP = "tripo_part_name"
#: On a generated model: the model version that made it. Refine accepts only drafts made before
#: v2.0, texturing only models made with v2.0 or later (or Turbo) — the version tells which.
MODEL_VERSION_PROP = "tripo_model_version"
GENERATION_KINDS = frozenset({"text_to_model", "image_to_model", "multiview_to_model"})
#: Job kinds whose result is made of named parts (generation only with ``generate_parts``).
PARTS_KINDS = frozenset({"mesh_segmentation", "mesh_completion"})
#: The same, as task types (what a task followed by id is known by).
PARTS_TASK_TYPES = frozenset(TASK_TYPES[kind] for kind in PARTS_KINDS)
#: The task type of a rig (what a retarget needs as its source).
RIG_TASK_TYPE = TASK_TYPES["rig_model"]

_DUPLICATE_SUFFIX = re.compile(r"\.\d{3,}$")


def result_task_type(kind: str, reported: str | None) -> str | None:
    """The task type of a job's result: what the server reported (``Job.task_type``), else what
    the kind creates. A task followed by id (kind ``import_task``) is known only by the former."""
    return reported or TASK_TYPES.get(kind)


def rig_tags(params: Mapping[str, Any]) -> dict[str, str]:
    """The rig tags for a ``rig_model`` job's params (the server's defaults when not given)."""
    return {
        RIG_SPEC_PROP: str(params.get("spec") or "tripo"),
        RIG_FORMAT_PROP: str(params.get("out_format") or "glb"),
        RIG_TYPE_PROP: str(params.get("rig_type") or ""),
    }


def generation_tags(kind: str, params: Mapping[str, Any]) -> dict[str, str]:
    """The model-version tag of a generation (nothing when the version was left to the server)."""
    version = params.get("model_version")
    return {MODEL_VERSION_PROP: version} if kind in GENERATION_KINDS and isinstance(version, str) and version else {}


def followed_tags(task_type: str | None, task_input: Mapping[str, Any]) -> dict[str, str]:
    """The tags of a task followed by id, from what the server echoed of its input
    (``Job.task_input``): a rig's spec, format and type, a generation's model version. Only what
    the server said: a missing fact stays untagged rather than guessed."""
    if task_type == RIG_TASK_TYPE:
        names = {"spec": RIG_SPEC_PROP, "out_format": RIG_FORMAT_PROP, "rig_type": RIG_TYPE_PROP}
        return {prop: value for key, prop in names.items() if isinstance(value := task_input.get(key), str) and value}
    return generation_tags(task_type or "", task_input)


def is_draft_version(version: str) -> bool:
    """``v1.x`` models are drafts: refinable, but not texturable (wire reference §4.2)."""
    return version.startswith("v1.")


def has_parts(kind: str, params: Mapping[str, Any], task_type: str | None = None) -> bool:
    """Whether the result of this job consists of named parts (``task_type``: as reported by the
    server, for a task followed by id)."""
    return kind in PARTS_KINDS or task_type in PARTS_TASK_TYPES or params.get("generate_parts") is True


def strip_duplicate_suffix(name: str) -> str:
    """``head.001`` -> ``head``: the name an importer meant before Blender made it unique."""
    return _DUPLICATE_SUFFIX.sub("", name)
