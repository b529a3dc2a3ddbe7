"""Events from the engine to Blender's main thread, and the queue that carries them.

Why a queue of small immutable events: workers must never touch ``bpy``; the main thread's
pump (a ``bpy.app.timers`` callback) must never block. Workers *put*, the pump *drains* without
waiting, and every event carries a complete snapshot so the pump needs no lock to read it.

Why coalescing: a job may change many times between two pump ticks (progress 10, 20, 30…).
Only its latest snapshot matters, so pending ``JobChanged`` events of one job are merged into
the first one's place in the queue. The pump's work per tick stays bounded by the number of
jobs, not by how chatty the server was. ``FilesReady`` and ``JobRemoved`` are never merged.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from .model import Job

__all__ = ["JobChanged", "FilesReady", "JobRemoved", "Event", "EventQueue"]


@dataclass(frozen=True)
class JobChanged:
    """``job`` is the newest snapshot of a job that changed (state, progress, note…)."""

    job: Job


@dataclass(frozen=True)
class FilesReady:
    """The job's files are downloaded: the pump imports them, then calls
    ``Runner.mark_imported`` or ``Runner.mark_import_failed``.

    ``files`` maps output keys (``pbr_model``, ``rendered_image``…) to local paths.
    """

    job_id: str
    files: Mapping[str, str]
    job: Job


@dataclass(frozen=True)
class JobRemoved:
    """The job was forgotten (dismissed): drop its row."""

    job_id: str


Event = JobChanged | FilesReady | JobRemoved


class EventQueue:
    """Thread-safe FIFO with per-job coalescing of :class:`JobChanged`; never blocks readers."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        # Entries are events, or a job id standing for "the latest JobChanged of that job".
        self._items: deque[Event | str] = deque()
        self._latest: dict[str, Job] = {}

    def put(self, event: Event) -> None:
        with self._cond:
            if isinstance(event, JobChanged):
                job_id = event.job.id
                current = self._latest.get(job_id)
                if current is None:
                    self._items.append(job_id)
                if current is None or event.job.revision >= current.revision:
                    self._latest[job_id] = event.job  # two threads may put out of order
            else:
                self._items.append(event)
            self._cond.notify_all()

    def wait(self, timeout: float) -> bool:
        """Block until an event is queued (True) or ``timeout`` passes (False).

        For scripts, the console API and tests; the pump must never call it.
        """
        with self._cond:
            return self._cond.wait_for(lambda: bool(self._items), timeout)

    def drain(self, limit: int | None = None) -> list[Event]:
        """Take up to ``limit`` events (all when None) without waiting."""
        out: list[Event] = []
        with self._cond:
            while self._items and (limit is None or len(out) < limit):
                item = self._items.popleft()
                if isinstance(item, str):
                    out.append(JobChanged(self._latest.pop(item)))
                else:
                    out.append(item)
        return out

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)
