"""Keys, balances, uploads and tasks, and the time-driven task state machine.

Why lazy and clock-driven: a task's status is *computed* from its age on every read
(``queued`` -> ``running`` -> ``success``/``failed``/``cancelled``) instead of being advanced by
a background thread, so tests control time exactly through :class:`Clock` (``advance()``) and
never sleep to synchronise. Side effects of reaching a terminal state (settling or refunding
held credits) happen the first time anyone looks (:meth:`Store.settle_due`), which is observably
the same. Forgetting works the same way: a task older than the retention period is simply no
longer found (404/2001), like a task id from the v2 era.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ApiError
from .variants import Variants

if TYPE_CHECKING:
    from .outputs import Outputs

#: apiv3 has five statuses; these three are final.
TERMINAL = frozenset({"success", "failed", "cancelled"})
#: What :meth:`.server.Emulator.set_outcome` may force instead of success.
OUTCOMES = TERMINAL - {"success"}
#: Uploaded files stay usable this long (an expired file_token answers 1004, like an unknown one).
UPLOAD_TTL = 24 * 3600.0
#: Lifetime of a presigned PUT URL (``expires_in`` of POST /v3/files/presign; 30 min per the docs).
PRESIGN_TTL = 1800


class Clock:
    """Wall-clock time plus an offset that tests move forward with :meth:`advance`."""

    def __init__(self, source: Callable[[], float] | None = None) -> None:
        self._source = source or time.time
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._source() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds


#: Shapes of ``created_at``/``completed_at`` the emulator can send: the documented one (``Z``, whole
#: seconds), a space and an offset (``2026-12-07 15:00:00+00:00``), fractions of a second.
TIME_FORMATS = ("z", "space-offset", "fraction")


def iso(timestamp: float, form: str = "z") -> str:
    """ISO 8601 UTC in one of :data:`TIME_FORMATS` (default: ``2026-10-15T00:00:00Z``)."""
    if form == "space-offset":
        return time.strftime("%Y-%m-%d %H:%M:%S+00:00", time.gmtime(timestamp))
    if form == "fraction":
        fraction = f"{timestamp % 1:.6f}"[1:]  # ".250000"
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(timestamp)) + fraction + "Z"
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


@dataclass
class StoredFile:
    """An uploaded input: from ``/v3/files`` (bytes at once) or a presign slot (bytes once PUT)."""

    token: str
    key: str
    name: str  # the multipart filename, or the format asked for by presign
    created: float
    data: bytes | None = None
    kind: str | None = None  # what the bytes are (formats.file_kind), None if unrecognised
    put_deadline: float = 0.0  # presign only: the PUT URL stops working at this time


@dataclass
class Account:
    """One API key: its credits and the files it uploaded (tokens are private to a key)."""

    key: str
    balance: float
    frozen: float = 0.0
    uploads: dict[str, StoredFile] = field(default_factory=dict)
    max_in_flight: int = 0


@dataclass(frozen=True)
class Outcome:
    """How a task ends; ``error_code``/``error_message`` only matter for ``failed``."""

    status: str = "success"
    error_code: int | None = None
    error_message: str | None = None


@dataclass(frozen=True)
class Phase:
    """A task's status at one instant, with the progress figures the API may report."""

    status: str
    progress: int
    running_left_time: int | None = None  # seconds, while running
    queuing_num: int | None = None  # tasks of the same key queued ahead, while queued

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


@dataclass
class TaskRecord:
    """A created task: everything needed to answer GET /v3/tasks/{id} at any later time."""

    task_id: str
    key: str
    type: str
    input: dict[str, Any]  # the request body as sent (echoed by the task object)
    created: float
    queue_seconds: float
    run_seconds: float
    price: float
    outcome: Outcome
    source: TaskRecord | None  # the task this one builds on, if its input was a task id
    outputs: Outputs
    hints: str = ""  # lower-case prompt/file-name text, for output heuristics ("rock" -> not riggable)
    settled: bool = False
    credits_consumed: float = 0.0
    forgotten: bool = False
    #: False while the service has not registered the task yet (created and billed, but GET,
    #: the task list and the usage rows do not show it): :meth:`.server.Emulator.hold_registration`
    registered: bool = True

    @property
    def completed(self) -> float:
        """When the task reaches its terminal status."""
        return self.created + self.queue_seconds + self.run_seconds

    def phase_at(self, now: float, queue_position: int = 0, curve: str = "linear") -> Phase:
        """Status from age: queued for ``queue_seconds``, running for ``run_seconds``, then terminal.
        ``curve`` names how progress moves with the time run (:data:`PROGRESS_CURVES`)."""
        age = now - self.created
        if age < self.queue_seconds:
            return Phase("queued", 0, queuing_num=queue_position)
        ran = age - self.queue_seconds
        if ran < self.run_seconds:
            progress = min(99, int(100 * PROGRESS_CURVES[curve](ran / self.run_seconds)))
            return Phase("running", progress, running_left_time=max(1, math.ceil(self.run_seconds - ran)))
        return Phase(self.outcome.status, 100)


