"""Put a post-processed result (texture, rig, convert, segment…) where its source object is.

A post-process produces a *new* model for an object that is already in the scene. The user
expects it to show up in the same place: same parent, same transform, same collection(s), and
the old version out of the way. What "out of the way" means is the user's choice (``mode``):

* ``HIDE_SOURCE``: the source hierarchy is hidden in the viewport and in renders, nothing is lost;
* ``KEEP_BOTH``: both stay visible (to compare);
* ``REPLACE``: the source hierarchy is deleted, but only objects tagged as Tripo results are;
  anything else the user parented under it is kept and re-parented to the result, so no user
  data is ever deleted.

The main thread only. One undo step: the caller passes ``undo_message`` (or pushes the step
itself when it does more work as part of the same user action).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import bpy
from mathutils import Matrix

from ..rules.landing_plan import PLACEMENT_MODES, PlacementMode
from .batches import release
from .importer import ImportResult, file_matrix, push_undo, task_id_of

log = logging.getLogger(__name__)


class PlacementRefused(ValueError):
    """The requested placement would destroy something that is not a Tripo result."""


def is_tripo_result(ob: bpy.types.ID) -> bool:
    """True if ``ob`` was created by a Tripo import (it carries the task-id tag)."""
    return task_id_of(ob) is not None


def hierarchy(root: bpy.types.Object) -> list[bpy.types.Object]:
    """``root`` followed by all its descendants."""
    return [root, *root.children_recursive]


def place_like_source(
    result: ImportResult,
    source_root: bpy.types.Object,
    mode: PlacementMode = "HIDE_SOURCE",
    *,
    undo_message: str | None = None,
) -> None:
    """Give ``result`` the place of ``source_root``, then hide, keep or replace the source.

    ``result.collection`` (the import's own, or its batch's, collection) is removed once emptied
    and the field is updated to the source's first collection. Raises :class:`PlacementRefused` before
    changing anything if ``mode`` is ``REPLACE`` and the source is not a Tripo result.
    """
    if mode not in PLACEMENT_MODES:
        raise ValueError(f"unknown placement mode {mode!r}; expected one of {', '.join(PLACEMENT_MODES)}")
    source = hierarchy(source_root)
    source_name = source_root.name  # the object may be deleted below
    if result.root in source:
        raise PlacementRefused("the result is part of the source hierarchy")
    if mode == "REPLACE" and not is_tripo_result(source_root):
        raise PlacementRefused(f"{source_root.name} is not a Tripo result, so it is not deleted; hide it instead")
    result.collection = _move_into_collections_of(result, source_root)
    _copy_placement(source_root, result.root)
    if mode == "HIDE_SOURCE":
        hide_objects(source)
    elif mode == "REPLACE":
        _replace(source, result.root)
    if undo_message:
        push_undo(undo_message)
    log.info("placed %s like %s (%s)", result.root.name, source_name, mode)


def _move_into_collections_of(result: ImportResult, source_root: bpy.types.Object) -> bpy.types.Collection:
    """Link the result's objects to the source's collections only; drop the collection it was
    imported into once emptied (and the "Tripo" collection if that was its last)."""
    targets = list(source_root.users_collection)
    if not targets:  # an object in no collection is not in the scene; keep the result where it is
        return result.collection
    for ob in result.objects:
        for coll in list(ob.users_collection):
            if coll not in targets:
                coll.objects.unlink(ob)
        for coll in targets:
            if ob.name not in coll.objects:
                coll.objects.link(ob)
    if result.collection not in targets:
        release(result.collection)  # the import's (or its batch's) collection, once nothing is left in it
    return targets[0]


def _copy_placement(source: bpy.types.Object, target: bpy.types.Object) -> None:
    """Give ``target`` the parent, parent inverse and local transform of ``source``.

    Copying the parent relation and the local matrices (rather than only the world matrix) keeps
    the result attached the same way: it follows the same parent or bone when that moves.
    """
    target.parent = source.parent
    target.parent_type = source.parent_type
    if source.parent_type == "BONE":
        target.parent_bone = source.parent_bone
    target.matrix_parent_inverse = source.matrix_parent_inverse.copy()
    source_file, target_file = file_matrix(source), file_matrix(target)
    if source_file is None or target_file is None:  # not both imported by us: copy as it is
        target.matrix_basis = source.matrix_basis.copy()
    else:  # the user's change to the source, applied to the result's own file transform
        target.matrix_basis = source.matrix_basis @ source_file.inverted_safe() @ target_file


def hide_objects(objects: Iterable[bpy.types.Object]) -> None:
    """Hide in the viewport (per view layer, as the H key does) and in renders."""
    view_layer = bpy.context.view_layer
    for ob in objects:
        ob.hide_render = True
        if view_layer is not None and ob.name in view_layer.objects:
            ob.hide_set(True, view_layer=view_layer)


def _replace(source: list[bpy.types.Object], result_root: bpy.types.Object) -> None:
    """Delete the tagged part of ``source``; re-parent the user's own objects to the result."""
    doomed = [ob for ob in source if is_tripo_result(ob)]
    doomed_set = set(doomed)
    for ob in source:
        if ob not in doomed_set and ob.parent in doomed_set:
            parent_keep_world(ob, result_root)
            log.info("kept %s (not a Tripo result) and parented it to %s", ob.name, result_root.name)
    delete_objects(doomed)


