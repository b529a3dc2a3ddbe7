"""Action helpers that behave the same on Blender 4.2 (legacy actions) and 4.4+ (slotted actions).

Why this module exists: the animation data model changed twice inside our supported range
(docs/blender-notes.md#importers):

* 4.2: an action holds F-curves directly (``action.fcurves``) and is assigned with
  ``animation_data.action = act``.
* 4.4+: an action has *slots*, each with a channelbag of F-curves. Assigning an action whose slot
  identifier matches neither the object's name nor its last slot leaves ``action_slot`` empty, so
  **nothing animates** (verified) unless the slot is assigned explicitly.
* 5.0: ``Action.fcurves``/``groups``/``id_root`` are gone; F-curves are reached through
  ``bpy_extras.anim_utils.action_get_channelbag_for_slot``.

Everything else in the add-on goes through the functions below and never touches
``action.fcurves`` or ``action.slots`` directly. A "slot" is typed ``Any`` because the 4.2 stubs
(and 4.2 itself) have no ``ActionSlot``; on 4.2 the only slot is ``None``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import bpy
from mathutils import Matrix

#: True on Blender 4.4+ where actions have slots (and 5.0+ where ``Action.fcurves`` is gone).
SLOTTED_ACTIONS: bool = tuple(bpy.app.version) >= (4, 4, 0)

#: Object-level transform channels. In an FBX take they pin the armature object to where it
#: was in the source file (verified on Skeleton.fbx), which would undo the user's placement.
OBJECT_TRANSFORM_PATHS = frozenset(
    {
        "location",
        "rotation_euler",
        "rotation_quaternion",
        "rotation_axis_angle",
        "scale",
        "delta_location",
        "delta_rotation_euler",
        "delta_rotation_quaternion",
        "delta_scale",
    }
)

_BONE_PATH = re.compile(r'^pose\.bones\["((?:[^"\\]|\\.)*)"\]')


def action_slots(action: bpy.types.Action) -> list[Any]:
    """The slots of ``action``: its real slots on 4.4+, ``[None]`` on 4.2 (one implicit slot)."""
    if SLOTTED_ACTIONS:
        return list(getattr(action, "slots"))
    return [None]


def _channelbag(action: bpy.types.Action, slot: Any) -> Any:
    """The channelbag of ``slot`` (4.4+), or None if the slot has no keys yet."""
    from bpy_extras import anim_utils

    getter = getattr(anim_utils, "action_get_channelbag_for_slot")
    return getter(action, slot)


def action_fcurves(action: bpy.types.Action, slot: Any = None) -> list[bpy.types.FCurve]:
    """The F-curves that animate ``slot`` of ``action`` (the first slot when ``slot`` is None).

    On 4.2 ``slot`` is ignored: a legacy action animates exactly one ID.
    """
    if not SLOTTED_ACTIONS:
        return list(getattr(action, "fcurves"))
    if slot is None:
        slots = action_slots(action)
        if not slots:
            return []
        slot = slots[0]
    bag = _channelbag(action, slot)
    return list(bag.fcurves) if bag is not None else []


def remove_fcurve(action: bpy.types.Action, slot: Any, fcurve: bpy.types.FCurve) -> None:
    """Delete one F-curve of ``slot`` (the container differs between 4.2 and 4.4+)."""
    if not SLOTTED_ACTIONS:
        getattr(action, "fcurves").remove(fcurve)
        return
    bag = _channelbag(action, slot)
    if bag is not None:
        bag.fcurves.remove(fcurve)


def remove_other_slots(action: bpy.types.Action, keep: Any) -> None:
    """Drop every slot but ``keep`` (4.4+; no-op on 4.2).

    A glTF animation that moves the armature *and* the mesh's shape keys becomes one action
    with two slots on 4.4+. Once the action is moved to another armature, the other slots
    animate nothing; removing them keeps the action's frame range honest.
    """
    if not SLOTTED_ACTIONS:
        return
    slots = getattr(action, "slots")
    for slot in list(slots):
        if slot != keep:
            slots.remove(slot)


def bone_name(data_path: str) -> str | None:
    """``pose.bones["Hips"].location`` -> ``Hips``; None for non-bone paths."""
    match = _BONE_PATH.match(data_path)
    if match is None:
        return None
    return match.group(1).replace('\\"', '"').replace("\\\\", "\\")


def animated_bones(action: bpy.types.Action, slot: Any = None) -> set[str]:
    """Names of the bones ``slot`` of ``action`` keys (the link between an action and a rig)."""
    names = (bone_name(fc.data_path) for fc in action_fcurves(action, slot))
    return {n for n in names if n is not None}


def bone_slots(action: bpy.types.Action) -> list[Any]:
    """The slots of ``action`` that key pose bones (``[None]`` on 4.2 if it keys any bone).

    An empty list means the action moves no bone, so it cannot be a skeletal animation.
    """
    return [slot for slot in action_slots(action) if animated_bones(action, slot)]


def fcurve_is_constant(fcurve: bpy.types.FCurve, tolerance: float = 1e-6) -> bool:
    """True if every key of ``fcurve`` has the same value (the curve carries no motion)."""
    values = [kp.co[1] for kp in fcurve.keyframe_points]
    if not values:
        return True
    low, high = min(values), max(values)
    return high - low <= tolerance * max(1.0, abs(high), abs(low))


def moving_bones(action: bpy.types.Action, slot: Any = None) -> set[str]:
    """Bones whose keys actually change over ``action`` (used to tell motion from a rest pose)."""
    found = set()
    for fc in action_fcurves(action, slot):
        name = bone_name(fc.data_path)
        if name is not None and not fcurve_is_constant(fc):
            found.add(name)
    return found


def remove_static_object_transforms(action: bpy.types.Action, slot: Any = None) -> int:
    """Delete object-level transform channels that never change; return how many were removed.

    FBX takes key the armature *object's* location/rotation/scale with one constant value: the
    object's placement in the source file. Left in, playing the action would snap the user's
    armature back to that spot. Channels that do change (object-level root motion) are kept.
    """
    removed = 0
    for fc in action_fcurves(action, slot):
        if fc.data_path in OBJECT_TRANSFORM_PATHS and fcurve_is_constant(fc):
            remove_fcurve(action, slot, fc)
            removed += 1
    return removed


def action_frame_range(action: bpy.types.Action) -> tuple[float, float]:
    """First and last frame of ``action`` (its manual range when one is set)."""
    frame_range = action.frame_range
    return float(frame_range[0]), float(frame_range[1])


def shift_action(action: bpy.types.Action, offset: float) -> None:
    """Move every key (and handle) of every slot of ``action`` by ``offset`` frames.

    Why: glTF actions start at frame 0 and FBX actions at 1; shifting them all to start on the
    same frame lets NLA strips, the active action and the scene range agree.
    """
    if offset == 0.0:
        return
    for slot in action_slots(action):
        for fc in action_fcurves(action, slot):
            _shift_fcurve(fc, offset)
    if action.use_frame_range:
        action.frame_end += offset  # end first: start may not pass end
        action.frame_start += offset


def _shift_fcurve(fcurve: bpy.types.FCurve, offset: float) -> None:
    points = fcurve.keyframe_points
    count = len(points)
    for attr in ("co", "handle_left", "handle_right"):
        flat = [0.0] * (2 * count)
        points.foreach_get(attr, flat)
        flat[0::2] = [x + offset for x in flat[0::2]]
        points.foreach_set(attr, flat)
    fcurve.update()


def _leave_tweak_mode(anim: bpy.types.AnimData) -> None:
    """The active action cannot be changed while the NLA is in tweak mode."""
    if anim.use_tweak_mode:
        anim.use_tweak_mode = False


def assign_action(target: bpy.types.Object, action: bpy.types.Action | None, slot: Any = None) -> None:
    """Make ``action`` the active action of ``target``, with its slot on 4.4+.

    ``slot`` defaults to the action's first slot. Without the explicit slot assignment a
    retargeted action (slot ``OBroot.001``) on armature ``root`` would not animate anything.
    """
    anim = target.animation_data or target.animation_data_create()
    _leave_tweak_mode(anim)
    anim.action = action
    if SLOTTED_ACTIONS and action is not None:
        if slot is None:
            slots = action_slots(action)
            slot = slots[0] if slots else None
        setattr(anim, "action_slot", slot)


def name_slot_after(slot: Any, target: bpy.types.ID) -> None:
    """Rename ``slot`` after ``target`` (4.4+), so Blender's automatic slot choice picks it.

    When the user later switches actions in the Action editor, Blender assigns the slot whose
    name matches the object; an imported ``OBroot.001`` slot would match nothing.
    """
    if slot is None or not SLOTTED_ACTIONS:
        return
    try:
        slot.name_display = target.name
    except (AttributeError, RuntimeError, TypeError):  # read-only in some version: cosmetic only
        pass


def push_to_nla(
    target: bpy.types.Object, action: bpy.types.Action, slot: Any = None, *, start: int = 1
) -> bpy.types.NlaTrack:
    """Add one unmuted NLA track named after ``action`` holding one strip that starts at ``start``.

    This is how several animations live on one armature: each in its own track, so the user can
    pick, mix or reorder them in the NLA editor; the track is added on top of existing ones.
    """
    anim = target.animation_data or target.animation_data_create()
    _leave_tweak_mode(anim)
    track = anim.nla_tracks.new()
    track.name = action.name
    track.mute = False
    track.lock = False
    strip = track.strips.new(action.name, int(start), action)
    if SLOTTED_ACTIONS and slot is not None:
        setattr(strip, "action_slot", slot)
    return track


def actions_on(target: bpy.types.Object) -> list[bpy.types.Action]:
    """Actions ``target`` uses: the active one first, then those of its NLA strips, bottom to top."""
    anim = target.animation_data
    if anim is None:
        return []
    found: list[bpy.types.Action] = [anim.action] if anim.action is not None else []
    for track in anim.nla_tracks:
        for strip in track.strips:
            if strip.action is not None and strip.action not in found:
                found.append(strip.action)
    return found


def armature_using(actions: Iterable[bpy.types.Action]) -> bpy.types.Object | None:
    """The armature that uses one of ``actions`` (active or on its NLA tracks): where a retarget
    put its actions. None when no armature does."""
    wanted = set(actions)
    if not wanted:
        return None
    return next((ob for ob in bpy.data.objects if ob.type == "ARMATURE" and wanted.intersection(actions_on(ob))), None)


def context_scene(scene: bpy.types.Scene | None = None) -> bpy.types.Scene:
    """``scene``, or the context's scene (there is always one outside file loading)."""
    found = scene or bpy.context.scene
    if found is None:
        raise RuntimeError("there is no active scene")
    return found


