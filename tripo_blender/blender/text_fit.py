"""Fit text to the sidebar's real width: measured wrapping and one-line shortening.

Why: Blender's labels do not wrap, and a label wider than its region is cut in the middle with
"…" — a path or an error then loses exactly the part that mattered. Counting characters (the
old way) is wrong for proportional fonts and ignores the UI scale, so texts are measured with
``blf`` at the size Blender draws widget text (the theme's widget points × the effective UI
scale, which includes the monitor's DPI). Where ``blf`` cannot measure (no font loaded in some
background builds), an average glyph width stands in.

A shortened line never ends in "…" (that is what a cut-off label looks like): it stops at a
word and ends with " (more)", and the caller puts the whole text in a tooltip and in Copy Details.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any, Iterator

import blf

__all__ = ["Measure", "measure_for", "dialog_measure", "wrap", "shorten", "draw_text", "MORE", "DEFAULT_WIDTH"]

#: What a shortened line ends with (see the module docstring).
MORE = " (more)"
#: Sidebar width in pixels at UI scale 1 when there is no region to ask (background, tests).
DEFAULT_WIDTH = 280
_PANEL_MARGIN = 30  # panel padding on both sides plus the region's scroll bar, at scale 1
_ICON = 20  # one icon (or the blank indent beside it), at scale 1
_AVERAGE_GLYPH = 0.55  # average glyph width as a fraction of the font size (fallback only)


@dataclass(frozen=True)
class Measure:
    """How wide text is, and how much room a line has, for one region at one UI scale."""

    room: float  # pixels available to a label's text
    font_px: float
    scale: float

    def width(self, text: str) -> float:
        """The drawn width of ``text`` in pixels."""
        try:
            blf.size(0, self.font_px)
            dimensions = getattr(blf, "dimensions")  # the stubs say it returns None; it returns (w, h)
            width = float(dimensions(0, text)[0])
        except Exception:  # noqa: BLE001 - no font (some background builds): estimate instead
            width = 0.0
        return width if width > 0 or not text else len(text) * self.font_px * _AVERAGE_GLYPH

    def fits(self, text: str, icons: int = 0) -> bool:
        return self.width(text) <= self.room - icons * _ICON * self.scale

    def less(self, pixels: float) -> "Measure":
        """The same measure for a line that gives ``pixels`` (at scale 1) to buttons beside it."""
        return Measure(max(40.0, self.room - pixels * self.scale), self.font_px, self.scale)


def measure_for(context: Any) -> Measure:
    """The :class:`Measure` of ``context``'s region (the sidebar when a panel draws)."""
    prefs = getattr(context, "preferences", None)
    scale = float(getattr(getattr(prefs, "system", None), "ui_scale", 1.0) or 1.0)
    points = 11.0
    try:
        points = float(prefs.ui_styles[0].widget.points)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - no style (background): Blender's default size
        pass
    region = getattr(context, "region", None)
    width = float(getattr(region, "width", 0) or 0) or DEFAULT_WIDTH * scale
    return Measure(room=max(40.0, width - _PANEL_MARGIN * scale), font_px=points * scale, scale=scale)


def dialog_measure(width: int, context: Any = None) -> Measure:
    """The :class:`Measure` of a dialog opened ``width`` pixels wide (``invoke_props_dialog``
    takes the width at UI scale 1; Blender scales it, and the text, by the UI scale)."""
    measure = measure_for(context)
    return Measure(room=max(40.0, (width - _PANEL_MARGIN) * measure.scale), font_px=measure.font_px,
                   scale=measure.scale)


def wrap(text: str, measure: Measure, icons: int = 0, max_lines: int | None = None) -> list[str]:
    """``text`` as lines that each fit ``measure`` (a word longer than a line is split).

    ``max_lines``: at most that many; when the text goes on, the last one ends with :data:`MORE`
    (the caller keeps the whole text reachable: a tooltip, Copy Details). The text beyond is
    never measured, so the cost is bounded by the lines drawn, not by the text's length.
    """
    lines = list(islice(_lines(text, measure, icons), None if max_lines is None else max_lines + 1))
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _with_more(lines[-1], measure, icons)
    return lines or [""]


def _lines(text: str, measure: Measure, icons: int) -> Iterator[str]:
    """The lines of :func:`wrap`, measured one by one as they are asked for."""
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if measure.fits(candidate, icons):
                line = candidate
                continue
            if line:
                yield line
            line = word
            while not measure.fits(line, icons) and len(line) > 1:  # a path or id longer than a line
                cut = _longest_fitting_prefix(line, measure, icons)
                yield line[:cut]
                line = line[cut:]
        yield line


def shorten(text: str, measure: Measure, icons: int = 0) -> str:
    """``text`` on one line: whole when it fits, else cut at a word and ended with :data:`MORE`."""
    flat = " ".join(text.split())
    if measure.fits(flat, icons):
        return flat
    return _with_more(flat, measure, icons)


def _with_more(line: str, measure: Measure, icons: int) -> str:
    """``line`` (cut at a word if it must be) ended with :data:`MORE`, fitting ``measure``."""
    room = measure.less(measure.width(MORE) / measure.scale)
    head = line[:_longest_fitting_prefix(line, room, icons)]
    space = head.rfind(" ")
    if len(head) < len(line) and space > len(head) // 2:  # end at a word unless that throws most of the line away
        head = head[:space]
    return head.rstrip(" ,.;:") + MORE


def _longest_fitting_prefix(text: str, measure: Measure, icons: int) -> int:
    """Binary search for the longest prefix of ``text`` that fits (at least one character)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure.fits(text[:middle], icons):
            low = middle
        else:
            high = middle - 1
    return low


def draw_text(layout: Any, text: str, measure: Measure, icon: str = 'NONE', max_lines: int | None = None) -> None:
    """Draw ``text`` as measured lines (the first with ``icon``, the others indented under it);
    at most ``max_lines`` of them (see :func:`wrap`)."""
    icons = 0 if icon == 'NONE' else 1
    column = layout.column(align=True)
    for index, line in enumerate(wrap(text, measure, icons, max_lines)):
        column.label(text=line, icon=icon if index == 0 else 'BLANK1' if icons else 'NONE')
