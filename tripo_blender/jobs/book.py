"""The live job list: the one place where a job snapshot is replaced, announced and journaled.

Why one place: a change of a job has three consequences that must never drift apart — the
in-memory snapshot, a :class:`~.events.JobChanged` event for the pump, and (for anything but
progress ticks) a journal write. Workers and the main thread both change jobs; they do it
only through :meth:`JobBook.update`, under one lock.

Cancellation is race-free because of that lock: :meth:`JobBook.cancel` sets the job's run
handle *and* moves it to ``cancelled`` in one step, and a worker's update carrying that
handle is refused (:class:`Stopped`) from then on, so a worker can never resurrect a
cancelled job. Journal writes happen outside the lock (they fsync) so the pump never waits
for the disk; the journal itself keeps the newest revision when writes cross.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Container

from .events import Event, EventQueue, JobChanged
from .journal import Journal, JournalError
from .model import Job, JobState, advance

__all__ = ["JobBook", "RunHandle", "Stopped"]

log = logging.getLogger("tripo_blender.jobs")

# Fields that change on every poll: shown live, but not worth a disk write each time.
_VOLATILE = frozenset({"progress", "eta_seconds", "queue_position", "updated_at", "revision"})


class Stopped(Exception):
    """The job's run was cancelled, or the runner is shutting down: the worker unwinds quietly."""


@dataclass
class RunHandle:
    """Ties one scheduled run of a job to the worker doing it; setting ``cancel`` stops it.

    ``shutdown`` distinguishes "the runner stops" (keep the journal as it is, resume next time)
    from "the user cancelled" (the job is ``cancelled``).
    """

    cancel: threading.Event = field(default_factory=threading.Event)
    shutdown: bool = False


def _needs_journal(old: Job, new: Job) -> bool:
    return any(getattr(old, name) != getattr(new, name) for name in Job.__dataclass_fields__ if name not in _VOLATILE)


class JobBook:
    """Thread-safe map of job id → latest :class:`Job`, plus each job's current run handle."""

    def __init__(self, journal: Journal, events: EventQueue, clock: Callable[[], float] = time.time) -> None:
        self.lock = threading.RLock()
        self.journal = journal
        self.events = events
        self.clock = clock
        self._jobs: dict[str, Job] = {}
        self._runs: dict[str, RunHandle] = {}

    # -- reading -----------------------------------------------------------------------------
    def get(self, job_id: str) -> Job | None:
        with self.lock:
            return self._jobs.get(job_id)

    def require(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job is None:
            raise KeyError(f"no job with id {job_id!r}")
        return job

    def all(self) -> list[Job]:
        with self.lock:
            return list(self._jobs.values())

    # -- writing -----------------------------------------------------------------------------
    def add(self, job: Job, *, persist: bool = True) -> None:
        """Register a new (or journal-loaded) job and announce it."""
        with self.lock:
            if job.id in self._jobs:
                raise ValueError(f"job {job.id} already exists")
            self._jobs[job.id] = job
            self.events.put(JobChanged(job))
        if persist:
            self._save(job, required=False)

    def remove(self, job_id: str) -> Job | None:
        with self.lock:
            self._runs.pop(job_id, None)
            job = self._jobs.pop(job_id, None)
        self.journal.remove(job_id)
        return job

    def update(
        self,
        job_id: str,
        state: JobState | None = None,
        *,
        note: str | None = None,
        run: RunHandle | None = None,
        when: Container[JobState] | None = None,
        must_persist: bool = False,
        **changes: Any,
    ) -> Job:
        """Apply a change and announce it; returns the new snapshot.

        ``run``: the caller's run handle; the update is refused with :class:`Stopped` once it
        is cancelled. ``when``: apply only if the job is in one of these states, else return
        it unchanged (check-and-set in one lock hold). ``must_persist``: raise
        :class:`JournalError` if the journal write fails (the intent before a POST); otherwise
        a failed write is logged and the job goes on.
        """
        with self.lock:
            if run is not None and run.cancel.is_set():
                raise Stopped(job_id)
            old = self._jobs[job_id]
            if when is not None and old.state not in when:
                return old
            new = advance(old, state, at=self.clock(), note=note, **changes)
            if new is old:
                return old
            self._jobs[job_id] = new
            self.events.put(JobChanged(new))
        if _needs_journal(old, new):
            self._save(new, required=must_persist)
        if new.state != old.state:
            log.info("Job %s (%s): %s → %s %s", job_id, new.kind, old.state.value, new.state.value, new.note)
        return new

    def emit(self, event: Event) -> None:
        self.events.put(event)

    def _save(self, job: Job, *, required: bool) -> None:
        try:
            self.journal.save(job)
        except JournalError:
            if required:
                raise
            log.exception("Job %s: journal write failed; the job continues but may not resume", job.id)

    # -- runs --------------------------------------------------------------------------------
    def start_run(self, job_id: str) -> RunHandle:
        """A fresh handle for the next scheduled run of ``job_id``."""
        with self.lock:
            handle = RunHandle()
            self._runs[job_id] = handle
            return handle

    def run_of(self, job_id: str) -> RunHandle | None:
        with self.lock:
            return self._runs.get(job_id)

    def end_run(self, job_id: str, handle: RunHandle) -> None:
        with self.lock:
            if self._runs.get(job_id) is handle:
                del self._runs[job_id]

    def has_run(self, job_id: str) -> bool:
        with self.lock:
            return job_id in self._runs

    def cancel(self, job_id: str, note: str) -> Job:
        """Stop the job's run (if any), then mark it cancelled.

        Once the handle is set every worker update for this run is refused, so the two steps
        need not share one lock hold (which would keep the lock through the journal's fsync).
        """
        with self.lock:
            handle = self._runs.pop(job_id, None)
            if handle is not None:
                handle.cancel.set()
        return self.update(job_id, JobState.CANCELLED, note=note)

    def stop_all_runs(self) -> None:
        """Runner shutdown: wake every worker without changing any job (they resume next time)."""
        with self.lock:
            for handle in self._runs.values():
                handle.shutdown = True
                handle.cancel.set()
