"""What Tripo already has of a local mesh: its upload, remembered on the object.

A mesh the artist made in Blender reaches Tripo as an uploaded GLB (``jobs/mesh_upload.py``).
A second operation on the same, unchanged mesh should not upload it again: the job's worker
reuses the earlier ``file_token`` (or ``import_model`` task) when the new export hashes the same.
What it needs to know is kept on the source object as ID custom properties — saved with the
.blend, like the task tags, and holding no secret (a file token is only usable with the key that
made it):

* ``tripo_upload_hash``: SHA-256 of the exported file that was uploaded;
* ``tripo_upload_token``: its ``file_token``; ``tripo_upload_task``: its ``import_model`` task;
* ``tripo_upload_time``: when (Unix seconds) — the service forgets both after a while, so old
  ones are not offered (:data:`TOKEN_REUSE_SECONDS`, :data:`..rules.tags.TASK_RETENTION_DAYS`).

The worker reports what it did in ``Job.result["upload"]``; :func:`remember` copies it onto the
object (the newest upload wins). Tripo may forget a token or task sooner than these ages: the
worker then uploads again and lists the refused ids as ``dead``, which :func:`remember` takes off
the object. Each source object also gets a stable id (``tripo_mesh_uid``)
so a job finds its object again after a rename. Main thread only.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import bpy

from ..jobs import Job
from ..jobs.upload_keys import RESULT_KEY, SOURCE_UID_META
from ..rules.tags import TASK_RETENTION_DAYS
from .importer import tag_value

__all__ = [
    "MESH_UID_PROP",
    "HASH_PROP",
    "TOKEN_PROP",
    "TASK_PROP",
    "TIME_PROP",
    "TOKEN_REUSE_SECONDS",
    "SOURCE_UID_META",
    "mesh_uid",
    "object_with_uid",
    "remember",
    "remember_all",
    "known_upload",
]

MESH_UID_PROP = "tripo_mesh_uid"
HASH_PROP = "tripo_upload_hash"
TOKEN_PROP = "tripo_upload_token"
TASK_PROP = "tripo_upload_task"
TIME_PROP = "tripo_upload_time"
# Tripo documents no file-token lifetime; a day is our guess (one it forgot sooner is uploaded again: jobs.mesh_upload).
TOKEN_REUSE_SECONDS = 24 * 3600.0
_TASK_REUSE_SECONDS = (TASK_RETENTION_DAYS - 1) * 24 * 3600.0


def _time(ob: bpy.types.ID) -> float:
    value = tag_value(ob, TIME_PROP)
    return float(value) if isinstance(value, (int, float)) else 0.0


def mesh_uid(ob: bpy.types.Object) -> str:
    """The object's stable id for Tripo jobs, stamped on first use."""
    found = tag_value(ob, MESH_UID_PROP)
    if isinstance(found, str) and found:
        return found
    uid = uuid.uuid4().hex
    ob[MESH_UID_PROP] = uid
    return uid


def object_with_uid(uid: str, hint: str | None = None) -> bpy.types.Object | None:
    """The object stamped ``uid`` (by the name hint first: names change, the uid does not).

    The stamp is written when the job is sent, outside any undo step, so an undo may take it off
    again: the named object without any stamp is then the one (rather than the 3D cursor)."""
    named = bpy.data.objects.get(hint) if hint else None
    if named is not None and tag_value(named, MESH_UID_PROP) == uid:
        return named
    found = next((ob for ob in bpy.data.objects if tag_value(ob, MESH_UID_PROP) == uid), None)
    if found is None and named is not None and tag_value(named, MESH_UID_PROP) is None:
        return named
    return found


def _record(job: Job) -> Mapping[str, Any] | None:
    record = job.result.get(RESULT_KEY)
    return record if isinstance(record, Mapping) and isinstance(record.get("hash"), str) else None


def remember(job: Job, ob: bpy.types.Object | None = None) -> bool:
    """Store what ``job``'s worker uploaded on its source object (if newer than what it has).

    Ids in the record's ``dead`` list are ones Tripo refused as unknown (the worker then uploaded
    the mesh again): they come off the object whatever else happens, and a record older than the
    object's never writes anything back — an earlier job replayed by :func:`remember_all`, or
    landing late, would otherwise put the dead token back on the object.
    """
    record = _record(job)
    uid = job.spec.meta.get(SOURCE_UID_META)
    if record is None or not isinstance(uid, str):
        return False
    if ob is None:
        hint = job.spec.meta.get("source_object")
        ob = object_with_uid(uid, hint if isinstance(hint, str) else None)
    if ob is None:
        return False
    dead = record.get("dead") or ()
    for prop in (TOKEN_PROP, TASK_PROP):
        if tag_value(ob, prop) in dead:
            del ob[prop]
    at = float(record.get("at") or 0.0)
    if _time(ob) > at:
        return False  # an older upload (of this or another version of the mesh)
    if tag_value(ob, HASH_PROP) != record["hash"]:
        for prop in (TOKEN_PROP, TASK_PROP):
            if tag_value(ob, prop) is not None:
                del ob[prop]
    ob[HASH_PROP] = record["hash"]
    ob[TIME_PROP] = at
    for key, prop in (("file_token", TOKEN_PROP), ("import_task_id", TASK_PROP)):
        value = record.get(key)
        if isinstance(value, str) and value:
            ob[prop] = value
    return True


def remember_all(jobs: Iterable[Job], ob: bpy.types.Object) -> None:
    """Store the uploads of ``jobs`` made from ``ob`` on it, oldest first (so the newest wins)."""
    uid = tag_value(ob, MESH_UID_PROP)
    if not uid:
        return
    mine = [j for j in jobs if j.spec.meta.get(SOURCE_UID_META) == uid and _record(j) is not None]
    for job in sorted(mine, key=lambda j: float((_record(j) or {}).get("at") or 0.0)):
        remember(job, ob)


def known_upload(ob: bpy.types.Object, now: float | None = None) -> dict[str, Any]:
    """What the worker may reuse for ``ob``: the hash, and the token / import task still fresh."""
    digest = tag_value(ob, HASH_PROP)
    if not isinstance(digest, str) or not digest:
        return {}
    age = (time.time() if now is None else now) - _time(ob)
    known: dict[str, Any] = {"hash": digest, "at": _time(ob)}
    token, task = tag_value(ob, TOKEN_PROP), tag_value(ob, TASK_PROP)
    if isinstance(token, str) and token and age < TOKEN_REUSE_SECONDS:
        known["file_token"] = token
    if isinstance(task, str) and task and age < _TASK_REUSE_SECONDS:
        known["import_task_id"] = task
    return known
