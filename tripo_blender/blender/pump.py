"""Main-thread side of the job engine: the job list the UI draws, result imports, redraws.

The :class:`~.runtime.Runtime` owns *when* things happen (its ``pump`` is the one
``bpy.app.timers`` callback); this module holds *what* happens on each tick, as plain functions
and one small class, so each piece is testable on its own:

* :class:`JobView` — the snapshots the panels draw. Filled only from engine events, so drawing
  never takes a lock or asks a worker anything, and a job looks the same in every panel.
* :func:`import_plain` — bring one job's downloaded files into the scene as a new collection
  (generation results, followed tasks, "Re-import"), tagged with the task id, job id and task
  type, at the place stored when it was submitted. Post-process results go through
  :func:`.landing.import_job`, which builds on this one.
* :func:`tag_redraw` — redraw the 3D views (and the preferences) only when something changed.
* :func:`main_window_override` — timer callbacks run without a window in the context; some
  operators (importers, ``undo_push``) behave better with one, so imports borrow a window.

Nothing here waits on the network or on a worker; everything is bounded by the caller.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from typing import Any, Iterator, Mapping, Sequence

import bpy

from ..jobs import Event, FilesReady, Job, JobChanged, JobRemoved
from ..jobs.kinds import MODEL_OUTPUTS, THUMBNAIL_OUTPUT
from . import previews
from .importer import (JOB_ID_PROP, TASK_ID_PROP, TASK_TYPE_PROP, ImportFailed, ImportOptions, ImportResult, Tags,
                       import_result)
from .tags import created_tags, result_task_type

__all__ = ["JobView", "import_plain", "result_tags", "model_file", "placement", "tag_redraw",
           "main_window_override"]

log = logging.getLogger(__name__)

#: Areas whose content depends on job or account state.
_REDRAW_AREAS = frozenset({'VIEW_3D', 'PREFERENCES'})


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


def model_file(files: Mapping[str, str]) -> str | None:
    """The file to import among a job's downloads: the model (apiv3 has one; journals of v2-era
    jobs may name ``pbr_model`` or ``base_model``), else any non-image."""
    for key in MODEL_OUTPUTS:
        if key in files:
            return files[key]
    return next((path for key, path in sorted(files.items()) if key != THUMBNAIL_OUTPUT), None)


def placement(job: Job) -> tuple[float, float, float] | None:
    """Where the result goes: the 3D cursor as it was at submit time (``spec.meta["location"]``).

    Why the submit-time cursor: generation takes minutes; the artist keeps working and moves the
    cursor meanwhile. The result appearing where they were looking when they asked for it is
    the predictable choice. A spec without a (valid) location lands at the current cursor.
    """
    value: Any = job.spec.meta.get("location")
    if isinstance(value, (list, tuple)) and len(value) == 3 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return (float(value[0]), float(value[1]), float(value[2]))
    return None


def result_tags(job: Job) -> dict[str, str | int]:
    """The tags every object of ``job``'s result gets: job id, task id, the task type — as the
    server reported it, else as the job's kind implies (a followed task has only the former) —
    and when the task was made (:data:`.tags.TASK_CREATED_PROP`: Tripo forgets tasks after
    about 7 days, and the menu must know before anyone pays)."""
    tags: dict[str, str | int] = {JOB_ID_PROP: job.id}
    if job.task_id:
        tags[TASK_ID_PROP] = job.task_id
    task_type = result_task_type(job.kind, job.task_type)
    if task_type:
        tags[TASK_TYPE_PROP] = task_type
    if job.task_id:
        tags.update(created_tags(job.kind, job.created_at))
    return tags


def import_plain(job: Job, files: Mapping[str, str], options: ImportOptions, *,
                 tags: Tags | None = None, undo: bool = True) -> ImportResult:
    """Import ``job``'s model file into a new collection named after the job, at its location.

    ``tags`` default to :func:`result_tags`; ``undo=False`` when the caller does more as part of
    the same user-visible step and pushes the undo step itself. Raises :class:`ImportFailed`
    when there is nothing importable or Blender refuses the file.
    """
    path = model_file(files)
    if path is None:
        raise ImportFailed("the job downloaded no model file to import")
    with main_window_override():
        return import_result(path, name=job.name, tags=result_tags(job) if tags is None else tags,
                             location=placement(job), options=options,
                             undo_message=f"Import Tripo result {job.name}" if undo else None)


def _windows() -> list[bpy.types.Window]:
    wm = getattr(bpy.context, "window_manager", None)
    return list(wm.windows) if wm is not None else []


@contextlib.contextmanager
def main_window_override() -> Iterator[None]:
    """Run the block with a window (and its 3D view, if any) in the context.

    Timer callbacks get a context without a window; importers and ``ed.undo_push`` expect one.
    In background mode (no windows) the block runs with the context as it is.
    """
    if bpy.context.window is not None:
        yield
        return
    windows = _windows()
    if not windows:
        yield
        return
    window = windows[0]
    areas = [a for a in window.screen.areas if a.type == 'VIEW_3D'] if window.screen else []
    override: dict[str, Any] = {"window": window}
    if areas:
        override["area"] = areas[0]
    with bpy.context.temp_override(**override):
        yield


def tag_redraw() -> None:
    """Redraw the 3D views' sidebars (Tripo tab) and the preferences editor (balance) in all windows."""
    for window in _windows():
        screen = window.screen
        if screen is None:
            continue
        for area in screen.areas:
            if area.type == 'VIEW_3D':  # only the sidebar: redrawing the viewport itself costs a frame
                for region in area.regions:
                    if region.type == 'UI':
                        region.tag_redraw()
            elif area.type in _REDRAW_AREAS:
                area.tag_redraw()
