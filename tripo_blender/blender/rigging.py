"""Land rig and retarget results on the user's armature.

Main thread only; bpy only. Two entry points:

:func:`land_rig` (``animate_rig`` result, GLB or FBX)
    Makes the import *one* armature with its skinned meshes parented to it (and folds away the
    placement Empty the importer adds when a file has several roots). A rig result is about the
    skeleton, so importer noise is dropped: the muted "stash" NLA tracks the glTF importer makes
    and every action that moves no bone (a bind-pose take). **Decision:** an action that does move
    bones is *kept* and landed exactly like a retarget animation (named, own NLA track, fake user,
    first one active): the user paid for it, and deleting real motion cannot be undone later.

:func:`apply_retarget` (``animate_retarget`` result)
    The retarget file holds a *copy* of the model with one animation per requested preset — or
    the task answered one file per animation (``output.model_urls``), each a copy with one
    animation, in request order: their animations are taken together, as if from one file. The
    user already has that model (rigged earlier), so the animations are moved to the user's
    armature and the copies are deleted. One action per animation, named after its preset
    (``preset:walk`` -> ``walk``; the landing passes the character: "Knight – walk", so actions
    of several characters stay apart in the Action editor), each in its own NLA track, the first one active and
    the others muted; the scene's frame range is left as the artist set it. A later retarget on the same armature
    *adds* actions ("walk" again becomes "walk.001"): the user's actions are never replaced or deleted.

Conventions shared by both (and why):

* Every landed action starts at frame :data:`START_FRAME` (Blender's default first frame). glTF
  actions start at 0 and FBX actions at 1; shifting the keys makes NLA strips, the active action
  and the scene range agree whatever the format.
* Constant object-level transform channels are removed from landed actions: FBX takes key the
  armature *object* at its position in the source file, which would snap the user's placed
  armature back to the origin whenever the action plays.
* ``use_fake_user = True`` so actions survive save/reload even when no track uses them.
* 4.4+ slotted actions: the slot is assigned explicitly (otherwise nothing animates) and renamed
  after the armature so Blender's automatic slot choice works when the user switches actions.
* Animation names come from the importers: the glTF importer names its stash NLA tracks after
  the glTF animations and creates them in reverse file order; the FBX importer names actions
  ``<object>|<take>[|<layer>]`` and creates them in file order (both verified on 4.2 and 5.0,
  and pinned by tests). Names that match a requested preset get that preset; the others get
  the remaining presets in request order.

Both functions accept ``undo_message``: when given, the whole landing is pushed as one undo
step (``bpy.ops`` calls from Python push none by themselves).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import bpy

from ..rules.tags import JOB_ID_PROP, TASK_ID_PROP
from . import actions as act
from .batches import release
from .importer import ImportResult, file_matrix, push_undo, set_file_matrix
from .naming import action_name
from .placement import delete_objects, parent_keep_world

log = logging.getLogger(__name__)

#: Frame on which every landed action starts (Blender's default scene start).
START_FRAME = 1

_DUPLICATE_SUFFIX = re.compile(r"\.\d{3,}$")
_FBX_LAYER_SUFFIX = re.compile(r"\|(base)?\s*layer\s*\d*$", re.IGNORECASE)


class RigLandingFailed(RuntimeError):
    """The rig result cannot be used as a rig; the message says why."""


class RetargetFailed(RuntimeError):
    """The retarget result cannot be applied to the armature; the message says why."""


@dataclass
class SourceAnimation:
    """One skeletal animation found in an import: the action, its bone slot and its file name."""

    action: bpy.types.Action
    slot: Any
    name: str


# --------------------------------------------------------------------------- names


def preset_action_name(preset: str) -> str:
    """The action name for a preset: ``preset:walk`` -> ``walk``, ``preset:quadruped:walk`` -> ``quadruped_walk``."""
    return preset.strip().removeprefix("preset:").replace(":", "_")


def _key(name: str) -> str:
    """Comparison key: case, separators and Blender's ``.001`` suffixes do not matter."""
    base = _DUPLICATE_SUFFIX.sub("", name.strip())
    return re.sub(r"[\s:\-]+", "_", base).lower()


def _clean_action_name(name: str, owners: Iterable[str]) -> str:
    """The animation name inside an importer-made action name.

    ``Armature|walk|BaseLayer`` -> ``walk`` (FBX), ``walk_root.001`` -> ``walk`` (glTF on 4.2).
    """
    for owner in sorted(owners, key=len, reverse=True):
        if name.startswith(owner + "|"):
            rest = _FBX_LAYER_SUFFIX.sub("", name[len(owner) + 1 :])
            return rest.rsplit("|", 1)[-1] or name
        if name.endswith("_" + owner):
            return name[: -len(owner) - 1] or name
    return _DUPLICATE_SUFFIX.sub("", name)


