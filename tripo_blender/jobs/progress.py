"""How far a running task is between two polls, and since when it runs (bpy-free).

Why its own module: the Jobs panel's bar and its "N s so far" read it, the engine sets the one
fact it needs (:attr:`Job.task_started`) and tests check both without Blender.

The start of a task is *its own*, not when this Blender began watching it. After a restart the
first poll of a task three quarters done used to be taken as its start: the bar extrapolated
75 % reached "in no time" to 99 % at once, and the text said "10 s so far" of a task 30 s old.
So the engine keeps :attr:`Job.task_started` (journaled: it survives restarts), from Tripo's
``created_at`` (read by :func:`..client.timestamps.parse_time`) moved to this machine's clock
with the server's clock offset (``Date`` headers, as the money checks do: :mod:`.verify`):

* not before the job's own POST left, when the task is the job's own (a clock skew the ``Date``
  header did not show cannot put the start earlier than the request);
* not before the last poll that saw the task still queued (``created_at`` counts the queue);
* not after the poll that first saw it running.

The bar carries the last progress forward at the rate it took from that start (progress ÷ run
time so far), never past 99 % and never from a run shorter than :data:`MIN_RATE_SPAN`.
"""

from __future__ import annotations

from ..client.timestamps import parse_time
from .model import Job, JobState

__all__ = ["task_start", "running_since", "shown_progress", "MAX_GUESS"]

#: Extrapolated progress never claims the task is done.
MAX_GUESS = 99.0
#: Seconds of run time below which the rate (progress ÷ time) is noise: no extrapolation.
MIN_RATE_SPAN = 1.0


def task_start(
    created_at: object,
    *,
    clock_offset: float | None,
    seen_running: float,
    not_before: float | None = None,
    seen_queued: float | None = None,
) -> float:
    """When a task began running, on this machine's clock (Unix seconds).

    ``created_at``: Tripo's text for the task's creation; ``clock_offset``: Tripo's clock minus
    this machine's (None: unknown, taken as 0); ``seen_running``: when a poll first saw it
    running; ``not_before``: when the job's own POST left (None for a task made elsewhere);
    ``seen_queued``: when a poll last saw it queued (None if none did).
    """
    created = parse_time(created_at)
    start = seen_running if created is None else created - (clock_offset or 0.0)
    for floor in (not_before, seen_queued):
        if floor is not None:
            start = max(start, floor)
    return min(start, seen_running)


def running_since(job: Job) -> float | None:
    """When ``job``'s task began running: :attr:`Job.task_started`, else (a job journaled by an
    older version) when the job last entered ``running``; None when neither is known."""
    if job.task_started is not None:
        return job.task_started
    for entry in reversed(job.timeline):
        if entry.state == JobState.RUNNING:
            return entry.at
    return None


def shown_progress(job: Job, now: float) -> float:
    """The running job's progress to draw at ``now``: the server's last value, carried forward
    at the rate it took to get there, never past :data:`MAX_GUESS`.

    Why no extra request: the rate is all the information a poll would add between two
    answers, and a bar that stands still for half a minute reads as a hang.
    """
    progress = float(max(0, min(100, job.progress)))
    started = running_since(job)
    if job.state != JobState.RUNNING or started is None or progress <= 0:
        return progress
    span = job.updated_at - started
    if span < MIN_RATE_SPAN:
        return progress
    rate = progress / span
    return max(progress, min(MAX_GUESS, progress + rate * max(0.0, now - job.updated_at)))