def parent_keep_world(ob: bpy.types.Object, parent: bpy.types.Object | None) -> None:
    """Parent ``ob`` to ``parent`` (object parenting) without moving it on screen.

    World matrices are only recomputed by a depsgraph update, and the parent may have just been
    moved, so the view layer is updated first; otherwise the child would jump.
    """
    view_layer = bpy.context.view_layer
    if view_layer is not None:
        view_layer.update()
    world = ob.matrix_world.copy()
    ob.parent = parent
    ob.parent_type = "OBJECT"
    ob.matrix_parent_inverse = Matrix.Identity(4)
    ob.matrix_world = world


def delete_objects(objects: Iterable[bpy.types.Object]) -> None:
    """Delete objects, then the data they alone used (mesh/armature, materials, images).

    Data still used by anything else (a linked duplicate, another material) or protected by a
    fake user is left alone, so only what became an orphan through this deletion goes away.
    """
    objects = list(dict.fromkeys(objects))
    candidates = _data_used_by(objects)
    for ob in objects:
        bpy.data.objects.remove(ob, do_unlink=True)
    _remove_orphans(candidates)


def _data_used_by(objects: Iterable[bpy.types.Object]) -> list[bpy.types.ID]:
    """Object data, materials and images the objects reference, in dependency order."""
    found: list[bpy.types.ID] = []
    for ob in objects:
        if ob.data is not None:
            found.append(ob.data)
        for slot in ob.material_slots:
            if slot.material is not None:
                found.append(slot.material)
    for ob in objects:
        materials = getattr(ob.data, "materials", None) or []
        found.extend(m for m in materials if m is not None)
    for mat in [m for m in found if isinstance(m, bpy.types.Material)]:
        if mat.node_tree is not None:
            found.extend(
                n.image
                for n in mat.node_tree.nodes
                if isinstance(n, bpy.types.ShaderNodeTexImage) and n.image is not None
            )
    return list(dict.fromkeys(found))


def _remove_orphans(candidates: list[bpy.types.ID]) -> None:
    """Remove candidates nobody uses any more; repeat, since each removal frees the next level."""
    pending = list(candidates)
    while pending:
        orphans = [d for d in pending if d.users == 0 and not d.use_fake_user]
        if not orphans:
            return
        pending = [d for d in pending if not any(d is o for o in orphans)]
        bpy.data.batch_remove(orphans)
