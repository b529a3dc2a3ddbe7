"""The first steps of a post-process of a *local* mesh: upload it, or reuse its earlier upload.

Why here, in the job: a mesh the artist made in Blender has no Tripo task, so before the paid
request can name its source the exported GLB must reach Tripo — as a ``file_token`` for the routes
that take one (:data:`.kinds.FILE_TOKEN_KINDS`), or as an ``import_model`` task for the others.
That is network work, so it runs on the job's worker thread, and it is part of the *same* job: its
row says "Uploading 12 MB…", then the operation, and a cancel stops it like any other step.
Blender only read the mesh (``blender/mesh_export.py``); the file is written on a background
thread (:mod:`.mesh_writes`: this step waits for it, "Preparing the mesh…"), and hashing happens
here too, off the main thread.

A second operation on the same, unchanged mesh must not upload it again. The main thread passes
what it knows from earlier uploads of this object (``known``: the file hash, its token and import
task, as stored on the object); when the new export hashes the same, they are reused. What this
step did is left in ``Job.result["upload"]`` for the main thread to store on the object.

Once the source is known the spec is rewritten (``params`` carry the token or task id, the plan
is marked ``ready``) and journaled before the paid POST, so a resumed or retried job never
uploads or imports again. The ``import_model`` request (free on Tripo) is journaled as an intent
first; if it may have reached Tripo without an answer, the job fails saying so — the paid request
was not sent, so a Retry costs nothing but a second, free import.

Tripo may forget a token or task sooner than the ages we reuse them for (a day, six days: our
guesses). A paid POST naming a *reused* source it no longer has is refused — 400/1004 for a file
token, 404/2001 for a task — and a refusal creates and charges nothing. So the exported file is
kept until the POST is accepted (:func:`discard_export`), and such a refusal makes the job forget
the dead source (:func:`forget_reused`: the plan's ``known`` emptied, the dead ids listed under
``"dead"`` in ``Job.result["upload"]`` so the object forgets them too) and go through this step
again: one fresh upload (and import), then one more POST. The fresh source is no longer "reused",
so a second refusal is final and shows Tripo's message (a genuine parameter problem).

No ``bpy`` here (worker threads).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..client import Task, TaskStatus, TripoAPIError, TripoRequestError
from .journal import JournalError
from .kinds import FILE_TOKEN_KINDS, SOURCE_PARAM
from .mesh_writes import EXPORT_WRITES, PREPARING_NOTE, ExportNotWritten
from .model import TASK_UNKNOWN_CODE, Job, JobError, JobSpec, JobState, thaw
from .upload_keys import PLAN_KEY, RESULT_KEY, SOURCE_UID_META

if TYPE_CHECKING:
    from ..client.client import TripoClient

__all__ = [
    "PLAN_KEY",
    "SOURCE_UID_META",
    "RESULT_KEY",
    "RENEW_NOTE",
    "MeshPlan",
    "plan_of",
    "file_sha256",
    "upload_note",
    "kept_upload",
    "refused_reuse",
    "forget_reused",
    "discard_export",
    "MeshSourceStep",
]

log = logging.getLogger("tripo_blender.jobs")

#: The row's note once a reused source was refused, until the fresh upload is in place.
RENEW_NOTE = "Tripo no longer has the earlier upload; uploading again…"
_CHUNK = 1 << 20
#: How often a job waiting for its export looks whether it was cancelled (seconds).
_WRITE_POLL = 0.05
#: What apiv3 answers a paid POST naming a source it no longer has, by the kind of source
#: (docs/apiv3.md#errors: an invalid or expired file_token is 1004; an unknown task 2001).
_DEAD_CODES: Mapping[str, int] = {"file_token": 1004, "import_task_id": TASK_UNKNOWN_CODE}
_SOURCE_KEYS = ("file_token", "import_task_id")


@dataclass(frozen=True)
class MeshPlan:
    """What the Blender layer asked for: the exported file, and what it knew of earlier uploads."""

    path: str
    size: int
    ready: bool
    known: Mapping[str, Any]
    renewing: bool = False  # a reused source was refused: this run uploads it again

    def reusable(self, digest: str, what: str) -> str | None:
        """The earlier ``file_token`` / ``import_task_id`` of this very file, if there is one."""
        if self.known.get("hash") != digest:
            return None
        value = self.known.get(what)
        return value if isinstance(value, str) and value else None


def plan_of(spec: JobSpec) -> MeshPlan | None:
    """The upload plan of ``spec`` (None: its source is a Tripo task, nothing to upload)."""
    raw = spec.meta.get(PLAN_KEY)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("path"), str):
        return None
    known = raw.get("known")
    return MeshPlan(
        str(raw["path"]),
        int(raw.get("size") or 0),
        bool(raw.get("ready")),
        known if isinstance(known, Mapping) else {},
        bool(raw.get("renewing")),
    )


def kept_upload(result: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a job's result that outlives a retry or a new poll answer: its upload record."""
    return {RESULT_KEY: result[RESULT_KEY]} if RESULT_KEY in result else {}


