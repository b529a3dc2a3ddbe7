"""The "Tripo" submenu of the 3D Viewport's object context menu (right click).

It is drawn for objects of a Tripo result (a ``tripo_task_id`` tag on the object or one of its
parents) and for any mesh — a mesh of the user's own is uploaded by the job (issue 11) — and for
armatures and empties, whose greyed items say what to select instead. On cameras, lights and
the like the items could never apply, and a menu full of greyed-out entries would only add
noise to every right click. Inside, every item stays visible and is
greyed out with the reason in its tooltip when it cannot apply (the operators' ``poll``), so
the user learns *why* rather than wondering where an item went.
"""

from __future__ import annotations

from typing import Any

import bpy

from .frame_range import TRIPO_OT_fit_frame_range
from .post_ops import MENU_OPERATORS
from .post_process import context_object, tripo_object

#: Object types the menu is drawn for besides Tripo results: meshes (uploaded), and armatures and
#: empties, where it explains what to select instead.
_OFFERED_TYPES = frozenset({"MESH", "ARMATURE", "EMPTY"})

__all__ = ["VIEW3D_MT_tripo", "draw_context_menu", "CLASSES", "register_extra", "unregister_extra"]


class VIEW3D_MT_tripo(bpy.types.Menu):
    """Tripo post-processes of the selected model (a Tripo result or a mesh of your own)."""

    bl_idname = "VIEW3D_MT_tripo"
    bl_label = "Tripo"

    def draw(self, context: bpy.types.Context) -> None:
        layout = self.layout
        assert layout is not None
        layout.operator_context = "INVOKE_DEFAULT"  # the dialogs (options and cost) open first
        for item in MENU_OPERATORS:
            if item is None:
                layout.separator()
                continue
            operator, text, icon = item
            layout.operator(operator.bl_idname, text=text, icon=icon)
        layout.separator()  # not a Tripo request: the scene range changes only when asked
        layout.operator(TRIPO_OT_fit_frame_range.bl_idname, text="Fit Frame Range to Animation", icon="PREVIEW_RANGE")


def draw_context_menu(menu: Any, context: bpy.types.Context) -> None:
    """Appended to ``VIEW3D_MT_object_context_menu``: the submenu, for Tripo objects and meshes."""
    ob = context_object(context)
    if not tripo_object(ob) and (ob is None or ob.type not in _OFFERED_TYPES):
        return
    layout = menu.layout
    layout.separator()
    layout.menu(VIEW3D_MT_tripo.bl_idname, icon="FUND")


CLASSES: tuple[type, ...] = (VIEW3D_MT_tripo,)


def register_extra() -> None:
    bpy.types.VIEW3D_MT_object_context_menu.append(draw_context_menu)


def unregister_extra() -> None:
    bpy.types.VIEW3D_MT_object_context_menu.remove(draw_context_menu)