def _matches(name: str, preset: str) -> bool:
    """Whether an animation called ``name`` is the one made for ``preset``."""
    wanted = {_key(preset_action_name(preset)), _key(preset.rsplit(":", 1)[-1])}
    candidates = {_key(name), *(_key(part) for part in name.split("|"))}
    return bool(wanted & candidates)


def assign_preset_names(names: Sequence[str], presets: Sequence[str]) -> list[str]:
    """Final action names for animations ``names`` (file order) retargeted for ``presets``.

    An animation whose name matches a preset gets the preset's name; animations that match none
    take the still unused presets in request order; any beyond that keep their own name.
    """
    result: list[str | None] = [None] * len(names)
    unused = list(presets)
    for i, name in enumerate(names):
        preset = next((p for p in unused if _matches(name, p)), None)
        if preset is not None:
            result[i] = preset_action_name(preset)
            unused.remove(preset)
    for i, name in enumerate(names):
        if result[i] is None:
            result[i] = preset_action_name(unused.pop(0)) if unused else name
    return [n for n in result if n is not None]


# --------------------------------------------------------------------------- finding animations


def _armatures(objects: Iterable[bpy.types.Object]) -> list[bpy.types.Object]:
    return [ob for ob in objects if ob.type == "ARMATURE"]


def bone_names(armature: bpy.types.Object) -> set[str]:
    """Names of the bones of an armature object (empty for anything else)."""
    data = armature.data
    return {b.name for b in data.bones} if isinstance(data, bpy.types.Armature) else set()


def source_animations(imported: ImportResult) -> list[SourceAnimation]:
    """The skeletal animations of an import, in file order, with their names in the file."""
    owners = [ob.name for ob in imported.objects]
    stash = _gltf_stash(imported.objects)
    found: list[tuple[tuple[int, int], SourceAnimation]] = []
    for action in imported.actions:
        slots = act.bone_slots(action)
        if not slots:
            continue
        if action.name in stash:
            track_name, index = stash[action.name]
            order, name = (0, -index), track_name
        else:
            order, name = (1, action.session_uid), _clean_action_name(action.name, owners)
        found.append((order, SourceAnimation(action, slots[0], name)))
    found.sort(key=lambda item: item[0])
    return [anim for _, anim in found]


def _gltf_stash(objects: Iterable[bpy.types.Object]) -> dict[str, tuple[str, int]]:
    """Action name -> (glTF animation name, track index) from the glTF importer's muted tracks.

    The glTF importer stashes each animation in a muted track named after the animation,
    adding tracks in reverse file order; FBX imports have no such tracks.
    """
    found: dict[str, tuple[str, int]] = {}
    for ob in objects:
        anim = ob.animation_data
        if anim is None:
            continue
        for index, track in enumerate(anim.nla_tracks):
            if not track.mute:
                continue
            for strip in track.strips:
                if strip.action is not None:
                    found.setdefault(strip.action.name, (track.name, index))
    return found


# --------------------------------------------------------------------------- landing actions


def _tags_of(imported: ImportResult) -> dict[str, Any]:
    """The Tripo ids of the import, copied onto the actions so they can be traced to their task."""
    tags = {}
    for key in (TASK_ID_PROP, JOB_ID_PROP):
        try:
            tags[key] = imported.root[key]
        except KeyError:
            continue
    return tags


def _prepare(anim: SourceAnimation, target: bpy.types.Object, tags: dict[str, Any], drop_other_slots: bool) -> None:
    """Make one imported action fit to live on ``target`` (see the module docstring)."""
    action, slot = anim.action, anim.slot
    if drop_other_slots:
        act.remove_other_slots(action, slot)
    act.remove_static_object_transforms(action, slot)
    start, _ = act.action_frame_range(action)
    act.shift_action(action, START_FRAME - start)
    action.use_fake_user = True
    for key, value in tags.items():
        action[key] = value
    act.name_slot_after(slot, target)


def _rename_all(animations: Sequence[SourceAnimation], names: Sequence[str]) -> None:
    """Rename via temporary names, so two imported actions can swap names without ``.001``."""
    for anim in animations:
        anim.action.name = f"tripo-landing-{anim.action.session_uid}"
    for anim, name in zip(animations, names):
        anim.action.name = name