def _reused(job: Job) -> str | None:
    """``"file_token"`` / ``"import_task_id"`` when the POST names a source taken from ``known``
    (an earlier job's upload), None when this job made it itself (or there is no local mesh)."""
    plan = plan_of(job.spec)
    source = job.spec.params.get(SOURCE_PARAM)
    if plan is None or not plan.ready or not isinstance(source, str) or not source:
        return None
    return next((what for what in _SOURCE_KEYS if plan.known.get(what) == source), None)


def _refused_as_dead(exc: TripoAPIError, what: str) -> bool:
    """A definite refusal (an HTTP 4xx with Tripo's code) of a ``what`` Tripo no longer has: the
    request created and charged nothing. A 5xx with the same code proves nothing of the kind."""
    return exc.code == _DEAD_CODES[what] and exc.status_code is not None and 400 <= exc.status_code < 500


def refused_reuse(job: Job, exc: TripoAPIError) -> bool:
    """Was ``job``'s paid POST refused because Tripo forgot the reused source it names?

    1004 also means any other bad parameter; if that was the cause, the fresh upload meets the
    same refusal and the job then fails with it — one free upload was all it cost.
    """
    what = _reused(job)
    return what is not None and _refused_as_dead(exc, what)


def forget_reused(job: Job) -> tuple[JobSpec, dict[str, Any]]:
    """The spec and result of ``job`` once its reused source is known dead: the plan is not
    ready, remembers nothing (the token and import task of that upload go together: a new
    import needs a token Tripo still has), names the exported file again, and says it is
    renewing; the upload record keeps only the hash and the ids to forget (``dead``)."""
    meta = dict(thaw(job.spec.meta))
    plan = dict(meta[PLAN_KEY])
    earlier = job.result.get(RESULT_KEY)
    records = [plan.get("known") or {}, earlier if isinstance(earlier, Mapping) else {}]
    dead = {str(r[k]) for r in records for k in _SOURCE_KEYS if r.get(k)}
    dead |= {str(v) for r in records for v in (r.get("dead") or ())}
    digest = next((r["hash"] for r in reversed(records) if isinstance(r.get("hash"), str)), None)
    meta[PLAN_KEY] = {**plan, "ready": False, "known": {}, "renewing": True}
    params = {**thaw(job.spec.params), SOURCE_PARAM: plan["path"]}
    result = {k: v for k, v in thaw(job.result).items() if k != RESULT_KEY}
    if digest is not None:
        result[RESULT_KEY] = {"hash": digest, "at": time.time(), "dead": sorted(dead)}
    return replace(job.spec, params=params, meta=meta), result


