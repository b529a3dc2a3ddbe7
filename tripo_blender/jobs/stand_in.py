"""A conversion that lands in place of a result this Blender could not open.

Why: Tripo returns Draco- or meshopt-compressed GLBs that Blenders without those decoders cannot
import (Debian's packages, several PyPI ``bpy`` wheels). The artist has paid for the model; the
fix that works in *their* Blender is to have Tripo convert the task to a format every Blender
opens (FBX: Blender's own importer, no native decoder), and to land that file exactly as the
original would have landed — same name, same place (the 3D cursor of the original request, or its
source's place for a texture, rig or segmentation), same tags, so the right-click menu treats it as
the original task's result.

So the conversion's :class:`JobSpec` carries a snapshot of the original job (:data:`STANDS_FOR`
in ``meta``: kind, name, params, meta, task id and type, when it was sent): the landing rebuilds
the original from it (:func:`stand_in_for`) even when the failed row was removed meanwhile, or
after a restart (the journal keeps specs). Bpy-free; the button is ``blender/convert_offer.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from .kinds import CONVERT, SOURCE_PARAM, estimate_cost
from .model import Job, JobSpec, JobState, freeze, intent_time, thaw

__all__ = [
    "STANDS_FOR",
    "STAND_IN_FORMAT",
    "stand_in_params",
    "stand_in_cost",
    "stand_in_spec",
    "stand_in_for",
    "conversion_of",
]

#: ``JobSpec.meta`` key of a conversion that lands in place of another job: that job's snapshot.
STANDS_FOR = "stands_for"
#: The format a conversion asks for: FBX opens in every Blender (no Draco, no meshopt, no KTX2).
STAND_IN_FORMAT = "FBX"


def stand_in_params(job: Job) -> dict[str, Any]:
    """The client keyword arguments of the conversion of ``job``'s task (only the defaults besides
    the format: the cheapest, plain convert)."""
    return {SOURCE_PARAM: job.task_id, "format": STAND_IN_FORMAT}


def stand_in_cost(job: Job) -> int | None:
    """Credits the conversion of ``job`` costs (the price list's; None: unknown)."""
    return estimate_cost(CONVERT.name, stand_in_params(job))


def stand_in_spec(job: Job) -> JobSpec:
    """The conversion of ``job``'s task, to land in its place. Raises ValueError when ``job`` has
    no task on Tripo to convert."""
    if not job.task_id:
        raise ValueError(f'"{job.name}" has no Tripo task to convert')
    snapshot = {
        "job_id": job.id,
        "kind": job.kind,
        "name": job.spec.name,
        "params": thaw(job.spec.params),
        "meta": thaw(job.spec.meta),
        "task_id": job.task_id,
        "task_type": job.task_type,
        "task_input": thaw(job.task_input),
        "result": thaw(job.result),
        "sent_at": intent_time(job),
    }
    meta: dict[str, Any] = {STANDS_FOR: snapshot}
    location = job.spec.meta.get("location")
    if location is not None:
        meta["location"] = thaw(location)
    return JobSpec(CONVERT.name, stand_in_params(job), name=f"{job.name} ({STAND_IN_FORMAT})", meta=meta)


def stand_in_for(conversion: Job) -> Job | None:
    """The original job as it would have landed, with the conversion's id and files: None when
    ``conversion`` stands for nothing (an ordinary convert)."""
    snapshot: Any = conversion.spec.meta.get(STANDS_FOR)
    if not isinstance(snapshot, Mapping):
        return None
    try:
        spec = JobSpec(
            str(snapshot["kind"]),
            thaw(snapshot.get("params") or {}),
            name=str(snapshot.get("name") or ""),
            meta=thaw(snapshot.get("meta") or {}),
        )
        sent_at = float(snapshot.get("sent_at") or conversion.created_at)
    except (KeyError, TypeError, ValueError):
        return None
    task_type = snapshot.get("task_type")
    return dataclasses.replace(
        conversion,
        spec=spec,
        task_id=str(snapshot.get("task_id") or "") or None,
        task_type=task_type if isinstance(task_type, str) else None,
        task_input=freeze(thaw(snapshot.get("task_input") or {})),
        result=freeze(thaw(snapshot.get("result") or {})),
        created_at=sent_at,
        timeline=(),
    )


def conversion_of(job: Job, jobs: Iterable[Job]) -> Job | None:
    """The conversion already asked for ``job`` (in progress or landed), if any: its row offers no
    second, paid one."""
    for other in jobs:
        snapshot: Any = other.spec.meta.get(STANDS_FOR)
        if (
            isinstance(snapshot, Mapping)
            and snapshot.get("job_id") == job.id
            and other.state not in (JobState.FAILED, JobState.CANCELLED)
        ):
            return other
    return None
