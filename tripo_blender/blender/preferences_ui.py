"""The parts of the preferences page that act: Check Key, the account line, the download cache.

Kept apart from :mod:`.preferences` because they use the runtime, and the runtime reads the
preferences (for its snapshot): this way neither imports the other at load time. The
preferences' ``draw`` calls :func:`draw_account` and :func:`draw_cache`.

* ``tripo.check_key`` asks for the balance on a background thread and returns at once. Reasons
  knowable locally (online access off, no key, malformed key) are reported without a request.
* ``tripo.cache_open`` / ``tripo.cache_clear``: downloads are visible and removable (a classic
  complaint is hidden folders that only grow). So are the images the add-on wrote for upload
  (packed or painted Blender images): their size is included, and Clear removes them too.
  Clearing never removes files of jobs in progress.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..client.models import format_credits
from ..rules.account import OFFLINE_HINT, BalanceInfo, UserError
from . import job_list
from .runtime import online_access, runtime
from .text_fit import draw_text, measure_for

__all__ = ["balance_text", "human_size", "draw_account", "draw_cache", "draw_wrapped", "CLASSES"]

#: Preferences › Add-ons draws an add-on's preferences inside its own box, indented under its
#: name: that much less room than the window's region (pixels at UI scale 1).
_ADDON_INDENT = 40


def draw_wrapped(layout: Any, text: str, icon: str = "NONE", boxes: int = 0) -> None:
    """``text`` wrapped to the room the add-on's preferences really get (never cut off with "…");
    ``boxes``: how many boxes of our own it sits in."""
    measure = measure_for(bpy.context).boxed().less(_ADDON_INDENT)
    for _ in range(boxes):
        measure = measure.boxed()
    draw_text(layout, text, measure, icon=icon)


def human_size(size: int) -> str:
    """``1536`` -> ``1.5 KB`` (powers of 1024, as file browsers show)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def balance_text(info: BalanceInfo) -> tuple[str, str]:
    """The account line and its icon for ``info``.

    A refresh of a balance already known (after every landing, when the charge may have changed)
    keeps the known line until the answer replaces it: "Checking the key with Tripo" for a quarter second
    after each Generate read as a flicker, and as doubt about a key that works.
    """
    if info.checking and info.balance is None:
        return "Checking the key with Tripo", "SORTTIME"
    if info.error and not info.checking:
        return info.error, "ERROR"
    if info.balance is not None:
        held = f", {format_credits(info.frozen)} held for running tasks" if info.frozen else ""
        when = time.strftime("%H:%M", time.localtime(info.checked_at)) if info.checked_at else ""
        return f"Key OK: {format_credits(info.balance)} credits{held} (checked {when})", "CHECKMARK"
    return "Key not checked yet", "INFO"


def draw_account(layout: Any) -> None:
    """Check Key button and the last answer (balance or the reason it failed), wrapped to the
    Preferences window's real width."""
    if not online_access():
        draw_wrapped(layout, OFFLINE_HINT, icon="INTERNET_OFFLINE")
    row = layout.row()
    row.operator("tripo.check_key", icon="CHECKMARK")
    text, icon = balance_text(runtime.balance())
    draw_wrapped(layout, text, icon=icon)


def draw_cache(layout: Any, prefs: Any) -> None:
    """Download folder, its size, Open and Clear."""
    box = layout.box()
    box.label(text="Downloads")
    box.prop(prefs, "cache_dir")
    folder = runtime.cache_dir()
    draw_wrapped(box, f"{folder}: {human_size(runtime.cache_size())}", icon="FILE_FOLDER", boxes=1)
    inputs = runtime.inputs_size()
    if inputs:
        draw_wrapped(box, f"(including {human_size(inputs)} of Blender images written for upload)", boxes=1)
    row = box.row(align=True)
    row.operator("tripo.cache_open", icon="FILE_FOLDER")
    row.operator("tripo.cache_clear", icon="TRASH")


class TRIPO_OT_check_key(bpy.types.Operator):
    bl_idname = "tripo.check_key"
    bl_label = "Check Key"
    bl_description = (
        "Ask Tripo for this key's balance, in the background. Nothing is sent when online access is "
        "off or the key is missing or malformed"
    )
    bl_options = {"INTERNAL"}

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        runtime.refresh_balance()
        info = runtime.balance()
        if info.checking:
            self.report({"INFO"}, "Checking the Tripo key…")
            return {"FINISHED"}
        self.report({"ERROR"}, info.error or "The key could not be checked.")
        return {"CANCELLED"}


class TRIPO_OT_cache_open(bpy.types.Operator):
    bl_idname = "tripo.cache_open"
    bl_label = "Open"
    bl_description = "Show the download folder in the file browser"
    bl_options = {"INTERNAL"}

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        folder = runtime.cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        try:
            job_list.open_folder(folder)
        except UserError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        return {"FINISHED"}


class TRIPO_OT_cache_clear(bpy.types.Operator):
    bl_idname = "tripo.cache_clear"
    bl_label = "Clear"
    bl_description = (
        "Delete downloaded results and the images written for upload. Imported objects stay in your "
        "scenes; files of jobs still in progress (or that Retry would send again) are kept"
    )
    bl_options = {"INTERNAL"}

    def invoke(self, context: bpy.types.Context, event: bpy.types.Event) -> set[OperatorReturn]:
        return job_list.window_manager(context).invoke_confirm(
            self,
            event,
            title="Delete Downloaded Results?",
            message=f"{human_size(runtime.cache_size())} in {runtime.cache_dir()}. Re-import will no longer work "
            "for cleared jobs.",
            confirm_text="Clear",
            icon="WARNING",
        )

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        try:
            freed = runtime.clear_cache()
        except OSError as exc:
            self.report({"ERROR"}, f"Could not clear the download folder: {exc}")
            return {"CANCELLED"}
        self.report({"INFO"}, f"Freed {human_size(freed)} of downloads.")
        return {"FINISHED"}


CLASSES: tuple[type, ...] = (TRIPO_OT_check_key, TRIPO_OT_cache_open, TRIPO_OT_cache_clear)
