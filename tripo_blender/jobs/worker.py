"""What a worker thread does with one job: send it once, follow it, fetch its files.

Rules of this module (it runs on worker threads):

* It MUST NOT import or touch ``bpy``. Results reach Blender only as events.
* The creation POST is sent at most once per run, and only after the intent is in the journal.
  A refusal (429/1007/2000) is the only failure that is resent automatically: the server said
  it did nothing. A timeout after sending makes the job ``uncertain``; nothing resends it.
  One more refusal is answered in the same run: a local mesh's *reused* upload that Tripo no
  longer has (1004 token / 2001 import task) is uploaded again once, then the POST is sent again
  (:meth:`Execution._renew_source`).
* A task that exists is never given up silently: connection problems while polling are
  retried with capped backoff, forever, with the job showing "connection lost, retrying".
  Polling itself is done for all jobs at once by the runner's :class:`~.watcher.TaskWatcher`
  (one ``POST /v3/tasks/list`` per round); a worker waits there for its task's next state.
* A task the service no longer knows (2001: made on the retired v2 API, or past Tripo's task
  retention of about 7 days) fails with a row that says so; nothing is sent again.
* Every change goes through :class:`~.book.JobBook` with this run's handle, so a cancel from
  the main thread stops the work at the next step.
* Before every network step (the POST, each poll, each download attempt) the worker passes
  :meth:`~.book.JobBook.hold_while_paused`: while the runner's network is paused (Blender's
  "Allow Online Access" switched off) it waits there, the job keeping its state, and then goes
  on where it stopped — a job paused before its POST sends it once, later; one paused while its
  task runs polls again. Waits between polls end early for a pause (``RunHandle.interrupt``),
  and a download in progress is abandoned and fetched again afterwards.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
import zipfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..client import Task, TaskStatus, TaskWaitCancelled, TripoAPIError, TripoClient, TripoRequestError, payloads
from ..client.errors import RATE_LIMIT_CODES
from ..client.transport import SendGuard, guarded
from . import verify
from .archive import UnsafeArchiveError, model_in, refusal, unpack
from .book import JobBook, RunHandle, Stopped
from .cache import Cache
from .events import FilesReady
from .journal import JournalError
from .kinds import FOLLOW_KIND, KINDS, SOURCE_PARAM, SPLAT_OUTPUT
from .mesh_upload import RENEW_NOTE, MeshSourceStep, discard_export, forget_reused, kept_upload, plan_of, refused_reuse
from .model import (
    TASK_CREATED_KEY,
    TASK_RETENTION_DAYS,
    TASK_UNKNOWN_CODE,
    Job,
    JobError,
    JobState,
    followed_input,
    freeze,
    select_outputs,
    thaw,
)
from .plain_errors import job_error
from .progress import task_start
from .scheduler import Scheduler, Ticket
from .splats import ready_splats
from .task_ids import is_task_id, refuse
from .watcher import TaskWatcher

__all__ = ["WorkerSettings", "Execution", "CONNECTION_NOTE", "SLOT_NOTE", "SENDING", "VERIFY_NOTE", "FOUND_NOTE"]

log = logging.getLogger("tripo_blender.jobs")

CONNECTION_NOTE = "connection lost, retrying"
STALLED_NOTE = "no answer from Tripo; gave up waiting"
VERIFY_NOTE = verify.VERIFY_NOTE
#: An uncertain job that found its task: on Tripo (verify.look_up) or in the journal (another run's answer).
FOUND_NOTE = "found on Tripo; resuming (free)"
ADOPTED_NOTE = "found the task sent before; resuming (free)"
_UNCERTAIN = frozenset({JobState.UNCERTAIN})
SLOT_NOTE = "waiting for a free slot"
_RATE_NOTE = "too many requests, waiting"
#: The one state whose outcome a worker records even after a cancel: the POST happened.
SENDING = frozenset({JobState.SUBMITTING})
_CANCELLED = frozenset({JobState.CANCELLED})

# What the user should read for each final, unsuccessful task status (docs/apiv3.md#statuses).
_STATUS_TEXT: Mapping[str, tuple[str, str]] = {
    "failed": ("Tripo could not generate this task.", "Failed tasks are refunded. Try again or change the input."),
    "banned": ("Tripo rejected the result under its content policy.", "Change the prompt or image and try again."),
    "expired": ("The task expired on the server before it finished.", "Try again; expired tasks are refunded."),
    "cancelled": ("The task was cancelled on the server.", "Try again if you still need it."),
    "unknown": (
        "Tripo reported an unknown task status (a problem on its side).",
        "Contact Tripo support and quote the task id.",
    ),
}


@dataclass(frozen=True)
class WorkerSettings:
    """Timing knobs. Defaults suit real use; tests shorten them."""

    poll_interval: float = 2.0  # base interval handed to wait_for_task (it adapts to the ETA)
    default_retry_after: float = 5.0  # when a 429 carries no Retry-After
    max_retry_after: float = 300.0  # the longest a 429's Retry-After holds the POSTs back
    reconnect_min: float = 2.0  # first pause after a failed poll; doubles up to reconnect_max
    reconnect_max: float = 60.0
    # give a task up (failed, task id kept: Retry follows it again for free) after this many
    # seconds without one usable poll answer (connection lost, 5xx, malformed answers)
    stall_limit: float = 1800.0
    download_attempts: int = 3  # fresh URLs are fetched before each new attempt
    # how long the journal keeps a finished (done, failed, cancelled) job, counted from its last
    # change; older ones are archived by Runner.resume (jobs.history: not listed, their task ids
    # kept). None keeps them all. Uncertain jobs stay.
    journal_retention: float | None = 30 * 24 * 3600.0
    # how many finished jobs the journal keeps (the newest); older ones are archived the same way.
    # Bounds the next start's read (0.5 ms an entry, off the main thread) and the Jobs list.
    journal_keep_finished: int | None = 500
    # an uncertain job's Retry looks for its task again every lookup_interval seconds until
    # settle_window seconds after its request (jobs.verify: why 5 minutes); only then is Send
    # Again offered without the artist asking for it
    settle_window: float = verify.SETTLE_WINDOW
    lookup_interval: float = 15.0
    # after a restart, a job whose POST was on the wire watches the journal this long for the task
    # id the previous add-on instance's worker may still write (longer than a POST's 60 s read
    # timeout), every adopt_interval seconds (a file read; nothing is sent)
    adopt_window: float = 90.0
    adopt_interval: float = 0.2


#: A :class:`JobError` with everything the exception knows, led by plain words (:mod:`.plain_errors`).
_error_from = job_error


#: apiv3 reports moderation and queue expiry as ``failed`` with these codes (v2 had statuses).
_FAILURE_CODES: Mapping[int, str] = {2008: "banned", 2018: "expired"}


def _task_error(task: Task) -> JobError:
    status = getattr(task.status, "value", str(task.status))
    if status == "failed" and task.error_code is not None:
        status = _FAILURE_CODES.get(task.error_code, status)
    text, suggestion = _STATUS_TEXT.get(status, _STATUS_TEXT["unknown"])
    if task.error_msg:
        text = f"{text} {task.error_msg}"
    return JobError(text, task.error_code, suggestion, task.trace_id)


def _is_post_process(kind: str) -> bool:
    record = KINDS.get(kind)
    return record is not None and record.post_process


def _gone_error(job: Job, exc: TripoAPIError) -> JobError:
    """What a job whose task the service no longer knows says, by the API it was made on."""
    if job.api_version < 3:
        return JobError(
            f"Task {job.task_id} was created on Tripo's retired v2 API (shut down on 2026-10-31); its result "
            "is no longer available.",
            exc.code,
            "Remove this job. Nothing was sent again and nothing more is charged.",
            exc.trace_id,
        )
    return JobError(
        f"Tripo no longer knows task {job.task_id}: tasks are kept about {TASK_RETENTION_DAYS} days, so its result "
        "can no longer be fetched (or the task belongs to another API key).",
        exc.code,
        "Remove this job; nothing more is charged. If you changed the API key, switch back and Retry: it only "
        "looks for the task again, for free.",
        exc.trace_id,
    )


def _task_result(task: Task) -> dict[str, Any]:
    """The data part of a task's output (``riggable``, ``rig_type``…); URLs expire, so not them."""
    out = task.output
    data: dict[str, Any] = {}
    for key in ("riggable", "rig_type", "topology"):
        value = getattr(out, key, None)
        if value is not None:
            data[key] = getattr(value, "value", value)
    for key, value in (getattr(out, "extra", None) or {}).items():
        if not (isinstance(value, str) and value.startswith(("http://", "https://"))):
            data[key] = value
    return data


