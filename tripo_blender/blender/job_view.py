"""The job list as the main thread knows it: what every panel draws.

Why a copy on the main thread: panels draw many times a second and must never take a lock or ask
a worker anything. The :class:`~.runtime.Runtime`'s pump fills :class:`JobView` from the engine's
events only, so a job looks the same in every panel and drawing stays cheap; the results that
wait to be imported queue here too (one import per pump tick).

Why a kept order and stamped changes: a redraw must not sort and scan thousands of jobs to draw
a page of ten (0.8 ms at 500 jobs, p99 up to 5.7 ms, on every redraw). The view keeps its jobs in
order as they come (a new job is inserted in place) and stamps every change that can move a job
to another place or list (:attr:`JobView.version`): a job added or removed, or changed in anything
but its progress (:func:`~..jobs.model.settled_change`). It remembers which job each recent stamp
was for (:meth:`JobView.changed_since`), so a listing (:mod:`.job_listing`) applies just those;
progress ticks, which come every poll, move no stamp.

Why the send order is kept here too: a row waiting to be sent says its place in the line ("4th of
9"), and only the runner knows the line (:meth:`~..jobs.Runner.send_order`). The pump reads it once
a tick while jobs are active and keeps it here with what limits the line ("Parallel Jobs 3"); it
moves :attr:`JobView.line_version` only when it changed, so a panel recomputes places once per
change, never per redraw.
"""

from __future__ import annotations

import bisect
import itertools
from collections import OrderedDict, deque
from collections.abc import Iterator, Sequence

from ..jobs import Event, FilesReady, Job, JobChanged, JobRemoved
from ..jobs.kinds import THUMBNAIL_OUTPUT
from ..jobs.model import settled_change
from . import previews

__all__ = ["JobView", "order_key"]

#: One sequence for every view, so a stamp is never reused (not even by a new view).
_STAMPS = itertools.count(1)
#: The change log keeps at least this many entries (and twice the jobs): a listing that looked
#: longer ago than that lists its jobs again.
_LOG_MIN = 256


def order_key(job: Job) -> tuple[float, str]:
    """Where ``job`` sorts, oldest first: by creation, then id (so equal times still sort)."""
    return job.created_at, job.id


class JobView:
    """What the main thread knows about jobs: newest snapshot per job plus imports to do."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._active: set[str] = set()  # ids of jobs in an active state: the pump asks every tick
        self._order: list[tuple[float, str]] = []  # order_key of every job, oldest first
        self.pending_imports: deque[FilesReady] = deque()
        #: Changes (never to a value it had) when a job is added, removed or changes beyond its
        #: progress: what a listing computed from :meth:`newest_first` depends on.
        self.version = next(_STAMPS)
        self._log: OrderedDict[str, int] = OrderedDict()  # job id → stamp of its last change, oldest first
        self._horizon = 0  # the newest stamp the log no longer holds
        #: Ids of the jobs waiting to be sent, in the order the runner will send them, and what
        #: caps how many go at once (``"Parallel Jobs 3"``); :attr:`line_version` moves with them.
        self.send_order: tuple[str, ...] = ()
        self.send_limit = ""
        self.line_version = next(_STAMPS)

    @property
    def has_active(self) -> bool:
        """Whether a job shown is still in progress (O(1): kept up to date by put/remove)."""
        return bool(self._active)

    def jobs(self) -> list[Job]:
        """Every job, newest first (the order the Jobs panel shows)."""
        return list(self.newest_first())

    def newest_first(self) -> Iterator[Job]:
        """Every job, newest first, without a copy of the list (kept in order, never sorted here)."""
        jobs = self._jobs
        return (jobs[job_id] for _, job_id in reversed(self._order))

    def changed_since(self, stamp: int) -> list[str] | None:
        """Ids of the jobs added, removed or changed beyond their progress after ``stamp`` (a
        :attr:`version` read earlier); None when the log no longer reaches back that far."""
        if stamp < self._horizon:
            return None
        changed = []
        for job_id, at in reversed(self._log.items()):
            if at <= stamp:
                break
            changed.append(job_id)
        return changed

    def _changed(self, job_id: str) -> None:
        self.version = next(_STAMPS)
        self._log[job_id] = self.version
        self._log.move_to_end(job_id)
        while len(self._log) > max(_LOG_MIN, 2 * len(self._jobs)):
            _, self._horizon = self._log.popitem(last=False)

    def set_send_order(self, order: Sequence[str], limit: str) -> bool:
        """Adopt the runner's send order and its limit; True when either changed."""
        line = tuple(order)
        if line == self.send_order and limit == self.send_limit:
            return False
        self.send_order, self.send_limit = line, limit
        self.line_version = next(_STAMPS)
        return True

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def put(self, job: Job) -> bool:
        """Adopt ``job`` unless a newer revision is known; True when the view changed.

        Operators put the runner's snapshot right after acting (so the row updates at once);
        the event for the same change arrives later and must not roll it back.
        """
        current = self._jobs.get(job.id)
        if current is not None and current.revision >= job.revision and current.state == job.state:
            return False
        if current is not None and current.revision > job.revision:
            return False
        self._jobs[job.id] = job
        if current is None or current.created_at != job.created_at:
            if current is not None:
                del self._order[bisect.bisect_left(self._order, order_key(current))]
            bisect.insort(self._order, order_key(job))  # a new job is the newest: appended
        if current is None or settled_change(current, job):
            self._changed(job.id)
        if job.state.is_active:
            self._active.add(job.id)
        else:
            self._active.discard(job.id)
        if THUMBNAIL_OUTPUT in job.files:
            previews.ensure(job.id, job.files[THUMBNAIL_OUTPUT])
        return True

    def remove(self, job_id: str) -> bool:
        previews.discard(job_id)
        self.pending_imports = deque(e for e in self.pending_imports if e.job_id != job_id)
        self._active.discard(job_id)
        job = self._jobs.pop(job_id, None)
        if job is None:
            return False
        del self._order[bisect.bisect_left(self._order, order_key(job))]
        self._changed(job_id)
        return True

    def apply(self, events: Sequence[Event]) -> bool:
        """Apply engine events in order; True when anything visible changed."""
        changed = False
        for event in events:
            if isinstance(event, JobChanged):
                changed = self.put(event.job) or changed
            elif isinstance(event, FilesReady):
                changed = self.put(event.job) or changed
                if not any(e.job_id == event.job_id for e in self.pending_imports):
                    self.pending_imports.append(event)
            elif isinstance(event, JobRemoved):
                changed = self.remove(event.job_id) or changed
        return changed

    def clear(self) -> None:
        for job_id in list(self._jobs):
            self.remove(job_id)
        self.set_send_order((), "")
