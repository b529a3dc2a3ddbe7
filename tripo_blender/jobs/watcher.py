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
* A task the service does not know (``missed``) ends its wait with a 2001 :class:`TripoAPIError`
  — unless the worker says the task is its own and younger than :data:`MISSED_GRACE` and no
  answer of this wait has shown it yet: Tripo may list a task a moment after its POST answered,
  so such a task is asked again, like a queued one. A failed round (network, key) ends the waits
  of that round with the error, and each worker decides (retry with back-off, or fail) as it did
  for its own polls.

The poller cannot die (every job waits on it):

* a task id that is not a Tripo task id never reaches a request: :meth:`TaskWatcher.wait`
  refuses it at once (workers refuse it earlier, see :mod:`.task_ids`);
* each task of an answer is read on its own: one that cannot be read ends only its own wait;
* any other exception in a round is logged, ends that round's waits with a transient error
  (their workers poll again after their back-off) and restarts the loop after a pause
  (:data:`RESTART_PAUSE`, doubling up to :data:`RESTART_PAUSE_MAX`);
* ``POST /v3/tasks/list`` answering 404 or 405 (a service without the batch route) switches
  this watcher, until its client is reset, to ``GET /v3/tasks/{id}`` for each task that is due —
  still one thread, at most :data:`~..client.payloads.MAX_TASK_IDS` requests a round; and an id
  a list answer leaves out (the array shape has no ``missed``) is asked the same way before it
  counts as unknown (docs/sources.md#task-list).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..client import Task, TaskStatus, TaskWaitCancelled, TripoAPIError, TripoClient, TripoError, TripoRequestError
from ..client.payloads import MAX_TASK_IDS, is_task_id, shown_task_id
from ..client.polling import PollSchedule, ProgressEstimator
from .model import TASK_UNKNOWN_CODE

__all__ = ["Signal", "TaskWatcher"]

log = logging.getLogger("tripo_blender.jobs")

#: Seconds a new wait's first poll may be put off so that tasks created together share a round.
FIRST_LOOK_DELAY = 0.5
#: Seconds after its creation POST during which this add-on's own task, not yet seen, may be
#: ``missed`` without counting as unknown: the service can register a task a little after it
#: answered the POST. 90 s covers a registration lag of a minute and then some; a task really
#: gone (wrong key, past retention) fails at most that long after its POST — a task seen once, or
#: followed by id, fails at the first ``missed``.
MISSED_GRACE = 90.0
#: Pause before the poller loop restarts after an unexpected exception; doubles up to the max.
RESTART_PAUSE = 1.0
RESTART_PAUSE_MAX = 30.0
#: The ceiling of this poller's requests per account: rounds start at least this many seconds
#: apart (at most 4 ``POST /v3/tasks/list`` a second, however many tasks are young or near their
#: end); a round that only the young-task rule asks for, at least ``1 / tasks watched`` apart, so
#: that the extra looks at young tasks never cost more than 1 request per task-second (one young
#: task alone is looked at once a second; its predicted finish is still polled on time). Why 4 and not 2: a batch's
#: tasks finish in waves a fraction of a second apart, and at 2 a second one wave's round at its
#: predicted finish was pushed back by the other's, half a second late each time (bench row 10).
MIN_ROUND_GAP = 0.25
#: HTTP statuses of ``POST /v3/tasks/list`` meaning "no such route on this service".
_ROUTE_ABSENT = frozenset({404, 405})


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
    #: until then (watcher clock) a ``missed`` answer before any task means "not listed yet"
    young_until: float | None = None
    #: when this wait began (watcher clock): the task's age for the young-task rule of
    #: :class:`~..client.polling.PollSchedule` (a worker waits right after its POST)
    since: float = 0.0
    #: the young-task rule alone made ``due`` this early (its round keeps to 1 per task a second)
    young_due: bool = False


class TaskWatcher:
    """Polls the watched tasks in batches on one thread (started with the first wait)."""

    def __init__(
        self,
        client_factory: Callable[[], TripoClient],
        *,
        unknown_status_limit: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client_factory = client_factory
        self._clock = clock
        self._unknown_limit = unknown_status_limit or TripoClient.unknown_status_limit
        self._cond = threading.Condition()
        self._watches: list[_Watch] = []
        self._thread: threading.Thread | None = None
        self._closed = False
        self._client_generation = 0
        self._single_route = False  # POST /v3/tasks/list is absent: GET /v3/tasks/{id} per task
        self._last_round = float("-inf")  # when the latest round started (watcher clock)
        #: Tripo's clock minus this machine's, from the poller client's latest ``Date`` header
        #: (None before any): moves a task's ``created_at`` to this machine's clock (jobs.progress)
        self.server_clock_offset: float | None = None
        self.rounds = 0  # task-list requests sent (for tests and benchmarks)

    # -- worker side -------------------------------------------------------------------------
    def wait(
        self,
        task_id: str,
        *,
        interrupt: Signal,
        polling_interval: float,
        on_progress: Callable[[Task], None] | None = None,
        age: float | None = None,
    ) -> Task:
        """Block until ``task_id`` is final and return it; ``on_progress(task)`` for every new state.

        ``age``: seconds since the caller's own POST created the task, if it has not been seen
        since (see :data:`MISSED_GRACE`); None when a ``missed`` answer is final at once.

        Raises :class:`TaskWaitCancelled` when ``interrupt`` is set, the poll's
        :class:`TripoAPIError`/:class:`TripoRequestError` when a round failed, a 2001
        :class:`TripoAPIError` when the service does not know the task, and ValueError at once
        for an id that is not a Tripo task id (it is never sent).
        """
        if not is_task_id(task_id):
            raise ValueError(f"not a Tripo task id, not polled: {shown_task_id(task_id)}")
        schedule = dataclasses.replace(TripoClient.poll_schedule, base_interval=float(polling_interval))
        now = self._clock()
        # the first look waits a moment (at most FIRST_LOOK_DELAY): jobs sent together then share
        # their first round instead of costing one request each
        watch = _Watch(
            task_id,
            now + min(FIRST_LOOK_DELAY, schedule.base_interval / 4),
            schedule,
            young_until=None if age is None else now + MISSED_GRACE - age,
            since=now - (age or 0.0),
        )
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
        """Build a new client before the next round (the key or server changed: the new server
        may have the task-list route again)."""
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
        """Wait until a watched task is due, and the ceiling (:data:`MIN_ROUND_GAP`, one round
        per watched task a second) allows a round; every watched task then (None: closed)."""
        with self._cond:
            while not self._closed:
                if self._watches:
                    young_gap = max(MIN_ROUND_GAP, 1.0 / len(self._watches))
                    now = self._clock()
                    wait = (
                        min(
                            max(w.due, self._last_round + (young_gap if w.young_due else MIN_ROUND_GAP))
                            for w in self._watches
                        )
                        - now
                    )
                    if wait <= 0:
                        self._last_round = now
                        return list(self._watches)
                    self._cond.wait(wait)
                else:
                    self._cond.wait()
            return None

    def _run(self) -> None:
        """The poller thread: :meth:`_loop`, restarted after any unexpected exception (logged), so
        that no bug or answer can leave every waiting job without polls."""
        pause = RESTART_PAUSE
        while True:
            rounds = self.rounds
            try:
                self._loop()
                return
            except Exception:  # noqa: BLE001 - the supervisor: whatever it was, polling goes on
                if self.rounds > rounds + 1:  # it ran a while since the last restart
                    pause = RESTART_PAUSE
                log.exception("The task poller failed; restarting it in %.0f s", pause)
                with self._cond:
                    watches = list(self._watches)
                self._deliver_error(
                    watches,
                    TripoRequestError(
                        0, "The add-on's task poller hit an internal error and restarted; asking Tripo again"
                    ),
                )
                if not self._pause(pause):
                    return
                pause = min(pause * 2, RESTART_PAUSE_MAX)

    def _pause(self, seconds: float) -> bool:
        """Wait ``seconds`` unless closed meanwhile; False when closed."""
        deadline = self._clock() + seconds
        with self._cond:
            while not self._closed and (left := deadline - self._clock()) > 0:
                self._cond.wait(left)
            return not self._closed

    def _loop(self) -> None:
        client: TripoClient | None = None
        generation = -1
        try:
            while (watches := self._next_round()) is not None:
                if client is None or generation != self._client_generation:
                    if client is not None:
                        client.close()
                    client, generation = None, self._client_generation
                    self._single_route = False
                    try:
                        client = self._client_factory()
                    except Exception as exc:  # noqa: BLE001 - whatever it is, the waiting jobs say why
                        self._deliver_error(
                            watches, TripoRequestError(0, f"Could not set up the Tripo connection: {exc}")
                        )
                        continue
                if self._single_route:
                    now = self._clock()
                    self._poll_each(client, [w for w in watches if w.due <= now][:MAX_TASK_IDS])
                    continue
                for start in range(0, len(watches), MAX_TASK_IDS):
                    self._poll(client, watches[start : start + MAX_TASK_IDS])
        finally:
            if client is not None:
                client.close()

    def _poll(self, client: TripoClient, watches: list[_Watch]) -> None:
        ids = list(dict.fromkeys(w.task_id for w in watches))
        try:
            result = client.list_tasks(ids)
        except (TripoError, RuntimeError) as exc:  # RuntimeError: the client was closed under us
            if getattr(exc, "status_code", None) in _ROUTE_ABSENT:
                self._single_route = True
                log.warning(
                    "Tripo answered HTTP %s to POST /v3/tasks/list: polling each task with "
                    "GET /v3/tasks/{id} from now on",
                    getattr(exc, "status_code", None),
                )
                self._poll_each(client, watches)
                return
            log.warning("Polling %d task(s) failed: %s", len(ids), exc)
            self._deliver_error(watches, exc)
            return
        finally:
            self.rounds += 1
        self.server_clock_offset = client.server_clock_offset
        now = self._clock()
        unanswered = set(result.unanswered(ids))
        with self._cond:
            for watch in watches:
                if watch.task_id not in unanswered:
                    self._settle(watch, result.tasks.get(watch.task_id), now)
        # an answer that says nothing of an id (the array shape has no ``missed``): ask it alone
        self._poll_each(client, [w for w in watches if w.task_id in unanswered])

    def _poll_each(self, client: TripoClient, watches: list[_Watch]) -> None:
        """``GET /v3/tasks/{id}`` for each watch, one after another (this thread only)."""
        asked: dict[str, Task | None | BaseException] = {}
        for watch in watches:
            if self._closed:  # a long round stops at once when the runner shuts down
                return
            if watch.task_id not in asked:
                try:
                    asked[watch.task_id] = client.get_task(watch.task_id)
                except TripoAPIError as exc:
                    asked[watch.task_id] = None if exc.code == TASK_UNKNOWN_CODE else exc
                except (TripoError, RuntimeError) as exc:
                    asked[watch.task_id] = exc
            answer = asked[watch.task_id]
            self.server_clock_offset = client.server_clock_offset
            if isinstance(answer, BaseException):
                log.warning("Polling task %s failed: %s", watch.task_id, answer)
                self._deliver_error([watch], answer)
                continue
            with self._cond:
                self._settle(watch, answer, self._clock())

    def _settle(self, watch: _Watch, task: Task | None, now: float) -> None:
        """Give one watch its answer (caller holds the lock): the task, or None for "not known".
        One entry that cannot be read ends only its own wait (with a transient error)."""
        try:
            if task is None:
                if watch.task is None and watch.young_until is not None and now < watch.young_until:
                    # a fresh task of this add-on, not listed yet: ask again later, as if queued
                    watch.due = now + watch.schedule.next_delay(
                        status=TaskStatus.QUEUED,
                        running_left_time=None,
                        progress=0,
                        blind_polls=watch.blind_polls,
                        age=self._age(watch, now),
                    )
                    watch.young_due = True  # at most the blind schedule's gap: count it as the young rule's
                    watch.blind_polls += 1
                    return
                watch.error = TripoAPIError(
                    TASK_UNKNOWN_CODE,
                    f"Tripo does not know task {watch.task_id} (any more).",
                    status_code=404,
                    trace_id=None,
                )
            elif not task.raw.get("status"):
                # a malformed answer (a task without ``status``) says nothing about the task:
                # transient, like a lost connection — never "unknown" or final
                watch.error = TripoRequestError(
                    0, f"Tripo's answer about task {watch.task_id} was malformed (no status); asking again"
                )
            else:
                self._update(watch, task, now)
        except Exception as exc:  # noqa: BLE001 - this entry only; the others are read on
            log.exception("Task %s: its answer could not be read", watch.task_id)
            watch.error = TripoRequestError(
                0, f"Tripo's answer about task {watch.task_id} could not be read ({type(exc).__name__}); asking again"
            )
        watch.ready.set()

    def _update(self, watch: _Watch, task: Task, now: float) -> None:
        watch.task = task
        watch.seq += 1
        watch.unknown_polls = watch.unknown_polls + 1 if task.status is TaskStatus.UNKNOWN else 0
        watch.final = task.status.is_terminal or watch.unknown_polls >= self._unknown_limit
        watch.estimator.observe(now, task.status, task.progress)
        predicted = watch.estimator.left(now)

        def delay_at(age: float | None) -> float:
            return watch.schedule.next_delay(
                status=task.status,
                running_left_time=task.running_left_time,
                progress=task.progress,
                blind_polls=watch.blind_polls,
                predicted_left=predicted,
                age=age,
            )

        delay = delay_at(self._age(watch, now))
        watch.young_due = delay < delay_at(None)
        has_eta = watch.schedule.has_eta(task.status, task.running_left_time)
        watch.blind_polls = 0 if has_eta else watch.blind_polls + 1
        watch.due = now + delay

    def _age(self, watch: _Watch, now: float) -> float | None:
        """The task's age for the young-task rule; None (no rule) while polling with one ``GET``
        per task, where a poll every half second would cost each task two requests a second."""
        return None if self._single_route else max(0.0, now - watch.since)

    def _deliver_error(self, watches: list[_Watch], error: BaseException) -> None:
        with self._cond:
            for watch in watches:
                watch.error = error
                watch.ready.set()