def discard_export(spec: JobSpec) -> None:
    """Remove the exported file once a POST naming its upload was accepted. Until then it is
    kept: a refused reuse uploads it again (and a failed job's Retry may need it too)."""
    plan = plan_of(spec)
    if plan is not None:
        Path(plan.path).unlink(missing_ok=True)


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file, read in chunks (an export can be 150 MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def upload_note(size: int) -> str:
    """The row's note while the mesh uploads ("Uploading 12 MB…")."""
    mb = size / (1024 * 1024)  # the unit of Tripo's caps (50 MB multipart, 150 MB per model)
    return f"Uploading {mb:.0f} MB…" if mb >= 1 else f"Uploading {max(1, round(size / 1024))} kB…"


class MeshSourceStep:
    """Turn a job's local mesh into a Tripo source before its paid POST (one run of one job).

    ``update`` changes the job (the worker's run-bound update), ``hold`` waits while the network
    is paused, ``wait_task`` blocks until a task is final (the worker's watcher).
    """

    def __init__(
        self,
        client: TripoClient,
        update: Callable[..., Job],
        hold: Callable[[], None],
        wait_task: Callable[[str], Task],
    ) -> None:
        self.client = client
        self.update = update
        self.hold = hold
        self.wait_task = wait_task

    def run(self, job: Job) -> bool:
        """True when the job may go on to its POST (nothing to do, or the source is ready)."""
        plan = plan_of(job.spec)
        if plan is None or plan.ready:
            return True
        earlier = job.result.get(RESULT_KEY)  # an upload of this job's own earlier attempt (paused, failed)
        if isinstance(earlier, Mapping) and earlier.get("file_token"):
            # its token, not its import task: that may be the one that failed
            plan = replace(plan, known={k: earlier[k] for k in ("hash", "file_token", "at") if k in earlier})
        try:
            source, record = self._source(job, plan)
        except FileNotFoundError:
            if plan.renewing:  # a job from before the export was kept until its POST was accepted
                return self._fail(
                    "Tripo no longer has the earlier upload of this mesh, and the exported file is "
                    "gone from the temporary folder.",
                    "Nothing was charged. Run the operation again from the menu: it uploads the mesh anew.",
                )
            return self._fail(
                "The exported mesh is gone from the temporary folder.",
                "Nothing was sent. Run the operation again from the menu.",
            )
        except (TripoAPIError, TripoRequestError) as exc:
            message = exc.message if isinstance(exc, TripoAPIError) else str(exc)
            return self._fail(
                f"Could not upload the mesh to Tripo: {message}",
                "Nothing paid was sent. Retry uploads it again.",
                getattr(exc, "code", None),
                getattr(exc, "trace_id", None),
            )
        except _ImportFailed as exc:
            return self._fail(str(exc), "Nothing paid was sent. Retry uploads and imports the mesh again.")
        except ExportNotWritten as exc:
            return self._fail(f"{exc}.", "Nothing was sent. Run the operation again from the menu.")
        except JournalError as exc:
            return self._fail(f"{exc}.", "Nothing paid was sent; free disk space or check permissions, then retry.")
        except (ValueError, OSError) as exc:  # the client's local checks (size, type) or a read error
            return self._fail(f"The exported mesh cannot be uploaded: {exc}", "Nothing was sent.")
        params = dict(thaw(job.spec.params))
        params[SOURCE_PARAM] = source
        meta = dict(thaw(job.spec.meta))
        meta[PLAN_KEY] = {k: v for k, v in meta[PLAN_KEY].items() if k != "renewing"} | {"ready": True}
        result = {**thaw(job.result), RESULT_KEY: record}
        try:
            self.update(note="", spec=replace(job.spec, params=params, meta=meta), result=result, must_persist=True)
        except JournalError as exc:
            return self._fail(f"{exc}.", "Nothing paid was sent; free disk space or check permissions, then retry.")
        return True  # the file stays until the POST is accepted (discard_export)

    def _fail(self, message: str, suggestion: str, code: int | None = None, trace_id: str | None = None) -> bool:
        self.update(JobState.FAILED, note="not sent", error=JobError(message, code, suggestion, trace_id))
        return False

    def _source(self, job: Job, plan: MeshPlan) -> tuple[str, dict[str, Any]]:
        """The string the POST names as its source, and the record for ``Job.result``."""
        self._written(plan.path)
        self.update(note=RENEW_NOTE if plan.renewing else "Checking the exported mesh…")
        digest = file_sha256(plan.path)
        record: dict[str, Any] = {"hash": digest, "at": time.time()}
        earlier = job.result.get(RESULT_KEY)
        if isinstance(earlier, Mapping) and earlier.get("dead"):
            record["dead"] = list(earlier["dead"])  # still to be forgotten on the object
        needs_task = job.kind not in FILE_TOKEN_KINDS
        imported = plan.reusable(digest, "import_task_id") if needs_task else None
        if imported is not None:
            log.info("Job %s: the mesh is unchanged; reusing import task %s", job.id, imported)
            return imported, {
                **record,
                "import_task_id": imported,
                "at": plan.known.get("at", record["at"]),
                **({"file_token": token} if (token := plan.reusable(digest, "file_token")) else {}),
            }
        reused = plan.reusable(digest, "file_token")
        if reused is None:
            token = self._upload(job, plan, digest, renewing=plan.renewing)
        else:
            token = reused
            log.info("Job %s: the mesh is unchanged; reusing its upload %s", job.id, token)
            record["at"] = plan.known.get("at", record["at"])
        record["file_token"] = token
        if not needs_task:
            return token, record
        try:
            task_id = self._import(job, token, record)
        except TripoAPIError as exc:
            if reused is None or not _refused_as_dead(exc, "file_token"):
                raise
            # the (free) import refused the reused token: Tripo forgot it; upload the file once more
            log.warning(
                "Job %s: Tripo refused the reused upload %s for import (%s); uploading again", job.id, token, exc.code
            )
            dead = sorted({*record.get("dead", ()), token})
            record = {"hash": digest, "at": time.time(), "dead": dead}
            self.update(note=RENEW_NOTE, result={**thaw(job.result), RESULT_KEY: record}, must_persist=True)
            token = self._upload(job, plan, digest, renewing=True)
            record["file_token"] = token
            task_id = self._import(job, token, record)
        record["import_task_id"] = task_id  # its age is counted from the upload: the cautious side
        return task_id, record

    def _written(self, path: str) -> None:
        """Wait until the export is written (:mod:`.mesh_writes`). A cancel stops the wait within
        :data:`_WRITE_POLL` seconds: the next ``update`` raises; the writer finishes alone."""
        if not EXPORT_WRITES.pending(path):
            return
        while not EXPORT_WRITES.wait(path, _WRITE_POLL):
            self.update(note=PREPARING_NOTE)

    def _upload(self, job: Job, plan: MeshPlan, digest: str, *, renewing: bool) -> str:
        """Upload the exported file; its ``file_token``."""
        self.hold()
        self.update(note=RENEW_NOTE if renewing else upload_note(plan.size or Path(plan.path).stat().st_size))
        token = self.client.upload_file(plan.path)
        log.info("Job %s: uploaded the mesh (%s) as %s", job.id, digest[:12], token)
        return token

    def _import(self, job: Job, token: str, record: dict[str, Any]) -> str:
        """An ``import_model`` task of the uploaded file, waited for until it succeeded."""
        self.hold()
        # the intent first: the upload is kept whatever happens to the import request
        self.update(
            note="Importing the mesh on Tripo…", result={**thaw(job.result), RESULT_KEY: record}, must_persist=True
        )
        try:
            task_id = self.client.import_model(token)
        except TripoRequestError as exc:
            if exc.may_have_reached_server:
                raise _ImportFailed(f"The import request may have reached Tripo but got no answer ({exc}).") from exc
            raise
        self.update(
            note="Importing the mesh on Tripo…",
            result={**thaw(job.result), RESULT_KEY: {**record, "import_task_id": task_id}},
        )
        task = self.wait_task(task_id)
        if task.status != TaskStatus.SUCCESS:
            status = getattr(task.status, "value", str(task.status))
            raise _ImportFailed(
                f"Tripo could not import the mesh (task {task_id} {status}"
                f"{': ' + task.error_msg if task.error_msg else ''})."
            )
        return task_id


class _ImportFailed(Exception):
    """The ``import_model`` step did not give a usable task (the message says why)."""
