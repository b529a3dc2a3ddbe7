"""One poller for every task the jobs wait on: a single ``POST /v3/tasks/list`` per round.

Why not ``wait_for_task`` per job: with ten jobs on the server that is ten GET loops, each with
its own back-off. apiv3 answers up to 100 tasks in one request, so one thread asks for all of
them at once, as often as the most urgent one needs (the :class:`~..client.polling.PollSchedule`
of each task decides its next look; a round serves every task, so a task that is due early makes
the others fresher for free). Workers still own their jobs from POST to download: a worker
blocks in :meth:`TaskWatcher.wait` while its task runs, and gets each new state of it there.

Rules (this module runs on worker threads and its own poller thread):

* It MUST NOT import or touch ``bpy``.
* Nothing here changes a job: the poller only stores the newest task for each watcher and wakes
  it; the worker calls its own ``on_progress`` (so the job book sees the worker's run handle).
* A wait ends at once when its ``interrupt`` (a :class:`Signal`: cancel or network pause) is set.
* A task the service does not know (``missed``) ends its wait with a 2001 :class:`TripoAPIError`;
  a failed round (network, key) ends the waits of that round with the error, and each worker
  decides (retry with back-off, or fail) as it did for its own polls.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..client import Task, TaskStatus, TaskWaitCancelled, TripoAPIError, TripoClient, TripoError, TripoRequestError
from ..client.payloads import MAX_TASK_IDS
from ..client.polling import PollSchedule, ProgressEstimator
from .model import TASK_UNKNOWN_CODE

__all__ = ["Signal", "TaskWatcher"]

log = logging.getLogger("tripo_blender.jobs")

#: Seconds a new wait's first poll may be put off so that tasks created together share a round.
FIRST_LOOK_DELAY = 0.5


class Signal(threading.Event):
    """An ``Event`` that also calls its subscribers when set, so one wait can end for several
    reasons without polling (a watcher's wait ends for new data *or* for this signal)."""

    def __init__(self) -> None:
        super().__init__()
        self._subscribers: list[Callable[[], None]] = []
        self._subscribers_lock = threading.Lock()

    def set(self) -> None:
        super().set()
        with self._subscribers_lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            callback()

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` whenever the signal is set (at once if it is set now); returns the
        function that unsubscribes."""
        with self._subscribers_lock:
            self._subscribers.append(callback)
        if self.is_set():
            callback()

        def unsubscribe() -> None:
            with self._subscribers_lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe


@dataclass(eq=False)
class _Watch:
    """One waiting worker's view of its task, filled by the poller."""

    task_id: str
    due: float
    schedule: PollSchedule
    ready: threading.Event = field(default_factory=threading.Event)
    task: Task | None = None
    seq: int = 0
    error: BaseException | None = None
    blind_polls: int = 0
    unknown_polls: int = 0
    final: bool = False
    estimator: ProgressEstimator = field(default_factory=ProgressEstimator)


class TaskWatcher:
    """Polls the watched tasks in batches on one thread (started with the first wait)."""

    def __init__(self, client_factory: Callable[[], TripoClient], *, unknown_status_limit: int | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._client_factory = client_factory
        self._clock = clock
        self._unknown_limit = unknown_status_limit or TripoClient.unknown_status_limit
        self._cond = threading.Condition()
        self._watches: list[_Watch] = []
        self._thread: threading.Thread | None = None
        self._closed = False
        self._client_generation = 0
        self.rounds = 0  # requests sent (for tests and benchmarks)

    # -- worker side -------------------------------------------------------------------------
    def wait(self, task_id: str, *, interrupt: Signal, polling_interval: float,
             on_progress: Callable[[Task], None] | None = None) -> Task:
        """Block until ``task_id`` is final and return it; ``on_progress(task)`` for every new state.

        Raises :class:`TaskWaitCancelled` when ``interrupt`` is set, the poll's
        :class:`TripoAPIError`/:class:`TripoRequestError` when a round failed, and a 2001
        :class:`TripoAPIError` when the service does not know the task.
        """
        schedule = dataclasses.replace(TripoClient.poll_schedule, base_interval=float(polling_interval))
        # the first look waits a moment (at most FIRST_LOOK_DELAY): jobs sent together then share
        # their first round instead of costing one request each
        watch = _Watch(task_id, self._clock() + min(FIRST_LOOK_DELAY, schedule.base_interval / 4), schedule)
        with self._cond:
            if self._closed:
                raise TaskWaitCancelled(task_id)
            self._watches.append(watch)
            self._start()
            self._cond.notify_all()
        unsubscribe = interrupt.subscribe(watch.ready.set)
        seen = 0
        try:
            while True:
                watch.ready.wait()
                if interrupt.is_set():
                    raise TaskWaitCancelled(task_id, watch.task)
                with self._cond:
                    watch.ready.clear()
                    task, error, final, seq = watch.task, watch.error, watch.final, watch.seq
                if error is not None:
                    raise error
                if task is not None and seq != seen:
                    seen = seq
                    if on_progress is not None:
                        on_progress(task)
                if final and task is not None:
                    return task
        finally:
            unsubscribe()
            with self._cond:
                if watch in self._watches:
                    self._watches.remove(watch)

    def reset_client(self) -> None:
        """Build a new client before the next round (the key or server changed)."""
        with self._cond:
            self._client_generation += 1

    def close(self, timeout: float | None = None) -> None:
        """Stop the poller and wait up to ``timeout`` seconds for its thread to end (a round on the
        wire is not recalled: its answer is dropped). Waits in progress end with
        :class:`TaskWaitCancelled`.

        Joining matters: a host that finalises Python right after (``blender -b`` at the end of a
        script) crashed on bpy 4.2 when the poller thread was still alive.
        """
        with self._cond:
            self._closed = True
            for watch in self._watches:
                watch.error = TaskWaitCancelled(watch.task_id, watch.task)
                watch.ready.set()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def threads(self) -> list[threading.Thread]:
        """The poller thread, if one was started (for the runner's exit bookkeeping)."""
        return [self._thread] if self._thread is not None else []

    # -- poller side -------------------------------------------------------------------------
    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="tripo-task-watcher", daemon=True)
            self._thread.start()

    def _next_round(self) -> list[_Watch] | None:
        """Wait until a watched task is due; every watched task then (None: closed)."""
        with self._cond:
            while not self._closed:
                if self._watches:
                    wait = min(w.due for w in self._watches) - self._clock()
                    if wait <= 0:
                        return list(self._watches)
                    self._cond.wait(wait)
                else:
                    self._cond.wait()
            return None

    def _run(self) -> None:
        client: TripoClient | None = None
        generation = -1
        try:
            while (watches := self._next_round()) is not None:
                if client is None or generation != self._client_generation:
                    if client is not None:
                        client.close()
                    client, generation = None, self._client_generation
                    try:
                        client = self._client_factory()
                    except Exception as exc:  # noqa: BLE001 - whatever it is, the waiting jobs say why
                        self._deliver_error(watches, TripoRequestError(0, f"Could not set up the Tripo connection: {exc}"))
                        continue
                for start in range(0, len(watches), MAX_TASK_IDS):
                    self._poll(client, watches[start:start + MAX_TASK_IDS])
        finally:
            if client is not None:
                client.close()

    def _poll(self, client: TripoClient, watches: list[_Watch]) -> None:
        ids = list(dict.fromkeys(w.task_id for w in watches))
        try:
            result = client.list_tasks(ids)
        except (TripoError, RuntimeError) as exc:  # RuntimeError: the client was closed under us
            log.warning("Polling %d task(s) failed: %s", len(ids), exc)
            self._deliver_error(watches, exc)
            return
        finally:
            self.rounds += 1
        now = self._clock()
        with self._cond:
            for watch in watches:
                task = result.tasks.get(watch.task_id)
                if task is None and watch.task_id in result.missed:
                    watch.error = TripoAPIError(
                        TASK_UNKNOWN_CODE, f"Tripo does not know task {watch.task_id} (any more).",
                        status_code=404, trace_id=None)
                elif task is None or not task.raw.get("status"):
                    # a malformed answer (``data: null``, a task without ``status``) says nothing
                    # about the task: transient, like a lost connection — never "unknown" or final
                    watch.error = TripoRequestError(0, f"Tripo's answer about task {watch.task_id} was malformed "
                                                       "(no task or no status); asking again")
                else:
                    self._update(watch, task, now)
                watch.ready.set()

    def _update(self, watch: _Watch, task: Task, now: float) -> None:
        watch.task = task
        watch.seq += 1
        watch.unknown_polls = watch.unknown_polls + 1 if task.status is TaskStatus.UNKNOWN else 0
        watch.final = task.status.is_terminal or watch.unknown_polls >= self._unknown_limit
        watch.estimator.observe(now, task.status, task.progress)
        delay = watch.schedule.next_delay(status=task.status, running_left_time=task.running_left_time,
                                          progress=task.progress, blind_polls=watch.blind_polls,
                                          predicted_left=watch.estimator.left(now))
        has_eta = watch.schedule.has_eta(task.status, task.running_left_time)
        watch.blind_polls = 0 if has_eta else watch.blind_polls + 1
        watch.due = now + delay

    def _deliver_error(self, watches: list[_Watch], error: BaseException) -> None:
        with self._cond:
            for watch in watches:
                watch.error = error
                watch.ready.set()
