"""What an artist does with a Tripo asset: Generate Again, Variant, Open Settings in the Panel.

Offered in the Asset Browser's context menu (right-click an asset of the Tripo library) and to
scripts: each operator takes the asset's ``filepath`` (its .blend), else uses the Asset Browser's
active asset (``context.asset``). The console's ``tripo.assets()`` handles call the same functions
(:func:`send_again`, :func:`open_settings`), so a click and a script send exactly the same request.

* **Generate Again** sends the stored request — kind, every parameter — with new seeds unless the
  request fixed them (:func:`..jobs.asset_index.again_spec`); **Variant** sends it with every seed
  + 1. Both cost what the original cost: the operators confirm with the estimate first. The
  result lands at the 3D cursor as a new job, and is kept as a new asset.
* **Open Settings in the Panel** fills the sidebar's Generate form from a generation's request
  (mode, prompt, options, seeds, image files still on disk), so the artist can change one thing
  and generate.
* An item that cannot apply stays visible, greyed out with the reason as its tooltip (``poll``):
  a followed task (no request), a result made from the artist's own mesh, seeds Tripo chose.

The preferences' "Asset Library" box (:func:`draw_library`) is here too: the switch, the folder,
and the button that adds the library to Blender's asset libraries — only when the artist asks.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..jobs import Job, estimate_cost
from ..jobs.asset_index import AssetRecord, again_spec, repeat_problem, variant_problem
from ..jobs.kinds import KINDS
from ..jobs.model import thaw
from ..rules import generate as form
from ..rules.errors import UserError
from . import file_manager
from .asset_library import LIBRARY_NAME, record_at, register_library, registered_entry
from .asset_library import library_folder as _library_folder
from .generate_ops import IMAGE_SLOTS, form_of
from .generation import submit
from .text_fit import draw_text, measure_for

__all__ = [
    "send_again",
    "open_settings",
    "settings_problem",
    "draw_library",
    "draw_asset_menu",
    "CLASSES",
    "register_extra",
    "unregister_extra",
]

log = logging.getLogger(__name__)

_ADD_HELP = (
    f"Adds an entry '{LIBRARY_NAME}' for this folder to Preferences › File Paths › Asset Libraries, so the "
    "Asset Browser lists your results (drag one into any file). Nothing else changes; remove the entry there "
    "to undo."
)


# --------------------------------------------------------------------------- what the items do


def send_again(record: AssetRecord, *, variant: bool = False) -> Job:
    """Send ``record``'s request again (Variant: its seeds + 1); the new job at once.

    Raises :class:`..jobs.asset_index.NotRepeatable` (a ValueError) when the request cannot be
    sent as asked, ``ValueError``/``TypeError``/``OSError`` from the client's checks (an image file
    that is gone…) and :class:`UserError` when nothing can be sent (offline, no key)."""
    spec = again_spec(record, variant=variant, now=time.time())
    job = submit(spec)
    log.info("%s of asset %r: job %s", "Variant" if variant else "Generate Again", record.name, job.id)
    return job


def settings_problem(record: AssetRecord) -> str | None:
    """Why the Generate form cannot take ``record``'s request (None: it can)."""
    if record.kind not in form.MODE_KINDS.values():
        label = KINDS[record.kind].label if record.kind in KINDS else record.kind
        return (
            f"'{record.name}' is a {label} result: the Generate panel makes text, image and multiview models "
            "(drag the asset into the scene and use right-click › Tripo)"
        )
    return None


