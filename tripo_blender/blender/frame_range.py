"""One-click "Fit Frame Range" to the active object's action.

Why an operator and not an automatic fit: the scene's frame range belongs to the artist (their
shot, their render range). A retarget used to refit it silently on every landing (250 -> 83 ->
29), which rewrote the scene behind the artist's back. Now landings leave the range alone and
this operator (in the Tripo context menu) fits it only when asked — one undo step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from . import actions as act

__all__ = ["TRIPO_OT_fit_frame_range", "active_action", "CLASSES"]


def active_action(ob: bpy.types.Object | None) -> bpy.types.Action | None:
    """The action ``ob`` plays (its active action), or ``None``."""
    anim = ob.animation_data if ob is not None else None
    return anim.action if anim is not None else None


class TRIPO_OT_fit_frame_range(bpy.types.Operator):
    """Set the scene's start and end frames to the range of the active object's action"""

    bl_idname = "tripo.fit_frame_range"
    bl_label = "Fit Frame Range to Animation"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        if context.scene is None:
            return False
        if active_action(context.active_object) is None:
            cls.poll_message_set("The active object plays no action")
            return False
        return True

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        action = active_action(context.active_object)
        if action is None or context.scene is None:
            self.report({"WARNING"}, "The active object plays no action")
            return {"CANCELLED"}
        act.fit_scene_to_action(context.scene, action)
        scene = context.scene
        self.report({"INFO"}, f"Frame range {scene.frame_start}–{scene.frame_end} ({action.name})")
        return {"FINISHED"}


CLASSES: tuple[type, ...] = (TRIPO_OT_fit_frame_range,)
