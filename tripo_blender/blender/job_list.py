"""The Jobs panel (View3D › Sidebar › Tripo) and the operators on its rows.

One box per job, newest first: name, type and state; a progress bar with the server's progress,
the ETA or the queue position while it runs; the server's thumbnail when done; the full error
(with Tripo's suggestion and the trace id support asks for) when it failed. Buttons per state:

* active → **Stop waiting** (``tripo.job_cancel``). Tripo's API cannot cancel a task, so the
  tooltip and the report say plainly that the server task keeps running and may be charged;
* failed / cancelled / uncertain → **Retry** (``tripo.job_retry``; asks first when it sends a
  new paid request) and **Remove** (``tripo.job_remove``: forget the row, keep the files);
* done → **Re-import**, **Open folder**, **Remove**; failed → **Copy error details**.

Some jobs cannot be retried at all (``Job.can_retry``), and then offer only Remove: a job whose
task was made on the retired v2 API (``Job.task_gone`` with ``api_version`` 2), whose row says
so in full, and a job of a kind Tripo retired with v2 (Refine, Stylize), which a journal of an
earlier version may still hold. An apiv3 task Tripo no longer knows (older than its retention of
about 7 days, or another key's) says so too; its Retry only looks again, for free.

The panel draws only what :meth:`Runtime.jobs` holds (snapshots applied by the pump): drawing
never waits, never touches the disk beyond the preview cache, never creates the runner.
Row texts come from :func:`row_status`, a pure function, so tests check them without a UI.
"""

from __future__ import annotations

import logging
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..client.config import redact
from ..jobs import KINDS, RETIRED_KINDS, Job, JobState
from . import previews
from .account import UserError, code_hint
from .preferences import Connection, snapshot
from .post_process import rig_check
from .runtime import online_access, runtime

__all__ = [
    "RowStatus",
    "row_status",
    "kind_label",
    "error_report",
    "cancel_message",
    "retry_warning",
    "draw_job",
    "draw_wrapped",
    "window_manager",
    "set_clipboard",
    "open_folder",
    "CLASSES",
]

log = logging.getLogger(__name__)

#: States in which "Stop waiting" does something (importing belongs to Blender and is quick).
CANCELLABLE = frozenset({JobState.PENDING, JobState.SUBMITTING, JobState.QUEUED, JobState.RUNNING,
                         JobState.DOWNLOADING})
_ICONS = {
    JobState.PENDING: 'TIME',
    JobState.SUBMITTING: 'EXPORT',
    JobState.QUEUED: 'SORTTIME',
    JobState.RUNNING: 'PLAY',
    JobState.DOWNLOADING: 'IMPORT',
    JobState.IMPORTING: 'IMPORT',
    JobState.DONE: 'CHECKMARK',
    JobState.FAILED: 'ERROR',
    JobState.CANCELLED: 'CANCEL',
    JobState.UNCERTAIN: 'QUESTION',
}
_THUMBNAIL_SCALE = 6.0
_DEFAULT_WRAP = 40


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
        return f"{RETIRED_KINDS[kind]} (retired by Tripo)"
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
    return f"{text} ({job.note})" if job.note else text


