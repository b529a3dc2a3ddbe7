"""Before an uncertain job is sent again: ask Tripo whether the first POST created a task.

Why: a job is ``uncertain`` when its creation POST may have reached Tripo but no task id came
back (a timeout, the add-on disabled or Blender quit while the answer was on its way, another
session owning the journal). Resending blindly pays twice when the first request did create a
task. So Retry of an uncertain job is free: it looks for the task first, and only a job the
service says it does not have becomes ``failed`` with nothing to follow — a *second* Retry (which
the UI confirms, it costs) then sends a new POST. Two places can know the task:

1. the journal on disk: the worker of the previous add-on instance (disabled, not yet joined)
   may have written the task id after this session loaded the job (:func:`journal_task_id`,
   no network, main thread);
2. the account's recent tasks (``GET /v3/account/usage``, newest first): a task of the job's
   type, created no earlier than the intent was written (minus clock skew), that no other job
   of this add-on follows (:func:`find_created_task`, worker thread).
"""

from __future__ import annotations

import calendar
import time
from typing import Collection, Iterable

from ..client import TripoClient
from ..client.models import TaskUsageItem
from .journal import Journal
from .kinds import KINDS
from .model import Job, JobState

__all__ = ["journal_task_id", "find_created_task", "intent_time", "USAGE_WINDOW", "CLOCK_SKEW"]

#: How many of the newest tasks are looked at: more than the account can create in the minutes
#: between an uncertain POST and the user's Retry at Tripo's concurrency (10).
USAGE_WINDOW = 100
#: Tolerance between this machine's clock and Tripo's ``created_at``.
CLOCK_SKEW = 300.0


def journal_task_id(journal: Journal, job_id: str) -> str | None:
    """The task id the journal on disk holds for ``job_id`` (written by another run), if any."""
    job = journal.load(job_id)
    return job.task_id if job is not None else None


def intent_time(job: Job) -> float:
    """When the last creation POST was about to leave (the last ``submitting`` in the timeline)."""
    times = [entry.at for entry in job.timeline if entry.state == JobState.SUBMITTING]
    return times[-1] if times else job.created_at


def _created(item: TaskUsageItem) -> float | None:
    if not item.created_at:
        return None
    try:
        return float(calendar.timegm(time.strptime(item.created_at[:19], "%Y-%m-%dT%H:%M:%S")))
    except ValueError:
        return None


def _candidates(items: Iterable[TaskUsageItem], wire_type: str | None, since: float, claimed: Collection[str]) -> list[TaskUsageItem]:
    found = []
    for item in items:
        created = _created(item)
        if not item.task_id or item.task_id in claimed or created is None or created < since - CLOCK_SKEW:
            continue
        if wire_type is not None and item.type not in (None, wire_type):
            continue
        found.append(item)
    return found


def find_created_task(client: TripoClient, job: Job, claimed: Collection[str]) -> str | None:
    """The id of the task ``job``'s POST created, or None when Tripo has none that fits.

    Network errors propagate: "could not ask" must never be read as "does not exist".
    Among several fitting tasks the oldest is taken (the first uncertain job retried gets it).
    """
    record = KINDS.get(job.kind)
    wire_type = record.wire_type if record is not None else None
    items = client.get_usage(limit=USAGE_WINDOW)
    fitting = _candidates(items, wire_type, intent_time(job), claimed)
    if not fitting:
        return None
    fitting.sort(key=lambda item: _created(item) or 0.0)
    return fitting[0].task_id
