"""The live job list: the one place where a job snapshot is replaced, announced and journaled.

Why one place: a change of a job has three consequences that must never drift apart — the
in-memory snapshot, a :class:`~.events.JobChanged` event for the pump, and (for anything but
progress ticks) a journal write. Workers and the main thread both change jobs; they do it
only through :meth:`JobBook.update` / :meth:`JobBook.update_if`, under one lock.

Cancellation is race-free: :meth:`JobBook.cancel` first sets the job's run handle, and every
worker update carrying that handle is refused (:class:`Stopped`) from then on, so a worker
can never resurrect a cancelled job. The few updates a worker makes *without* its handle
record facts that happened anyway (a POST's answer) and are conditional on the state
(``update_if``). Journal writes happen outside the lock (they fsync) so the pump never
waits for the disk; the journal itself keeps the newest revision when writes cross.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from typing import Any

from .events import Event, EventQueue, JobChanged
from .journal import Journal, JournalError
from .model import Job, JobError, JobState, advance, settled_change
from .redaction import protect_logger, scrub_changes
from .watcher import Signal

__all__ = ["JobBook", "RunHandle", "Stopped", "PAUSED_NOTE_PREFIX"]

log = protect_logger("tripo_blender.jobs")  # the one logger of this package: a key never reaches a log line

#: How the note of a job held by a network pause starts ("paused: online access is off").
PAUSED_NOTE_PREFIX = "paused: "


class Stopped(Exception):
    """The job's run was cancelled, or the runner is shutting down: the worker unwinds quietly."""


@dataclass
class RunHandle:
    """Ties one scheduled run of a job to the worker doing it; setting ``cancel`` stops it.

    ``shutdown`` distinguishes "the runner stops" (keep the journal as it is, resume next time)
    from "the user cancelled" (the job is ``cancelled``).

    ``interrupt`` is what a worker's waits (between polls, before a retry) wait on: it is set
    together with ``cancel`` and also while the network is paused, so one wait ends early for
    either reason; the worker then tells them apart (``cancel``, :meth:`JobBook.network_pause`).
    Only :class:`JobBook` sets or clears it. A :class:`~.watcher.Signal`, so a wait for the task
    watcher's next answer ends on it too.
    """

    cancel: threading.Event = field(default_factory=threading.Event)
    shutdown: bool = False
    interrupt: Signal = field(default_factory=Signal)

    def _stop(self) -> None:
        self.cancel.set()
        self.interrupt.set()


def _needs_journal(old: Job, new: Job) -> bool:
    """Progress ticks are shown live but not written: a disk write per poll is not worth it."""
    return settled_change(old, new)


