"""Blender's windows, for code that runs from a timer: borrowing one, and redrawing the Tripo UI.

Why: timer callbacks (the pump) get a context without a window. Importers and ``ed.undo_push``
behave better with one, so imports borrow the first window; and a changed job list must redraw
the sidebars that show it — only their UI regions (redrawing a viewport costs a frame) — and the
preferences editor (the balance).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import bpy

__all__ = ["windows", "main_window_override", "tag_redraw", "wait_cursor"]

#: Areas whose content depends on job or account state.
_REDRAW_AREAS = frozenset({"VIEW_3D", "PREFERENCES"})


def windows() -> list[bpy.types.Window]:
    """Every open window (none in background mode)."""
    wm = getattr(bpy.context, "window_manager", None)
    return list(wm.windows) if wm is not None else []


@contextlib.contextmanager
def wait_cursor(window: Any) -> Iterator[None]:
    """Blender's wait cursor on ``window`` while the block holds the main thread (a mesh read).

    ``Window.cursor_modal_set`` (Blender 4.2 to 5.x) changes the cursor at once, without a
    redraw, which a blocked main thread could not give; ``cursor_modal_restore`` puts back the
    cursor it replaced, also when the block raises (a refused mesh must not leave the artist
    with a wait cursor). Not nested: Blender keeps one cursor to restore, not a stack. ``window``
    None (background mode, a timer) runs the block as it is.
    """
    if window is None:
        yield
        return
    window.cursor_modal_set("WAIT")
    try:
        yield
    finally:
        window.cursor_modal_restore()


@contextlib.contextmanager
def main_window_override() -> Iterator[None]:
    """Run the block with a window (and its 3D view, if any) in the context.

    Timer callbacks get a context without a window; importers and ``ed.undo_push`` expect one.
    In background mode (no windows) the block runs with the context as it is.
    """
    if bpy.context.window is not None:
        yield
        return
    found = windows()
    if not found:
        yield
        return
    window = found[0]
    areas = [a for a in window.screen.areas if a.type == "VIEW_3D"] if window.screen else []
    override: dict[str, Any] = {"window": window}
    if areas:
        override["area"] = areas[0]
    with bpy.context.temp_override(**override):
        yield


def tag_redraw() -> None:
    """Redraw the 3D views' sidebars (Tripo tab) and the preferences editor (balance) in all windows."""
    for window in windows():
        screen = window.screen
        if screen is None:
            continue
        for area in screen.areas:
            if area.type == "VIEW_3D":  # only the sidebar: redrawing the viewport itself costs a frame
                for region in area.regions:
                    if region.type == "UI":
                        region.tag_redraw()
            elif area.type in _REDRAW_AREAS:
                area.tag_redraw()
