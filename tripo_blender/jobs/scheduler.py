"""Which job a free worker takes next: local waiting instead of server refusals.

Why local scheduling: Tripo allows a limited number of queued+running tasks per account
(10 by default, fewer for some groups) and answers 429/2000 beyond that. Sending a batch of
twelve anyway means twelve refusals and twelve retries; instead jobs wait here, and a new
POST starts only while fewer than ``max_in_flight`` of our tasks are on the server. When the
server still refuses (another Blender, a lower limit for the group), every POST holds off for
its ``Retry-After``.

"In flight" means: a POST is being sent, or the task exists and has not been seen finished.
Jobs that only *track* an existing task (resumed after a restart, or a free retry) never wait
for the cap — their task is already on the server — but they do count towards it.

All of it is one condition variable; the worker threads block in :meth:`Scheduler.take`.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Scheduler", "Ticket", "RETIRE"]


@dataclass(frozen=True, eq=False)
class Ticket:
    """One unit of work: ``post`` is True when the job must first send its POST.

    Compared by identity: a job retried while its previous run is still finishing has two
    tickets, and each run must release only its own in-flight slot.
    """

    job_id: str
    post: bool


#: Returned by :meth:`Scheduler.take` to a worker that should exit (the pool shrank).
RETIRE = Ticket("", False)


class Scheduler:
    """FIFO of waiting jobs, a cap on tasks in flight, and a global hold after a 429."""

    def __init__(self, max_in_flight: int, clock: Callable[[], float] = time.monotonic) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self._cond = threading.Condition()
        self._clock = clock
        self._waiting: deque[Ticket] = deque()
        self._not_before: dict[str, float] = {}
        self._in_flight: set[Ticket] = set()
        self._hold_until = 0.0
        self._retire = 0
        self._closed = False
        self.max_in_flight = max_in_flight

    # -- producers ---------------------------------------------------------------------------
    def add(self, job_id: str, *, post: bool, delay: float = 0.0, front: bool = False) -> None:
        """Queue ``job_id``. ``delay`` postpones it (Retry-After); ``front`` keeps its place."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the job runner is shut down")
            ticket = Ticket(job_id, post)
            if front:
                self._waiting.appendleft(ticket)
            else:
                self._waiting.append(ticket)
            if delay > 0:
                self._not_before[job_id] = self._clock() + delay
            self._cond.notify_all()

    def discard(self, job_id: str) -> bool:
        """Remove a waiting job (cancelled before a worker took it). True if it was waiting."""
        with self._cond:
            for ticket in self._waiting:
                if ticket.job_id == job_id:
                    self._waiting.remove(ticket)
                    self._not_before.pop(job_id, None)
                    return True
            return False

    def is_busy(self, job_id: str) -> bool:
        """True while a run of ``job_id`` waits here or holds an in-flight slot."""
        with self._cond:
            return any(t.job_id == job_id for t in (*self._waiting, *self._in_flight))

    def hold_posts(self, seconds: float) -> None:
        """The server refused a POST (429): send no POST for ``seconds``."""
        with self._cond:
            self._hold_until = max(self._hold_until, self._clock() + seconds)

    def leave_flight(self, ticket: Ticket) -> None:
        """The ticket's task finished on the server (or never came to exist): free its slot."""
        with self._cond:
            if ticket in self._in_flight:
                self._in_flight.discard(ticket)
                self._cond.notify_all()

    def retire(self, count: int) -> None:
        """Ask ``count`` idle workers to exit (shrinking the pool)."""
        with self._cond:
            self._retire += count
            self._cond.notify_all()

    def close(self) -> None:
        """Stop handing out work; blocked workers get ``None`` and exit."""
        with self._cond:
            self._closed = True
            self._waiting.clear()
            self._cond.notify_all()

    # -- consumers ---------------------------------------------------------------------------
    def take(self) -> Ticket | None:
        """Block until a job may run; ``None`` once closed, :data:`RETIRE` to shrink the pool.

        The in-flight slot of a POST is reserved here, before the worker starts sending, so
        two workers can never both take the last slot.
        """
        with self._cond:
            while True:
                if self._closed:
                    return None
                if self._retire:
                    self._retire -= 1
                    return RETIRE
                ticket, wake_at = self._pick()
                if ticket is not None:
                    self._waiting.remove(ticket)
                    self._not_before.pop(ticket.job_id, None)
                    self._in_flight.add(ticket)
                    return ticket
                timeout = None if wake_at is None else max(0.0, wake_at - self._clock())
                self._cond.wait(timeout)

    def _pick(self) -> tuple[Ticket | None, float | None]:
        """First runnable ticket, else the earliest time something may become runnable."""
        now = self._clock()
        wake_at: float | None = None
        post_allowed = len(self._in_flight) < self.max_in_flight and now >= self._hold_until
        for ticket in self._waiting:
            ready_at = self._not_before.get(ticket.job_id, 0.0)
            if ticket.post:
                ready_at = max(ready_at, self._hold_until)
            if ready_at > now:
                wake_at = ready_at if wake_at is None else min(wake_at, ready_at)
                continue
            if ticket.post and not post_allowed:
                continue  # woken by leave_flight
            return ticket, None
        return None, wake_at

    # -- introspection -----------------------------------------------------------------------
    @property
    def in_flight(self) -> int:
        with self._cond:
            return len(self._in_flight)

    def waiting(self) -> list[str]:
        with self._cond:
            return [t.job_id for t in self._waiting]

    def send_order(self) -> list[str]:
        """Ids of the jobs waiting to send their POST, in the order workers will take them.

        Why not the queue's order as it stands: :meth:`_pick` skips a ticket held by its own
        Retry-After (or by a hold after a 429) for any ticket runnable now. So the jobs runnable
        now come first, in queue order; then the held ones, by when they may go (queue order
        among equals). That is the order a waiting row's place ("4th of 9") must tell: it is
        the order they will really be sent in, as far as anything here can know it.
        """
        with self._cond:
            now = self._clock()
            posts = [(index, ticket) for index, ticket in enumerate(self._waiting) if ticket.post]

            def when(entry: tuple[int, Ticket]) -> tuple[float, int]:
                index, ticket = entry
                ready_at = max(self._not_before.get(ticket.job_id, 0.0), self._hold_until)
                return (ready_at if ready_at > now else 0.0), index

            return [ticket.job_id for _, ticket in sorted(posts, key=when)]

    def set_max_in_flight(self, value: int) -> None:
        if value < 1:
            raise ValueError("max_in_flight must be at least 1")
        with self._cond:
            self.max_in_flight = value
            self._cond.notify_all()