class JobBook:
    """Thread-safe map of job id → latest :class:`Job`, plus each job's current run handle."""

    def __init__(self, journal: Journal, events: EventQueue, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        # notified when the network pause ends or a run is cancelled: what held workers wait for
        self._network_changed = threading.Condition(self._lock)
        self.journal = journal
        self.events = events
        self.clock = clock
        self._jobs: dict[str, Job] = {}
        self._runs: dict[str, RunHandle] = {}
        self._network_pause: str | None = None
        self._held = 0  # workers waiting in hold_while_paused

    # -- reading -----------------------------------------------------------------------------
    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def require(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job is None:
            raise KeyError(f"no job with id {job_id!r}")
        return job

    def all(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def task_ids(self) -> frozenset[str]:
        """Every task id a job of this add-on follows or ever followed: the claims file (every
        journaled task id, kept for good: :mod:`.claims`) and the listed jobs (one whose journal
        write failed is only here)."""
        with self._lock:
            listed = {job.task_id for job in self._jobs.values() if job.task_id}
        return self.journal.claims.all() | listed

    # -- writing -----------------------------------------------------------------------------
    def add(self, job: Job, *, persist: bool = True) -> None:
        """Register a new (or journal-loaded) job and announce it."""
        with self._lock:
            if job.id in self._jobs:
                raise ValueError(f"job {job.id} already exists")
            self._jobs[job.id] = job
            self.events.put(JobChanged(job))
            if persist:
                self.journal.expect_write()
        if persist:
            self._save(job, required=False)

    def remove(self, job_id: str) -> Job | None:
        with self._lock:
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
        must_persist: bool = False,
        **changes: Any,
    ) -> Job:
        """Apply a change and announce it; returns the new snapshot.

        ``run``: the caller's run handle; the update is refused with :class:`Stopped` once it
        is cancelled. ``must_persist``: raise :class:`JournalError` if the journal write fails
        (the intent before a POST); otherwise a failed write is logged and the job goes on.
        """
        job = self._apply(job_id, state, None, note=note, run=run, must_persist=must_persist, **changes)
        assert job is not None  # no condition, so always applied
        return job

    def update_if(
        self,
        job_id: str,
        when: Container[JobState],
        state: JobState | None = None,
        *,
        note: str | None = None,
        run: RunHandle | None = None,
        **changes: Any,
    ) -> Job | None:
        """Like :meth:`update`, but only if the job is in one of the ``when`` states (checked
        and applied in one lock hold); None when it was not."""
        return self._apply(job_id, state, when, note=note, run=run, must_persist=False, **changes)

    def take_task(
        self,
        job_id: str,
        task_id: str,
        when: Container[JobState],
        state: JobState,
        *,
        note: str,
        run: RunHandle | None = None,
        **changes: Any,
    ) -> Job | None:
        """Give ``job_id`` the task ``task_id`` (like :meth:`update_if`), unless another job follows
        it already: checked and applied in one lock hold, so two uncertain jobs that found the same
        task can never both take it. None when the job was not in ``when`` or the task is taken."""
        return self._apply(
            job_id, state, when, note=note, run=run, must_persist=False, task_id=task_id, unclaimed=True, **changes
        )

    def _apply(
        self,
        job_id: str,
        state: JobState | None,
        when: Container[JobState] | None,
        *,
        note: str | None,
        run: RunHandle | None,
        must_persist: bool,
        unclaimed: bool = False,
        **changes: Any,
    ) -> Job | None:
        note, changes = scrub_changes(note, changes)  # server-sent values: no key gets past
        whole = changes.get("error")
        if isinstance(whole, JobError) and whole.too_long:  # kept cut; the whole texts beside the entry
            changes["error"] = whole.bounded(str(self.journal.full_error_path(job_id)))
        else:
            whole = None
        with self._lock:
            if run is not None and run.cancel.is_set():
                raise Stopped(job_id)
            old = self._jobs[job_id]
            if when is not None and old.state not in when:
                return None
            if unclaimed and any(j.task_id == changes["task_id"] for j in self._jobs.values() if j.id != job_id):
                return None
            new = advance(old, state, at=self.clock(), note=note, **changes)
            if new is old:
                return old
            if whole is not None and new.error == changes["error"]:
                # Kept before the change is seen: Copy Details the moment a row reads "failed" finds
                # the whole texts. A disk write under the lock, but only for the rare too-long error.
                self.journal.keep_full_error(job_id, new.revision, whole)
            self._jobs[job_id] = new
            self.events.put(JobChanged(new))
            journaled = _needs_journal(old, new)
            if journaled:  # announced before the lock is released: a journal read waits for it
                self.journal.expect_write()
        if journaled:
            self._save(new, required=must_persist)
        if new.state != old.state:
            log.info("Job %s (%s): %s → %s %s", job_id, new.kind, old.state.value, new.state.value, new.note)
        return new

    def emit(self, event: Event) -> None:
        self.events.put(event)

    def _save(self, job: Job, *, required: bool) -> None:
        """Write an announced change (:meth:`Journal.expect_write`, under the lock that made it)."""
        try:
            self.journal.claim_session()  # once: a live session's entries are not another's to take
            self.journal.save(job, expected=True)
        except JournalError:
            if required:
                raise
            log.exception("Job %s: journal write failed; the job continues but may not resume", job.id)

    # -- runs --------------------------------------------------------------------------------
    def start_run(self, job_id: str) -> RunHandle:
        """A fresh handle for the next scheduled run of ``job_id``."""
        with self._lock:
            handle = RunHandle()
            if self._network_pause is not None:
                handle.interrupt.set()
            self._runs[job_id] = handle
            return handle

    def run_of(self, job_id: str) -> RunHandle | None:
        with self._lock:
            return self._runs.get(job_id)

    def end_run(self, job_id: str, handle: RunHandle) -> None:
        with self._lock:
            if self._runs.get(job_id) is handle:
                del self._runs[job_id]

    def has_run(self, job_id: str) -> bool:
        with self._lock:
            return job_id in self._runs

    def cancel(self, job_id: str, note: str, cancellable: Container[JobState]) -> Job | None:
        """Stop the job's run (if any), then mark it cancelled; None if it is not cancellable.

        Once the handle is set every worker update for this run is refused, so the two steps
        need not share one lock hold (which would keep the lock through the journal's fsync);
        the final move re-checks the state, because a POST's outcome is still recorded.
        """
        with self._lock:
            if self._jobs[job_id].state not in cancellable:
                return None
            handle = self._runs.pop(job_id, None)
            if handle is not None:
                handle._stop()
                self._network_changed.notify_all()
        return self.update_if(job_id, cancellable, JobState.CANCELLED, note=note)

    def stop_all_runs(self) -> None:
        """Runner shutdown: wake every worker without changing any job (they resume next time)."""
        with self._lock:
            for handle in self._runs.values():
                handle.shutdown = True
                handle._stop()
            self._network_changed.notify_all()

    # -- network pause -----------------------------------------------------------------------
    @property
    def network_pause(self) -> str | None:
        """Why no request may go out now (e.g. "online access is off"), or None."""
        with self._lock:
            return self._network_pause

    @property
    def held(self) -> int:
        """How many workers are waiting in :meth:`hold_while_paused` right now."""
        with self._lock:
            return self._held

    def pause_network(self, reason: str) -> bool:
        """From now on workers send nothing: each stops at its next network step and waits.

        Every run's ``interrupt`` is set, so a worker sleeping between polls wakes at once
        instead of polling once more. False if the network was already paused.
        """
        with self._lock:
            was = self._network_pause
            self._network_pause = reason
            for handle in self._runs.values():
                handle.interrupt.set()
        return was is None

    def resume_network(self) -> bool:
        """Let the held workers go on where they stopped. False if nothing was paused."""
        with self._lock:
            if self._network_pause is None:
                return False
            self._network_pause = None
            for handle in self._runs.values():
                if not handle.cancel.is_set():
                    handle.interrupt.clear()
            self._network_changed.notify_all()
        return True

    def hold_while_paused(self, job_id: str, run: RunHandle) -> None:
        """Worker side: return at once when the network is allowed, else wait until it is.

        While it waits, the job keeps its state and its note says why; when the pause ends the
        note it had before comes back (the worker's next step replaces it soon anyway). Raises
        :class:`Stopped` when the run is cancelled or the runner shuts down, paused or not.
        """
        with self._lock:
            reason = self._network_pause
            if reason is None and not run.cancel.is_set():
                run.interrupt.clear()  # a handle that missed resume_network (no longer in _runs)
        if reason is None:
            if run.cancel.is_set():
                raise Stopped(job_id)
            return
        before = self.require(job_id).note
        if before.startswith(PAUSED_NOTE_PREFIX):
            before = ""
        with self._lock:
            self._held += 1  # counted before the note's event, so whoever sees the note sees it held
        try:
            self.update(job_id, note=PAUSED_NOTE_PREFIX + reason, run=run)
            with self._lock:
                while self._network_pause is not None and not run.cancel.is_set():
                    self._network_changed.wait()
        finally:
            with self._lock:
                self._held -= 1
        self.update(job_id, note=before, run=run)  # Stopped if cancelled meanwhile