def row_status(job: Job) -> RowStatus:
    """The status line of ``job``'s row (see the module docstring)."""
    state, icon = job.state, _ICONS[job.state]
    progress = max(0, min(100, job.progress)) / 100.0
    if state == JobState.PENDING:
        return RowStatus(_sentence(job.note or "waiting to be sent"), 0.0, icon)
    if state == JobState.SUBMITTING:
        return RowStatus("Sending to Tripo", 0.0, icon)
    if state == JobState.QUEUED:
        text = "Queued" if job.queue_position is None else f"Queued, position {job.queue_position}"
        return RowStatus(_with_note(text, job), progress, icon)
    if state == JobState.RUNNING:
        text = f"Running {job.progress}%"
        if job.eta_seconds is not None:
            text += f", about {_duration(job.eta_seconds)} left"
        return RowStatus(_with_note(text, job), progress, icon)
    if state == JobState.DOWNLOADING:
        return RowStatus(_with_note("Downloading", job), 1.0, icon)
    if state == JobState.IMPORTING:
        return RowStatus("Importing into the scene", 1.0, icon)
    if state == JobState.DONE:
        credits = f", {job.consumed_credit:g} credits" if job.consumed_credit else ""
        return RowStatus(f"Done{credits}", None, icon)
    if state == JobState.FAILED:
        return RowStatus(_with_note("Failed", job), None, icon)
    if state == JobState.CANCELLED:
        return RowStatus(_with_note("Cancelled", job), None, icon)
    return RowStatus("Uncertain: may have been sent and charged", None, icon)


def cancel_message(job: Job) -> str:
    """What "Stop waiting" did, given the job as it was before; honest about credits."""
    if job.task_id:
        return (f"Stopped waiting for \"{job.name}\". Tripo cannot cancel the task on its server: it keeps "
                "running there and its credits may still be charged.")
    if job.state == JobState.SUBMITTING:
        return (f"Stopped \"{job.name}\". Its request may already have reached Tripo, so credits may still "
                "be charged.")
    return f"Cancelled \"{job.name}\" before it was sent: nothing was charged."


def error_report(job: Job, connection: Connection) -> str:
    """Everything support needs about a failed job, as plain text (never the key)."""
    lines = [f"Tripo job \"{job.name}\" ({kind_label(job.kind)}): {job.state.value}"]
    error = job.error
    if error is not None:
        lines.append(f"Error: {error.message}")
        if error.suggestion:
            lines.append(f"Suggestion: {error.suggestion}")
        hint = code_hint(error.code, connection)
        if hint:
            lines.append(f"Hint: {hint}")
        if error.code is not None:
            lines.append(f"Error code: {error.code}")
        if error.trace_id:
            lines.append(f"Trace id: {error.trace_id}")
    if job.task_id:
        lines.append(f"Task id: {job.task_id}")
    lines.append(f"Job id: {job.id}")
    lines.append(f"Blender {bpy.app.version_string}")
    return redact("\n".join(lines))


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
    """Show ``path`` in the system's file browser (shared by the job and cache operators)."""
    bpy.ops.wm.path_open(filepath=str(path))


def _wrap_width(context: Any) -> int:
    """Characters per label line for the sidebar's current width (labels do not wrap by themselves)."""
    region = getattr(context, "region", None)
    width = getattr(region, "width", 0) if region is not None else 0
    if not width:
        return _DEFAULT_WRAP
    scale = context.preferences.system.ui_scale if context.preferences else 1.0
    return max(20, int(width / (7.0 * scale)))


def draw_wrapped(layout: Any, text: str, width: int, icon: str = 'NONE') -> None:
    """Draw ``text`` as several labels no wider than ``width`` characters (first with ``icon``)."""
    column = layout.column(align=True)
    for index, line in enumerate(textwrap.wrap(text, width) or [""]):
        column.label(text=line, icon=icon if index == 0 else 'BLANK1' if icon != 'NONE' else 'NONE')


def _job_button(layout: Any, idname: str, job: Job, icon: str, text: str = "") -> None:
    layout.operator(idname, text=text, icon=icon).job_id = job.id


