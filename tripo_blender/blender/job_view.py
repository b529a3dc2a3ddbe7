"""The job list as the main thread knows it: what every panel draws.

Why a copy on the main thread: panels draw many times a second and must never take a lock or ask
a worker anything. The :class:`~.runtime.Runtime`'s pump fills :class:`JobView` from the engine's
events only, so a job looks the same in every panel and drawing stays cheap; the results that
wait to be imported queue here too (one import per pump tick).
"""

from __future__ import annotations

from collections import deque
from typing import Sequence

from ..jobs import Event, FilesReady, Job, JobChanged, JobRemoved
from ..jobs.kinds import THUMBNAIL_OUTPUT
from . import previews

__all__ = ["JobView"]


class JobView:
    """What the main thread knows about jobs: newest snapshot per job plus imports to do."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._active: set[str] = set()  # ids of jobs in an active state: the pump asks every tick
        self.pending_imports: deque[FilesReady] = deque()

    @property
    def has_active(self) -> bool:
        """Whether a job shown is still in progress (O(1): kept up to date by put/remove)."""
        return bool(self._active)

    def jobs(self) -> list[Job]:
        """Every job, newest first (the order the Jobs panel shows)."""
        return sorted(self._jobs.values(), key=lambda j: (j.created_at, j.id), reverse=True)

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
        return self._jobs.pop(job_id, None) is not None

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
