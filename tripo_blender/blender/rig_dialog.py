"""The Rig dialog's button while Tripo's free riggability check runs or says no.

Why: the dialog opens at once and starts the free check. Pressing Rig before the answer used to
close the dialog with an error, and after a "no" the Rig button still looked like it would work.
Now, until the answer is "yes" (or the artist ticks Rig Anyway), the dialog's Rig button is
drawn greyed (the reason is the dialog's first line) next to Cancel, and the dialog updates in
place when the answer arrives.

How: a dialog draws its own confirm buttons with ``UILayout.template_popup_confirm`` (Blender
then leaves out its own OK): here only Cancel, after a greyed Rig. A popup redraws only when
told, so while the check runs its popup region (``context.region_popup``) is watched: a
``bpy.app.timers`` refresh asks it to rebuild (``Region.tag_refresh_ui``) until the check has
answered or the dialog closed — exactly what Blender's extension installer does for its own
"checking for updates" dialog. This timer applies no results (the pump does); it only redraws.
Temporary regions can be freed at any time, so one is used only after the context accepts it
(the same test Blender's installer uses). The operator's ``check()`` returning True redraws the
dialog when Rig Anyway is ticked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import bpy

__all__ = ["REFRESH_INTERVAL", "draw_rig_button", "draw_greyed_confirm", "watched", "stop"]

log = logging.getLogger(__name__)

#: Seconds between two refreshes of a dialog waiting for the check (cheap: one popup redraw).
REFRESH_INTERVAL = 0.25

#: Popup regions of open Rig dialogs, by pointer, with the question "does it still wait?".
_WATCHED: dict[int, tuple[Any, Callable[[], bool]]] = {}


def _exists(region: Any) -> bool:
    """Whether a temporary region still exists (there is no other way to ask Blender)."""
    try:
        with bpy.context.temp_override(region=region):
            return True
    except (TypeError, ReferenceError):
        return False


def _refresh() -> float | None:
    """Timer: rebuild the watched dialogs; stop once none waits any more."""
    for key, (region, waiting) in list(_WATCHED.items()):
        if not _exists(region):
            del _WATCHED[key]
            continue
        region.tag_redraw()
        region.tag_refresh_ui()
        if not waiting():  # this was the redraw that shows the answer
            del _WATCHED[key]
    return REFRESH_INTERVAL if _WATCHED else None


def _watch(region: Any, waiting: Callable[[], bool]) -> None:
    _WATCHED[region.as_pointer()] = (region, waiting)
    if not bpy.app.timers.is_registered(_refresh):
        bpy.app.timers.register(_refresh, first_interval=REFRESH_INTERVAL)


def watched() -> int:
    """How many dialogs are being refreshed (for tests and the log)."""
    return len(_WATCHED)


def stop() -> None:
    """Forget every dialog and stop the refresh (add-on disabled)."""
    _WATCHED.clear()
    if bpy.app.timers.is_registered(_refresh):
        bpy.app.timers.unregister(_refresh)


def draw_rig_button(
    layout: Any, *, riggable: bool | None, pending: bool, rig_anyway: bool, waiting: Callable[[], bool]
) -> None:
    """Below the dialog's options: nothing (Blender's own Rig button) when the check said yes or
    the artist chose Rig Anyway; else a greyed Rig and Cancel. ``waiting()`` tells the refresh
    whether the check still runs (it reads the job list afresh on each call)."""
    region = getattr(bpy.context, "region_popup", None)
    if pending and region is not None:
        _watch(region, waiting)
    if riggable is True or rig_anyway:
        return
    draw_greyed_confirm(
        layout, "tripo.rig", "Rig (waiting for the check)" if pending else "Rig", icon="TIME" if pending else "CANCEL"
    )


def draw_greyed_confirm(layout: Any, idname: str, text: str, icon: str = "CANCEL") -> None:
    """Cancel and a greyed confirm button ``text`` instead of the dialog's own OK (Blender leaves
    its OK out once a dialog draws ``template_popup_confirm``): the dialog says why above it."""
    layout.separator()
    halves = layout.split(factor=0.5)  # as Blender lays out its own: Cancel, then the confirm button
    halves.template_popup_confirm("", text="", cancel_text="Cancel")
    button = halves.row()
    button.enabled = False
    button.operator(idname, text=text, icon=icon)