def open_settings(record: AssetRecord, context: bpy.types.Context) -> list[str]:
    """Fill the sidebar's Generate form with ``record``'s request; the notes on what could not be
    set (an image no longer on disk, a model version this add-on does not offer). Raises
    ValueError for a request the form does not make."""
    problem = settings_problem(record)
    pg = form_of(context)
    if problem is not None or pg is None:
        raise ValueError(problem or "There is no scene to hold the Generate form")
    mode, values, images = form.form_from_params(record.kind, thaw(record.spec.params))
    notes: list[str] = []
    for name, value in values.items():
        try:
            setattr(pg, name, value)
        except (TypeError, ValueError):
            notes.append(f"{form.LABELS[name]} {value!r} is not offered by this version of the add-on")
    pg.image_first = False
    pg.views_from_image = False
    for slot, value in zip(IMAGE_SLOTS[mode], images):
        setattr(pg, slot.pointer_prop, None)
        usable = isinstance(value, str) and os.path.isfile(value)
        setattr(pg, slot.path_prop, value if usable else "")
        if value and not usable:
            notes.append(f"choose the {slot.what} again ({str(value)[:40]} is not a file on this computer)")
    return notes


# --------------------------------------------------------------------------- operators


def _record_of(op: Any, context: bpy.types.Context) -> AssetRecord | None:
    """The asset an operator acts on: its ``filepath``, else the Asset Browser's active asset."""
    path = op.filepath or _active_path(context)
    return record_at(path) if path else None


def _active_path(context: Any) -> str:
    asset = getattr(context, "asset", None)
    return str(getattr(asset, "full_library_path", "") or "") if asset is not None else ""


def _poll(cls: Any, context: bpy.types.Context, problem: Any) -> bool:
    """Grey the item out with the reason when the Asset Browser's active asset cannot take it
    (without one, a script passes ``filepath``: ``execute`` checks it)."""
    path = _active_path(context)
    if not path:
        return True
    record = record_at(path)
    reason = (
        "Not a Tripo result: Tripo's items work on assets of the Tripo library" if record is None else problem(record)
    )
    if reason:
        cls.poll_message_set(reason)
        return False
    return True


class _AssetOperator(bpy.types.Operator):
    """An operator on one Tripo asset (never registered itself: its subclasses are)."""

    filepath: bpy.props.StringProperty(
        name="Asset File",
        subtype="FILE_PATH",
        options={"SKIP_SAVE", "HIDDEN"},
        description="The .blend of the Tripo asset (default: the active asset)",
    )

    def record(self, context: bpy.types.Context) -> AssetRecord | None:
        record = _record_of(self, context)
        if record is None:
            self.report({"ERROR"}, f"{self.filepath or 'The active asset'} is not an asset of the Tripo library")
        return record


class _SendAgain(_AssetOperator):
    """Generate Again and Variant: confirm the cost, send, report."""

    variant = False

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        problem = variant_problem if cls.variant else repeat_problem
        return _poll(cls, context, lambda r: problem(r, time.time()))

    def invoke(self, context: bpy.types.Context, event: bpy.types.Event) -> set[OperatorReturn]:
        record = self.record(context)
        if record is None:
            return {"CANCELLED"}
        try:
            spec = again_spec(record, variant=self.variant, now=time.time())
        except ValueError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        wm = context.window_manager
        assert wm is not None
        return wm.invoke_confirm(
            self,
            event,
            title=f"{'Variant of' if self.variant else 'Generate Again:'} {record.name}?",
            message=f"Sends its request to Tripo again ({form.cost_text(spec.kind, spec.params)}); the result lands "
            "at the 3D cursor.",
            confirm_text="Variant" if self.variant else "Generate Again",
            icon="INFO",
        )

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        record = self.record(context)
        if record is None:
            return {"CANCELLED"}
        try:
            job = send_again(record, variant=self.variant)
        except (UserError, ValueError, TypeError, OSError) as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        cost = form.cost_phrase(estimate_cost(job.kind, job.spec.params))
        self.report({"INFO"}, f"Sent '{job.name}' to Tripo again ({cost}); it lands at the 3D cursor")
        return {"FINISHED"}


class TRIPO_OT_asset_generate_again(_SendAgain):
    """Send this result's request to Tripo again: the same settings, new seeds unless it fixed them. Costs credits"""

    bl_idname = "tripo.asset_generate_again"
    bl_label = "Generate Again"
    bl_options = {"REGISTER"}


class TRIPO_OT_asset_variant(_SendAgain):
    """Send this result's request again with every seed + 1: a close variant. Costs credits"""

    bl_idname = "tripo.asset_variant"
    bl_label = "Variant"
    bl_options = {"REGISTER"}
    variant = True


