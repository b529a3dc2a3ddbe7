"""Import by task id: bring any existing Tripo task of this API key into the scene.

Why: a model made on Tripo's website, by another program, or in a session whose job list is
gone has no ``tripo_task_id`` tag, so the context menu cannot post-process it. Following its
task by id (``runtime.submit(spec, task_id=…)``: poll, download, import, nothing sent or charged)
lands it like any generation — a new collection at the 3D cursor, tagged with the task type the
server reports — and the menu works on it. The Tripo sidebar tab has a small section for it;
scripts call ``bpy.ops.tripo.import_task`` or the console's ``tripo.import_task`` — both go
through :func:`follow_task`, so they make the same job.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..jobs import FOLLOW_KIND, Job, JobSpec
from ..rules.account import ONLINE_ACCESS_OFF, UserError
from .job_list import window_manager
from .runtime import online_access, runtime

__all__ = [
    "follow_task_spec",
    "follow_task",
    "TRIPO_OT_import_task",
    "TRIPO_PT_import_task",
    "WM_ATTR",
    "CLASSES",
    "register_extra",
    "unregister_extra",
]

log = logging.getLogger(__name__)

#: ``WindowManager.<WM_ATTR>``: the panel's task id field (not saved in the .blend: it is not scene data).
WM_ATTR = "tripo_import_task_id"


def follow_task_spec(task_id: str, name: str | None = None, *, meta: Mapping[str, Any] | None = None) -> JobSpec:
    """The job that follows existing task ``task_id`` (surrounding blanks are ignored: ids are
    pasted). ``meta``: the JobSpec.meta conventions, e.g. ``{"location": [x, y, z]}`` (default:
    the 3D cursor at submit time). Raises TypeError for a non-string, ValueError for an empty id."""
    if not isinstance(task_id, str):
        raise TypeError(f"the task id must be a string, not {type(task_id).__name__}")
    task_id = task_id.strip()
    if not task_id:
        raise ValueError("Enter a task id (from the Tripo website or the API)")
    return JobSpec(FOLLOW_KIND, {"task_id": task_id}, name=name or f"Task {task_id[:8]}", meta=meta or {})


def follow_task(task_id: str, name: str | None = None, *, meta: Mapping[str, Any] | None = None) -> Job:
    """Follow ``task_id`` (see :func:`follow_task_spec`): nothing is sent or charged. Raises
    UserError/ValueError with a message for the UI (TypeError for a non-string id)."""
    spec = follow_task_spec(task_id, name, meta=meta)
    job = runtime.submit(spec, task_id=spec.params["task_id"])
    log.info("following task %s as job %s", job.task_id, job.id)
    return job


class TRIPO_OT_import_task(bpy.types.Operator):
    """Import an existing Tripo task of your API key by its id (no request is sent, nothing is charged)"""

    bl_idname = "tripo.import_task"
    bl_label = "Import Task"
    bl_options = {"REGISTER"}

    task_id: bpy.props.StringProperty(
        name="Task ID", options={"SKIP_SAVE"}, description="The id of a Tripo task (empty: the id typed in the panel)"
    )
    name: bpy.props.StringProperty(
        name="Name", options={"SKIP_SAVE"}, description="Name of the job and its collection (default: from the task id)"
    )

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        if not online_access():
            cls.poll_message_set(ONLINE_ACCESS_OFF)
            return False
        return True

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        from_panel = not self.properties.is_property_set("task_id")
        wm: Any = window_manager(context)
        task_id = str(getattr(wm, WM_ATTR, "")) if from_panel else self.task_id
        try:
            job = follow_task(task_id, self.name or None)
        except (UserError, ValueError) as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        if from_panel:
            setattr(wm, WM_ATTR, "")
        self.report({"INFO"}, f"Following task {job.task_id}: it appears at the 3D cursor when done (no charge)")
        return {"FINISHED"}


class TRIPO_PT_import_task(bpy.types.Panel):
    """Import a model made elsewhere (website, API) by its task id, to use the Tripo menu on it."""

    bl_idname = "TRIPO_PT_import_task"
    bl_label = "Import by Task ID"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Tripo"
    bl_order = 5  # between "Generate from prompt" and "Jobs"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context: bpy.types.Context) -> None:
        layout = self.layout
        assert layout is not None
        row = layout.row(align=True)
        row.prop(window_manager(context), WM_ATTR, text="", icon="URL", placeholder="Task ID")
        row.operator(TRIPO_OT_import_task.bl_idname, text="", icon="IMPORT")


CLASSES: tuple[type, ...] = (TRIPO_OT_import_task, TRIPO_PT_import_task)


def register_extra() -> None:
    prop = bpy.props.StringProperty(  # type: ignore[func-returns-value]
        name="Task ID", description="The id of a Tripo task of your API key (from the website or the API)"
    )
    setattr(bpy.types.WindowManager, WM_ATTR, prop)


def unregister_extra() -> None:
    if hasattr(bpy.types.WindowManager, WM_ATTR):
        delattr(bpy.types.WindowManager, WM_ATTR)
