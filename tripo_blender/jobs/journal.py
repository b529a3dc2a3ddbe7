"""The job journal: one small JSON file per job, written atomically, read back at start-up.

Why it exists: ``POST /task`` costs credits and is not idempotent. The journal records the
*intent* (state ``submitting``) before the request leaves, and the task id as soon as it is
known. After a crash or a Blender restart the engine reads it back and

* resumes polling every job that has a task id (never a second POST),
* marks a job still ``submitting`` as ``uncertain`` (the POST may have charged),

so nothing paid for is lost and nothing is paid for twice.

Why one file per job: a write touches only that job's few hundred bytes (no rewrite of the
whole history on every change), and a damaged file loses one entry, not the list.
Atomicity: write a temp file in the same folder, fsync, ``os.replace`` over the old one — a
reader sees the old or the new record, never half of one. The journal holds only
:meth:`Job.to_dict` output; specs refuse credentials, so the API key never lands here.

An error text longer than the job keeps (:data:`~.model.MAX_ERROR_CHARS`: a server once sent a
megabyte) is cut in the entry, and its whole texts are kept once beside it in
``<dir>/<job_id>.error`` (:meth:`Journal.keep_full_error`) for Copy Details; it goes with the entry.

Format (``<dir>/<job_id>.json``, UTF-8)::

    {"format": 1, "job": {"job_id": …, "spec": {"kind", "name", "params", "outputs", "meta"},
     "state": "submitting", "task_id": null, "note": "", "error": null, "files": {}, …,
     "timeline": [[unix_time, "pending", "note"], …], "revision": 3}}
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .claims import ClaimedTasks
from .model import Job, JobError
from .owner import Session

__all__ = ["Journal", "JournalError", "FORMAT", "atomic_write_text", "whole_error"]

log = logging.getLogger("tripo_blender.jobs")

FORMAT = 1
_SUFFIX = ".json"
_FULL_ERROR_SUFFIX = ".error"
_TMP_PREFIX = ".tmp-"
#: A temp file older than this is a crash's leftover (a journal write takes milliseconds).
_STALE_TEMP_SECONDS = 600.0


class JournalError(OSError):
    """The journal could not be written; a paid request must not be sent without it."""


def atomic_write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that readers never see a partial file.

    The temp file lives in the same folder (``os.replace`` is atomic only within one file
    system) and is fsynced before the rename, so a power cut leaves the old or the new file.
    """
    fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _drop_stale_temp(path: Path) -> None:
    """Delete a temp file left by a crash during a write; leave one younger than
    :data:`_STALE_TEMP_SECONDS` (a write in flight: this session's workers, or another session)."""
    try:
        if time.time() - path.stat().st_mtime > _STALE_TEMP_SECONDS:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def whole_error(error: JobError) -> JobError:
    """``error`` with its whole texts when it was cut and they were kept
    (:meth:`Journal.keep_full_error`); else ``error`` itself (the kept file is gone or damaged)."""
    if not error.full_text:
        return error
    try:
        texts: Any = json.loads(Path(error.full_text).read_text(encoding="utf-8"))
        return JobError(
            str(texts["message"]),
            error.code,
            texts.get("suggestion"),
            texts.get("trace_id"),
            texts.get("detail", error.detail),
        )  # a file kept before details were: the job's own
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("The whole error text %s could not be read: %s", error.full_text, exc)
        return error