class TRIPO_OT_asset_open_settings(_AssetOperator):
    """Fill the sidebar's Generate form (3D Viewport › Sidebar › Tripo) with this result's settings"""

    bl_idname = "tripo.asset_open_settings"
    bl_label = "Open Settings in the Panel"
    bl_options = {"REGISTER"}

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        return _poll(cls, context, settings_problem)

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        record = self.record(context)
        if record is None:
            return {"CANCELLED"}
        try:
            notes = open_settings(record, context)
        except ValueError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        text = f"The Generate panel now holds the settings of '{record.name}'"
        self.report({"WARNING"} if notes else {"INFO"}, f"{text}; {'; '.join(notes)}" if notes else text)
        return {"FINISHED"}


class TRIPO_OT_asset_library_add(bpy.types.Operator):
    bl_idname = "tripo.asset_library_add"
    bl_label = "Add the Tripo Library to Blender's Asset Libraries"
    bl_description = _ADD_HELP
    bl_options = {"INTERNAL"}

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        try:
            done = register_library()
        except OSError as exc:
            self.report({"ERROR"}, f"Could not create the asset library folder: {exc}")
            return {"CANCELLED"}
        self.report({"INFO"}, done)
        return {"FINISHED"}


class TRIPO_OT_asset_library_open(bpy.types.Operator):
    bl_idname = "tripo.asset_library_open"
    bl_label = "Open"
    bl_description = "Show the Tripo asset library's folder in the file browser"
    bl_options = {"INTERNAL"}

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        try:
            folder = _library_folder()
            folder.mkdir(parents=True, exist_ok=True)
            file_manager.open_folder(folder)
        except (UserError, OSError) as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        return {"FINISHED"}


# --------------------------------------------------------------------------- drawing


def draw_library(layout: Any, prefs: Any) -> None:
    """The preferences' "Asset Library" box."""
    box = layout.box()
    box.label(text="Asset Library")
    box.prop(prefs, "keep_assets")
    box.prop(prefs, "asset_library_dir")
    folder = _library_folder()
    box.label(text=str(folder), icon="ASSET_MANAGER")
    entry = registered_entry()
    if entry is not None:
        draw_text(
            box,
            f"In Blender's asset libraries as '{entry.name}': Asset Browser › {entry.name}",
            measure_for(bpy.context),
            icon="CHECKMARK",
        )
    else:
        draw_text(box, _ADD_HELP, measure_for(bpy.context), icon="INFO")
        box.operator(TRIPO_OT_asset_library_add.bl_idname, icon="ADD")
    box.operator(TRIPO_OT_asset_library_open.bl_idname, icon="FILE_FOLDER")


def draw_asset_menu(menu: Any, context: bpy.types.Context) -> None:
    """Appended to the Asset Browser's context menu: Tripo's items, for assets of the Tripo library."""
    path = _active_path(context)
    if not path or record_at(path) is None:
        return
    layout = menu.layout
    layout.separator()
    layout.operator_context = "INVOKE_DEFAULT"  # Generate Again and Variant confirm the cost first
    layout.operator(TRIPO_OT_asset_generate_again.bl_idname, icon="FILE_REFRESH")
    layout.operator(TRIPO_OT_asset_variant.bl_idname, icon="MOD_NOISE")
    layout.operator(TRIPO_OT_asset_open_settings.bl_idname, icon="PREFERENCES")


CLASSES: tuple[type, ...] = (
    TRIPO_OT_asset_generate_again,
    TRIPO_OT_asset_variant,
    TRIPO_OT_asset_open_settings,
    TRIPO_OT_asset_library_add,
    TRIPO_OT_asset_library_open,
)


def register_extra() -> None:
    bpy.types.ASSETBROWSER_MT_context_menu.append(draw_asset_menu)


def unregister_extra() -> None:
    bpy.types.ASSETBROWSER_MT_context_menu.remove(draw_asset_menu)