def fit_scene_to_action(scene: bpy.types.Scene, action: bpy.types.Action) -> None:
    """Set the scene's start/end frames so playback covers exactly ``action``.

    The current frame is moved to the start only if it falls outside the new range.
    """
    start, end = action_frame_range(action)
    first = math.floor(start + 1e-6)
    last = max(first, math.ceil(end - 1e-6))
    scene.frame_start = first
    scene.frame_end = last
    if not first <= scene.frame_current <= last:
        scene.frame_current = first


def bone_matrix_at(armature: bpy.types.Object, bone: str, frame: float, scene: bpy.types.Scene | None = None) -> Matrix:
    """The evaluated pose matrix (armature space) of ``bone`` at ``frame``.

    Reads the *evaluated* object from the depsgraph, so it reflects the active action, the NLA
    and constraints exactly as the viewport would show them.
    """
    whole = math.floor(frame)
    context_scene(scene).frame_set(whole, subframe=frame - whole)
    depsgraph = bpy.context.evaluated_depsgraph_get()
    evaluated = armature.evaluated_get(depsgraph)
    pose = evaluated.pose
    if pose is None:
        raise ValueError(f"{armature.name} has no pose")
    return pose.bones[bone].matrix.copy()


def pose_differs(
    armature: bpy.types.Object,
    bone: str,
    frame_a: float,
    frame_b: float,
    tolerance: float = 1e-4,
    scene: bpy.types.Scene | None = None,
) -> bool:
    """True if ``bone`` is posed differently at ``frame_a`` and ``frame_b`` (i.e. it animates)."""
    a = bone_matrix_at(armature, bone, frame_a, scene)
    b = bone_matrix_at(armature, bone, frame_b, scene)
    return any(abs(a[i][j] - b[i][j]) > tolerance for i in range(4) for j in range(4))


def remove_actions(actions: Iterable[bpy.types.Action]) -> None:
    """Delete actions (skipping ones already gone)."""
    for action in list(actions):
        try:
            bpy.data.actions.remove(action)
        except ReferenceError:
            continue