def _drop_partial_files(folder: Path) -> None:
    """Remove the client's hidden temp files (``.tripo-*.part``) a killed session left in a task's
    folder; one worker at a time downloads a task, so none of them is in use."""
    if folder.is_dir():
        for part in folder.glob(".tripo-*.part"):
            with contextlib.suppress(OSError):
                part.unlink()


class _NetworkPaused(Exception):
    """A download noticed the network pause: abandon it (its temp file is discarded) and wait."""


class Execution:
    """One run of one job on one worker thread (a fresh object per run)."""

    def __init__(
        self,
        ticket: Ticket,
        run: RunHandle,
        client: TripoClient,
        book: JobBook,
        scheduler: Scheduler,
        cache: Cache,
        settings: WorkerSettings,
        watcher: TaskWatcher,
        adopt_until: float | None = None,
        *,
        task_ids: Callable[[], Collection[str]] | None = None,
    ) -> None:
        self.ticket = ticket
        self.job_id = ticket.job_id
        self.run = run
        self.client = client
        self.book = book
        self.scheduler = scheduler
        self.cache = cache
        self.settings = settings
        self.watcher = watcher
        self.retry_in: float | None = None  # set when the server refused the POST (429)
        self.look_again_in: float | None = None  # set when an uncertain job looks again later
        self.adopt_until = adopt_until  # a restored job watching the journal until then (time.time)
        # every task id a job of this add-on follows or followed (Runner.task_ids: waits for a
        # journal read in flight); a look-up never offers one of them as this job's
        self.task_ids = task_ids or book.task_ids
        self._renewed = False  # set when a refused reused upload is to be uploaded again (once)
        self._last_answer = time.monotonic()  # the last usable poll answer (stall bound)
        self._seen = False  # Tripo reported this job's task in this run (see _task_age)
        self._seen_queued: float | None = None  # when a poll of this run last saw the task queued

    # -- helpers -----------------------------------------------------------------------------
    def _update(self, state: JobState | None = None, **changes: Any) -> Job:
        return self.book.update(self.job_id, state, run=self.run, **changes)

    def _pause(self, seconds: float) -> None:
        """Sleep that a cancel or shutdown interrupts at once (a network pause ends it too: the
        next network step then waits in :meth:`_hold`)."""
        self.run.interrupt.wait(seconds)
        if self.run.cancel.is_set():
            raise Stopped(self.job_id)

    def _hold(self) -> None:
        """The gate before each network step: wait while the network is paused."""
        self.book.hold_while_paused(self.job_id, self.run)

    # -- entry point -------------------------------------------------------------------------
    def execute(self) -> None:
        """Carry the job as far as this run can: to FilesReady/done, failed, uncertain or pending.

        After a refused POST, :attr:`retry_in` says when to send again; the runner requeues the
        job once this run has released its in-flight slot.

        Every request of this run passes :meth:`_gate` right before it leaves, and the client's
        retry back-offs (a 429's ``Retry-After``, a 503) wait on the run's interrupt: a cancel or
        a network pause stops a request still waiting to be resent, not after it was resent.
        """
        with guarded(SendGuard(self._gate, self._backoff, self._creating)):
            self._execute()

    def _gate(self) -> None:
        """Raised out of the client before a request leaves: cancelled, or the network paused."""
        if self.run.cancel.is_set():
            raise Stopped(self.job_id)
        if self.book.network_pause is not None:
            raise _NetworkPaused()

    def _backoff(self, seconds: float) -> None:
        """The client's retry back-off: a cancel or a network pause ends it at once."""
        self.run.interrupt.wait(seconds)

    def _creating(self, route: str, body: Mapping[str, Any]) -> None:
        """Right before the creation POST leaves: journal what it sends, when, and Tripo's clock
        offset as the last answer showed it — the request a task must echo to count as this job's
        if the answer is lost (:mod:`.verify`). Only for the job's own POST (``submitting``), not
        for an ``import_model`` of its mesh; a cancel meanwhile stops the POST (Stopped)."""
        sent = {
            "route": route,
            "body": json.loads(payloads.encode_body(body)),
            "at": self.book.clock(),
            "clock_offset": self.client.server_clock_offset,
        }
        self.book.update_if(self.job_id, SENDING, run=self.run, request=sent)

    def _execute(self) -> None:
        if self.ticket.post:
            task_id = self._send()
        else:
            job = self.book.require(self.job_id)
            task_id = job.task_id
            if job.state == JobState.UNCERTAIN and task_id is None:
                task_id = self._adopt() if self.adopt_until is not None else self._verify(job)
        if task_id is None:
            return
        if not is_task_id(task_id):  # from an older journal or a lookup: never into a URL
            refuse(self.book, self.book.require(self.job_id), self.run)
            return
        task = self._follow(task_id)
        if task is None:
            return
        if task.status != TaskStatus.SUCCESS:
            self._update(JobState.FAILED, note="", error=_task_error(task))
            return
        self._deliver(task)

    def _send(self) -> str | None:
        """The source step, then the POST; both once more when the POST refused a reused upload
        (:meth:`_renew_source`). That happens at most once: the fresh source is not reused."""
        while True:
            if not self._prepare_source():
                return None
            self._renewed = False
            task_id = self._submit()
            if task_id is not None or not self._renewed:
                return task_id

    # -- 0. a local mesh as the source ---------------------------------------------------------
    def _prepare_source(self) -> bool:
        """Upload a local mesh (or reuse its upload) before the POST (:mod:`.mesh_upload`).
        False: the job failed there and nothing paid was sent. A network pause mid-upload waits,
        then starts the step again (the gate stops a request before it leaves)."""
        step = MeshSourceStep(self.client, self._update, self._hold, self._wait_final)
        while True:
            try:
                return step.run(self.book.require(self.job_id))
            except _NetworkPaused:
                self._hold()

    def _wait_final(self, task_id: str) -> Task:
        """Block until ``task_id`` is final (an intermediate task: no progress mirrored)."""
        while True:
            self._hold()
            try:  # age 0: the import task was created just now (a moment unlisted is no verdict)
                return self.watcher.wait(
                    task_id, polling_interval=self.settings.poll_interval, interrupt=self.run.interrupt, age=0.0
                )
            except TaskWaitCancelled:
                if self.run.cancel.is_set():
                    raise Stopped(self.job_id) from None

    # -- 1. send -----------------------------------------------------------------------------
    def _submit(self) -> str | None:
        """Journal the intent, send the POST once, record the task id. None: no task to follow."""
        while True:
            self._hold()  # paused before the intent: the job simply stays pending
            job = self.book.require(self.job_id)
            try:
                job = self._update(
                    JobState.SUBMITTING, note="sending", error=None, attempts=job.attempts + 1, must_persist=True
                )
            except JournalError as exc:
                self._update(
                    JobState.FAILED,
                    note="not sent",
                    error=JobError(f"{exc}. Nothing was sent; free disk space or check permissions, then retry."),
                )
                return None
            if self.run.cancel.is_set():
                self._unsend()
            if self.book.network_pause is None:
                break
            # paused while the intent was being written: nothing was sent, take it back and wait
            self.book.update_if(
                self.job_id, SENDING, JobState.PENDING, note="waiting to be sent", attempts=job.attempts - 1
            )
        method = getattr(self.client, job.kind)
        try:
            task_id = str(method(**thaw(job.spec.params)))
        except (Stopped, _NetworkPaused) as stop:
            # the gate stopped a resend: every earlier attempt was refused (429: nothing created)
            return self._stopped_before_resend(job, stop)
        except TripoAPIError as exc:
            if exc.code in RATE_LIMIT_CODES:
                self._refused(exc)
            elif refused_reuse(job, exc):
                self._renew_source(job, exc)
            elif exc.code == TASK_UNKNOWN_CODE and _is_post_process(job.kind) and plan_of(job.spec) is None:
                self._settle(
                    JobState.FAILED,
                    "",
                    exc,
                    error=JobError(
                        f"Tripo no longer knows the source task: tasks are kept about {TASK_RETENTION_DAYS} days, "
                        "so this result can no longer be processed on Tripo's side.",
                        exc.code,
                        "Nothing was charged. Run it again on the model in the scene: its mesh is uploaded instead.",
                        exc.trace_id,
                    ),
                )
            else:
                self._settle(JobState.FAILED, "", exc)
            return None
        except TripoRequestError as exc:
            if exc.may_have_reached_server:
                self._settle(JobState.UNCERTAIN, "the request may have reached Tripo; not resent", exc)
            else:
                self._settle(JobState.FAILED, "not sent", exc)
            return None
        except (ValueError, TypeError, FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            # argument and local-file checks run before anything is sent
            self._settle(JobState.FAILED, "not sent", exc)
            return None
        except Exception as exc:  # noqa: BLE001 - unknown: assume it may have been sent
            log.exception("Job %s: unexpected error while sending", self.job_id)
            self._settle(JobState.UNCERTAIN, "the request may have reached Tripo; not resent", exc)
            return None
        discard_export(job.spec)  # accepted: Tripo has the source for good
        self._record_task(task_id)
        return task_id

    def _verify(self, job: Job) -> str | None:
        """Retry of an uncertain job: follow the task its POST provably created (free), or say what
        was found (:mod:`.verify`): several to pick from, or nothing *yet* — then look again every
        ``lookup_interval`` until the settle window is over. Never "not created".

        Could not ask (network, server error): the job stays uncertain, nothing is sent."""
        self._hold()
        claimed = self.task_ids()
        now = time.time()
        try:
            lookup = verify.look_up(self.client, job, claimed, now=now, window=self.settings.settle_window)
        except (TripoAPIError, TripoRequestError) as exc:
            self._update(note="could not ask Tripo whether the task exists; Retry asks again", error=_error_from(exc))
            return None
        log.info(
            "Job %s: look-up found %s (Tripo's clock %s s ahead)",
            self.job_id,
            lookup.phase,
            "unknown" if lookup.clock_offset is None else f"{lookup.clock_offset:.1f}",
        )
        if lookup.found is not None and self._take(lookup.found, FOUND_NOTE, lookup.to_dict()):
            log.info(
                "Job %s: the uncertain request did create task %s; following it (no new charge)",
                self.job_id,
                lookup.found,
            )
            return lookup.found
        if lookup.found is not None:  # another job took it this very moment: look again
            self.look_again_in = 0.0
            return None
        self._update(note=lookup.note, lookup=lookup.to_dict())
        if lookup.phase == verify.LOOKING:
            self.look_again_in = max(0.0, min(self.settings.lookup_interval, lookup.until - now))
        return None

    def _adopt(self) -> str | None:
        """A job restored ``uncertain`` from a POST on the wire: the previous add-on instance's
        worker may still record the answer. Its task id, once in the journal (the job's entry, or
        the claims a write of this session may not overwrite), is followed at once (free)."""
        task_id = verify.journal_task_id(self.book.journal, self.book.require(self.job_id))
        if task_id is not None and self._take(task_id, ADOPTED_NOTE, {}):
            log.info("Job %s: the previous session recorded task %s; following it", self.job_id, task_id)
            return task_id
        assert self.adopt_until is not None
        if time.time() < self.adopt_until:
            self.look_again_in = self.settings.adopt_interval
        return None

    def _take(self, task_id: str, note: str, lookup: Mapping[str, Any]) -> bool:
        """Move the uncertain job to ``task_id`` unless another job follows it already. ``lookup``
        stays with the job: how it was found (the clock offset the match used)."""
        taken = self.book.take_task(
            self.job_id,
            task_id,
            _UNCERTAIN,
            JobState.QUEUED,
            note=note,
            run=self.run,
            error=None,
            task_status="queued",
            lookup=lookup,
        )
        return taken is not None

    def _stopped_before_resend(self, job: Job, stop: Exception) -> str | None:
        """A cancel or pause reached the POST in its back-off: the server had refused every
        attempt (only refusals are resent), so nothing was created. Cancelled: stop. Paused: the
        job waits as ``pending`` and sends once the network is back."""
        if isinstance(stop, Stopped):
            self._unsend()
        self.book.update_if(
            self.job_id, SENDING, JobState.PENDING, note="waiting to be sent", attempts=job.attempts - 1
        )
        self.retry_in = 0.0
        return None

    def _unsend(self) -> None:
        """Stopped between the intent and the POST: nothing was sent, say so in the journal."""
        if self.run.shutdown:
            self.book.update(self.job_id, JobState.PENDING, note="not sent")
        raise Stopped(self.job_id)

    def _settle(self, state: JobState, note: str, exc: BaseException, *, error: JobError | None = None) -> None:
        """Record the outcome of a POST even if the user cancelled meanwhile (it happened)."""
        error = error or _error_from(exc)
        log.warning("Job %s: the creation POST ended %s: %s", self.job_id, state.value, error.detail or error.message)
        settled = self.book.update_if(self.job_id, SENDING, state, note=note, error=error)
        if settled is None and state == JobState.UNCERTAIN:
            # cancelled while sending, and the POST may have created a task: the job is uncertain,
            # so its Retry asks Tripo first instead of paying again
            self.book.update_if(self.job_id, _CANCELLED, JobState.UNCERTAIN, note=f"cancelled; {note}", error=error)

    def _renew_source(self, job: Job, exc: TripoAPIError) -> None:
        """The POST named a local mesh's upload reused from an earlier job, and Tripo refused it as
        unknown (1004 for a file token, 2001 for an import task): it forgot it sooner than we
        guessed. Forget it (:func:`.mesh_upload.forget_reused`) and let :meth:`_send` upload the
        kept export again and send the POST once more.

        Why this second POST keeps "one job, at most one paid task": the first one got a definite
        4xx answer with an error code — Tripo validated the request and created (and charged)
        nothing, as with a 429; a POST that may have reached Tripo unanswered is never resent
        (``uncertain``). The job is journaled ``pending`` with the plan not ready before the
        upload, and its second intent is journaled (must_persist) before the second POST, so after
        a crash anywhere in between the job — resumed, or retried where the restart listed it as
        stopped — makes one upload and one POST, never two POSTs. A cancel meanwhile still drops
        the dead source, so a Retry uploads anew.
        """
        spec, result = forget_reused(job)
        log.warning(
            "Job %s: Tripo refused the reused upload %s (%s: %s); uploading the mesh again",
            self.job_id,
            job.spec.params.get(SOURCE_PARAM),
            exc.code,
            exc.message,
        )
        if self.book.update_if(self.job_id, SENDING, JobState.PENDING, note=RENEW_NOTE, error=None) is None:
            self.book.update_if(self.job_id, _CANCELLED, spec=spec, result=result)  # cancelled while sending
            return
        try:
            self._update(spec=spec, result=result, must_persist=True)
        except Stopped:  # cancelled just now: the job still forgets the dead source, so a Retry uploads anew
            self.book.update_if(self.job_id, _CANCELLED, spec=spec, result=result)
            raise
        except JournalError as exc_journal:
            self._update(
                JobState.FAILED,
                note="not sent",
                error=JobError(
                    f"{exc_journal}.",
                    exc.code,
                    "Nothing paid was sent; free disk space or check permissions, then retry.",
                ),
            )
            return
        self._renewed = True

    def _refused(self, exc: TripoAPIError) -> None:
        """429: the server did nothing. Wait locally (honouring Retry-After) and send again."""
        delay = exc.retry_after if exc.retry_after is not None else self.settings.default_retry_after
        # a hostile or buggy Retry-After (a day) must not hold every POST of every job that long
        delay = max(0.0, min(delay, self.settings.max_retry_after))
        note = f"{SLOT_NOTE if exc.code == 2000 else _RATE_NOTE} (about {max(1, round(delay))} s)"
        self.scheduler.hold_posts(delay)
        if self.book.update_if(self.job_id, SENDING, JobState.PENDING, note=note, error=None) is not None:
            self.retry_in = delay

    def _record_task(self, task_id: str) -> None:
        """The task exists (and is billed): its id goes into the journal whatever else happens."""
        recorded = self.book.update_if(
            self.job_id, SENDING, JobState.QUEUED, note="", task_id=task_id, task_status="queued"
        )
        if recorded is None:  # cancelled while sending: keep the id so a retry resumes for free
            recorded = self.book.update_if(self.job_id, _CANCELLED, task_id=task_id, task_status="queued")
        log.info(
            "Job %s: task %s created%s",
            self.job_id,
            task_id,
            "" if recorded else " (job was retried meanwhile; id dropped)",
        )
        if self.run.cancel.is_set():
            raise Stopped(self.job_id)

    # -- 2. follow ---------------------------------------------------------------------------
    def _follow(self, task_id: str) -> Task | None:
        """Poll until the task is final. None when polling itself was refused for good, or when
        no usable answer came for ``WorkerSettings.stall_limit`` seconds: then the job fails with
        a row that says so and keeps its task id, so Retry follows the task again (free)."""
        delay = self.settings.reconnect_min
        self._last_answer = time.monotonic()
        while True:
            self._hold()
            try:
                task = self.watcher.wait(
                    task_id,
                    polling_interval=self.settings.poll_interval,
                    on_progress=self._on_progress,
                    interrupt=self.run.interrupt,  # a cancel or a network pause ends the wait
                    age=self._task_age(),
                )
            except TaskWaitCancelled:
                if self.run.cancel.is_set():
                    raise Stopped(self.job_id) from None
                continue  # the network was paused: _hold waits, then polling goes on
            except (TripoAPIError, TripoRequestError) as exc:
                if isinstance(exc, TripoAPIError) and not exc.retryable:
                    # 2001 (unknown: v2-era, past retention, another key's), 401 (key revoked)…:
                    # polling cannot succeed as things are. The task id stays: nothing is resent.
                    job = self.book.require(self.job_id)
                    gone = exc.code == TASK_UNKNOWN_CODE
                    self._update(
                        JobState.FAILED,
                        note="no longer on Tripo" if gone else "",
                        error=_gone_error(job, exc) if gone else _error_from(exc),
                    )
                    self.scheduler.leave_flight(self.ticket)
                    return None
                silent = time.monotonic() - self._last_answer
                if silent >= self.settings.stall_limit:
                    log.warning(
                        "Job %s: no usable answer about task %s for %.0f s; giving up", self.job_id, task_id, silent
                    )
                    error = _error_from(exc)
                    self._update(
                        JobState.FAILED,
                        note=STALLED_NOTE,
                        error=JobError(
                            f"Tripo gave no usable answer about this task for {silent / 60:.0f} minutes "
                            f"({error.message}).",
                            error.code,
                            "The task id is kept: Retry follows the same task again, without a new charge.",
                            error.trace_id,
                        ),
                    )
                    self.scheduler.leave_flight(self.ticket)
                    return None
                log.warning("Job %s: polling task %s failed (%s); retrying in %.0f s", self.job_id, task_id, exc, delay)
                self._update(note=CONNECTION_NOTE, error=_error_from(exc))
                self._pause(delay)
                delay = min(delay * 2, self.settings.reconnect_max)
                continue
            self.scheduler.leave_flight(self.ticket)
            followed: dict[str, Any] = {}
            current = self.book.require(self.job_id)
            created: dict[str, Any] = {}
            if current.kind == FOLLOW_KIND:  # own jobs know their params and when they were sent
                followed["task_input"] = followed_input(task.input)
                if task.create_time > 0:  # the menu's expiry rule needs the task's age (rules.tags)
                    created[TASK_CREATED_KEY] = task.create_time
            kept = kept_upload(current.result)  # the main thread stores it on the mesh
            self._update(
                task_status=getattr(task.status, "value", str(task.status)),
                task_type=task.type or None,
                **followed,
                consumed_credit=task.credits_consumed,
                result={**kept, **_task_result(task), **created},
            )
            return task

    def _task_age(self) -> float | None:
        """Seconds since this job's own creation POST left, while Tripo has not yet reported its
        task: a task that fresh which Tripo does not list yet is asked again, not failed
        (:data:`.watcher.MISSED_GRACE`). None — ``missed`` is final at once — when the job sent no
        POST that its timeline shows (a task followed by id, made elsewhere and earlier) and once
        the task was seen: in this run, or in an earlier one (the job is past ``queued``, or a
        poll recorded the task's type)."""
        job = self.book.require(self.job_id)
        if self._seen or job.state != JobState.QUEUED or job.task_type is not None:
            return None
        if not any(entry.state == JobState.SUBMITTING for entry in job.timeline):
            return None
        return max(0.0, self.book.clock() - verify.intent_time(job))

    def _on_progress(self, task: Task) -> None:
        """Mirror the server's view (status, progress, ETA, queue position) into the job."""
        self._seen = True
        self._last_answer = time.monotonic()
        status = getattr(task.status, "value", str(task.status))
        changes: dict[str, Any] = {
            "task_status": status,
            "task_type": task.type or None,
            "progress": task.progress,
            "note": "",
            "error": None,
        }
        if status == "queued":
            self._seen_queued = self.book.clock()
            queue = task.queuing_num
            self._update(
                JobState.QUEUED,
                queue_position=queue if queue is not None and queue >= 0 else None,
                eta_seconds=None,
                **changes,
            )
        elif status == "running":
            eta = task.running_left_time
            job = self.book.require(self.job_id)
            if job.task_started is None:
                changes["task_started"] = self._task_started(job, task)
            self._update(
                JobState.RUNNING,
                eta_seconds=eta if eta is not None and eta >= 0 else None,
                queue_position=None,
                **changes,
            )

    def _task_started(self, job: Job, task: Task) -> float:
        """When the task began, on this machine's clock (:func:`.progress.task_start`): its own
        POST bounds it below for a job that sent one, a poll that saw it queued too."""
        own_post = any(entry.state == JobState.SUBMITTING for entry in job.timeline)
        offset = self.watcher.server_clock_offset
        return task_start(
            task.raw.get("created_at"),
            clock_offset=offset if offset is not None else self.client.server_clock_offset,
            seen_running=self.book.clock(),
            not_before=verify.intent_time(job) if own_post else None,
            seen_queued=self._seen_queued,
        )

    # -- 3. fetch ----------------------------------------------------------------------------
    def _deliver(self, task: Task) -> None:
        """Download the chosen outputs into the task's cache folder and hand them to the pump."""
        job = self.book.require(self.job_id)
        keys = select_outputs(job.spec, task.output.files())
        if not keys:
            record = KINDS.get(job.kind)
            if record is not None and not record.has_files:
                self._update(JobState.DONE, note="", progress=100, eta_seconds=None, queue_position=None)
            else:
                self._update(
                    JobState.FAILED,
                    note="",
                    error=JobError(
                        "The task finished but has none of the requested outputs to download.",
                        suggestion=f"Outputs present: {', '.join(task.output.files()) or 'none'}.",
                        trace_id=task.trace_id,
                    ),
                )
            return
        self._update(JobState.DOWNLOADING, note="", progress=100, eta_seconds=None, queue_position=None)
        downloaded = self._download(task, keys)
        files = self._unpack(downloaded) if downloaded is not None else None
        if files is None:
            return
        self._read_splat(files)
        job = self._update(JobState.IMPORTING, note="", files=files, error=None)
        self.book.emit(FilesReady(self.job_id, freeze(files), job))

    def _download(self, task: Task, keys: tuple[str, ...]) -> dict[str, str] | None:
        folder = self.cache.folder(task.task_id)
        _drop_partial_files(folder)  # left by a crash mid-download: this run fetches them again
        delay = self.settings.reconnect_min
        attempt, fresh_urls = 1, False
        while attempt <= self.settings.download_attempts:
            self._hold()
            try:
                folder.mkdir(parents=True, exist_ok=True)
                if attempt > 1 or fresh_urls:
                    task = self.client.get_task(task.task_id)  # signed URLs expire: fetch fresh ones
                return self._fetch(task, keys, str(folder))
            except _NetworkPaused:
                fresh_urls = True  # not a failed attempt; the URLs may expire during the pause
                continue
            except (TripoAPIError, TripoRequestError) as exc:
                error = _error_from(exc)
                if attempt == self.settings.download_attempts or (isinstance(exc, TripoAPIError) and not exc.retryable):
                    self._update(
                        JobState.FAILED,
                        note="download failed",
                        error=JobError(
                            f"Download failed: {error.message}",
                            error.code,
                            "Retry downloads again without a new charge.",
                            error.trace_id,
                        ),
                    )
                    return None
                log.warning("Job %s: download attempt %d failed: %s", self.job_id, attempt, exc)
                self._update(note="download failed, retrying", error=error)
                self._pause(delay)
                delay = min(delay * 2, self.settings.reconnect_max)
                attempt += 1
            except OSError as exc:  # disk full, permissions: retrying now will not help
                self._update(
                    JobState.FAILED,
                    note="download failed",
                    error=JobError(
                        f"Could not write {folder}: {exc}",
                        suggestion="Free disk space or change the cache folder, then Retry (no new charge).",
                    ),
                )
                return None
        return None

    def _unpack(self, files: Mapping[str, str]) -> dict[str, str] | None:
        """Unpack downloaded ZIPs here, in the worker: inflating in the pump's tick froze Blender.
        The files to hand the landing (None: the job failed): an archive's entry names the model
        file inside it (:func:`.archive.model_in`), so the main thread never walks the folder; an
        archive without one keeps its own path and the landing says what it holds.

        A refused or damaged archive fails the job and is deleted, so Retry downloads it again
        (no new charge); nothing of it stays extracted.
        """
        ready: dict[str, str] = {}
        for key, path in files.items():
            name = Path(path).name
            try:
                folder = unpack(path)
                model = model_in(path) if folder is not None else None
                ready[key] = str(model) if model is not None else path
                continue
            except (UnsafeArchiveError, zipfile.BadZipFile) as exc:
                error = JobError(refusal(name, exc), suggestion="Retry downloads it again without a new charge.")
            except OSError as exc:
                error = JobError(
                    f"Could not unpack {name}: {exc}",
                    suggestion="Free disk space or change the cache folder, then Retry (no new charge).",
                )
            log.warning("Job %s: %s", self.job_id, error.message)
            Path(path).unlink(missing_ok=True)
            self._update(JobState.FAILED, note="download failed", error=error)
            return None
        return ready

    def _read_splat(self, files: Mapping[str, str]) -> None:
        """Read a downloaded splat here, in the worker: seconds of work for a big one, which the
        pump's landing then only hands to Blender (:mod:`.splats.ready`). A file that is no
        readable splat keeps its reason there; the landing reports it and the file stays."""
        path = files.get(SPLAT_OUTPUT)
        if path is not None:
            self._update(note="reading the splat")
            ready_splats.prepare(path)

    def _fetch(self, task: Task, keys: tuple[str, ...], folder: str) -> dict[str, str]:
        """Download ``keys`` of ``task`` into ``folder`` (all or nothing); output key → local path."""
        return self.client.download_outputs(task, folder, keys, on_progress=self._on_bytes)

    def _on_bytes(self, done: int, total: int | None) -> None:
        """Download progress: only a cancel and pause check (byte counts are not worth an event each)."""
        if self.run.cancel.is_set():
            raise Stopped(self.job_id)
        if self.run.interrupt.is_set() and self.book.network_pause is not None:
            raise _NetworkPaused()
