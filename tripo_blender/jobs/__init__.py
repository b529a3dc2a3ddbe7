"""The bpy-free job engine: Tripo requests as jobs with states, a worker pool, a journal and a cache.

Nothing in this package imports ``bpy``; it runs and is tested in plain Python. The Blender
layer uses only what is exported here:

* :class:`Runner` — submit/cancel/retry/forget jobs (``submit(spec, task_id=…)`` follows an
  existing task without sending anything, kind :data:`FOLLOW_KIND`), ``drain_events`` from a main-thread timer,
  ``mark_imported``/``mark_import_failed`` after importing, ``resume``/``shutdown``,
  ``pause_network``/``resume_network`` (online access switched off and on while jobs run);
* :class:`JobSpec`, :class:`Job`, :class:`JobState`, :class:`JobError` — what a job is;
* :class:`JobChanged`, :class:`FilesReady`, :class:`JobRemoved` — what the pump receives;
* :data:`KINDS` (:class:`Kind` records, :func:`kind_of`) — every fact about each kind of job: its
  client method, task type, accepted sources, outputs, landing, price, menu and console names;
* :func:`estimate_cost` — credits a request will cost (``None`` = unknown);
* :class:`Cache` — the per-task download folders (list, size, clear); :class:`InputFiles` —
  files written for upload, removed when no unfinished job names them (``local_paths``).

State machine (see :data:`TRANSITIONS`)::

    pending → submitting → queued ⇄ running → downloading → importing → done
       ↑          │ 429: back to pending        (queued/running/downloading → failed | cancelled)
       │          ├→ failed (refused: 2010, 1004…; nothing was created)
       │          └→ uncertain (the POST may have been charged; only an explicit retry resends)
       └── retry from failed / cancelled / uncertain (resumes for free when the task still exists)

Free checks (``check_riggable``) have no files: they go running → done with ``Job.result``
(``riggable``, ``rig_type``) and emit no ``FilesReady``; their ``JobChanged`` carries the answer.

The runner (with its workers, the task watcher, the job book and the HTTP client under them) is
imported on first use (PEP 562 ``__getattr__``: ``Runner``, ``OfflineError``, ``JobBusyError``,
``WorkerSettings``): the Blender add-on, enabled at every start, needs the job records, kinds
and events to register and draw, and the engine only when the first job is sent or resumed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .cache import Cache, CacheEntry, InputFiles, local_paths
from .events import Event, FilesReady, JobChanged, JobRemoved
from .journal import Journal, JournalError, whole_error
from .kinds import FOLLOW_KIND, KINDS, RETIRED_KINDS, Kind, Landing, estimate_cost, kind_of
from .model import (
    ACTIVE_STATES,
    CANCELLABLE_STATES,
    TERMINAL_STATES,
    TRANSITIONS,
    Job,
    JobError,
    JobSpec,
    JobState,
    TimelineEntry,
    format_timeline,
)

if TYPE_CHECKING:
    from .runner import JobBusyError, OfflineError, Runner
    from .worker import WorkerSettings

#: The names :func:`__getattr__` imports on first use, and the module each comes from.
_ENGINE = {"Runner": "runner", "OfflineError": "runner", "JobBusyError": "runner", "WorkerSettings": "worker"}


def __getattr__(name: str) -> Any:
    """The job engine's names, imported when first asked for (see the module docstring)."""
    if name not in _ENGINE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import runner, worker

    return getattr(runner if _ENGINE[name] == "runner" else worker, name)


__all__ = [
    "Runner",
    "OfflineError",
    "JobBusyError",
    "WorkerSettings",
    "JobSpec",
    "Job",
    "JobState",
    "JobError",
    "TimelineEntry",
    "format_timeline",
    "ACTIVE_STATES",
    "CANCELLABLE_STATES",
    "FOLLOW_KIND",
    "KINDS",
    "RETIRED_KINDS",
    "Kind",
    "Landing",
    "kind_of",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "Event",
    "JobChanged",
    "FilesReady",
    "JobRemoved",
    "Journal",
    "JournalError",
    "whole_error",
    "Cache",
    "CacheEntry",
    "InputFiles",
    "local_paths",
    "estimate_cost",
]
