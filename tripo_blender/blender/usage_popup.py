"""The Account line's "recent usage" popup: the account's last tasks, their type, credits and date.

Why a popup fed by the pump: ``GET /v3/account/usage`` is a network round trip, and the main
thread never waits on the network. Opening the popup starts the request on a background thread
(:meth:`.runtime.Runtime.refresh_usage`) and shows "Loading…"; the pump applies the answer and
redraws, and the popup draws the rows from :meth:`.runtime.Runtime.usage` (never blocking).
Rows already fetched are shown at once on the next opening ("Refreshing from Tripo" while the new request
runs).

Why :func:`refresh_open_popup`: Blender rebuilds an open popup's content (calls ``draw`` again)
only when the popup's own region is tagged for a UI refresh; redrawing the sidebar or moving the
pointer does not (checked in Debian's Blender 4.3.2: ``draw`` ran again only after
``context.region_popup.tag_refresh_ui()``). So ``draw`` remembers its region, and the pump, when
it applies the answer, tags that region — only while the popup is open: a closed popup's
operator is freed (its Python object raises ``ReferenceError``), and then its region is never
touched.

The rows are what Tripo reports (``task_id``, ``type``, ``credits_consumed``, ``created_at``), with
the type in the words the Jobs panel uses ("Text to Model") and the date in local time.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..client.models import TaskUsageItem, format_credits
from ..client.timestamps import parse_time
from ..jobs.kinds import by_task_type
from ..rules.account import UsageInfo
from .runtime import runtime

__all__ = [
    "LOADING",
    "EMPTY",
    "usage_row",
    "draw_usage",
    "refresh_open_popup",
    "TRIPO_OT_show_usage",
    "CLASSES",
    "register_extra",
    "unregister_extra",
]

LOADING = "Loading recent usage from Tripo"
EMPTY = "No tasks on this account yet"
#: Characters of a task id shown (enough to tell tasks apart; the full id is in the Jobs panel).
_ID_CHARS = 8
_WIDTH = 460


def _type_label(task_type: str | None) -> str:
    kind = by_task_type(task_type)
    return kind.label if kind is not None else (task_type or "?").replace("_", " ")


def _credits(value: float | None) -> str:
    if value is None:
        return "–"
    return format_credits(value)


def _date(created_at: str | None) -> str:
    """``2026-12-05T16:40:00Z`` (or any form :func:`..client.timestamps.parse_time` reads) →
    ``2026-12-05 17:40`` in local time; the raw text if unreadable."""
    if not created_at:
        return "–"
    moment = parse_time(created_at)
    if moment is None:
        return created_at
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(moment))


def usage_row(item: TaskUsageItem) -> tuple[str, str, str, str]:
    """One row as shown: (task, type, credits, date)."""
    task = item.task_id[:_ID_CHARS] + ("…" if len(item.task_id) > _ID_CHARS else "")
    return task, _type_label(item.type), _credits(item.credits_consumed), _date(item.created_at)


def _columns(layout: Any, cells: tuple[str, str, str, str]) -> None:
    split = layout.row().split(factor=0.22)
    split.label(text=cells[0])
    rest = split.split(factor=0.45)
    rest.label(text=cells[1])
    tail = rest.split(factor=0.3)
    tail.label(text=cells[2])
    tail.label(text=cells[3])


def draw_usage(layout: Any, info: UsageInfo) -> None:
    """Draw the popup's content for ``info`` (a plain function: the tests draw it with a recorder)."""
    layout.label(text="Recent Tripo usage", icon="FUND")
    if info.error is not None:
        layout.label(text=info.error, icon="ERROR")
    if info.rows is None:
        if info.checking:
            layout.label(text=LOADING, icon="SORTTIME")
        return
    if not info.rows:
        layout.label(text=EMPTY)
        return
    _columns(layout, ("Task", "Type", "Credits", "Date"))
    for item in info.rows:
        _columns(layout, usage_row(item))
    if info.checking:
        layout.label(text="Refreshing from Tripo", icon="SORTTIME")


class _OpenPopup:
    """The usage popup drawn last: its operator (alive while the popup is open) and its region."""

    operator: Any = None
    region: Any = None


def refresh_open_popup() -> None:
    """Main thread, after the pump applied a usage answer: rebuild the popup if it is still open."""
    operator, region = _OpenPopup.operator, _OpenPopup.region
    _OpenPopup.operator = _OpenPopup.region = None
    if operator is None or region is None:
        return
    try:
        operator.as_pointer()  # the popup closed: Blender freed its operator (ReferenceError)
    except ReferenceError:
        return
    region.tag_refresh_ui()


class TRIPO_OT_show_usage(bpy.types.Operator):
    """Show the account's recent tasks: type, credits charged and date (asks Tripo in the background)"""

    bl_idname = "tripo.show_usage"
    bl_label = "Recent Usage"
    bl_options = {"REGISTER"}

    def invoke(self, context: bpy.types.Context, event: bpy.types.Event) -> set[OperatorReturn]:
        runtime.refresh_usage()  # a background request; the pump shows the answer
        wm = context.window_manager
        assert wm is not None
        return wm.invoke_popup(self, width=_WIDTH)

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        runtime.refresh_usage()
        return {"FINISHED"}

    def draw(self, context: bpy.types.Context) -> None:
        layout = self.layout
        assert layout is not None
        info = runtime.usage()
        if info.checking:  # an answer is on its way: the pump refreshes this popup when it lands
            _OpenPopup.operator, _OpenPopup.region = self, getattr(context, "region_popup", None)
        draw_usage(layout, info)


CLASSES: tuple[type, ...] = (TRIPO_OT_show_usage,)


def register_extra() -> None:
    runtime.usage_listener = refresh_open_popup


def unregister_extra() -> None:
    runtime.usage_listener = None
    _OpenPopup.operator = _OpenPopup.region = None