def _keep_current_action(target: bpy.types.Object) -> None:
    """Protect the armature's current action before another one becomes active.

    If nothing else uses it, replacing it would leave it with no user, and Blender would drop
    it on save: give it a fake user instead (never destroy the user's animation).
    """
    anim = target.animation_data
    current = anim.action if anim is not None else None
    if current is not None and not current.use_fake_user and current.users <= 1:
        current.use_fake_user = True


def land_actions(
    target: bpy.types.Object,
    animations: Sequence[SourceAnimation],
    names: Sequence[str],
    *,
    tags: dict[str, Any] | None = None,
    scene: bpy.types.Scene | None = None,
    drop_other_slots: bool = True,
    fit_frame_range: bool = False,
) -> list[bpy.types.Action]:
    """Put ``animations`` on ``target`` as named, stacked, fake-user actions; the first becomes active.

    Tracks are added on top of the existing ones, the first animation topmost. Only the active
    action's track plays: the others are muted, so the character shows one motion rather than
    a blend of all of them (unmute a track in the NLA editor to mix). The scene's frame range is
    the artist's: it is fitted to the active action only when ``fit_frame_range`` asks for it.
    ``drop_other_slots`` (4.4+) removes the slots that animated other objects of the source file
    (e.g. its mesh's shape keys); keep them when those objects stay in the scene.
    """
    if not animations:
        return []
    for anim in animations:
        _prepare(anim, target, tags or {}, drop_other_slots)
    _rename_all(animations, names)
    first = animations[0]
    for anim in reversed(animations):
        track = act.push_to_nla(target, anim.action, anim.slot, start=START_FRAME)
        track.mute = anim is not first
    _keep_current_action(target)
    act.assign_action(target, first.action, first.slot)
    if fit_frame_range:
        act.fit_scene_to_action(act.context_scene(scene), first.action)
    return [anim.action for anim in animations]


# --------------------------------------------------------------------------- rig results


def _skinned_meshes(
    objects: Iterable[bpy.types.Object], armatures: Sequence[bpy.types.Object]
) -> dict[bpy.types.Object, list[bpy.types.Object]]:
    """Armature -> meshes its Armature modifiers point at (modifiers without a target count for none)."""
    found: dict[bpy.types.Object, list[bpy.types.Object]] = {arm: [] for arm in armatures}
    for ob in objects:
        if ob.type != "MESH":
            continue
        for mod in ob.modifiers:
            if isinstance(mod, bpy.types.ArmatureModifier) and mod.object in found:
                found[mod.object].append(ob)
                break
    return found


def _main_armature(imported: ImportResult) -> bpy.types.Object:
    """The armature of a rig result: the one deforming the most meshes (then: most bones)."""
    armatures = _armatures(imported.objects)
    if not armatures:
        raise RigLandingFailed("the rig result contains no armature; it cannot be animated")
    skinned = _skinned_meshes(imported.objects, armatures)
    armatures.sort(key=lambda arm: (len(skinned[arm]), len(bone_names(arm))), reverse=True)
    if len(armatures) > 1:
        log.warning("rig result has %d armatures; using %s", len(armatures), armatures[0].name)
    return armatures[0]


def _attach_meshes(armature: bpy.types.Object, objects: Iterable[bpy.types.Object]) -> None:
    """Parent every mesh the armature deforms (or an untargeted Armature modifier) to it.

    The world transform of each mesh is kept, so nothing moves on screen.
    """
    for ob in objects:
        if ob.type != "MESH":
            continue
        mods = [m for m in ob.modifiers if isinstance(m, bpy.types.ArmatureModifier)]
        if not mods or any(m.object not in (None, armature) for m in mods):
            continue
        for mod in mods:
            mod.object = armature
        if ob.parent != armature:
            parent_keep_world(ob, armature)


def _fold_placement_empty(imported: ImportResult, armature: bpy.types.Object) -> None:
    """Remove the importer's grouping Empty once the armature is its only child.

    The importer adds an Empty when a file has several roots; after the meshes are parented to
    the armature it groups nothing, and the armature should be the result's root.
    """
    root = imported.root
    if root is armature or root.type != "EMPTY" or list(root.children) != [armature]:
        return
    grouping = file_matrix(root)
    if grouping is not None:  # the armature becomes the root: it inherits the file transform
        set_file_matrix(armature, grouping @ armature.matrix_local)
    parent_keep_world(armature, root.parent)
    imported.objects.remove(root)
    imported.root = armature
    bpy.data.objects.remove(root, do_unlink=True)


def _clear_stash(armature: bpy.types.Object) -> None:
    """Drop the importer's muted stash tracks from a freshly imported armature."""
    anim = armature.animation_data
    if anim is None:
        return
    for track in list(anim.nla_tracks):
        if track.mute:
            anim.nla_tracks.remove(track)


