"""The job runner: the only object the Blender layer talks to.

Threading rules (the reason this package exists):

* Worker threads (a fixed, resizable pool) run the client and never touch ``bpy``.
* Every public method is meant for Blender's main thread and returns at once: nothing here
  waits on the network. The constructor and :meth:`Runner.resume` read the journal from
  disk but send nothing; they only queue work for the workers.
* Results travel back as immutable events; the pump (a ``bpy.app.timers`` callback) calls
  :meth:`Runner.drain_events`, imports what :class:`~.events.FilesReady` names, and reports back
  with :meth:`Runner.mark_imported` or :meth:`Runner.mark_import_failed`.

Typical use (the Blender layer passes ``bpy.utils.extension_path_user(...)`` folders)::

    runner = Runner(make_client, journal_dir, cache_dir)
    runner.resume()                                   # bring back jobs of the last session
    job = runner.submit(JobSpec(TEXT_TO_MODEL.name, {"prompt": "a cat"}, name="Cat"))
    for event in runner.drain_events(16): ...         # on every pump tick
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from ..client import TripoClient, routes
from ..client.inputs import PLACEHOLDER_TOKEN
from ..client.payloads import is_task_id, validate_task_id
from . import task_ids, verify
from .book import JobBook, RunHandle, Stopped
from .cache import Cache
from .events import Event, EventQueue, FilesReady, JobRemoved
from .history import JobArchive, compact
from .journal import Journal
from .kinds import FOLLOW_KIND, SOURCE_PARAM, estimate_cost
from .mesh_upload import kept_upload, plan_of
from .model import (
    ACTIVE_STATES,
    CANCELLABLE_STATES,
    Job,
    JobError,
    JobSpec,
    JobState,
    TimelineEntry,
    thaw,
)
from .scheduler import RETIRE, Scheduler, Ticket
from .watcher import TaskWatcher
from .worker import SENDING, VERIFY_NOTE, Execution, WorkerSettings

__all__ = ["Runner", "OfflineError", "JobBusyError"]

log = logging.getLogger("tripo_blender.jobs")

#: Worker threads beyond the jobs followed at once (the runtime's pool): a worker that downloads a
#: finished task's files has left Tripo's concurrency slot, and without a spare thread the next
#: job's POST waited for that download (and the journal writes around it) with the slot idle.
SPARE_WORKERS = 2
_NOT_SENT_NOTE = "not sent before the add-on stopped; Retry sends it"
#: How long the interpreter's exit waits for threads a shutdown left waiting on the network.
EXIT_JOIN_SECONDS = 5.0
#: How long a read of the journal waits for the writes still under way in this process (a worker
#: of the runner shut down a moment before records the task id it just got).
WRITES_WAIT = 5.0
#: Threads :meth:`Runner.shutdown` did not wait for (a request on the wire); joined at exit.
_ABANDONED: list[threading.Thread] = []


@atexit.register
def _join_abandoned() -> None:
    """At interpreter exit, wait (boundedly) for the threads a shutdown left on the wire.

    Why: disabling the add-on must not freeze Blender, so :meth:`Runner.shutdown` returns without
    waiting for a request already on the wire. But a thread still alive while Python finalises
    crashed bpy 4.2 (``blender -b`` at the end of a script, a test run's exit). By the time
    ``atexit`` runs, Blender's window is gone: waiting here freezes nothing the artist sees.
    """
    deadline = time.monotonic() + EXIT_JOIN_SECONDS
    for thread in _ABANDONED:
        thread.join(max(0.0, deadline - time.monotonic()))
    _ABANDONED.clear()


_UNCERTAIN_AFTER_CRASH = JobError(
    "The add-on stopped while this request was being sent, so Tripo may or may not have created "
    "(and charged) the task.",
    suggestion="Retry looks for the task on Tripo and follows it for free. Send Again sends a new request, "
    "which may charge a second time.",
)
_SENT_AGAIN_NOTE = "waiting to be sent again (you accepted a possible second charge)"
PICKED_NOTE = "the task you picked on Tripo; resuming (free)"


_IMPORTING = frozenset({JobState.IMPORTING})
#: States in which a worker owns the job (importing belongs to the pump).
_WORKING = frozenset({JobState.PENDING, JobState.QUEUED, JobState.RUNNING, JobState.DOWNLOADING})


class _JournalRead:
    """One background read of the journal (:meth:`Runner.resume_in_background`): a thread that
    runs :meth:`Runner.load_journal` and keeps what it returned; ``done`` is set when it ends."""

    def __init__(self, runner: Runner) -> None:
        self.jobs: list[Job] = []
        self.done = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(runner,), name="tripo-journal", daemon=True)
        self.thread.start()

    def _read(self, runner: Runner) -> None:
        try:
            self.jobs = runner.load_journal(self.stop)
        except Exception:  # noqa: BLE001 - an unreadable journal lists nothing; the add-on goes on
            log.exception("Journal: reading it failed; the last session's jobs are not listed")
        finally:
            self.done.set()


class JobBusyError(RuntimeError):
    """The job's previous run has not finished yet (its request may still be on the wire)."""


class OfflineError(RuntimeError):
    """Online access is disabled (Blender's "Allow Online Access" is off): nothing was sent."""


class _ClientUnavailable(Exception):
    """The client factory failed (no API key set, bad base URL…)."""


class Runner:
    """Runs Tripo jobs on a pool of worker threads with a journal and a download cache.

    ``workers`` defaults to ``max_in_flight``: a worker stays with its job while the task is
    on the server (polling sleeps cost nothing), so a smaller pool would never use the
    account's full concurrency. ``max_in_flight`` is Tripo's default limit (10); lower it for
    plans or task groups with smaller limits — refusals are handled either way. POSTs keep to
    ``min(max_in_flight, workers)`` tasks in flight; ``spare_workers`` more threads (the add-on
    uses :data:`SPARE_WORKERS`) download finished tasks meanwhile, so a new POST never waits for
    a free thread while a slot on Tripo is free.

    ``client_factory`` builds a :class:`TripoClient` on a worker thread (each worker owns one;
    :meth:`reset_clients` makes them rebuild after the key changed). It must read a settings
    snapshot, never ``bpy``. ``network_allowed`` (called on the caller's thread) guards
    :meth:`submit`, :meth:`retry` and :meth:`resume`.
    """

    def __init__(
        self,
        client_factory: Callable[[], TripoClient],
        journal_dir: str | os.PathLike[str],
        cache_dir: str | os.PathLike[str],
        *,
        workers: int = 10,
        max_in_flight: int = 10,
        max_waiting: int = 500,
        network_allowed: Callable[[], bool] | None = None,
        settings: WorkerSettings | None = None,
        spare_workers: int = 0,
    ) -> None:
        if spare_workers < 0:
            raise ValueError("spare_workers must be 0 or more")
        self._client_factory = client_factory
        self._network_allowed = network_allowed
        self._settings = settings or WorkerSettings()
        self._events = EventQueue()
        self._book = JobBook(Journal(journal_dir), self._events)
        self._archive = JobArchive(journal_dir)
        self._loading: _JournalRead | None = None
        self._scheduler = Scheduler(max_in_flight)
        self._flight_cap = max_in_flight
        self._spare = spare_workers
        self._watcher = TaskWatcher(client_factory)
        self._max_waiting = max_waiting
        self.cache = Cache(cache_dir)
        self._pool_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._target_workers = 0
        self._retiring = 0  # threads asked to exit that have not yet done so
        self._thread_counter = 0
        self._client_generation = 0
        self._closed = False
        # restored uncertain jobs watching the journal for their previous run's answer: until when
        self._adopt_until: dict[str, float] = {}
        self.resize(workers)

    # ------------------------------------------------------------------ main-thread API
    def submit(self, spec: JobSpec, *, task_id: str | None = None) -> Job:
        """Queue a new job and return its first snapshot at once.

        Without ``task_id`` the job starts ``pending`` and a worker sends its POST.

        With ``task_id`` the job *follows a task that already exists* (made on the website, by
        another program, or by a session whose journal is gone): it starts ``queued`` with that
        id, a worker polls, downloads and emits :class:`FilesReady` exactly as for its own tasks,
        and nothing is sent or charged (``estimated_cost`` 0). This is the same path a resumed
        job takes, so no worker code is special. ``spec.kind`` is usually
        :data:`~.model.FOLLOW_KIND` (which requires a ``task_id``).

        A job to send is checked first, whoever asks (console, panel, menu, a raw ``JobSpec``):
        :func:`..client.routes.check` raises what the client would refuse before sending —
        ``TypeError`` for an unknown or missing argument, ``ValueError`` for a value (a P1 quad, a
        texture v3.5 option on v3.0, a face limit out of range…), ``FileNotFoundError`` for a
        missing input file — so nothing is queued that could only fail on a worker later.
        """
        if task_id is None:
            self._check_request(spec)
        self._check_open()
        self._check_network()
        if task_id is None and spec.kind == FOLLOW_KIND:
            raise ValueError(f"a {FOLLOW_KIND!r} job follows an existing task: pass its task_id")
        if task_id is not None:
            # refused where it arrives: an id that is no Tripo task id (' abc', '../../x') would go
            # into every poll's URL or body and the cache folder's name
            validate_task_id(task_id)
            self.cache.folder(task_id)
        if len(self._scheduler.waiting()) >= self._max_waiting:
            raise OverflowError(f"{self._max_waiting} jobs are already waiting to be sent; wait for some to finish")
        now = self._book.clock()
        state, note = (
            (JobState.PENDING, "waiting to be sent")
            if task_id is None
            else (JobState.QUEUED, "following an existing task")
        )
        job = Job(
            id=uuid.uuid4().hex,
            spec=spec,
            state=state,
            created_at=now,
            updated_at=now,
            note=note,
            task_id=task_id,
            task_status=None if task_id is None else "queued",
            estimated_cost=estimate_cost(spec.kind, spec.params) if task_id is None else 0,
            timeline=(TimelineEntry(now, state, note),),
        )
        self._book.add(job)
        self._schedule(job.id, post=task_id is None)
        if task_id is None:
            log.info("Job %s submitted: %s %r (estimated %s credits)", job.id, spec.kind, job.name, job.estimated_cost)
        else:
            log.info("Job %s follows existing task %s: %s %r", job.id, task_id, spec.kind, job.name)
        return job

    @staticmethod
    def _check_request(spec: JobSpec) -> None:
        """:func:`..client.routes.check` of ``spec``'s params. A local mesh's file may still be
        being written (``mesh_writes``): a placeholder token stands in for it, and the upload step
        checks the file itself."""
        params = thaw(spec.params)
        if plan_of(spec) is not None:
            params[SOURCE_PARAM] = PLACEHOLDER_TOKEN
        routes.check(spec.kind, params)

    def jobs(self) -> list[Job]:
        """Snapshots of every known job, oldest first."""
        return self._book.all()

    def job(self, job_id: str) -> Job | None:
        return self._book.get(job_id)

    def drain_events(self, limit: int | None = None) -> list[Event]:
        """Up to ``limit`` pending events, oldest first; never blocks (safe in a timer)."""
        return self._events.drain(limit)

    def wait_for_events(self, timeout: float) -> bool:
        """Block until an event is ready or ``timeout`` passes. For scripts and tests only:
        Blender's pump must use :meth:`drain_events`, which never blocks."""
        return self._events.wait(timeout)

    def has_active(self) -> bool:
        """True while any job is in progress or events wait: the pump keeps ticking."""
        return len(self._events) > 0 or any(
            j.state in ACTIVE_STATES or self._book.has_run(j.id) for j in self._book.all()
        )

    def cancel(self, job_id: str) -> bool:
        """Stop working on a job. The server task (if any) keeps running: apiv3 cannot cancel it.

        Returns False when there is nothing to cancel (finished, or its files are being
        imported). The journal keeps the job as ``cancelled`` so it does not resume.
        """
        job = self._book.require(job_id)
        note = "cancelled by you; the task keeps running on Tripo" if job.task_id else "cancelled by you"
        if self._book.cancel(job_id, note, CANCELLABLE_STATES) is None:
            return False
        self._scheduler.discard(job_id)
        self._adopt_until.pop(job_id, None)
        return True

    def retry(self, job_id: str) -> Job:
        """Try a failed, cancelled or uncertain job again.

        When the job has a task the server did not report as failed (download failed, local
        wait cancelled) this resumes it for free. An uncertain job (or one dismissed while
        uncertain) looks for its task on Tripo, for free (:meth:`_verify_uncertain`); it is only
        sent again by :meth:`send_again`. Otherwise it sends a **new, paid** request: check
        :attr:`Job.retry_resends` first and let the user confirm.
        """
        job = self._retryable(job_id)
        if job.state == JobState.UNCERTAIN or job.post_unsure:
            return self._verify_uncertain(job)
        if job.retry_resends:
            job = self._resend(job, "waiting to be sent (retry)")
        else:
            job = self._book.update(job_id, JobState.QUEUED, note="resuming", error=None)
        self._schedule(job_id, post=job.task_id is None)
        return job

    def _retryable(self, job_id: str) -> Job:
        """The job, if Retry (or Send Again) may act on it now; a look-up or journal watch waiting
        for its next round gives way (:meth:`_take_back`). Raises ValueError / JobBusyError."""
        job = self._book.require(job_id)
        if not job.can_retry:
            if job.state in (JobState.FAILED, JobState.CANCELLED, JobState.UNCERTAIN):  # a followed task
                raise ValueError(
                    f"job {job_id} followed task {job.task_id}, which failed on Tripo; this add-on "
                    "did not create it, so there is no request to send again"
                )
            raise ValueError(
                f"job {job_id} is {job.state.value}; only failed, cancelled or uncertain jobs can be retried"
            )
        self._check_open()
        self._check_network()
        self._take_back(job_id)
        if self._scheduler.is_busy(job_id):
            # e.g. cancelled while its POST was on the wire: wait for that answer, or a retry
            # could pay twice for a task that is about to be recorded
            raise JobBusyError(f"job {job_id} is still finishing its previous attempt; try again in a moment")
        return job

    def _take_back(self, job_id: str) -> None:
        """An uncertain job's next look-up (or journal watch) waiting in the queue is dropped: what
        the artist asks now replaces it. A run on a worker right now is left to finish."""
        self._adopt_until.pop(job_id, None)
        if self._scheduler.discard(job_id):
            run = self._book.run_of(job_id)
            if run is not None:
                self._book.end_run(job_id, run)

    def _resend(self, job: Job, note: str) -> Job:
        """Back to ``pending``: a new, paid POST (what Retry of a failed task and Send Again do)."""
        return self._book.update(
            job.id,
            JobState.PENDING,
            note=note,
            error=None,
            task_id=None,
            task_status=None,
            task_type=None,
            task_input={},
            request={},
            lookup={},
            progress=0,
            files={},
            result=kept_upload(job.result),  # a local mesh's upload is not sent again
            objects=(),
            consumed_credit=None,
        )

    def _verify_uncertain(self, job: Job) -> Job:
        """Retry of an uncertain job never resends: the journal may already hold the task id
        (another run recorded it after this session loaded the job); else a worker looks for it
        on Tripo (:mod:`.verify`): it follows the one task provably its own, lists several for the
        artist to pick, or keeps looking through the settle window. Only :meth:`send_again` sends."""
        if job.state != JobState.UNCERTAIN:  # dismissed (cancelled) while uncertain: still unsure
            job = self._book.update(job.id, JobState.UNCERTAIN, note=VERIFY_NOTE)
        task_id = verify.journal_task_id(self._book.journal, job)
        taken = (
            None
            if task_id is None
            else self._book.take_task(
                job.id,
                task_id,
                (JobState.UNCERTAIN,),
                JobState.QUEUED,
                note="found the task sent before; resuming (free)",
                error=None,
                task_status="queued",
                lookup={},
            )
        )
        job = taken if taken is not None else self._book.update(job.id, note=VERIFY_NOTE, lookup={})
        self._schedule(job.id, post=False)
        return job

    def send_again(self, job_id: str) -> Job:
        """Send an uncertain job's request again: a **new POST that may charge a second time**
        (its first one may have created a task nobody found). Only on the artist's explicit,
        confirmed request (the UI's "Send Again — may charge a second time", the console's
        ``job.send_again(confirm=True)``): Retry never does this. Raises ValueError for a job
        that is not uncertain (Retry handles those), JobBusyError while its look-up runs."""
        job = self._book.require(job_id)
        if not (job.state == JobState.UNCERTAIN or job.post_unsure):
            raise ValueError(f"job {job_id} is {job.state.value}, not uncertain: use Retry")
        job = self._retryable(job_id)
        log.warning("Job %s: sent again at the user's request; its first request may have been charged", job_id)
        job = self._resend(job, _SENT_AGAIN_NOTE)
        self._schedule(job_id, post=True)
        return job

    def follow_candidate(self, job_id: str, task_id: str) -> Job:
        """The artist picked ``task_id`` among the tasks an uncertain job's look-up listed
        (:attr:`Job.lookup`): follow it (free). Raises ValueError when it is not one of them or
        another job of this add-on follows (or followed) it, JobBusyError while a look-up runs."""
        job = self._retryable(job_id)
        listed = verify.lookup_of(job)
        if listed is None or task_id not in {c.task_id for c in listed.candidates}:
            raise ValueError(f"task {task_id!r} is not one of the tasks found for job {job_id}")
        if task_id in self._book.task_ids():
            raise ValueError(f"task {task_id} is already followed by another job of this add-on")
        if job.state != JobState.UNCERTAIN:
            self._book.update(job_id, JobState.UNCERTAIN, note=VERIFY_NOTE)
        taken = self._book.take_task(
            job_id,
            task_id,
            (JobState.UNCERTAIN,),
            JobState.QUEUED,
            note=PICKED_NOTE,
            error=None,
            task_status="queued",
            lookup={},
        )
        if taken is None:
            raise ValueError(f"task {task_id} is already followed by another job of this add-on")
        self._schedule(job_id, post=False)
        return taken

    def forget(self, job_id: str) -> bool:
        """Drop a finished, failed, cancelled or uncertain job from the list and the journal.

        Its cached files stay (they may be in use); :meth:`clear_cache` removes them.
        """
        job = self._book.get(job_id)
        if job is None or job.state in ACTIVE_STATES:
            return False
        self._take_back(job_id)
        self._book.remove(job_id)
        self._events.put(JobRemoved(job_id))
        return True

    def mark_imported(self, job_id: str, object_names: Sequence[str], *, note: str = "") -> bool:
        """The pump imported a job's files: the job is ``done``. False if it was not importing.

        ``note`` tells the user how the result landed when it is not the obvious way (the source
        object was gone, the file type has no importer and was only saved…).
        """
        return self._finish_import(job_id, JobState.DONE, note, None, objects=tuple(object_names))

    def mark_import_failed(self, job_id: str, message: str, *, suggestion: str | None = None) -> bool:
        """The pump could not import the files: the job is ``failed`` with ``message`` (and
        ``suggestion``: what to do, when the default "Retry imports them again" would not help)."""
        error = JobError(
            message,
            suggestion=suggestion
            or "The files stay in the cache folder; Retry fetches and imports them again (no new charge).",
        )
        return self._finish_import(job_id, JobState.FAILED, "not imported", error)  # "Failed (not imported)"

    def resume(self) -> list[Job]:
        """Bring back the journal's jobs and continue the unfinished ones (no network here).

        * with a task id, still in progress → polling resumes on a worker (never a second POST);
        * still ``submitting`` → ``uncertain`` (the POST may have been charged);
        * ``pending`` (never sent) → ``cancelled``, so a restart never spends credits unasked;
        * ``importing`` with its files on disk → a fresh :class:`FilesReady` for the pump;
        * finished (done, failed, cancelled) longer ago than ``WorkerSettings.journal_retention``,
          or beyond the newest ``WorkerSettings.journal_keep_finished`` → archived
          (:mod:`.history`: not loaded, not listed; their task ids stay known). Uncertain jobs
          are never archived: they wait for the user's decision.

        Safe to call again (e.g. when online access is switched on): known jobs are kept and
        only unfinished jobs without a worker are queued. Returns the jobs it loaded.

        Reads the whole journal on the calling thread: Blender's main thread uses
        :meth:`resume_in_background` and :meth:`collect_resumed` instead.
        """
        self._check_open()
        return self.adopt(self.load_journal())

    def load_journal(self, stop: threading.Event | None = None) -> list[Job]:
        """Read the journal and archive what it no longer keeps (:mod:`.history`); the jobs to
        :meth:`adopt`. Disk only: no job of this runner changes, so any thread may call it.
        ``stop``: once set, the read ends early and nothing is archived or returned."""
        if not self._book.journal.wait_for_writes(WRITES_WAIT):  # the last session's workers may still write
            log.warning("Journal: writes of the last session did not finish in %.0f s; reading it anyway", WRITES_WAIT)
        self._book.journal.claim_session()  # the entries it takes over are this live session's now
        loaded = self._book.journal.load_all(skip_foreign=True, stop=stop)
        if stop is not None and stop.is_set():
            return []
        loaded = [job for job in loaded if self._book.get(job.id) is None]  # this session's own stay as they are
        return compact(
            self._book.journal,
            self._archive,
            loaded,
            now=self._book.clock(),
            retention=self._settings.journal_retention,
            keep=self._settings.journal_keep_finished,
        )

    def adopt(self, loaded: Sequence[Job]) -> list[Job]:
        """Main thread: list and continue the jobs :meth:`load_journal` read (see :meth:`resume`);
        those this session knows already or removed meanwhile are left out. Returns the others."""
        self._check_open()
        removed = self._book.journal.removed
        fresh = [job for job in loaded if self._book.get(job.id) is None and job.id not in removed]
        for job in fresh:
            self._book.add(job, persist=False)
            self._restore(job)
        self._continue_unfinished()
        return fresh

    def resume_in_background(self) -> None:
        """:meth:`resume`, with the journal read on a thread of its own: returns at once.

        Why: reading is 0.5 ms an entry (a long history took seconds), and Blender's main thread
        must not wait for it. The pump calls :meth:`collect_resumed` on each tick. Does nothing
        while a read is under way."""
        self._check_open()
        if self._loading is not None:
            return
        self._loading = _JournalRead(self)

    def collect_resumed(self) -> list[Job] | None:
        """Main thread, never blocks: when the read :meth:`resume_in_background` started is done,
        adopt its jobs and return them (:meth:`adopt`); None while it is still reading or when
        none was started."""
        read = self._loading
        if read is None or not read.done.is_set():
            return None
        self._loading = None
        return self.adopt(read.jobs)

    @property
    def resuming(self) -> bool:
        """A background read of the journal is under way (:meth:`resume_in_background`)."""
        return self._loading is not None

    def wait_read(self, timeout: float) -> bool:
        """Block until the read :meth:`resume_in_background` started is done (True) or ``timeout``
        passes; True when none runs. For scripts and tests only: Blender's pump calls
        :meth:`collect_resumed`, which never blocks."""
        read = self._loading
        return read is None or read.done.wait(timeout)

    def task_ids(self) -> frozenset[str]:
        """Every task id a job of this add-on follows or ever followed (:meth:`.book.JobBook.task_ids`:
        the claims file keeps them for good, so archived, removed and cleared jobs' are there).

        While :meth:`resume_in_background` reads, this waits for the read first: an entry written
        before the claims file was kept joins it as it is read. So call it from a worker (a look-up
        runs there), not from Blender's main thread."""
        read = self._loading
        if read is not None:
            read.done.wait()
        return self._book.task_ids()

    def _continue_unfinished(self) -> None:
        """Queue the jobs with a task that no worker follows (after a restart, or offline)."""
        online = self._network_allowed is None or self._network_allowed()
        for job in self._book.all():
            if job.state in (JobState.QUEUED, JobState.RUNNING, JobState.DOWNLOADING) and not self._book.has_run(
                job.id
            ):
                if online:
                    self._book.update(job.id, note="resumed")
                    self._schedule(job.id, post=False)
                else:
                    self._book.update(job.id, note="offline: resumes when online access is allowed")

    def _restore(self, job: Job) -> None:
        """Turn a journal state into what it means now that the previous session is gone.

        A job still ``submitting`` becomes ``uncertain`` and watches the journal for
        ``WorkerSettings.adopt_window`` seconds: when its POST was on the wire as the add-on was
        disabled, the previous instance's worker still records the answer, and the task id it
        writes is shown (and followed) at once — the journal is the truth."""
        if job.task_id is not None and not is_task_id(job.task_id) and job.state in _WORKING:
            task_ids.refuse(self._book, job)  # never polled: see .task_ids
        elif job.state == JobState.SUBMITTING:
            self._book.update(job.id, JobState.UNCERTAIN, note="may have been sent", error=_UNCERTAIN_AFTER_CRASH)
            self._adopt_until[job.id] = time.time() + self._settings.adopt_window
            self._schedule(job.id, post=False)
        elif job.state == JobState.PENDING:
            self._book.update(job.id, JobState.CANCELLED, note=_NOT_SENT_NOTE)
        elif job.state in (JobState.QUEUED, JobState.RUNNING, JobState.DOWNLOADING) and job.task_id is None:
            self._book.update(
                job.id,
                JobState.FAILED,
                note="damaged journal entry",
                error=JobError("The journal entry has no task id."),
            )
        elif job.state == JobState.IMPORTING:
            if job.files and all(os.path.isfile(p) for p in job.files.values()):
                self._book.emit(FilesReady(job.id, job.files, job))
            else:
                self._book.update(job.id, JobState.DOWNLOADING, note="files missing, downloading again")

    # ------------------------------------------------------------------ network pause
    def pause_network(self, reason: str) -> None:
        """Send nothing more until :meth:`resume_network`: no POST, no poll, no download.

        For Blender's "Allow Online Access" being switched off while jobs run. Workers read no
        ``bpy``, so the pump (main thread) watches the setting and calls this. Returns at once:
        each worker stops at its next network step (a wait between polls ends early; a
        download in progress is abandoned) and waits there. Jobs keep their state; the note of
        a held job says ``"paused: <reason>"``. A request already on the wire cannot be
        recalled; its answer is still recorded. Idempotent.
        """
        if self._book.pause_network(reason):
            log.info("Network paused (%s): jobs wait", reason)

    def resume_network(self) -> None:
        """End :meth:`pause_network`: held jobs continue where they stopped (a job paused before
        its POST sends it now, once; a followed task is polled again). Idempotent."""
        if self._book.resume_network():
            log.info("Network allowed again: paused jobs continue")
            if not self._closed:
                self._continue_unfinished()

    @property
    def network_paused(self) -> str | None:
        """The reason given to :meth:`pause_network` while paused, else None."""
        return self._book.network_pause

    @property
    def held_by_pause(self) -> int:
        """How many workers wait for the network pause to end (each holds one job)."""
        return self._book.held

    # ------------------------------------------------------------------ pool management
    @property
    def workers(self) -> int:
        """The pool size asked for (threads retire lazily after a shrink)."""
        return self._target_workers

    @property
    def live_workers(self) -> int:
        """Worker threads currently running (0 until the first job: an idle add-on runs none)."""
        with self._pool_lock:
            return len(self._threads)

    def resize(self, workers: int) -> None:
        """Set the pool size. Threads start with the first job (an idle add-on runs none);
        shrinking lets busy workers finish their current job first."""
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self._check_open()
        with self._pool_lock:
            self._target_workers = workers
            self._scheduler.set_max_in_flight(min(self._flight_cap, workers))
            excess = len(self._threads) - self._retiring - workers - self._spare
            if excess > 0:
                self._retiring += excess
                self._scheduler.retire(excess)
            elif self._threads:
                self._spawn_workers()

    def _spawn_workers(self) -> None:
        """Start threads up to the target size (caller holds ``_pool_lock``)."""
        while len(self._threads) - self._retiring < self._target_workers + self._spare:
            self._thread_counter += 1
            thread = threading.Thread(target=self._work, name=f"tripo-jobs-{self._thread_counter}", daemon=True)
            self._threads.append(thread)
            thread.start()

    @property
    def max_in_flight(self) -> int:
        """How many tasks may be queued or running on the server at once (see :meth:`set_max_in_flight`;
        POSTs also keep to :attr:`workers`)."""
        return self._flight_cap

    @property
    def in_flight(self) -> int:
        """Jobs whose POST is being sent or whose task is on the server and not yet seen final."""
        return self._scheduler.in_flight

    def set_max_in_flight(self, value: int) -> None:
        """Change how many tasks may be queued or running on the server at once."""
        if value < 1:
            raise ValueError("max_in_flight must be at least 1")
        with self._pool_lock:
            self._flight_cap = value
            self._scheduler.set_max_in_flight(min(value, max(1, self._target_workers)))

    def send_order(self) -> list[str]:
        """Ids of the jobs waiting to be sent, in the order they will be sent (the first goes when
        a worker and a slot are free: :meth:`.scheduler.Scheduler.send_order`). A job a worker
        already holds (its mesh uploading, its POST on the wire) is not among them."""
        return self._scheduler.send_order()

    def reset_clients(self) -> None:
        """Workers build a new client (from the factory) before their next job: key changed."""
        with self._pool_lock:
            self._client_generation += 1
        self._watcher.reset_client()

    @property
    def poll_rounds(self) -> int:
        """How many task-list requests the watcher has sent (one per round, for all jobs)."""
        return self._watcher.rounds

    def clear_cache(self) -> int:
        """Delete cached downloads except those of jobs still in progress; bytes freed."""
        keep = {j.task_id for j in self._book.all() if j.task_id and j.state in ACTIVE_STATES}
        return self.cache.clear(keep)

    def shutdown(self, timeout: float | None = 5.0) -> None:
        """Stop the workers; unfinished jobs stay in the journal and resume next time.

        Nothing is marked cancelled. A POST already on the wire cannot be recalled; its worker
        records the task id if the answer arrives within ``timeout``. Idempotent.
        """
        if self._closed:
            return
        self._closed = True
        self._book.stop_all_runs()
        self._scheduler.close()
        loading, self._loading = self._loading, None
        if loading is not None:
            loading.stop.set()
        deadline = None if timeout is None else time.monotonic() + timeout

        def left() -> float | None:
            return None if deadline is None else max(0.0, deadline - time.monotonic())

        self._watcher.close(timeout=left())
        with self._pool_lock:
            threads = list(self._threads)
        if loading is not None:
            threads.append(loading.thread)
        for thread in threads:
            if thread is threading.current_thread():
                continue
            thread.join(left())
        _ABANDONED[:] = [t for t in (*_ABANDONED, *threads, *self._watcher.threads()) if t.is_alive()]
        self._book.journal.release()  # the next session may take over what is unfinished
        log.info("Job runner stopped (%d worker threads)", len(threads))

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # ------------------------------------------------------------------ internals
    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the job runner is shut down")

    def _check_network(self) -> None:
        if self._network_allowed is not None and not self._network_allowed():
            raise OfflineError("Online access is disabled in Blender's preferences; nothing was sent.")

    def _schedule(self, job_id: str, *, post: bool) -> None:
        self._book.start_run(job_id)
        self._scheduler.add(job_id, post=post)
        with self._pool_lock:
            self._spawn_workers()

    def _finish_import(self, job_id: str, state: JobState, note: str, error: JobError | None, **changes: Any) -> bool:
        job = self._book.get(job_id)
        if job is None or self._book.update_if(job_id, _IMPORTING, state, note=note, error=error, **changes) is None:
            log.warning("Job %s: import result ignored, the job is %s", job_id, job.state.value if job else "unknown")
            return False
        return True

    def _work(self) -> None:
        """Body of a worker thread: take a job, carry it forward, repeat until retired."""
        client: TripoClient | None = None
        generation = -1
        try:
            while True:
                ticket = self._scheduler.take()
                if ticket is RETIRE:
                    with self._pool_lock:
                        self._retiring -= 1
                    return
                if ticket is None:
                    return
                run = self._book.run_of(ticket.job_id)
                if run is None or run.cancel.is_set():
                    self._scheduler.leave_flight(ticket)
                    continue
                execution: Execution | None = None
                try:
                    if client is None or generation != self._client_generation:
                        client, generation = self._new_client(client)
                    execution = Execution(
                        ticket,
                        run,
                        client,
                        self._book,
                        self._scheduler,
                        self.cache,
                        self._settings,
                        self._watcher,
                        self._adopt_until.get(ticket.job_id),
                        task_ids=self.task_ids,
                    )
                    execution.execute()
                except Stopped:
                    pass
                except Exception as exc:  # noqa: BLE001 - a worker must survive any job's failure
                    self._crashed(ticket.job_id, run, exc)
                finally:
                    self._scheduler.leave_flight(ticket)
                    self._next_round(ticket, run, execution)
        finally:
            if client is not None:
                client.close()
            with self._pool_lock:
                self._threads.remove(threading.current_thread())

    def _next_round(self, ticket: Ticket, run: RunHandle, execution: Execution | None) -> None:
        """After a run: queue the job again (a refused POST after Retry-After, an uncertain job's
        next look-up or journal watch) while its run is still the current one, else end the run."""
        retry_in = execution.retry_in if execution is not None else None
        again_in = execution.look_again_in if execution is not None else None
        current = not run.cancel.is_set() and self._book.run_of(ticket.job_id) is run
        if retry_in is not None and current:
            self._scheduler.add(ticket.job_id, post=True, delay=retry_in, front=True)
        elif again_in is not None and current:
            self._scheduler.add(ticket.job_id, post=False, delay=again_in)
        else:
            self._book.end_run(ticket.job_id, run)
            if current:
                self._adopt_until.pop(ticket.job_id, None)

    def _new_client(self, old: TripoClient | None) -> tuple[TripoClient, int]:
        if old is not None:
            old.close()
        generation = self._client_generation
        try:
            return self._client_factory(), generation
        except Exception as exc:  # noqa: BLE001 - whatever the factory raises, the job says why
            raise _ClientUnavailable(str(exc)) from exc

    def _crashed(self, job_id: str, run: RunHandle, exc: Exception) -> None:
        """A job's run ended with an unexpected error: never lose a possibly-paid request."""
        if isinstance(exc, _ClientUnavailable):
            error = JobError(
                f"Could not set up the Tripo connection: {exc}",
                suggestion="Check the API key and server in the add-on preferences, then Retry.",
            )
        else:
            log.exception("Job %s: unexpected error in worker", job_id)
            error = JobError(
                f"Internal error: {exc!r}", suggestion="Retry; if it happens again, report it with the log."
            )
        try:
            self._book.update_if(job_id, SENDING, JobState.UNCERTAIN, note="", error=error, run=run)
            self._book.update_if(job_id, _WORKING, JobState.FAILED, note="", error=error, run=run)
        except Stopped:
            pass  # cancelled or shutting down meanwhile: that outcome stands
