"""The Jobs panel (View3D › Sidebar › Tripo) and the operators on its rows.

Compact rows, newest first, one page at a time: a row is the job's name with its state icon and
its buttons, and under it a progress bar (active) or one status line. A disclosure triangle opens
the row: the kind, the note in full, the server's thumbnail, Re-import / Folder, the full error
(with Tripo's suggestion and the trace id support asks for). Why compact and paged: a box with a
big thumbnail per job made a dozen jobs a long scroll, and drawing 500 of them cost 20 ms on every
redraw of the sidebar; a page of :data:`PAGE_SIZE` rows costs the same however long the list is.
Above the rows: what the crowd does in one line ("3 running · 9 waiting · 2 failed", see
:mod:`.waiting_line`), a filter by state (all / active / done / failed) and "Clear Finished".

A job waiting to be sent says its place in the line the runner will send them in, how many wait
and what limits them ("Waiting for a free slot (4th of 9 · Parallel Jobs 3)"), with its own icon
and no bar: nine empty bars read as nine stuck jobs.

Buttons per state:

* active → **Stop waiting** (``tripo.job_cancel``). Tripo's API cannot cancel a task, so the
  tooltip and the report say plainly that the server task keeps running and may be charged;
* failed / cancelled / uncertain → **Retry** (``tripo.job_retry``; asks first when it sends a
  new paid request) and **Remove** (``tripo.job_remove``: forget the row, keep the files);
* done → **Re-import** (only where this Blender can open the file), **Open folder**, **Remove**;
  failed → **Copy error details**;
* ready but waiting for Object Mode (:func:`.landing_status.waiting_for_object_mode`) → **Land Now**
  (``tripo.job_land_now``): the artist asks to land it while in their mode; the add-on leaves the
  mode for the landing only, then restores it, the active object and the selection.

Some jobs cannot be retried at all (``Job.can_retry``), and then offer only Remove: a job whose
task was made on the retired v2 API (``Job.task_gone`` with ``api_version`` 2), whose row says
so in full, and a job of a kind Tripo retired with v2 (Refine, Stylize), which a journal of an
earlier version may still hold. An apiv3 task Tripo no longer knows (older than its retention of
about 7 days, or another key's) says so too; its Retry only looks again, for free.

Progress moves between polls: apiv3 sends no ETA, and a real task reports progress in jumps, so
a bar that only shows the last value reads as a hang. :func:`..jobs.progress.shown_progress`
extrapolates from the progress the job reached and how long the task took to get there, counted
from the task's own start (Tripo's ``created_at``, so also right after a restart: no jump to 99 %),
with no extra requests, never past 99 % and never backwards on screen; the text says the
server's ETA only when there is one, else the time since the task started.

The panel draws only what :meth:`Runtime.jobs` holds (snapshots applied by the pump): drawing
never waits, never touches the disk beyond the preview cache, never creates the runner.
Row texts come from :func:`row_status`, a pure function, so tests check them without a UI;
every line is wrapped to the sidebar's measured width (:mod:`.text_fit`); only the name is kept to
one line, shortened in the middle (its number stays), and the row's tooltip says it all.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..client.config import redact
from ..client.models import format_credits
from ..jobs import KINDS, RETIRED_KINDS, Job, JobState, whole_error
from ..jobs.kinds import CHECK_RIGGABLE
from ..jobs.progress import running_since, shown_progress
from ..jobs.stand_in import STAND_IN_FORMAT, stand_in_cost, stand_in_spec
from ..rules.account import OFFLINE_HINT, UserError, code_hint
from ..rules.generate import cost_phrase
from ..rules.settings import Connection
from . import file_manager, previews
from .importer import can_import
from .job_listing import JobListing
from .landing_status import convert_offer, waiting_for_object_mode
from .runtime import online_access, runtime
from .selection import Selection, put_back
from .settings import snapshot
from .text_fit import Measure, draw_text, measure_for, middle
from .uncertain_view import draw_search, is_unsure, send_again_warning, status_text
from .waiting_line import Place, WaitingLine, summary_text
from .windows import tag_redraw

__all__ = [
    "RowStatus",
    "row_status",
    "shown_progress",
    "queue_text",
    "waiting_text",
    "full_text",
    "can_reimport",
    "PanelView",
    "VIEW",
    "PAGE_SIZE",
    "MAX_TEXT_LINES",
    "MAX_ROW_LINES",
    "kind_label",
    "error_report",
    "cancel_message",
    "retry_warning",
    "draw_job",
    "window_manager",
    "set_clipboard",
    "open_folder",
    "CLASSES",
]

log = logging.getLogger(__name__)

_ICONS = {
    JobState.PENDING: "TIME",
    JobState.SUBMITTING: "EXPORT",
    JobState.QUEUED: "SORTTIME",
    JobState.RUNNING: "PLAY",
    JobState.DOWNLOADING: "IMPORT",
    JobState.IMPORTING: "IMPORT",
    JobState.DONE: "CHECKMARK",
    JobState.FAILED: "ERROR",
    JobState.CANCELLED: "CANCEL",
    JobState.UNCERTAIN: "QUESTION",
}
#: A job waiting in line to be sent (its place known): not the clock of a job that may be stuck.
WAITING_ICON = "PAUSE"
#: Notes of a waiting job that say nothing the waiting text does not ("Waiting for a free slot").
_PLAIN_WAITING_NOTES = ("", "waiting to be sent", "waiting to be sent (retry)")
_THUMBNAIL_SCALE = 6.0
#: Rows drawn at once: the panel's cost and height stay the same however many jobs there are.
PAGE_SIZE = 10
#: The state filter: key, button text, the states it shows.
FILTERS: dict[str, tuple[str, frozenset[JobState]]] = {
    "ALL": ("All", frozenset(JobState)),
    "ACTIVE": ("Active", frozenset(s for s in JobState if s.is_active)),
    "DONE": ("Done", frozenset({JobState.DONE})),
    "FAILED": ("Failed", frozenset({JobState.FAILED, JobState.CANCELLED, JobState.UNCERTAIN})),
}
#: The states "Clear Finished" may remove (:func:`clearable` decides per job).
FINISHED = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})
#: Lines one text of an open row (note, error, suggestion…) draws at most; the rest of a longer
#: one is in the row's tooltip and in Copy Details. A server's 1 MB error drew 30,017 labels.
MAX_TEXT_LINES = 6
#: Labels one row draws at most, open: name, status, kind, four texts of MAX_TEXT_LINES (note,
#: error, suggestion, hint) and a few single lines (an uncertain search's "more tasks" line).
MAX_ROW_LINES = 3 + 5 * MAX_TEXT_LINES
_BUTTON = 24  # one icon button beside a row's name, in pixels at UI scale 1


@dataclass
class PanelView:
    """How the Jobs panel is looked at in this session (filter, page, open rows): not saved."""

    filter: str = "ALL"
    page: int = 0
    expanded: set[str] = field(default_factory=set)
    shown: dict[str, float] = field(default_factory=dict)  # progress drawn so far: never backwards
    _listings: dict[str, JobListing] = field(default_factory=dict, repr=False)
    _line: WaitingLine = field(default_factory=WaitingLine, repr=False)

    def line(self) -> WaitingLine:
        """The places of the jobs waiting to be sent (:mod:`.waiting_line`), recomputed only after
        the jobs or the runner's line changed."""
        return self._line.follow(runtime.view, listed)

    def listing(self, key: str | None = None) -> JobListing:
        """The jobs filter ``key`` (default: the current one) shows, kept up to date with the
        runtime's jobs (:mod:`.job_listing`): a redraw of 500 or 5,000 jobs costs what one of ten
        does. "All" also knows whether "Clear Finished" has something to remove."""
        key = key or self.filter
        if key not in FILTERS:
            key = "ALL"
        listing = self._listings.get(key)
        if listing is None:
            states = FILTERS[key][1]
            listing = self._listings[key] = JobListing(
                lambda job: listed(job) and job.state in states, clearable if key == "ALL" else None
            )
        return listing.follow(runtime.view)

    def page_of(self, listing: JobListing) -> tuple[list[Job], int, int]:
        """The rows of the current page of ``listing``, the page index and the count. The rows are
        the jobs as they are now (progress moves without changing the listing)."""
        pages = max(1, -(-len(listing) // PAGE_SIZE))
        self.page = max(0, min(self.page, pages - 1))
        rows = (runtime.job(job_id) for job_id in listing.newest(self.page * PAGE_SIZE, PAGE_SIZE))
        return [job for job in rows if job is not None], self.page, pages

    def progress(self, job: Job, now: float) -> float:
        """:func:`shown_progress`, kept from going backwards on screen while the job runs."""
        if job.state != JobState.RUNNING:
            self.shown.pop(job.id, None)
            return float(job.progress)
        value = max(shown_progress(job, now), self.shown.get(job.id, 0.0))
        self.shown[job.id] = value
        return value


#: The panel's view state (module-level: one sidebar state per Blender session, like a filter box).
VIEW = PanelView()


@dataclass(frozen=True)
class RowStatus:
    """What a row's status line shows: text, and a progress factor (None: no bar, a label)."""

    text: str
    factor: float | None
    icon: str


def kind_label(kind: str) -> str:
    """The kind's name in the menus (``text_to_model`` -> ``Text to Model``); a kind Tripo retired
    says so, and a kind this version does not know is shown by its own name."""
    record = KINDS.get(kind)
    if record is not None:
        return record.label
    if kind in RETIRED_KINDS:
        return f"{RETIRED_KINDS[kind].label} (retired by Tripo)"
    return kind.replace("_", " ").capitalize()


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest:02d} s" if minutes < 10 else f"{minutes} min"


def _sentence(text: str) -> str:
    """First letter upper-case, the rest untouched (``str.capitalize`` would lower "Retry-After")."""
    return text[:1].upper() + text[1:]


def _with_note(text: str, job: Job) -> str:
    """``text`` with the job's note in brackets — or the note alone when it already says ``text``
    ("Cancelled by you", never "Cancelled (cancelled by you)")."""
    if job.note and job.note.lower().startswith(text.lower()):
        return _sentence(job.note)
    return f"{text} ({job.note})" if job.note else text


def ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``22nd``…"""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def queue_text(position: int | None) -> str:
    """The queue position in words: Tripo counts the tasks ahead, so 0 is "next in line"."""
    if position is None:
        return "Queued"
    if position <= 0:
        return "Queued, next in line"
    return f"Queued, {ordinal(position + 1)} in line"


def waiting_text(job: Job, place: Place) -> str:
    """A waiting row's line: its place, how many wait, what limits them; a note that says more
    than "waiting" (a Retry-After, a resend the artist accepted) leads."""
    where = f"{ordinal(place.number)} of {place.count} · {place.limit}"
    if job.note in _PLAIN_WAITING_NOTES:
        return f"Waiting for a free slot ({where})"
    return f"{_sentence(job.note)}; {where}"


def row_status(
    job: Job, now: float | None = None, progress: float | None = None, place: Place | None = None
) -> RowStatus:
    """The status line of ``job``'s row at ``now`` (see the module docstring); ``progress`` is
    what the bar shows while running (default: :func:`shown_progress`); ``place`` is a pending
    job's place in the line to be sent (:mod:`.waiting_line`), None when it is not in line."""
    state, icon = job.state, _ICONS[job.state]
    now = time.time() if now is None else now
    if state == JobState.PENDING and place is not None:
        return RowStatus(waiting_text(job, place), None, WAITING_ICON)
    if state == JobState.PENDING:
        return RowStatus(_sentence(job.note or "waiting to be sent"), 0.0, icon)
    if state == JobState.SUBMITTING:
        return RowStatus("Sending to Tripo", 0.0, icon)
    if state == JobState.QUEUED:
        return RowStatus(_with_note(queue_text(job.queue_position), job), max(0, min(100, job.progress)) / 100.0, icon)
    if state == JobState.RUNNING:
        shown = shown_progress(job, now) if progress is None else progress
        text = f"Running {int(shown)}%"
        if job.eta_seconds is not None:
            text += f", about {_duration(job.eta_seconds)} left"
        else:
            started = running_since(job)  # the task's own start, also after a restart
            if started is not None and now > started:
                text += f", {_duration(int(now - started))} so far"
        return RowStatus(_with_note(text, job), shown / 100.0, icon)
    if state == JobState.DOWNLOADING:
        return RowStatus(_with_note("Downloading", job), 1.0, icon)
    if state == JobState.IMPORTING:
        return RowStatus("Importing into the scene", 1.0, icon)
    if state == JobState.DONE:
        credits = f", {format_credits(job.consumed_credit)} credits" if job.consumed_credit else ""
        return RowStatus(f"Done{credits}", None, icon)
    if state == JobState.FAILED:
        return RowStatus(_with_note("Failed", job), None, icon)
    if state == JobState.CANCELLED:
        return RowStatus(_with_note("Cancelled", job), None, icon)
    return RowStatus(status_text(job), None, icon)


def cancel_message(job: Job) -> str:
    """What "Stop waiting" did, given the job as it was before; honest about credits."""
    if job.task_id:
        return (
            f'Stopped waiting for "{job.name}". Tripo cannot cancel the task on its server: it keeps '
            "running there and its credits may still be charged."
        )
    if job.state == JobState.SUBMITTING:
        return f'Stopped "{job.name}". Its request may already have reached Tripo, so credits may still be charged.'
    if is_unsure(job):  # its earlier request may have created a task: never "nothing was charged"
        return (
            f'Stopped "{job.name}". Its earlier request may have reached Tripo and been charged; Retry '
            "still looks for its task, for free."
        )
    return f'Cancelled "{job.name}" before it was sent: nothing was charged.'


def error_report(job: Job, connection: Connection) -> str:
    """Everything support needs about a failed job, as plain text (never the key).

    An error the job keeps cut (:data:`..jobs.model.MAX_ERROR_CHARS`) is reported whole, from where
    the job book kept it (:func:`..jobs.journal.whole_error`). Those texts were scrubbed before
    they were written, so they are not redacted again here: a megabyte redacted on the click
    would freeze it. Every other line is.
    """
    lines = [f'Tripo job "{job.name}" ({kind_label(job.kind)}): {job.state.value}']
    kept: set[int] = set()  # indexes of the lines holding a cut error's whole texts (already scrubbed)
    error = job.error
    if error is not None:
        whole = whole_error(error)

        def add(text: str) -> None:
            if whole is not error:
                kept.add(len(lines))
            lines.append(text)

        add(f"Error: {whole.message}")
        if whole.detail:
            add(f"Details: {whole.detail}")
        if whole.suggestion:
            add(f"Suggestion: {whole.suggestion}")
        hint = code_hint(error.code, connection)
        if hint:
            lines.append(f"Hint: {hint}")
        if error.code is not None:
            lines.append(f"Error code: {error.code}")
        if whole.trace_id:
            add(f"Trace id: {whole.trace_id}")
    if job.task_id:
        lines.append(f"Task id: {job.task_id}")
    lines.append(f"Job id: {job.id}")
    lines.append(f"Blender {bpy.app.version_string}")
    return "\n".join(line if index in kept else redact(line) for index, line in enumerate(lines))


def window_manager(context: bpy.types.Context) -> bpy.types.WindowManager:
    """``context.window_manager``, which always exists while operators run (the stubs say Optional)."""
    wm = context.window_manager
    if wm is None:
        raise RuntimeError("no window manager in this context")
    return wm


def set_clipboard(context: bpy.types.Context, text: str) -> None:
    """Put ``text`` on the system clipboard (a no-op in background mode, which has none)."""
    window_manager(context).clipboard = text


def open_folder(path: Path) -> None:
    """Show ``path`` in the system's file browser (shared by the job and cache operators);
    raises :class:`UserError` saying what went wrong (see :mod:`.file_manager`)."""
    file_manager.open_folder(path)


def _job_button(layout: Any, idname: str, job: Job, icon: str, text: str = "") -> None:
    layout.operator(idname, text=text, icon=icon).job_id = job.id


def can_reimport(job: Job) -> bool:
    """Whether Re-import can work: the job downloaded a file this Blender has an importer for."""
    return any(can_import(path) for path in job.files.values())


def full_text(job: Job) -> str:
    """Everything a row says, unshortened: the tooltip of a shortened row and its details."""
    parts = [f"{job.name} ({kind_label(job.kind)})", row_status(job, place=VIEW.line().place(job.id)).text]
    if job.note and job.note not in parts[1]:
        parts.append(job.note)
    if job.error is not None and job.state in (JobState.FAILED, JobState.UNCERTAIN, JobState.CANCELLED):
        parts.append(job.error.message)
    return redact(". ".join(p.rstrip(".") for p in parts if p) + ".")


def _buttons(job: Job) -> list[tuple[str, str]]:
    """The icon buttons beside a row's name (operator, icon), by state."""
    found = []
    if job.state.is_cancellable and job.state.is_active:  # an uncertain row offers Remove instead
        found.append(("tripo.job_cancel", "X"))
    if job.can_retry:
        found.append(("tripo.job_retry", "FILE_REFRESH"))
    if not job.state.is_active:
        found.append(("tripo.job_remove", "TRASH"))
    return found


def draw_job(
    layout: Any,
    job: Job,
    measure: Measure | int,
    connection: Connection,
    *,
    expanded: bool | None = None,
    now: float | None = None,
) -> None:
    """One job's row: compact (name, buttons, status line), and its details when ``expanded``
    (default: as the panel's :data:`VIEW` says). ``measure`` may be a character count (old callers)."""
    if isinstance(measure, int):
        measure = Measure(room=measure * 7.0, font_px=11.0, scale=1.0)
    expanded = job.id in VIEW.expanded if expanded is None else expanded
    now = time.time() if now is None else now
    status = row_status(job, now, VIEW.progress(job, now), VIEW.line().place(job.id))
    waiting = waiting_for_object_mode() if job.state == JobState.IMPORTING else None
    if waiting:  # the pump holds results back outside Object Mode: say so, and offer Land Now
        status = RowStatus(_sentence(waiting), None, "TIME")
    buttons = _buttons(job)
    column = layout.column(align=True)
    head = column.row(align=True)
    toggle = head.operator(
        "tripo.job_expand", text="", emboss=False, icon="DISCLOSURE_TRI_DOWN" if expanded else "DISCLOSURE_TRI_RIGHT"
    )
    toggle.job_id = job.id
    head.label(text=middle(job.name, measure.less(_BUTTON * (len(buttons) + 1)), icons=1), icon=status.icon)
    for idname, icon in buttons:
        _job_button(head, idname, job, icon)
    line = measure.less(_BUTTON)
    if status.factor is not None:  # a bar's text cannot wrap: when it is too long, it goes below
        fits = line.less(_BUTTON).fits(status.text)
        column.progress(factor=status.factor, type="BAR", text=status.text if fits else f"{status.factor:.0%}")
        if not fits:
            _draw_line(column, job, status.text, line)
    else:
        _draw_line(column, job, status.text, line)
    if waiting:
        _job_button(column, TRIPO_OT_job_land_now.bl_idname, job, "IMPORT", "Land Now")
    draw_search(column, job, expanded=expanded)  # an uncertain job: the tasks to pick, Send Again
    if job.state == JobState.DONE and job.note and not expanded:  # how it landed, when not the obvious way
        _draw_line(column, job, job.note, line, icon="INFO")
    if (
        job.error is not None
        and job.state in (JobState.FAILED, JobState.UNCERTAIN, JobState.CANCELLED)
        and not expanded
    ):
        _draw_line(column, job, redact(error_line(job)), line, icon="ERROR")
    offer = convert_offer(job, runtime.newest_first()) if job.state == JobState.FAILED else None
    if offer:  # a result this Blender cannot decode: the fix that works here, on the row itself
        row = column.row(align=True)
        _job_button(row, TRIPO_OT_job_convert.bl_idname, job, "FILE_REFRESH", offer)
        _job_button(row, "tripo.job_open_folder", job, "FILE_FOLDER", "Folder")
    if expanded:
        _draw_details(layout.box(), job, measure.boxed(), connection)


def error_line(job: Job) -> str:
    """A failed row's one-line reason when closed (the whole error shows when opened)."""
    assert job.error is not None
    return job.error.message


def _draw_line(layout: Any, job: Job, text: str, measure: Measure, icon: str = "NONE") -> None:
    """One line of a row, wrapped at words to the room it really gets (never cut)."""
    draw_text(layout, text, measure, icon=icon)


def _draw_details(box: Any, job: Job, measure: Measure, connection: Connection) -> None:
    """What an open row adds: kind, note, the rig check's answer, thumbnail, files, the error."""
    box.label(text=kind_label(job.kind))
    if job.note:
        draw_text(box, job.note, measure, icon="INFO", max_lines=MAX_TEXT_LINES)
    if job.state == JobState.DONE:
        if previews.has(job.id):
            box.template_icon(icon_value=previews.icon_id(job.id), scale=_THUMBNAIL_SCALE)
        if job.files:  # nothing to re-import or show for jobs that downloaded nothing
            row = box.row(align=True)
            if can_reimport(job):
                _job_button(row, "tripo.job_reimport", job, "IMPORT", "Re-import")
            _job_button(row, "tripo.job_open_folder", job, "FILE_FOLDER", "Folder")
    if job.error is not None and job.state in (JobState.FAILED, JobState.UNCERTAIN, JobState.CANCELLED):
        _draw_error(box, job, measure, connection)


def _draw_error(box: Any, job: Job, measure: Measure, connection: Connection) -> None:
    error = job.error
    assert error is not None
    draw_text(box, redact(error.message), measure, icon="ERROR", max_lines=MAX_TEXT_LINES)
    if error.suggestion:
        draw_text(box, redact(f"Suggestion: {error.suggestion}"), measure, max_lines=MAX_TEXT_LINES)
    hint = code_hint(error.code, connection)
    if hint:
        draw_text(box, hint, measure, max_lines=MAX_TEXT_LINES)
    # the route, the code and the trace id are for support: Copy Details has them, the row has words
    row = box.row(align=True)
    _job_button(row, "tripo.job_copy_error", job, "COPYDOWN", "Copy Details")
    if job.files:
        _job_button(row, "tripo.job_open_folder", job, "FILE_FOLDER", "Folder")


def listed(job: Job) -> bool:
    """Whether ``job`` has a row in the Jobs panel. The free riggability check does not: the Rig
    dialog asks it and shows its answer, and a row per check ("Riggable? …") only crowded the
    list with entries nobody acts on. Scripts get the check's job itself."""
    return job.kind != CHECK_RIGGABLE.name


def clearable(job: Job) -> bool:
    """Whether "Clear Finished" removes ``job``: done, or failed/cancelled with nothing left that a
    Retry could get for free.

    Why not every failure: a failed or stopped job whose task Tripo made (a download or import that
    failed, a wait the artist stopped) holds a paid result that Retry fetches for free, and an
    uncertain one may have been charged; clearing them with the done ones would throw that away
    without a word. An artist clearing "finished" rows means the ones that are over; those stay,
    and the report says how many and why (each has its own Remove button).
    """
    if job.state == JobState.DONE:
        return True
    return job.state in FINISHED and (not job.can_retry or job.retry_resends)


def _draw_summary(layout: Any, every: JobListing, measure: Measure) -> None:
    """The line above the rows: how many jobs run, wait, are ready to land, failed (counts kept
    by the listing, places by the line: a redraw looks them up)."""
    counts = every.counts
    held = counts[JobState.IMPORTING] > 0 and waiting_for_object_mode() is not None
    text = summary_text(counts, len(VIEW.line()), held)
    if text:
        draw_text(layout, text, measure)


def _draw_filters(layout: Any, clearable_jobs: bool) -> None:
    row = layout.row(align=True)
    for key, (text, _states) in FILTERS.items():
        row.operator("tripo.jobs_filter", text=text, depress=VIEW.filter == key).state = key
    if clearable_jobs:
        layout.operator("tripo.jobs_clear_finished", icon="TRASH")


def _draw_pages(layout: Any, page: int, pages: int, total: int) -> None:
    if pages <= 1:
        return
    row = layout.row(align=True)
    back = row.row(align=True)
    back.enabled = page > 0
    back.operator("tripo.jobs_page", text="", icon="TRIA_LEFT").step = -1
    first = page * PAGE_SIZE + 1
    row.label(text=f"{first}–{min(total, first + PAGE_SIZE - 1)} of {total}")
    forward = row.row(align=True)
    forward.enabled = page < pages - 1
    forward.operator("tripo.jobs_page", text="", icon="TRIA_RIGHT").step = 1


class TRIPO_PT_jobs(bpy.types.Panel):
    """Every Tripo job of this session (and unfinished ones of the last), newest first."""

    bl_idname = "TRIPO_PT_jobs"
    bl_label = "Jobs"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Tripo"
    bl_order = 10  # below "Generate from prompt"

    def draw(self, context: bpy.types.Context) -> None:
        layout = self.layout
        assert layout is not None
        measure = measure_for(context)
        if not online_access():
            draw_text(layout, OFFLINE_HINT, measure, icon="INTERNET_OFFLINE")
        every = VIEW.listing("ALL")
        if not len(every):
            layout.label(text="No jobs yet", icon="INFO")
            return
        _draw_summary(layout, every, measure)
        _draw_filters(layout, every.flagged)
        listing = VIEW.listing()
        rows, page, pages = VIEW.page_of(listing)
        if not rows:
            layout.label(text=f"No {FILTERS[VIEW.filter][0].lower()} jobs", icon="INFO")
        connection = snapshot(context).connection
        now = time.time()
        for job in rows:
            draw_job(layout, job, measure, connection, now=now)
        _draw_pages(layout, page, pages, len(listing))


class TRIPO_OT_job_expand(bpy.types.Operator):
    bl_idname = "tripo.job_expand"
    bl_label = "Show or Hide Details"
    bl_options = {"INTERNAL"}

    job_id: bpy.props.StringProperty(name="Job", options={"HIDDEN", "SKIP_SAVE"})

    @classmethod
    def description(cls, context: bpy.types.Context, properties: Any) -> str:
        """The row's whole text, so a shortened line can always be read in full."""
        job = runtime.job(properties.job_id)
        return full_text(job) if job is not None else "Show or hide this job's details"

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        VIEW.expanded ^= {self.job_id}
        tag_redraw()
        return {"FINISHED"}


class TRIPO_OT_jobs_filter(bpy.types.Operator):
    bl_idname = "tripo.jobs_filter"
    bl_label = "Show Jobs"
    bl_description = "Show only the jobs in this state"
    bl_options = {"INTERNAL"}

    state: bpy.props.EnumProperty(items=[(key, text, "") for key, (text, _s) in FILTERS.items()], options={"SKIP_SAVE"})

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        VIEW.filter, VIEW.page = self.state, 0
        tag_redraw()
        return {"FINISHED"}


class TRIPO_OT_jobs_page(bpy.types.Operator):
    bl_idname = "tripo.jobs_page"
    bl_label = "Turn Page"
    bl_description = "Show the previous or next page of jobs"
    bl_options = {"INTERNAL"}

    step: bpy.props.IntProperty(default=1, options={"SKIP_SAVE"})

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        VIEW.page = max(0, VIEW.page + self.step)  # the next draw clamps it to the last page
        tag_redraw()
        return {"FINISHED"}


class TRIPO_OT_jobs_clear_finished(bpy.types.Operator):
    bl_idname = "tripo.jobs_clear_finished"
    bl_label = "Clear Finished"
    bl_description = (
        "Remove done jobs, and failed or cancelled ones Retry could not get for free, from the list. "
        "Imported objects and downloaded files stay; jobs whose Retry is free or that may have been "
        "charged (uncertain) stay until you remove them"
    )
    bl_options = {"INTERNAL"}

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        removed = sum(1 for job in runtime.jobs() if listed(job) and clearable(job) and runtime.forget(job.id))
        VIEW.expanded &= {job.id for job in runtime.jobs()}
        kept = sum(1 for job in runtime.jobs() if listed(job) and not job.state.is_active)
        text = f"Removed {removed} finished job{'s' if removed != 1 else ''} from the list."
        if kept:
            text += (
                f" Kept {kept} failed, stopped or uncertain job{'s' if kept != 1 else ''}: Retry may still get "
                f"{'them' if kept != 1 else 'it'} for free (or {'they' if kept != 1 else 'it'} may have been "
                "charged). Remove each with its own button."
            )
        self.report({"INFO"}, text)
        tag_redraw()
        return {"FINISHED"}


class _JobOperator(bpy.types.Operator):
    """Shared part of the row operators (never registered itself): ``job_id`` and the lookup."""

    bl_options = {"INTERNAL"}

    job_id: bpy.props.StringProperty(name="Job", description="Id of the job", options={"HIDDEN", "SKIP_SAVE"})

    def job(self) -> Job | None:
        job = runtime.job(self.job_id)
        if job is None:
            self.report({"ERROR"}, "This job is no longer in the list.")
        return job

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        """Find the row's job, run :meth:`act`, and turn a :class:`UserError` into an error report."""
        job = self.job()
        if job is None:
            return {"CANCELLED"}
        try:
            return self.act(context, job)
        except UserError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        """What the operator does with its job (subclasses)."""
        raise NotImplementedError

    def confirmation(self, job: Job) -> tuple[str, str, str] | None:
        """(title, message, button) when clicking must be confirmed first (it may cost); None: it acts at once."""
        return None

    def invoke(self, context: bpy.types.Context, event: bpy.types.Event) -> set[OperatorReturn]:
        job = self.job()
        if job is None:
            return {"CANCELLED"}
        asked = self.confirmation(job)
        if asked is None:
            return self.execute(context)
        title, message, button = asked
        return window_manager(context).invoke_confirm(
            self, event, title=title, message=message, confirm_text=button, icon="WARNING"
        )


class TRIPO_OT_job_cancel(_JobOperator):
    bl_idname = "tripo.job_cancel"
    bl_label = "Stop Waiting"
    bl_description = (
        "Stop waiting for this job in Blender. Tripo cannot cancel a task on its server: it keeps "
        "running there and its credits may still be charged"
    )

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        if runtime.cancel(job.id) is None:
            self.report({"WARNING"}, f'Nothing to stop: "{job.name}" is {job.state.value}.')
            return {"CANCELLED"}
        self.report({"WARNING"}, cancel_message(job))
        return {"FINISHED"}


def retry_warning(job: Job) -> str:
    """The confirmation text of a retry that sends a new, paid request."""
    cost = f"about {job.estimated_cost} credits" if job.estimated_cost else "credits"
    text = f'Retrying "{job.name}" sends a new request to Tripo and costs {cost}.'
    if job.state == JobState.UNCERTAIN:
        text += " The first request may have been charged already: check your tasks on platform.tripo3d.ai first."
    return text


class TRIPO_OT_job_retry(_JobOperator):
    bl_idname = "tripo.job_retry"
    bl_label = "Retry"
    bl_description = (
        "Try this job again. When Tripo has to generate it anew this sends a new request that "
        "costs credits, and you are asked first"
    )

    def confirmation(self, job: Job) -> tuple[str, str, str] | None:
        return ("Send a New Paid Request?", retry_warning(job), "Retry") if job.retry_resends else None

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        resends = job.retry_resends
        runtime.retry(job.id)
        what = "sent again" if resends else "resumed (no new charge)"
        if is_unsure(job):
            what = "is looked for on Tripo (no new charge)"
        self.report({"INFO"}, f'"{job.name}" {what}.')
        return {"FINISHED"}


class TRIPO_OT_job_send_again(_JobOperator):
    bl_idname = "tripo.job_send_again"
    bl_label = "Send Again"
    bl_description = (
        "Send this uncertain job's request again. Its first request may have created and charged a "
        "task Tripo has not shown, so this may charge a second time; you are asked first"
    )

    def confirmation(self, job: Job) -> tuple[str, str, str] | None:
        return "Send Again — May Charge a Second Time?", send_again_warning(job), "Send Again"

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        runtime.send_again(job.id)
        self.report({"WARNING"}, f'"{job.name}" sent again: it may be charged a second time.')
        return {"FINISHED"}


class TRIPO_OT_job_follow_candidate(_JobOperator):
    bl_idname = "tripo.job_follow_candidate"
    bl_label = "Follow This Task"
    bl_description = (
        "Tripo has more than one task that could be this job's (or one whose request it does not "
        "show): follow this one as the job's result. Free: nothing is sent"
    )

    task_id: bpy.props.StringProperty(name="Task", options={"HIDDEN", "SKIP_SAVE"})

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        runtime.follow_candidate(job.id, self.task_id)
        self.report({"INFO"}, f'"{job.name}" follows task {self.task_id} (no new charge).')
        return {"FINISHED"}


class TRIPO_OT_job_reimport(_JobOperator):
    bl_idname = "tripo.job_reimport"
    bl_label = "Re-import"
    bl_description = "Import this job's downloaded result again, beside its batch's results (no request, no cost)"

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        landing = runtime.reimport(job.id)
        where = {ob.users_collection[0].name for ob in landing.objects if ob.users_collection}
        into = f' into collection "{sorted(where)[0]}"' if len(where) == 1 else ""
        self.report({"INFO"}, f'Imported "{job.name}" again{into}.' + (f" {landing.note}" if landing.note else ""))
        return {"FINISHED"}


class TRIPO_OT_job_land_now(_JobOperator):
    bl_idname = "tripo.job_land_now"
    bl_label = "Land Now"
    bl_description = (
        "Land this result now, then go back to your mode with your selection as it was (results "
        "wait while you edit, sculpt, paint or pose, so nothing changes under your hands)"
    )

    #: Pump ticks Land Now may run: each lands at most one result (those queued before this one first).
    MAX_TICKS = 100

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        """The artist asked: leave the mode, land what is ready now instead of waiting for the
        timer, then restore the mode, the active object and the selection (:func:`.selection.put_back`),
        so they go on sculpting where they were. A result whose files the worker is still preparing
        waits again (nothing here waits for a thread), and the report says to press again."""
        if job.state != JobState.IMPORTING:
            self.report({"WARNING"}, f'"{job.name}" is not waiting to land ({job.state.value}).')
            return {"CANCELLED"}
        view_layer = context.view_layer
        before = Selection.of(view_layer) if view_layer is not None else None
        if waiting_for_object_mode(context) is not None:
            try:
                bpy.ops.object.mode_set(mode="OBJECT")
            except RuntimeError as exc:
                self.report({"ERROR"}, f"Could not switch to Object Mode: {str(exc).strip().splitlines()[-1]}")
                return {"CANCELLED"}
        for _ in range(self.MAX_TICKS):
            runtime.pump()
            landed = runtime.job(job.id)
            if landed is None or landed.state != JobState.IMPORTING:
                break
        else:  # its files are not handed over yet: back to the mode all the same, it waits there
            runtime.ensure_timer()
            self.report({"INFO"}, f'"{job.name}" is not ready to land yet; press Land Now again in a moment.')
        problem = put_back(before, view_layer) if before is not None and view_layer is not None else None
        if problem and before is not None:
            self.report({"WARNING"}, f"Could not return to {before.mode.replace('_', ' ').title()} Mode: {problem}.")
        return {"FINISHED"}


class TRIPO_OT_job_convert(_JobOperator):
    bl_idname = "tripo.job_convert"
    bl_label = "Convert"
    bl_description = (
        "Have Tripo convert this result to FBX, which this Blender can open, and land it in place of "
        "the result it could not open (a new request that costs credits; you are asked first)"
    )

    def invoke(self, context: bpy.types.Context, event: bpy.types.Event) -> set[OperatorReturn]:
        job = runtime.job(self.job_id)
        if job is None or convert_offer(job, runtime.jobs()) is None:
            return self.execute(context)  # act() (or the lookup) says why there is nothing to convert
        return window_manager(context).invoke_confirm(
            self,
            event,
            title="Send a New Paid Request?",
            confirm_text="Convert",
            icon="QUESTION",
            message=f'Tripo converts "{job.name}" to {STAND_IN_FORMAT} ({cost_phrase(stand_in_cost(job))}); '
            "it lands here as this result would have.",
        )

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        if convert_offer(job, runtime.jobs()) is None:  # a script, or a second click after the first
            self.report({"WARNING"}, f'"{job.name}" needs no conversion (or one is already under way).')
            return {"CANCELLED"}
        try:
            converting = runtime.submit(stand_in_spec(job))
        except ValueError as exc:
            raise UserError(str(exc)) from None
        self.report({"INFO"}, f'Sent "{converting.name}" to Tripo: it lands in place of "{job.name}".')
        return {"FINISHED"}


class TRIPO_OT_job_open_folder(_JobOperator):
    bl_idname = "tripo.job_open_folder"
    bl_label = "Open Folder"
    bl_description = "Show this job's downloaded files in the file browser"

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        folder = runtime.task_folder(job)
        if folder is None:
            self.report({"ERROR"}, "This job has no downloaded files (not downloaded yet, or the cache was cleared).")
            return {"CANCELLED"}
        open_folder(folder)
        return {"FINISHED"}


class TRIPO_OT_job_remove(_JobOperator):
    bl_idname = "tripo.job_remove"
    bl_label = "Remove"
    bl_description = "Remove this job from the list. Imported objects and downloaded files stay"

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        if not runtime.forget(job.id):
            self.report({"WARNING"}, f'"{job.name}" is still in progress: stop waiting for it first.')
            return {"CANCELLED"}
        return {"FINISHED"}


class TRIPO_OT_job_copy_error(_JobOperator):
    bl_idname = "tripo.job_copy_error"
    bl_label = "Copy Error Details"
    bl_description = "Copy the error, Tripo's suggestion, the trace id and the task id (never the API key)"

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        set_clipboard(context, error_report(job, snapshot(context).connection))
        self.report({"INFO"}, "Error details copied to the clipboard.")
        return {"FINISHED"}


CLASSES: tuple[type, ...] = (
    TRIPO_PT_jobs,
    TRIPO_OT_job_expand,
    TRIPO_OT_jobs_filter,
    TRIPO_OT_jobs_page,
    TRIPO_OT_jobs_clear_finished,
    TRIPO_OT_job_cancel,
    TRIPO_OT_job_retry,
    TRIPO_OT_job_send_again,
    TRIPO_OT_job_follow_candidate,
    TRIPO_OT_job_reimport,
    TRIPO_OT_job_land_now,
    TRIPO_OT_job_convert,
    TRIPO_OT_job_open_folder,
    TRIPO_OT_job_remove,
    TRIPO_OT_job_copy_error,
)
