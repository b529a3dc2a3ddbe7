"""Fit text to the sidebar's real width: measured wrapping and one-line shortening.

Why: Blender's labels do not wrap, and a label wider than its region is cut in the middle with
"…" — a path or an error then loses exactly the part that mattered. Counting characters (the
old way) is wrong for proportional fonts and ignores the UI scale, so texts are measured with
``blf`` at the size Blender draws widget text (the theme's widget points × the effective UI
scale, which includes the monitor's DPI). Where ``blf`` cannot measure (no font loaded in some
background builds), an average glyph width stands in.

Sentences are never shortened: they wrap (:func:`wrap`, :func:`draw_text`), like Blender's own
tooltips. Only a *name* that must stay on one line (a job's row, an image's caption) is shortened,
in the middle (:func:`middle`): whole words out of its middle become " […] ", so its start and its
end (the number or suffix that tells "crate variant 12" from "crate variant 13") stay, and no
word is ever cut in two; the caller shows the whole name in a tooltip.

The room a label really gets is smaller than the region: the panel's margins and the region's
scroll bar, the label's own text padding, an icon, and each box the label sits in. The constants
below were measured in Debian's Blender 4.3 and 5.2 windows (tests/ui: every screenshot is read
by OCR and fails on a cut word), not guessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import blf

__all__ = ["Measure", "measure_for", "dialog_measure", "wrap", "middle", "draw_text", "ELISION", "DEFAULT_WIDTH"]

#: What stands for the words :func:`middle` leaves out: the bracketed ellipsis of a quotation,
#: which no one (and no OCR) takes for Blender's cut "word…", even beside a one-letter word.
ELISION = " […] "
#: Ends the last line of a text drawn in at most so many lines (at a word; the whole text is in the
#: tooltip or Copy Details).
MORE = " (more)"
#: Sidebar width in pixels at UI scale 1 when there is no region to ask (background, tests).
DEFAULT_WIDTH = 280
_PANEL_MARGIN = 30  # panel padding on both sides plus the region's scroll bar, at scale 1
_LABEL_PADDING = 16  # a label's text padding on both sides, and Blender's clipping margin, at scale 1
_BOX = 16  # what one box (``layout.box()``) takes from the width inside it, at scale 1
_TABS = 26  # a sidebar's column of category tabs ("Item", "Tool", "Tripo"…), part of its region, at scale 1
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

    def less(self, pixels: float) -> Measure:
        """The same measure for a line that gives ``pixels`` (at scale 1) to buttons beside it."""
        return Measure(max(40.0, self.room - pixels * self.scale), self.font_px, self.scale)

    def boxed(self) -> Measure:
        """The measure inside a ``layout.box()`` drawn where this one applies."""
        return self.less(_BOX)


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
    tabs = _TABS if getattr(region, "type", "UI") == "UI" else 0  # a sidebar (or no region: one is assumed)
    return Measure(
        room=max(40.0, width - (_PANEL_MARGIN + _LABEL_PADDING + tabs) * scale), font_px=points * scale, scale=scale
    )


def dialog_measure(width: int, context: Any = None) -> Measure:
    """The :class:`Measure` of a dialog opened ``width`` pixels wide (``invoke_props_dialog``
    takes the width at UI scale 1; Blender scales it, and the text, by the UI scale)."""
    measure = measure_for(context)
    return Measure(
        room=max(40.0, (width - _PANEL_MARGIN - _LABEL_PADDING) * measure.scale),
        font_px=measure.font_px,
        scale=measure.scale,
    )


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


def middle(text: str, measure: Measure, icons: int = 0) -> str:
    """``text`` on one line: whole when it fits, else its start and its end with whole words of
    its middle replaced by :data:`ELISION` ("wooden crate […] (model 12)"). The last word always
    stays (the number or suffix that tells two names apart), and as much of the end as fits in
    about half the line while the first word stays whole; only a first word too long for what is
    left keeps just its start, still beside the spaced elision (no "word…")."""
    flat = " ".join(text.split())
    if measure.fits(flat, icons):
        return flat
    words = flat.split(" ")
    if len(words) == 1:  # one long word (a file name): its start and its end, around the elision
        end = flat[-_longest_fitting_prefix(flat[::-1], measure.less(measure.room * 0.6 / measure.scale), icons) :]
        return flat[: _longest_fitting_prefix(flat, measure, icons, fixed=ELISION + end)] + ELISION + end
    tails = [" ".join(words[-count:]) for count in range(len(words) - 1, 0, -1)]
    tails = [tail for tail in tails if measure.width(tail) <= measure.room / 2] or [words[-1]]
    for tail in tails:  # the longest end first, down to the last word
        head = ""
        for word in words[: len(words) - len(tail.split(" "))]:
            candidate = f"{head} {word}" if head else word
            if not measure.fits(candidate + ELISION + tail, icons):
                break
            head = candidate
        if head:
            return f"{head}{ELISION}{tail}"
    tail = tails[-1]
    first = words[0]
    return first[: _longest_fitting_prefix(first, measure, icons, fixed=ELISION + tail)] + ELISION + tail


def _with_more(line: str, measure: Measure, icons: int) -> str:
    """``line`` (cut at a word if it must be) ended with :data:`MORE`, fitting ``measure``."""
    room = measure.less(measure.width(MORE) / measure.scale)
    head = line[: _longest_fitting_prefix(line, room, icons)]
    space = head.rfind(" ")
    if len(head) < len(line) and space > len(head) // 2:  # end at a word unless that throws most of the line away
        head = head[:space]
    return head.rstrip(" ,.;:") + MORE


def _longest_fitting_prefix(text: str, measure: Measure, icons: int, fixed: str = "") -> int:
    """Binary search for the longest prefix of ``text`` that fits followed by ``fixed`` (at least
    one character)."""
    low, high = 1, len(text)
    while low < high:
        half = (low + high + 1) // 2
        if measure.fits(text[:half] + fixed, icons):
            low = half
        else:
            high = half - 1
    return low


def draw_text(layout: Any, text: str, measure: Measure, icon: str = "NONE", max_lines: int | None = None) -> None:
    """Draw ``text`` as measured lines (the first with ``icon``, the others indented under it);
    at most ``max_lines`` of them (see :func:`wrap`)."""
    icons = 0 if icon == "NONE" else 1
    column = layout.column(align=True)
    for index, line in enumerate(wrap(text, measure, icons, max_lines)):
        column.label(text=line, icon=icon if index == 0 else "BLANK1" if icons else "NONE")
