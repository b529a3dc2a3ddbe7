"""The names a landed result's root gets, as pure string rules (no ``bpy``).

Why here and not in ``blender/naming.py``: the landing plan (:mod:`.landing_plan`) decides what a
result is called before Blender is asked anything, and is tested without Blender. What needs the
scene — the character a source object carries, renaming the objects — stays in ``blender/naming.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..jobs.kinds import FOLLOW_KIND, KINDS, RETIRED_KINDS, by_task_type

__all__ = ["result_name", "followed_character", "followed_result_name"]


def result_name(kind: str, character: str, params: Mapping[str, Any] | None = None) -> str:
    """The root's name for a result of ``kind`` made from ``character``; a generation, a followed
    task and any kind without a step name are named after the character itself."""
    record = KINDS.get(kind)
    retired = RETIRED_KINDS.get(kind)
    pattern = (record.step_name if record is not None else retired.step_name if retired is not None else "") or "{}"
    fmt = str((params or {}).get("format") or "model").upper()
    return pattern.format(character, format=fmt)


def followed_character(job_name: str, task_id: str | None, task_type: str | None) -> str:
    """The character of a task followed by id: the job's name when someone gave one, else "Tripo"
    with the task's short id ("Tripo 0edda99d"; its kind is said by the step, e.g. "(rigged)")."""
    short = (task_id or "")[:8]
    if job_name and job_name != f"Task {short}":
        return job_name
    return f"Tripo {short}".strip()


def followed_result_name(character: str, task_type: str | None) -> str:
    """A followed task's root name: the character with the step its task type did."""
    kind = by_task_type(task_type)
    return result_name(kind.name if kind is not None else FOLLOW_KIND, character)
