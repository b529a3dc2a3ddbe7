"""The add-on's main-thread runtime: one job runner, one pump, one account check.

Everything in the Blender layer that starts, follows or shows Tripo work goes through the
:data:`runtime` singleton::

    from .runtime import runtime, UserError
    job = runtime.submit(JobSpec(TEXT_TO_MODEL.name, {"prompt": "a cat"}, name="Cat"))  # UserError → report it
    runtime.jobs()            # what the Jobs panel draws, newest first
    runtime.balance()         # last known credits (never blocks); runtime.refresh_balance() updates it

Rules, and why:

* **Threads never touch bpy; the main thread never waits on the network.** The
  :class:`~..jobs.Runner`'s workers do all requests. The runner is built here, lazily and on the
  main thread, from a :class:`~.preferences.PreferencesSnapshot`; its client factory reads only a
  frozen :class:`~.preferences.Connection` of plain strings.
* **One pump.** :meth:`Runtime.pump` is the only ``bpy.app.timers`` callback (``persistent`` so
  it survives loading a file). It drains engine events into the :class:`~.job_view.JobView`, imports
  at most one finished result per tick, applies the balance answer, redraws only when
  something changed, and unregisters itself (returns None) when nothing is in progress.
  Submitting, retrying or checking the key registers it again. It never raises and never does
  network I/O. Tests call it directly: timers never fire in the ``bpy`` module.
* **Online access is honoured.** With Blender's "Allow Online Access" off nothing is sent and
  the user is told where to switch it on; the journal of the last session is not even read
  (resuming would poll), until online access and a key are there. Switched off while jobs run,
  the pump (which reads the setting on every tick; workers never read ``bpy``) pauses the
  runner's network (:meth:`~..jobs.Runner.pause_network`): the jobs keep their state, say
  "paused: online access is off", and continue — without a second POST — once it is back on.
* **Paid work is never lost or repeated.** On enable the journal brings back unfinished jobs;
  those with a task resume polling, those that may have been sent show as uncertain (and show
  their task at once when the disabled instance's worker still journals it); their Retry looks
  for the task on Tripo, and only a confirmed Send Again sends them again. The journal is read
  on a thread and listed by the pump when it is done, so a long history never holds up
  Blender's start.
* **Batches and the artist's selection** are stamped at submit: every job sent before the pump
  next runs (a console loop, a script, one operator) — or inside :meth:`Runtime.one_batch` — gets
  the same ``meta["batch"]``, so its results land side by side in one collection
  (:mod:`.batches`); the selection at send is remembered so a landing takes it only if the artist
  left it alone (:mod:`.selection`).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import bpy

from ..jobs import ACTIVE_STATES, Cache, InputFiles, Job, JobSpec, JobState, Journal, local_paths
from ..jobs.model import thaw
from ..rules.account import (
    ONLINE_ACCESS_OFF,
    BalanceChecker,
    BalanceInfo,
    UsageChecker,
    UsageInfo,
    UserError,
    check_connection,
    make_client,
)
from ..rules.settings import Connection, ImportOptions, PreferencesSnapshot
from . import previews
from .batches import BATCH_META, batch_of
from .importer import ImportFailed, MissingDecoder, cursor_location
from .job_view import JobView
from .landing_status import missing_decoder_advice, waiting_for_object_mode
from .selection import Keeper
from .settings import ADDON_PACKAGE, snapshot
from .windows import tag_redraw

if TYPE_CHECKING:
    from ..client import TripoClient
    from ..jobs import Runner, WorkerSettings
    from .landing import Landing

__all__ = [
    "Runtime",
    "runtime",
    "UserError",
    "BalanceInfo",
    "ACTIVE_INTERVAL",
    "IMPORT_INTERVAL",
    "OFFLINE_PAUSE",
    "send_limit",
]

log = logging.getLogger(__name__)

#: Seconds between pump ticks while jobs are in progress (smooth progress bars, little work).
ACTIVE_INTERVAL = 0.25
#: Seconds to the next tick while results wait to be imported (one import per tick).
IMPORT_INTERVAL = 0.01
#: After an unexpected error in a tick: keep pumping, but do not flood the log.
ERROR_INTERVAL = 2.0
#: Events applied per tick: bounds the tick's work when many jobs change at once.
EVENTS_PER_TICK = 64
#: How long disabling the add-on (or quitting Blender, which disables every add-on) waits for
#: the job engine's threads, in all. Idle threads wake and end within about a millisecond and are
#: joined. A thread waiting for an answer on the wire is *not* waited for: that froze Blender's
#: window for the whole budget (2 s, then 100 ms). It is a daemon that still records the answer (a
#: task id) in the journal if it comes; if it never does, the next session shows the job
#: "uncertain" and its Retry asks Tripo before paying (:mod:`..jobs.verify`). Whatever is still
#: alive when the budget ends is joined at interpreter exit (bounded, see ``jobs.runner``), when
#: Blender's window is gone, so a host that finalises Python right after (``blender -b``) finds
#: no thread alive and the artist's disable never waits for the network.
SHUTDOWN_TIMEOUT = 0.005
_DATA_FALLBACK = "tripo_blender_data"
#: Names of the job engine's threads (workers ``tripo-jobs-N``, the ``tripo-task-watcher``).
#: Why the runner's network is paused while "Allow Online Access" is off (the jobs' note says it).
OFFLINE_PAUSE = "online access is off"


def online_access() -> bool:
    """Blender's "Allow Online Access" (``--offline-mode``/``--online-mode`` override it)."""
    return bool(bpy.app.online_access)