class _WritesInFlight:
    """Journal writes announced in this process and not finished yet, per folder.

    Why: disabling the add-on does not wait for its workers (a request may be on the wire), so a
    worker may still be writing the entry of a change it made a moment before (the task id that
    just arrived). Enabling the add-on again reads the folder on a thread; that read waits for
    these writes first (:meth:`Journal.wait_for_writes`), so it never lists the older record. The
    job book announces a write while it still holds its own lock (:meth:`Journal.expect_write`),
    so no change is ever between "made" and "being written" unseen.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._count: dict[str, int] = {}

    def add(self, folder: str, count: int) -> None:
        with self._changed:
            left = self._count.get(folder, 0) + count
            if left > 0:
                self._count[folder] = left
            else:
                self._count.pop(folder, None)
                self._changed.notify_all()

    def wait(self, folder: str, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: folder not in self._count, timeout)


_IN_FLIGHT = _WritesInFlight()


class Journal:
    """Persistent job records in a folder chosen by the caller (Blender: extension user dir).

    Thread-safe. :meth:`save` keeps the newest revision: two threads saving snapshots of the
    same job in the "wrong" order cannot leave the older one on disk.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self._folder = os.path.abspath(self.directory)  # the key of its writes in flight (any instance)
        self._lock = threading.Lock()  # the bookkeeping below; held for no disk write of an entry
        # one lock per job around its entry's write: the revision check and the write of one job
        # stay together, while entries of different jobs are written (and fsynced) side by side —
        # one lock for all made a batch's POST intents wait behind the other jobs' writes
        self._job_locks: dict[str, threading.Lock] = {}
        self._written: dict[str, int] = {}  # job id -> revision on disk
        self._errors_written: dict[str, int] = {}  # job id -> revision of the whole error on disk
        self.removed: set[str] = (
            set()
        )  # ids of the entries this object removed (a load in flight may still return them)
        self.session = Session(self.directory)  # entries carry their owner (see .owner)
        self.foreign = 0  # entries of a live other session skipped by the last load_all
        self.claims = ClaimedTasks(self.directory)  # every task id a job ever followed (see .claims)

    def _job_lock(self, job_id: str) -> threading.Lock:
        with self._lock:
            lock = self._job_locks.get(job_id)
            if lock is None:
                lock = self._job_locks[job_id] = threading.Lock()
            return lock

    def path_for(self, job_id: str) -> Path:
        if not job_id or any(c in job_id for c in "/\\:") or job_id.startswith("."):
            raise ValueError(f"unsafe job id {job_id!r}")
        return self.directory / f"{job_id}{_SUFFIX}"

    def expect_write(self) -> None:
        """Announce a :meth:`save` about to happen (the caller then passes ``expected=True``):
        until it is done, :meth:`wait_for_writes` on this folder waits, in any instance."""
        _IN_FLIGHT.add(self._folder, 1)

    def wait_for_writes(self, timeout: float) -> bool:
        """Wait until no write announced in this process for this folder is still under way;
        False when ``timeout`` seconds passed first (a disk that hangs)."""
        return _IN_FLIGHT.wait(self._folder, timeout)

    def save(self, job: Job, *, expected: bool = False) -> None:
        """Write ``job`` unless a newer revision of it is already on disk. ``expected``: the write
        was announced with :meth:`expect_write` (it is done when this returns or raises).

        Raises :class:`JournalError` when the disk refuses (full, read-only, permissions).
        """
        try:
            text = json.dumps(
                {"format": FORMAT, "owner": self.session.id, "job": job.to_dict()},
                ensure_ascii=False,
                indent=1,
                allow_nan=False,
            )
            with self._job_lock(job.id):
                with self._lock:
                    if self._written.get(job.id, -1) >= job.revision:
                        return
                try:
                    self.directory.mkdir(parents=True, exist_ok=True)
                    atomic_write_text(self.path_for(job.id), text)
                except OSError as exc:
                    raise JournalError(f"could not write the job journal in {self.directory}: {exc}") from exc
                with self._lock:
                    self._written[job.id] = job.revision
            if job.task_id:  # before the write counts as done: a read that waited for it sees the claim too
                self.claims.add([(job.task_id, job.id)])
        finally:
            if expected:
                _IN_FLIGHT.add(self._folder, -1)

    def claim_session(self) -> None:
        """Write this session's lock file unless it is there (:meth:`.owner.Session.claim`): entries
        of a live session are not another's to take. The runner's book calls it before each write
        and its journal read before reading (a bare :class:`Journal` writing entries, as the tests'
        "last session" does, stays unclaimed). A refusal is logged; the entry's own write then
        reports the disk's reason to the job."""
        try:
            self.session.claim()
        except OSError as exc:
            log.warning("Journal: could not write the session lock: %s", exc)

    def full_error_path(self, job_id: str) -> Path:
        """Where the whole texts of ``job_id``'s cut error are kept (:meth:`keep_full_error`)."""
        return self.path_for(job_id).with_suffix(_FULL_ERROR_SUFFIX)

    def keep_full_error(self, job_id: str, revision: int, error: JobError) -> bool:
        """Keep the whole texts of ``error`` (the job's error at ``revision``, before it was cut) in
        :meth:`full_error_path`, unless a newer revision's are already there. False (logged) when
        the disk refused: the job keeps the cut texts and goes on."""
        text = json.dumps(error.texts(), ensure_ascii=True)  # any text a server sent can be written
        with self._lock:
            if self._errors_written.get(job_id, -1) >= revision:
                return True
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                atomic_write_text(self.full_error_path(job_id), text)
            except OSError as exc:
                log.warning("Could not keep the whole error of job %s in %s: %s", job_id, self.directory, exc)
                return False
            self._errors_written[job_id] = revision
        return True

    def remove(self, job_id: str) -> None:
        """Forget a job (the user dismissed it), and the whole texts of its error. Missing files are fine."""
        with self._job_lock(job_id), self._lock:
            self.removed.add(job_id)
            self._written.pop(job_id, None)
            self._errors_written.pop(job_id, None)
            self.path_for(job_id).unlink(missing_ok=True)
            self.full_error_path(job_id).unlink(missing_ok=True)

    def load(self, job_id: str) -> Job | None:
        """The record of one job as it is on disk now (None: no readable record)."""
        path = self.path_for(job_id)
        return self._read(path) if path.is_file() else None

    def load_all(self, *, skip_foreign: bool = False, stop: threading.Event | None = None) -> list[Job]:
        """Every readable job record, oldest first. Damaged files are logged and left in place.

        Leftover temp files (a crash during a write) are deleted: the complete previous record
        is still there, because the rename never happened. A young one is left alone: it may be
        a write in flight (the read runs on its own thread while workers write). ``skip_foreign`` (the runner's
        resume): leave out the entries of another live Blender session (:mod:`.owner`).
        ``stop``: once set, reading ends early with what was read (the runner shuts down).
        """
        if not self.directory.is_dir():
            return []
        jobs: list[Job] = []
        self.foreign = 0
        for path in sorted(self.directory.iterdir()):
            if stop is not None and stop.is_set():
                break
            if path.name.startswith(_TMP_PREFIX):
                _drop_stale_temp(path)
                continue
            if path.suffix != _SUFFIX:
                continue
            job = self._read(path, self.session if skip_foreign else None)
            if job is not None:
                jobs.append(job)
        if self.foreign:
            log.info("Journal: %d job(s) belong to another running Blender session; left to it", self.foreign)
        with self._lock:
            for job in jobs:
                self._written[job.id] = max(self._written.get(job.id, -1), job.revision)
        self.claims.add((job.task_id, job.id) for job in jobs)  # entries written before claims were kept
        jobs.sort(key=lambda j: (j.created_at, j.id))
        return jobs

    def release(self) -> None:
        """This session ends: its unfinished entries may be taken over by the next one."""
        self.session.release()

    def _read(self, path: Path, session: Session | None = None) -> Job | None:
        """The entry at ``path``; None when damaged, or (with ``session``) owned by a live other session."""
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError(
                    f"unsupported journal format {data.get('format') if isinstance(data, dict) else data!r}"
                )
            if session is not None and not session.owns_or_may_take(data.get("owner")):
                self.foreign += 1
                return None
            job = Job.from_dict(data["job"])
            if path.stem != job.id:
                raise ValueError("file name and job id differ")
            return job
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("Ignoring damaged job journal entry %s: %s", path, exc)
            return None