def draw_job(layout: Any, job: Job, width: int, connection: Connection) -> None:
    """One job's box (see the module docstring)."""
    box = layout.box()
    status = row_status(job)
    head = box.row(align=True)
    head.label(text=job.name, icon=status.icon)
    if job.state in CANCELLABLE:
        _job_button(head, "tripo.job_cancel", job, 'X')
    if job.can_retry:
        _job_button(head, "tripo.job_retry", job, 'FILE_REFRESH')
    if not job.state.is_active:
        _job_button(head, "tripo.job_remove", job, 'TRASH')
    box.label(text=kind_label(job.kind))
    if status.factor is not None:
        box.progress(factor=status.factor, type='BAR', text=status.text)
    else:
        box.label(text=status.text)
    if job.state == JobState.DONE:
        if job.note:  # how the result landed when not the obvious way (source gone, file only saved…)
            draw_wrapped(box, job.note, width, icon='INFO')
        if job.kind == "check_riggable":  # an answer, not a file: say it here as in the Rig dialog
            check = rig_check(job)
            draw_wrapped(box, check.text, width, icon=check.icon)
        if previews.has(job.id):
            box.template_icon(icon_value=previews.icon_id(job.id), scale=_THUMBNAIL_SCALE)
        if job.files:  # nothing to re-import or show for jobs that downloaded nothing
            row = box.row(align=True)
            _job_button(row, "tripo.job_reimport", job, 'IMPORT', "Re-import")
            _job_button(row, "tripo.job_open_folder", job, 'FILE_FOLDER', "Folder")
    if job.error is not None and job.state in (JobState.FAILED, JobState.UNCERTAIN, JobState.CANCELLED):
        _draw_error(box, job, width, connection)


def _draw_error(box: Any, job: Job, width: int, connection: Connection) -> None:
    error = job.error
    assert error is not None
    draw_wrapped(box, redact(error.message), width, icon='ERROR')
    if error.suggestion:
        draw_wrapped(box, redact(f"Suggestion: {error.suggestion}"), width)
    hint = code_hint(error.code, connection)
    if hint:
        draw_wrapped(box, hint, width)
    details = [f"code {error.code}"] if error.code is not None else []
    if error.trace_id:
        details.append(f"trace id {error.trace_id}")
    if details:
        draw_wrapped(box, _sentence(", ".join(details)), width)
    row = box.row(align=True)
    _job_button(row, "tripo.job_copy_error", job, 'COPYDOWN', "Copy Details")
    if job.files:
        _job_button(row, "tripo.job_open_folder", job, 'FILE_FOLDER', "Folder")


class TRIPO_PT_jobs(bpy.types.Panel):
    """Every Tripo job of this session (and unfinished ones of the last), newest first."""

    bl_idname = "TRIPO_PT_jobs"
    bl_label = "Jobs"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Tripo"
    bl_order = 10  # below "Generate from prompt"

    def draw(self, context: bpy.types.Context) -> None:
        layout = self.layout
        assert layout is not None
        if not online_access():
            draw_wrapped(layout, "Online access is off: enable Preferences › System › Network › Allow Online "
                         "Access to send jobs.", _wrap_width(context), icon='INTERNET_OFFLINE')
        jobs = runtime.jobs()
        if not jobs:
            layout.label(text="No jobs yet", icon='INFO')
            return
        width = _wrap_width(context)
        connection = snapshot(context).connection
        for job in jobs:
            draw_job(layout, job, width, connection)


class _JobOperator(bpy.types.Operator):
    """Shared part of the row operators (never registered itself): ``job_id`` and the lookup."""

    bl_options = {'INTERNAL'}

    job_id: bpy.props.StringProperty(name="Job", description="Id of the job", options={'HIDDEN', 'SKIP_SAVE'})

    def job(self) -> Job | None:
        job = runtime.job(self.job_id)
        if job is None:
            self.report({'ERROR'}, "This job is no longer in the list.")
        return job

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        """Find the row's job, run :meth:`act`, and turn a :class:`UserError` into an error report."""
        job = self.job()
        if job is None:
            return {'CANCELLED'}
        try:
            return self.act(context, job)
        except UserError as exc:
            self.report({'ERROR'}, str(exc))
            return {'CANCELLED'}

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        """What the operator does with its job (subclasses)."""
        raise NotImplementedError