def extension_storage(name: str) -> Path:
    """The add-on's writable folder ``name`` (created), surviving add-on updates.

    An installed extension gets ``extension_path_user`` (the documented place). Loaded as a
    legacy add-on that raises ValueError; then the user scripts folder, else the temp folder.
    """
    try:
        return Path(bpy.utils.extension_path_user(ADDON_PACKAGE, path=name, create=True))
    except ValueError:
        pass
    try:
        path = bpy.utils.user_resource("SCRIPTS", path=os.path.join(_DATA_FALLBACK, name), create=True)
    except (ValueError, OSError):
        path = ""
    if not path:
        path = os.path.join(tempfile.gettempdir(), _DATA_FALLBACK, name)
        os.makedirs(path, exist_ok=True)
    return Path(path)


class _ConnectionHolder:
    """The runner's client factory: builds a client from the current :class:`Connection`.

    Runs on worker threads, so it holds nothing but a frozen object of plain strings that the
    main thread swaps when the preferences change (an atomic reference assignment).
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def __call__(self) -> TripoClient:
        return make_client(self.connection)


class Runtime:
    """See the module docstring. One instance, :data:`runtime`, serves the whole add-on.

    ``storage_root`` (tests, portable setups): when set, the journal and the default cache live
    below it instead of the extension's user folder. ``worker_settings``: timing knobs handed to
    the runner when it is created (tests shorten them).
    """

    def __init__(self) -> None:
        self.storage_root: Path | None = None
        self.worker_settings: WorkerSettings | None = None
        # a floor under Preferences › Parallel Jobs while a console batch() asks for more (the
        # pump re-applies the preference every tick, so a plain resize would be undone at once)
        self.min_workers = 0
        self._runner: Runner | None = None
        self._factory: _ConnectionHolder | None = None
        self._view = JobView()
        self._account = BalanceChecker()
        self._usage = UsageChecker()  # the Account line's recent-usage popup
        #: Called on the main thread when a usage answer was applied (the open popup rebuilds itself).
        self.usage_listener: Callable[[], None] | None = None
        self._resumed = False
        self._resume_asked = False  # start() asked the next tick to resume (see start)
        self._listing = False  # the journal's jobs were adopted; their events are not all applied yet
        self._cache_size: tuple[int, int] | None = None  # (downloads, input images), see cache_size
        self._folders: dict[tuple[Path | None, str], Path] = {}
        self._batch: str | None = None  # the batch jobs sent now join (see one_batch)
        self._batch_holds = 0
        self._selection = Keeper()
        #: Called on the main thread after each successful landing; returns the landing, its note
        #: extended (``asset_library`` sets it: the result is kept as an asset). Never raises.
        self.after_landing: Callable[[Job, Mapping[str, str], Landing], Landing] | None = None
        # bpy.app.timers identifies callbacks by object identity and a bound method is a new
        # object on every attribute access: keep one, so is_registered/unregister find it.
        self._timer = self.pump

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """On add-on enable: bring back the last session's jobs if that needs no question.

        Only with a well-formed key (without one, polling could only fail). With online access
        off the jobs are still read from the journal and listed ("offline: resumes when online
        access is allowed"), and the runner's network is paused before any worker starts, so no
        request goes out; the pump resumes them the moment online access is allowed
        (:func:`_sync_online_access`).
        Reading the journal is local: a user who switched online access off loses sight of no job.
        """
        try:
            check_connection(snapshot().connection)
        except UserError:
            log.info("No usable Tripo API key yet: last session's jobs resume once one is set")
            return
        if not online_access():
            log.info("Online access is off: last session's Tripo jobs are listed and resume once it is allowed")
        # The first pump tick resumes: building the runner loads the job engine and the HTTP client
        # under it (tens of ms), which would otherwise be part of every enable with a key set.
        self._resume_asked = True
        self.ensure_timer()

    def shutdown(self) -> None:
        """On add-on disable: stop the pump and the workers (briefly), free thumbnails.

        Unfinished jobs stay in the journal and resume at the next enable; nothing is cancelled.
        Leaves the runtime reusable: the next call to :meth:`runner` starts afresh.
        """
        if bpy.app.timers.is_registered(self._timer):
            bpy.app.timers.unregister(self._timer)
        runner, self._runner = self._runner, None
        self._factory = None
        if runner is not None:
            runner.shutdown(timeout=SHUTDOWN_TIMEOUT)
        self._view.clear()
        previews.clear()
        self._account.reset()
        self._usage.reset()
        self._resumed = False
        self._resume_asked = False
        self._listing = False
        self._cache_size = None
        self._folders.clear()
        self._batch, self._batch_holds = None, 0
        self._selection.clear()

    def runner(self) -> Runner:
        """The job runner, created on first use from the current preferences.

        Each call re-reads the preferences: a changed key, region or server makes the workers
        build new clients, a changed worker count resizes the pool, a changed download folder
        applies to the next downloads. Main thread only.
        """
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("the Tripo runtime must be used from Blender's main thread")
        settings = snapshot()
        if self._runner is None:
            # the job engine (and the HTTP client under it) is loaded here, when the first job is
            # sent or resumed: never at enable (see the package's docstring of ``jobs``)
            from ..jobs.runner import SPARE_WORKERS, Runner

            self._factory = _ConnectionHolder(settings.connection)
            self._runner = Runner(
                self._factory,
                self._storage("journal"),
                self._cache_root(settings),
                workers=max(settings.workers, self.min_workers),
                network_allowed=online_access,
                settings=self.worker_settings,
                spare_workers=SPARE_WORKERS,
            )
            _sync_online_access(self._runner)
        else:
            self._sync(self._runner, settings)
        return self._runner

    def _sync(self, runner: Runner, settings: PreferencesSnapshot) -> None:
        """Apply changed preferences (and online access) to a running runner (cheap when nothing changed)."""
        assert self._factory is not None
        _sync_online_access(runner)
        if settings.connection != self._factory.connection:
            self._factory.connection = settings.connection
            runner.reset_clients()
            log.info("Tripo connection settings changed: workers reconnect before their next job")
        workers = max(settings.workers, self.min_workers)
        if workers != runner.workers:
            runner.resize(workers)
        cache_root = self._cache_root(settings)
        if runner.cache.root != cache_root:
            runner.cache = Cache(cache_root)
            self._cache_size = None

    def storage(self, name: str) -> Path:
        """The add-on's data folder ``name`` (created): below ``storage_root`` when set (tests,
        portable setups), else in the extension's user folder."""
        return self._storage(name)

    def _storage(self, name: str) -> Path:
        """A data folder (created once; the pump asks every tick, so the answer is remembered)."""
        key = (self.storage_root, name)
        if key not in self._folders:
            if self.storage_root is not None:
                path = Path(self.storage_root) / name
                path.mkdir(parents=True, exist_ok=True)
            else:
                path = extension_storage(name)
            self._folders[key] = path
        return self._folders[key]

    def _cache_root(self, settings: PreferencesSnapshot) -> Path:
        return Path(settings.cache_dir) if settings.cache_dir else self._storage("cache")

    def inputs_dir(self) -> Path:
        """Where images prepared for upload are written (:mod:`.image_inputs`); next to the
        journal, because a resumed job needs its file after a restart."""
        return self._storage("inputs")

    def _ensure_resumed(self) -> None:
        """Load the journal once per session (see :meth:`Runner.resume` for what comes back).

        The journal is read on a thread (:meth:`Runner.resume_in_background`: 5,000 entries took
        2.8 s on the main thread); the pump lists its jobs when it is done (:meth:`_collect_resumed`).
        """
        if self._resumed:
            return
        self.runner().resume_in_background()
        self.ensure_timer()

    @property
    def resuming(self) -> bool:
        """The last session's jobs are being read from the journal, or not all listed yet (the
        pump lists :data:`EVENTS_PER_TICK` jobs a tick)."""
        return self._resume_asked or (self._runner is not None and (self._runner.resuming or self._listing))

    def _collect_resumed(self, runner: Runner) -> bool:
        """Pump: list the last session's jobs once the journal is read; True when it just was."""
        if not runner.resuming:
            return False
        loaded = runner.collect_resumed()
        if loaded is None:
            return False
        self._resumed = True
        self._listing = True
        if loaded:
            log.info("Resumed %d Tripo job(s) from the last session", len(loaded))
        return True

    def ensure_timer(self) -> None:
        """Make sure the pump runs (it stops itself when idle)."""
        if not bpy.app.timers.is_registered(self._timer):
            bpy.app.timers.register(self._timer, first_interval=0.0, persistent=True)

    # ------------------------------------------------------------------ job actions
    def _ready(self) -> PreferencesSnapshot:
        """Refuse early, with the fix, when a request could not go out (nothing is sent)."""
        if not online_access():
            raise UserError(ONLINE_ACCESS_OFF)
        settings = snapshot()
        check_connection(settings.connection)
        return settings

    def client(self) -> TripoClient:
        """A new client configured like the jobs' (for calls the console does not wrap); refuses
        early, with the fix, when a request could not go out."""
        return make_client(self._ready().connection)

    @contextmanager
    def workers_at_least(self, count: int) -> Iterator[None]:
        """While inside, follow at least ``count`` jobs at once whatever Parallel Jobs says (a
        console batch asked for it); the preference applies again afterwards."""
        previous, self.min_workers = self.min_workers, max(self.min_workers, count)
        try:
            self.runner()  # applied now, before the first job waits for a worker
            yield
        finally:
            self.min_workers = previous
            if self._runner is not None:
                self.runner()

    @contextmanager
    def one_batch(self) -> Iterator[None]:
        """Jobs sent inside are one batch even across pump ticks (the console's ``batch()`` sends
        as slots free up, pumping in between). Without it a batch ends at the next pump tick."""
        self._batch_holds += 1
        try:
            yield
        finally:
            self._batch_holds -= 1

    def _open_batch(self) -> str:
        if self._batch is None:
            self._batch = uuid.uuid4().hex[:12]
        return self._batch

    def submit(self, spec: JobSpec, *, task_id: str | None = None) -> Job:
        """Queue a job and return its first snapshot at once (the pump does the rest).

        When ``spec.meta`` has no ``location``, the 3D cursor's current position is stored there:
        the result lands where the artist was looking when they asked for it. Without a
        ``batch``, the open batch's id is (see the module docstring). Raises
        :class:`UserError` when online access is off, the key is missing or malformed, or too
        many jobs wait. ``task_id``: follow that existing task instead of sending a request
        (see :meth:`Runner.submit`; the console's ``import_task``).
        """
        self._ready()
        self._ensure_resumed()
        self._cache_size = None  # the caller may have written an input image for this job
        from ..jobs.runner import OfflineError  # loaded already: runner() just built the runner

        try:
            job = self.runner().submit(_stamped(spec, self._open_batch()), task_id=task_id)
        except OfflineError:
            raise UserError(ONLINE_ACCESS_OFF) from None
        except OverflowError as exc:
            raise UserError(str(exc)) from None
        self._selection.sent(job.id, bpy.context.view_layer)
        self._show(job)
        return job

    def retry(self, job_id: str) -> Job:
        """Retry a failed, cancelled or uncertain job (a new paid request when
        ``job.retry_resends``; the caller confirms that with the user). An uncertain job only
        looks for its task on Tripo (free): :meth:`send_again` is what sends it again."""
        return self._act(lambda runner: runner.retry(job_id))

    def send_again(self, job_id: str) -> Job:
        """Send an uncertain job's request again — it **may charge a second time**; only on the
        artist's confirmed request (:meth:`Runner.send_again`)."""
        return self._act(lambda runner: runner.send_again(job_id))

    def follow_candidate(self, job_id: str, task_id: str) -> Job:
        """Follow the task the artist picked among those an uncertain job's search listed (free)."""
        return self._act(lambda runner: runner.follow_candidate(job_id, task_id))

    def _act(self, action: Callable[[Runner], Job]) -> Job:
        """Run a job action of the runner, its refusals as :class:`UserError`, and show the result."""
        self._ready()
        from ..jobs.runner import JobBusyError, OfflineError  # the action needs the runner anyway

        try:
            job = action(self.runner())
        except OfflineError:
            raise UserError(ONLINE_ACCESS_OFF) from None
        except JobBusyError:
            raise UserError("This job is still finishing its previous attempt; try again in a moment.") from None
        except (KeyError, ValueError) as exc:
            raise UserError(_plain(exc)) from None
        self._selection.sent(job.id, bpy.context.view_layer)
        self._show(job)
        return job

    def cancel(self, job_id: str) -> Job | None:
        """Stop working on a job locally; None when there was nothing to cancel.

        The server task, if one exists, keeps running and may be charged: Tripo's API has no
        cancel. The UI says so.
        """
        runner = self._runner
        if runner is None or runner.job(job_id) is None or not runner.cancel(job_id):
            return None
        job = runner.job(job_id)
        if job is not None:
            self._show(job)
        return job

    def forget(self, job_id: str) -> bool:
        """Remove a finished, failed, cancelled or uncertain job from the list (files stay)."""
        runner = self._runner
        if runner is None or not runner.forget(job_id):
            return False
        self._selection.forget(job_id)
        if self._view.remove(job_id):
            tag_redraw()
        self.ensure_timer()
        return True

    def reimport(self, job_id: str) -> Landing:
        """Land a finished job's cached files again (no request), by the same path as its first
        landing (:func:`landing.import_job`): a new result lands beside its batch's, a rig arrives
        as one armature with its skinned mesh and the tags the right-click menu reads, a retarget
        adds its actions to the armature, a post-process takes its source's place again. The artist
        asked for it now, so it takes the selection."""
        job = self.job(job_id)
        if job is None:
            raise UserError("This job is no longer in the list.")
        if job.state != JobState.DONE:
            raise UserError(f"Only finished jobs can be imported again; this one is {job.state.value}.")
        missing = [p for p in job.files.values() if not os.path.isfile(p)]
        if not job.files or missing:
            raise UserError(
                "The downloaded files of this job were removed from the download folder "
                "(cache cleared?). Generate it again to get them back."
            )
        try:
            return import_job(job, job.files, snapshot().import_options)
        except ImportFailed as exc:
            raise UserError(str(exc)) from None

    def jobs(self) -> list[Job]:
        """Every job the pump has seen, newest first. Never creates the runner (safe in draw)."""
        return self._view.jobs()

    def newest_first(self) -> Iterator[Job]:
        """:meth:`jobs` without building a list: for a look-up that seldom reads them all (a row's
        Convert offer, drawn on every redraw)."""
        return self._view.newest_first()

    @property
    def view(self) -> JobView:
        """The jobs as the pump applied them (what :meth:`jobs` lists), for a listing that follows
        their changes (:mod:`.job_listing`). Read it; only the runtime changes it."""
        return self._view

    def job(self, job_id: str) -> Job | None:
        return self._view.get(job_id)

    def engine_job(self, job_id: str) -> Job | None:
        """The engine's newest snapshot of a job, which the pump may not have applied yet (the
        console's batch sends its next prompt as soon as a slot frees, even while the pump
        lands a result). None without a runner or for an unknown job. Never waits."""
        return self._runner.job(job_id) if self._runner is not None else None

    def task_folder(self, job: Job) -> Path | None:
        """The cache folder of ``job``'s task, if it has one on disk."""
        if not job.task_id:
            return None
        try:
            folder = Cache(self.cache_dir()).folder(job.task_id)
        except ValueError:
            return None
        if folder.is_dir():
            return folder
        # the download folder may have changed since: the files say where they are
        parents = {Path(p).parent for p in job.files.values()}
        return next((p for p in parents if p.is_dir()), None)

    def _show(self, job: Job) -> None:
        """Show an operator's effect at once (the job and the line of jobs waiting to be sent);
        the event that follows will not roll it back."""
        changed = self._view.put(job)
        if self._runner is not None:
            changed = self._read_line(self._runner, snapshot()) or changed
        if changed:
            tag_redraw()
        self.ensure_timer()

    # ------------------------------------------------------------------ download cache
    def cache_dir(self) -> Path:
        """The download folder in use (or that will be used)."""
        if self._runner is not None:
            return self._runner.cache.root
        return self._cache_root(snapshot())

    def cache_size(self) -> int:
        """Bytes the Clear button can free: downloads plus images written for upload
        (:meth:`inputs_size`); recomputed only after something could have changed them."""
        return sum(self._sizes())

    def inputs_size(self) -> int:
        """Bytes of images written for upload (part of :meth:`cache_size`)."""
        return self._sizes()[1]

    def _sizes(self) -> tuple[int, int]:
        # drawn on every redraw of the preferences: walk the folders only after a change
        if self._cache_size is None:
            self._cache_size = (Cache(self.cache_dir()).size(), InputFiles(self.inputs_dir()).size())
        return self._cache_size

    def clear_cache(self) -> int:
        """Delete downloaded files and images written for upload; returns bytes freed.

        Never removes the downloads of jobs still in progress, nor an input image that a job in
        progress, or one whose Retry would send its request again, names in its params. Before
        the journal is resumed (online access off), jobs of the last session are looked up in it
        too: their files must survive until they are imported or sent.
        """
        jobs = self._runner.jobs() if self._runner is not None else []
        if not self._resumed:
            jobs += Journal(self._storage("journal")).load_all()
        keep = {j.task_id for j in jobs if j.task_id and j.state in ACTIVE_STATES}
        freed = Cache(self.cache_dir()).clear(keep)
        inputs: set[str] = set()
        for job in jobs:
            if _may_send_again(job):
                inputs |= local_paths(job.spec.params)
        freed_inputs = InputFiles(self.inputs_dir()).clear(inputs)
        self._cache_size = None
        log.info(
            "Cleared %d bytes of Tripo downloads (kept %d task folder(s) in use) and %d bytes of input images",
            freed,
            len(keep),
            freed_inputs,
        )
        return freed + freed_inputs

    # ------------------------------------------------------------------ account
    def balance(self) -> BalanceInfo:
        """The last known balance, or why it is unknown. Never blocks."""
        return self._account.info

    def refresh_balance(self) -> None:
        """Ask for the balance on a background thread; the pump shows the answer.

        When the request cannot go out (online access off, no or malformed key) the reason is
        recorded at once and nothing is sent.
        """
        if self._start_check(self._account):
            self._ensure_resumed()  # key and online access are there now: bring back last session's jobs

    def usage(self) -> UsageInfo:
        """The account's recent tasks as last fetched (the usage popup). Never blocks."""
        return self._usage.info

    def refresh_usage(self) -> None:
        """Ask for the recent usage on a background thread; the pump applies the answer (or the
        local reason nothing could be sent, at once)."""
        self._start_check(self._usage)

    def _start_check(self, checker: BalanceChecker | UsageChecker) -> bool:
        """Start an account request on its thread; False (the reason recorded) when none can go out."""
        try:
            settings = self._ready()
        except UserError as exc:
            checker.fail(str(exc))
            tag_redraw()
            return False
        if checker.start(settings.connection):
            tag_redraw()
        self.ensure_timer()
        return True

    def wait_for_balance(self, timeout: float) -> BalanceInfo:
        """Scripts and tests: wait for a running check, then apply it like the pump would."""
        self._account.wait(timeout)
        self.pump()
        return self.balance()

    # ------------------------------------------------------------------ the pump
    def wait_for_news(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds, waking as soon as the engine has an event for the pump
        (True then). For the console's waits only (``Job.wait``, ``batch``), which block the main
        thread by design: a finished job is then applied, and a batch's next prompt sent, at once
        instead of up to a pump interval (:data:`ACTIVE_INTERVAL`) later. Waits on a local queue,
        never on the network."""
        runner = self._runner
        if runner is None:
            time.sleep(max(0.0, timeout))
            return False
        return runner.wait_for_events(max(0.0, timeout))

    def pump(self) -> float | None:
        """THE timer callback: apply what the workers did, import, redraw. Never raises.

        Returns the seconds until the next tick, or None (stop) when nothing is in progress.
        """
        if not self._batch_holds:  # Blender ran the timer: the artist could act; the next send starts a batch
            self._batch = None
        try:
            return self._tick()
        except Exception:  # noqa: BLE001 - a raising timer would be dropped by Blender for good
            log.exception("Tripo pump tick failed")
            return ERROR_INTERVAL

    def _tick(self) -> float | None:
        if self._resume_asked:
            self._resume_asked = False
            self._ensure_resumed()
        changed = self._account.collect()
        if self._usage.collect():
            changed = True
            if self.usage_listener is not None:
                self.usage_listener()
        runner = self._runner
        if runner is not None:
            settings = snapshot()
            self._sync(runner, settings)
            changed = self._collect_resumed(runner) or changed
            events = runner.drain_events(EVENTS_PER_TICK)
            self._listing = self._listing and len(events) == EVENTS_PER_TICK  # fewer: every job is listed
            changed = self._view.apply(events) or changed
            changed = self._read_line(runner, settings) or changed
            changed = self._import_next(runner) or changed
        # the view's own count first: the engine's check walks every job, so it only runs when
        # the view has no active job left (to confirm before the timer stops)
        active = runner is not None and (self._view.has_active or runner.resuming or runner.has_active())
        if changed or active:  # while a job runs its bar moves between polls (job_list.shown_progress)
            tag_redraw()
        if self._view.pending_imports:
            return IMPORT_INTERVAL
        if active or self._account.busy or self._usage.busy:
            return ACTIVE_INTERVAL
        return None

    def _read_line(self, runner: Runner, settings: PreferencesSnapshot) -> bool:
        """Keep the view's send order (the waiting rows' places) as the runner has it; True when
        it changed. Asked only while a job is active or the line was not empty: one short lock."""
        if not self._view.has_active and not self._view.send_order:
            return False
        return self._view.set_send_order(runner.send_order(), send_limit(runner, settings))

    def _import_next(self, runner: Runner) -> bool:
        """Import at most one downloaded result (bounded work per tick); True if one was tried."""
        while self._view.pending_imports:
            if bpy.context.scene is None:  # a file is loading: try again next tick
                return False
            if waiting_for_object_mode() is not None:  # the artist sculpts/edits/poses: land later
                return False
            ready = self._view.pending_imports.popleft()
            job = runner.job(ready.job_id)
            if job is None or job.state != JobState.IMPORTING:
                continue  # cancelled, forgotten or already imported meanwhile
            self._import(runner, job, ready.files)
            return True
        return False

    def _import(self, runner: Runner, job: Job, files: Mapping[str, str]) -> None:
        try:
            with self._selection.landing(job.id, batch_of(job), bpy.context.view_layer):
                landing = import_job(job, files, snapshot().import_options)
        except MissingDecoder as exc:  # nothing tried: the file stays, the row offers a way out
            log.warning(
                "Job %s: not imported, this Blender lacks %s", job.id, ", ".join(m.extension for m in exc.missing)
            )
            runner.mark_import_failed(job.id, str(exc), suggestion=missing_decoder_advice(job))
        except ImportFailed as exc:
            log.warning("Job %s: import failed: %s", job.id, exc)
            runner.mark_import_failed(job.id, str(exc))
        except Exception as exc:  # noqa: BLE001 - an importer crash must fail the job, not the pump
            log.exception("Job %s: unexpected error while importing", job.id)
            runner.mark_import_failed(job.id, f"Blender could not import the result: {_plain(exc)}")
        else:
            if self.after_landing is not None:
                landing = self.after_landing(job, files, landing)
            runner.mark_imported(job.id, [ob.name for ob in landing.objects], note=landing.note)
            if self._account.info.known:  # the user watches the balance: show what this cost
                self.refresh_balance()
        self._cache_size = None


def import_job(job: Job, files: Mapping[str, str], options: ImportOptions) -> Landing:
    """:func:`.landing.import_job`, its module loaded by the first landing: the importers,
    placement, rigs and splats are not needed to enable the add-on or draw its panels."""
    from . import landing

    return landing.import_job(job, files, options)


def send_limit(runner: Runner, settings: PreferencesSnapshot) -> str:
    """What caps how many jobs go at once, named as the artist can find it: the Parallel Jobs
    preference, a console batch that asked for more, or Tripo's limit of tasks at once."""
    if runner.workers > runner.max_in_flight:
        return f"Tripo's limit {runner.max_in_flight}"
    if runner.workers > settings.workers:
        return f"{runner.workers} at once for the batch"
    return f"Parallel Jobs {runner.workers}"


