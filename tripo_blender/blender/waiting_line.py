"""Where each job waiting to be sent stands in line, and the Jobs panel's summary line.

Why: with Parallel Jobs 3 and twelve jobs sent at once, nine rows said "Waiting to be sent" over an
empty bar, which reads as stuck. A waiting row now says its place in the line, how many wait and
what limits them ("Waiting for a free slot (4th of 9 · Parallel Jobs 3)"), and the panel says
above the rows what the crowd is doing ("3 running · 9 waiting · 2 failed").

Where the place comes from: the runner's own order (:meth:`..jobs.Runner.send_order`, the order
its workers will take the POSTs in), which the pump keeps in the view (:meth:`.job_view.JobView.
set_send_order`). A :class:`WaitingLine` turns it into places once per change of the view or the
line (it follows their stamps), so a redraw only looks a job up; the counts behind the summary
are kept by the panel's listing (:attr:`.job_listing.JobListing.counts`), not counted per redraw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..jobs import Job, JobState
from ..jobs.model import ACTIVE_STATES
from .job_view import JobView

__all__ = ["Place", "WaitingLine", "summary_text"]


@dataclass(frozen=True)
class Place:
    """A waiting job's place: ``number`` 1 is sent next, of ``count`` waiting, held by ``limit``."""

    number: int
    count: int
    limit: str


class WaitingLine:
    """The places of the listed jobs waiting to be sent, as of the view's last change."""

    def __init__(self) -> None:
        self._view: JobView | None = None
        self._version = 0  # the view's version the places reflect
        self._line = 0  # and its line's
        self._places: dict[str, Place] = {}
        self._in_line: frozenset[str] = frozenset()  # every id of the line, pending or not

    def __len__(self) -> int:
        return len(self._places)

    def place(self, job_id: str) -> Place | None:
        return self._places.get(job_id)

    def follow(self, view: JobView, listed: Callable[[Job], bool]) -> WaitingLine:
        """Bring the places up to date with ``view`` (nothing to do when it has not changed).

        Only a job the view still has as pending is in line: a job the artist just cancelled, or
        one a worker took (its mesh uploading), has left it even before the pump reads the line
        again. ``listed``: whether the job has a row (the rig check has none, so no place either).
        A change of jobs that are not in the line (most: a task on Tripo moving on) costs a look at
        the changed ids only.
        """
        if view is self._view and view.line_version == self._line:
            if view.version == self._version:
                return self
            changed = view.changed_since(self._version)
            if changed is not None and self._in_line.isdisjoint(changed):
                self._version = view.version
                return self
        waiting = []
        for job_id in view.send_order:
            job = view.get(job_id)
            if job is not None and job.state == JobState.PENDING and listed(job):
                waiting.append(job_id)
        self._places = {
            job_id: Place(number, len(waiting), view.send_limit) for number, job_id in enumerate(waiting, 1)
        }
        self._in_line = frozenset(view.send_order)
        self._view, self._version, self._line = view, view.version, view.line_version
        return self


def summary_text(counts: Mapping[JobState, int], waiting: int, held: bool) -> str:
    """ "3 running · 9 waiting · 1 ready to land · 2 failed": only the parts that are not zero.

    ``counts``: the listed jobs per state; ``waiting``: how many of them wait to be sent;
    ``held``: results that are ready wait for the artist to leave their mode (so they are "ready
    to land", not running). Running is every other job in progress: sending, on Tripo,
    downloading, landing. Done and cancelled jobs are left out: nothing there moves or needs a look.
    """
    active = sum(counts.get(state, 0) for state in ACTIVE_STATES)
    landing = counts.get(JobState.IMPORTING, 0) if held else 0
    parts = (
        (active - waiting - landing, "running"),
        (waiting, "waiting"),
        (landing, "ready to land"),
        (counts.get(JobState.FAILED, 0), "failed"),
        (counts.get(JobState.UNCERTAIN, 0), "uncertain"),
    )
    return " · ".join(f"{number} {words}" for number, words in parts if number > 0)
