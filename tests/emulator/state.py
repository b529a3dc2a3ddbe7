"""Keys, balances, uploads and tasks, and the time-driven task state machine.

Why lazy and clock-driven: a task's status is *computed* from its age on every read
(``queued`` -> ``running`` -> terminal) instead of being advanced by a background thread, so
tests control time exactly through :class:`Clock` (``advance()``) and never sleep to
synchronise. Side effects of reaching a terminal state (settling or refunding frozen credits)
happen the first time anyone looks (:meth:`Store.settle_due`), which is observably the same.
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

if TYPE_CHECKING:
    from .outputs import Outputs

TERMINAL = frozenset({"success", "failed", "banned", "expired", "cancelled", "unknown"})
OUTCOMES = TERMINAL - {"success"}
#: Direct-upload tokens stay usable this long (the docs say about 24 h).
UPLOAD_TTL = 24 * 3600.0


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


@dataclass
class StoredFile:
    """An uploaded input: a direct upload (``image_token``) or an STS object (``data`` None until PUT)."""

    filename: str
    created: float
    data: bytes | None = None
    kind: str | None = None
    session_token: str = ""


@dataclass
class Account:
    """One API key: its credits and the inputs it uploaded (tokens are per key)."""

    key: str
    balance: float
    frozen: float = 0.0
    uploads: dict[str, StoredFile] = field(default_factory=dict)
    objects: dict[tuple[str, str], StoredFile] = field(default_factory=dict)
    max_in_flight: int = 0


@dataclass(frozen=True)
class Outcome:
    """How a task ends; ``error_code``/``error_msg`` only matter for ``failed``."""

    status: str = "success"
    error_code: int | None = None
    error_msg: str | None = None


@dataclass(frozen=True)
class Phase:
    """A task's status at one instant, with the progress fields the API reports."""

    status: str
    progress: int
    running_left_time: int
    queuing_num: int

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


@dataclass
class TaskRecord:
    """A created task. Everything needed to answer GET /task/{id} at any later time."""

    task_id: str
    key: str
    type: str
    input: dict[str, Any]
    created: float
    queue_seconds: float
    run_seconds: float
    price: float
    outcome: Outcome
    source: TaskRecord | None
    outputs: Outputs
    hints: str = ""  # lower-case prompt/file-name text, for output heuristics ("rock" -> not riggable)
    settled: bool = False
    consumed_credit: float = 0.0

    def phase_at(self, now: float, queue_position: int = 0) -> Phase:
        """Status from age: queued for ``queue_seconds``, running for ``run_seconds``, then terminal."""
        age = now - self.created
        if age < self.queue_seconds:
            return Phase("queued", 0, -1, queue_position)
        ran = age - self.queue_seconds
        if ran < self.run_seconds:
            progress = min(99, int(100 * ran / self.run_seconds))
            return Phase("running", progress, max(1, math.ceil(self.run_seconds - ran)), -1)
        return Phase(self.outcome.status, 100, -1, -1)


class Store:
    """All mutable emulator state, guarded by one re-entrant lock.

    Validation, the concurrency check, the credit check and task creation run under the same
    lock, so parallel POSTs cannot overshoot the concurrency limit or the balance.
    """

    def __init__(self, clock: Clock, *, queue_seconds: float, run_seconds: float,
                 concurrency_limit: int, retry_after: int) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.accounts: dict[str, Account] = {}
        self.tasks: dict[str, TaskRecord] = {}
        self.queue_seconds = queue_seconds
        self.run_seconds = run_seconds
        self.concurrency_limit = concurrency_limit
        self.retry_after = retry_after
        self.outcomes: deque[Outcome] = deque()
        self.riggable: bool | None = None  # None: decide from the prompt ("rock" is not riggable)
        self.rig_type: str | None = None

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
            phase = task.phase_at(now)
            if phase.status != "queued":
                return phase
            ahead = sum(
                1 for other in self.tasks.values()
                if other.key == task.key and other.created < task.created and other.phase_at(now).status == "queued"
            )
            return task.phase_at(now, ahead)

    def settle_due(self) -> None:
        """Settle (success) or refund (any other end) every task that has reached its end."""
        with self.lock:
            now = self.clock.now()
            for task in self.tasks.values():
                if not task.settled and task.phase_at(now).terminal:
                    self._settle(task)

    def _settle(self, task: TaskRecord) -> None:
        account = self.accounts[task.key]
        account.frozen -= task.price
        if task.outcome.status == "success":
            task.consumed_credit = task.price
        else:
            account.balance += task.price
        task.settled = True

    def in_flight(self, key: str) -> int:
        """Tasks of ``key`` that are queued or running now (what the concurrency cap counts)."""
        with self.lock:
            now = self.clock.now()
            return sum(1 for t in self.tasks.values() if t.key == key and not t.phase_at(now).terminal)

    def owned_task(self, key: str, task_id: Any) -> TaskRecord:
        """The task if it exists *and* belongs to ``key``; otherwise 2001 (same answer either way)."""
        with self.lock:
            task = self.tasks.get(task_id) if isinstance(task_id, str) else None
            if task is None or task.key != key:
                raise ApiError(2001, f"task {task_id!r}")
            return task

    def next_outcome(self) -> Outcome:
        with self.lock:
            return self.outcomes.popleft() if self.outcomes else Outcome()

    def create_task(self, task_id: str, key: str, body: dict[str, Any], price: float,
                    source: TaskRecord | None, outputs: Outputs, hints: str) -> TaskRecord:
        """Check concurrency (429/2000) then credits (403/2010), freeze the price, store the task."""
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
                task_id=task_id, key=key, type=str(body["type"]), input=body,
                created=self.clock.now(), queue_seconds=self.queue_seconds, run_seconds=self.run_seconds,
                price=price, outcome=self.next_outcome(), source=source, outputs=outputs, hints=hints,
            )
            self.tasks[task.task_id] = task
            account.max_in_flight = max(account.max_in_flight, self.in_flight(key))
            return task

    # ------------------------------------------------------------------ uploads

    def add_upload(self, key: str, filename: str, data: bytes, kind: str) -> str:
        """Store a direct upload; returns its ``image_token``."""
        with self.lock:
            token = str(uuid.uuid4())
            self.accounts[key].uploads[token] = StoredFile(filename, self.clock.now(), data, kind)
            return token

    def upload(self, key: str, token: str) -> StoredFile | None:
        """A direct upload of ``key`` that has not expired."""
        with self.lock:
            stored = self.accounts[key].uploads.get(token)
            if stored is None or self.clock.now() - stored.created > UPLOAD_TTL:
                return None
            return stored

    def find_object(self, bucket: str, object_key: str) -> StoredFile | None:
        """An STS object slot by location, whichever key asked for it (the S3 PUT has no API key)."""
        with self.lock:
            for account in self.accounts.values():
                stored = account.objects.get((bucket, object_key))
                if stored is not None:
                    return stored
            return None