class TRIPO_OT_job_cancel(_JobOperator):
    bl_idname = "tripo.job_cancel"
    bl_label = "Stop Waiting"
    bl_description = ("Stop waiting for this job in Blender. Tripo cannot cancel a task on its server: it keeps "
                      "running there and its credits may still be charged")

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        if runtime.cancel(job.id) is None:
            self.report({'WARNING'}, f"Nothing to stop: \"{job.name}\" is {job.state.value}.")
            return {'CANCELLED'}
        self.report({'WARNING'}, cancel_message(job))
        return {'FINISHED'}


def retry_warning(job: Job) -> str:
    """The confirmation text of a retry that sends a new, paid request."""
    cost = f"about {job.estimated_cost} credits" if job.estimated_cost else "credits"
    text = f"Retrying \"{job.name}\" sends a new request to Tripo and costs {cost}."
    if job.state == JobState.UNCERTAIN:
        text += " The first request may have been charged already: check your tasks on platform.tripo3d.ai first."
    return text


class TRIPO_OT_job_retry(_JobOperator):
    bl_idname = "tripo.job_retry"
    bl_label = "Retry"
    bl_description = ("Try this job again. When Tripo has to generate it anew this sends a new request that "
                      "costs credits, and you are asked first")

    def invoke(self, context: bpy.types.Context, event: bpy.types.Event) -> set[OperatorReturn]:
        job = self.job()
        if job is None:
            return {'CANCELLED'}
        if job.retry_resends:
            return window_manager(context).invoke_confirm(
                self, event, title="Send a New Paid Request?", message=retry_warning(job),
                confirm_text="Retry", icon='WARNING')
        return self.execute(context)

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        resends = job.retry_resends
        runtime.retry(job.id)
        what = "sent again" if resends else "resumed (no new charge)"
        self.report({'INFO'}, f"\"{job.name}\" {what}.")
        return {'FINISHED'}


class TRIPO_OT_job_reimport(_JobOperator):
    bl_idname = "tripo.job_reimport"
    bl_label = "Re-import"
    bl_description = "Import this job's downloaded result again as a new collection (no request, no cost)"

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        result = runtime.reimport(job.id)
        self.report({'INFO'}, f"Imported \"{job.name}\" again into collection \"{result.collection.name}\".")
        return {'FINISHED'}


class TRIPO_OT_job_open_folder(_JobOperator):
    bl_idname = "tripo.job_open_folder"
    bl_label = "Open Folder"
    bl_description = "Show this job's downloaded files in the file browser"

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        folder = runtime.task_folder(job)
        if folder is None:
            self.report({'ERROR'}, "This job has no downloaded files (not downloaded yet, or the cache was cleared).")
            return {'CANCELLED'}
        open_folder(folder)
        return {'FINISHED'}


class TRIPO_OT_job_remove(_JobOperator):
    bl_idname = "tripo.job_remove"
    bl_label = "Remove"
    bl_description = "Remove this job from the list. Imported objects and downloaded files stay"

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        if not runtime.forget(job.id):
            self.report({'WARNING'}, f"\"{job.name}\" is still in progress: stop waiting for it first.")
            return {'CANCELLED'}
        return {'FINISHED'}


class TRIPO_OT_job_copy_error(_JobOperator):
    bl_idname = "tripo.job_copy_error"
    bl_label = "Copy Error Details"
    bl_description = "Copy the error, Tripo's suggestion, the trace id and the task id (never the API key)"

    def act(self, context: bpy.types.Context, job: Job) -> set[OperatorReturn]:
        set_clipboard(context, error_report(job, snapshot(context).connection))
        self.report({'INFO'}, "Error details copied to the clipboard.")
        return {'FINISHED'}


CLASSES: tuple[type, ...] = (
    TRIPO_PT_jobs,
    TRIPO_OT_job_cancel,
    TRIPO_OT_job_retry,
    TRIPO_OT_job_reimport,
    TRIPO_OT_job_open_folder,
    TRIPO_OT_job_remove,
    TRIPO_OT_job_copy_error,
)