def land_rig(
    imported: ImportResult, *, scene: bpy.types.Scene | None = None, undo_message: str | None = None
) -> bpy.types.Object:
    """Make a rig import one armature with its skinned meshes under it; return the armature.

    Actions without motion are deleted; actions with motion are kept and landed (see the module
    docstring). ``imported.root``/``objects``/``actions`` are updated to what remains.
    """
    armature = _main_armature(imported)
    _attach_meshes(armature, imported.objects)
    _fold_placement_empty(imported, armature)
    found = source_animations(imported)
    animations = [a for a in found if act.moving_bones(a.action, a.slot)]
    static = [a.action for a in found if not act.moving_bones(a.action, a.slot)]
    _clear_stash(armature)
    if armature.animation_data is not None and armature.animation_data.action in static:
        act.assign_action(armature, None)
    act.remove_actions(static)
    landed = land_actions(
        armature, animations, [a.name for a in animations], tags=_tags_of(imported), scene=scene, drop_other_slots=False
    )
    if not landed and armature.animation_data is not None and not armature.animation_data.nla_tracks:
        armature.animation_data_clear()
    imported.actions = [a for a in imported.actions if a not in static]
    if undo_message:
        push_undo(undo_message)
    log.info(
        "landed rig %s: %d bones, %d animations kept, %d static removed",
        armature.name,
        len(bone_names(armature)),
        len(landed),
        len(static),
    )
    return armature


# --------------------------------------------------------------------------- retarget results


def _check_same_rig(target: bpy.types.Object, animations: Sequence[SourceAnimation]) -> None:
    """Refuse animations for another skeleton: they would key bones the armature does not have."""
    bones = bone_names(target)
    animated = set().union(*(act.animated_bones(a.action, a.slot) for a in animations))
    if not animated & bones:
        sample = ", ".join(sorted(animated)[:5])
        raise RetargetFailed(
            f"the animations are for another skeleton (bones {sample}…); {target.name} has none of them"
        )
    missing = animated - bones
    if missing:
        log.warning(
            "%d animated bones are missing on %s: %s", len(missing), target.name, ", ".join(sorted(missing)[:5])
        )


def discard_import(imported: ImportResult, kept: Sequence[bpy.types.Action] = ()) -> None:
    """Delete an import: the retarget file's copy of the model, its data, its actions but ``kept``,
    and its collection once nothing else is in it (:func:`.batches.release`)."""
    others = [a for a in imported.actions if a not in kept]
    delete_objects(imported.objects)
    act.remove_actions(others)
    release(imported.collection)


def apply_retarget(
    target_armature: bpy.types.Object,
    imported: ImportResult | Sequence[ImportResult],
    preset_names: Sequence[str],
    *,
    scene: bpy.types.Scene | None = None,
    undo_message: str | None = None,
    fit_frame_range: bool = False,
    character: str | None = None,
) -> list[bpy.types.Action]:
    """Move the animations of a retarget import onto ``target_armature``; delete the import.

    ``imported`` may be several imports, one per file of a task that answered one file per
    animation (in request order): their animations land together, stacked like those of one file,
    and an animation whose own name matches no preset takes the preset of its place in that order.
    Returns the new actions in file order, the first one active. With ``character`` the actions
    are named "<character> – walk" (:func:`.naming.action_name`), else after the presets alone. Raises
    :class:`RetargetFailed` (with the imports left untouched in their collections, so nothing is lost) when the
    files hold no skeletal animation or animate bones the armature does not have.
    """
    imports = [imported] if isinstance(imported, ImportResult) else list(imported)
    if target_armature.type != "ARMATURE":
        raise RetargetFailed(f"{target_armature.name} is not an armature")
    if any(target_armature in each.objects for each in imports):
        raise RetargetFailed("the target armature is part of the retarget import itself")
    animations = [anim for each in imports for anim in source_animations(each)]
    if not animations:
        raise RetargetFailed("the retarget result contains no skeletal animation")
    _check_same_rig(target_armature, animations)
    names = assign_preset_names([a.name for a in animations], preset_names)
    if character:
        names = [action_name(character, name) for name in names]
    landed = land_actions(
        target_armature, animations, names, tags=_tags_of(imports[0]), scene=scene, fit_frame_range=fit_frame_range
    )
    for each in imports:
        discard_import(each, landed)
    if undo_message:
        push_undo(undo_message)
    log.info("retarget: %s now has %s", target_armature.name, ", ".join(a.name for a in landed))
    return landed