# How a running task's progress (0..1) moves with the fraction of its run time spent. Real
# services do not move linearly: "ease" is slow at both ends (smoothstep), "front" fast early and
# slow late, "steps" jumps in 20-point stages. Progress-rate estimators must cope with all.
PROGRESS_CURVES: dict[str, Callable[[float], float]] = {
    "linear": lambda x: x,
    "ease": lambda x: x * x * (3 - 2 * x),
    "front": lambda x: 1 - (1 - x) ** 2,
    "steps": lambda x: math.floor(x * 5) / 5,
}


class Store:
    """All mutable emulator state, guarded by one re-entrant lock.

    Validation, the concurrency check, the credit check and task creation run under the same
    lock, so parallel POSTs cannot overshoot the concurrency limit or the balance.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        queue_seconds: float,
        run_seconds: float,
        concurrency_limit: int,
        retry_after: int,
        task_retention: float,
        upload_cap: int,
        eta: bool,
    ) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.accounts: dict[str, Account] = {}
        self.tasks: dict[str, TaskRecord] = {}
        self.queue_seconds = queue_seconds
        self.run_seconds = run_seconds
        self.concurrency_limit = concurrency_limit
        self.retry_after = retry_after
        self.task_retention = task_retention
        self.upload_cap = upload_cap
        self.eta = eta
        self.progress_curve = "linear"  # a key of PROGRESS_CURVES
        self.run_plan: deque[float] = deque()  # run times of the next tasks, in creation order
        self.outcomes: deque[Outcome] = deque()
        self.riggable: bool | None = None  # None: decide from the prompt ("rock" is not riggable)
        #: (extension, bytes, output key) of the next task's file in place of the one it would get
        self.model_override: tuple[str, bytes, str] | None = None
        self.rig_type: str | None = None
        self.variants = Variants()  # answer shapes of the other official SDKs (see .variants)
        self.retarget_files = "model_url"  # how a retarget of an ``animations`` list answers (outputs.RETARGET_FILES)
        self.splat_format = "ply"  # the file an image-to-splat task returns (splat.FORMATS)
        self.time_format = "z"  # a key of TIME_FORMATS
        self.registering = True  # False: new tasks stay unregistered until release_registration
        self.echo_inputs = True  # False: task objects echo no ``input`` (an empty object)
        self.usage_inputs = False  # True: usage rows echo each task's ``input`` too
        #: "draco": generations and segmentations return Draco-compressed GLBs (as Tripo's image,
        #: multiview and segment results often are); None: plain GLBs
        self.glb_compression: str | None = None

    # ------------------------------------------------------------------ keys and balances

    def add_key(self, key: str, balance: float) -> Account:
        with self.lock:
            account = self.accounts[key] = Account(key, float(balance))
            return account

    def account(self, key: str) -> Account | None:
        with self.lock:
            return self.accounts.get(key)

    def balance_of(self, key: str) -> tuple[float, float]:
        with self.lock:
            self.settle_due()
            account = self.accounts[key]
            return account.balance, account.frozen

    # ------------------------------------------------------------------ task lifecycle

    def phase(self, task: TaskRecord, now: float | None = None) -> Phase:
        """The task's phase now; a queued task's ``queuing_num`` counts earlier queued tasks of its key."""
        with self.lock:
            now = self.clock.now() if now is None else now
            phase = task.phase_at(now, curve=self.progress_curve)
            if phase.status != "queued":
                return phase
            ahead = sum(
                1
                for other in self.tasks.values()
                if other.key == task.key and other.created < task.created and other.phase_at(now).status == "queued"
            )
            return task.phase_at(now, ahead, self.progress_curve)

    def settle_due(self) -> None:
        """Settle (success) or refund (failed, cancelled) every task that has reached its end."""
        with self.lock:
            now = self.clock.now()
            for task in self.tasks.values():
                if not task.settled and task.phase_at(now).terminal:
                    self._settle(task)

    def _settle(self, task: TaskRecord) -> None:
        account = self.accounts[task.key]
        account.frozen -= task.price
        if task.outcome.status == "success":
            task.credits_consumed = task.price
        else:
            account.balance += task.price
        task.settled = True

    def in_flight(self, key: str) -> int:
        """Tasks of ``key`` that are queued or running now (what the concurrency cap counts)."""
        with self.lock:
            now = self.clock.now()
            return sum(1 for t in self.tasks.values() if t.key == key and not t.phase_at(now).terminal)

    def is_forgotten(self, task: TaskRecord) -> bool:
        """Forgotten on purpose (:meth:`forget`) or older than the retention period."""
        return task.forgotten or self.clock.now() - task.created > self.task_retention

    def is_shown(self, task: TaskRecord) -> bool:
        """What GET, the task list and the usage rows show: registered and not forgotten."""
        return task.registered and not self.is_forgotten(task)

    def known_task(self, key: str, task_id: Any) -> TaskRecord:
        """The task if it exists, belongs to ``key`` and is still retained; otherwise 404/2001.

        The answer is the same in all three cases, so a key cannot probe another key's ids.
        """
        with self.lock:
            task = self.tasks.get(task_id) if isinstance(task_id, str) else None
            if task is None or task.key != key or not self.is_shown(task):
                raise ApiError(2001, f"task {task_id!r}")
            return task

    def forget(self, task_id: str) -> None:
        with self.lock:
            self.tasks[task_id].forgotten = True

    def forget_upload(self, token: str) -> None:
        """Drop an uploaded file: its token answers 1004 from now on, as an expired one does."""
        with self.lock:
            for account in self.accounts.values():
                if account.uploads.pop(token, None) is not None:
                    return
            raise KeyError(token)

    def next_outcome(self) -> Outcome:
        with self.lock:
            return self.outcomes.popleft() if self.outcomes else Outcome()

    def create_task(
        self,
        task_id: str,
        key: str,
        task_type: str,
        body: dict[str, Any],
        price: float,
        source: TaskRecord | None,
        outputs: Outputs,
        hints: str,
    ) -> TaskRecord:
        """Check concurrency (429/2000) then credits (403/2010), hold the price, store the task."""
        with self.lock:
            self.settle_due()
            account = self.accounts[key]
            if self.in_flight(key) >= self.concurrency_limit:
                raise ApiError(2000, f"{self.concurrency_limit} tasks in flight", retry_after=self.retry_after)
            if account.balance < price:
                raise ApiError(2010, f"needs {price:g}, balance {account.balance:g}")
            account.balance -= price
            account.frozen += price
            task = TaskRecord(
                task_id=task_id,
                key=key,
                type=task_type,
                input=body,
                created=self.clock.now(),
                queue_seconds=self.queue_seconds,
                run_seconds=self.run_plan.popleft() if self.run_plan else self.run_seconds,
                price=price,
                outcome=self.next_outcome(),
                source=source,
                outputs=outputs,
                hints=hints,
                registered=self.registering,
            )
            self.tasks[task.task_id] = task
            account.max_in_flight = max(account.max_in_flight, self.in_flight(key))
            return task

    # ------------------------------------------------------------------ uploads

    @staticmethod
    def new_token() -> str:
        return f"file_{uuid.uuid4().hex}"

    def add_upload(self, key: str, name: str, data: bytes, kind: str) -> StoredFile:
        """Store a file uploaded through /v3/files; usable at once."""
        with self.lock:
            stored = StoredFile(self.new_token(), key, name, self.clock.now(), data, kind)
            self.accounts[key].uploads[stored.token] = stored
            return stored

    def add_presign_slot(self, key: str, fmt: str) -> StoredFile:
        """Reserve a file_token whose bytes arrive later by a presigned PUT."""
        with self.lock:
            now = self.clock.now()
            stored = StoredFile(self.new_token(), key, fmt, now, put_deadline=now + PRESIGN_TTL)
            self.accounts[key].uploads[stored.token] = stored
            return stored

    def upload(self, key: str, token: str) -> StoredFile | None:
        """A file of ``key`` that has arrived and has not expired; None otherwise."""
        with self.lock:
            stored = self.accounts[key].uploads.get(token)
            if stored is None or stored.data is None or self.clock.now() - stored.created > UPLOAD_TTL:
                return None
            return stored

    def find_upload(self, token: str) -> StoredFile | None:
        """Any key's file by token, arrived or not (the presigned PUT carries no API key)."""
        with self.lock:
            for account in self.accounts.values():
                stored = account.uploads.get(token)
                if stored is not None:
                    return stored
            return None