def _may_send_again(job: Job) -> bool:
    """Whether ``job`` may still upload its input files: in progress, or its Retry resends."""
    return job.state in ACTIVE_STATES or job.may_send_again


def _sync_online_access(runner: Runner) -> None:
    """Pause or resume the runner's network to match "Allow Online Access" (read here, on the
    main thread: workers never read ``bpy``)."""
    allowed = online_access()
    if not allowed and runner.network_paused is None:
        runner.pause_network(OFFLINE_PAUSE)
    elif allowed and runner.network_paused is not None:
        runner.resume_network()


def _plain(exc: BaseException) -> str:
    """An exception as a sentence (KeyError's repr quotes would look odd in a report)."""
    return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)


def _stamped(spec: JobSpec, batch: str) -> JobSpec:
    """``spec`` with the current 3D cursor as ``meta["location"]`` and ``batch`` as
    ``meta["batch"]``, each unless it already has one."""
    meta = thaw(spec.meta)
    if "location" not in meta and getattr(bpy.context, "scene", None) is not None:
        meta["location"] = list(cursor_location())
    meta.setdefault(BATCH_META, batch)
    return dataclasses.replace(spec, meta=meta)


runtime = Runtime()

CLASSES: tuple[type, ...] = ()


def register_extra() -> None:
    """Add-on enabled: resume the last session's jobs when possible."""
    runtime.start()


def unregister_extra() -> None:
    """Add-on disabled: stop the pump and the workers (jobs resume next time)."""
    runtime.shutdown()
