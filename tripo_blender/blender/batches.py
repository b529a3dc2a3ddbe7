"""Where the results of one batch land: side by side, in one collection, under one "Tripo" collection.

Why: twelve crates sent from the console's loop used to land on top of each other at the cursor,
each in a new top-level collection. Stacked, they cannot be told apart; a dozen top-level
collections bury the artist's own in the Outliner; and Blender's view-layer update grows with
every collection, so the hundredth landing cost twice the importer's time (issue 25).

* **A batch** is the jobs sent in one go, recorded at submit as ``JobSpec.meta["batch"]``
  (:data:`BATCH_META`) by the runtime: a console loop, a script, one operator — every submit
  until Blender next runs the pump, i.e. until the artist could have done anything else — and
  the console's ``batch()``, which holds its batch open while it pumps. Kept in the journal, so
  the rest of a batch still lands beside the first after a restart. A job without one (a journal
  of an earlier version) is a batch of its own.
* **One "Tripo" collection** per scene, found by its tag (:data:`RESULTS_PROP`, so renaming it is
  fine), made once and linked under the scene's collection; a **collection per batch** inside it,
  also found by tag (:data:`BATCH_PROP`), named after its first result ("crate 1", then once
  "crate 1 and more": renaming a collection costs a view-layer re-sync, so it is not renamed
  with every result). A post-process takes its source's place (:mod:`.placement`) and leaves
  the batch's collection; an emptied batch collection, and an emptied "Tripo", are removed.
* **Side by side**: the first result lands at the cursor as asked; the next ones of the batch that
  were asked at the same spot go in rows along +X from there, each row :data:`ROW_LENGTH` long,
  the next row below it in top view (-Y), with a gap from each result's own bounds. A result
  asked at another spot (a script's ``location=``) lands there as asked. The row's state is kept
  on the batch collection (:data:`ROW_PROP`), so a landing reads no other result's geometry: its
  cost does not grow with the batch.

The main thread only. No undo step (the landing pushes one for everything).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any, cast

import bpy
from mathutils import Matrix, Vector

from ..rules.landing_plan import BATCH_META, batch_of
from .importer import ImportResult, tag_value

__all__ = [
    "BATCH_META",
    "RESULTS_NAME",
    "RESULTS_PROP",
    "BATCH_PROP",
    "ROW_PROP",
    "ROW_LENGTH",
    "batch_of",
    "is_ours",
    "results_collection",
    "batch_collection",
    "release",
    "line_up",
    "world_bounds",
]

log = logging.getLogger(__name__)

#: The parent collection of every result that lands as something new.
RESULTS_NAME = "Tripo"
#: On the "Tripo" collection: found by this, not by its name (the artist may rename it).
RESULTS_PROP = "tripo_results"
#: On a batch's collection: the batch id.
BATCH_PROP = "tripo_batch"
#: On a batch's collection: where its next result goes (see :func:`line_up`).
ROW_PROP = "tripo_row"
#: Results per row before the next row starts.
ROW_LENGTH = 10
#: The gap between neighbours: this share of the larger footprint of the two, at least :data:`MIN_GAP`.
GAP_SHARE = 0.25
MIN_GAP = 0.1
#: Two landing spots closer than this are the same spot (the cursor stored as floats).
SAME_SPOT = 1e-4


def is_ours(collection: bpy.types.Collection) -> bool:
    """Whether ``collection`` is the "Tripo" collection or a batch's (named after results, not the artist's)."""
    return bool(tag_value(collection, RESULTS_PROP)) or bool(tag_value(collection, BATCH_PROP))


def results_collection(scene: bpy.types.Scene, *, create: bool = True) -> bpy.types.Collection | None:
    """The scene's "Tripo" collection; made and linked under the scene's collection if missing."""
    for child in scene.collection.children:
        if tag_value(child, RESULTS_PROP):
            return child
    if not create:
        return None
    made = bpy.data.collections.new(RESULTS_NAME)  # "Tripo.001" if the artist has a "Tripo": theirs stays
    made[RESULTS_PROP] = True
    scene.collection.children.link(made)
    return made


def batch_collection(scene: bpy.types.Scene, batch: str, name: str) -> bpy.types.Collection:
    """The collection of ``batch`` in the scene's "Tripo" collection; a new one named ``name`` if none."""
    parent = results_collection(scene)
    assert parent is not None  # create=True
    for child in parent.children:
        if tag_value(child, BATCH_PROP) == batch:
            return child
    made = bpy.data.collections.new(name or RESULTS_NAME)
    made[BATCH_PROP] = batch
    parent.children.link(made)
    return made


def _empty(collection: bpy.types.Collection) -> bool:
    return not collection.objects and not collection.children


def release(collection: bpy.types.Collection, scene: bpy.types.Scene | None = None) -> None:
    """Remove ``collection`` if nothing is left in it, and the scene's "Tripo" if that emptied it."""
    if not _empty(collection):
        return
    bpy.data.collections.remove(collection)
    scene = scene if scene is not None else bpy.context.scene
    parent = results_collection(scene, create=False) if scene is not None else None
    if parent is not None and _empty(parent):
        bpy.data.collections.remove(parent)


# --------------------------------------------------------------------------- side by side


def _world_matrix(ob: bpy.types.Object, known: dict[str, Matrix]) -> Matrix:
    """``ob``'s world matrix from its own and its parents' transforms, without a depsgraph update
    (a view-layer update costs more than the landing's own work in a full scene). Bone parents are
    taken in their rest pose; constraints and drivers are left out (a landing just made them)."""
    if ob.name in known:
        return known[ob.name]
    matrix = ob.matrix_basis
    parent = ob.parent
    if parent is not None:
        above = _world_matrix(parent, known)
        bones = cast(bpy.types.Armature, parent.data).bones if parent.type == "ARMATURE" else None
        if ob.parent_type == "BONE" and bones is not None and ob.parent_bone in bones:
            bone = bones[ob.parent_bone]
            above = above @ bone.matrix_local @ Matrix.Translation((0.0, bone.length, 0.0))
        matrix = above @ ob.matrix_parent_inverse @ matrix
    known[ob.name] = matrix
    return matrix


def world_bounds(objects: Iterable[bpy.types.Object]) -> tuple[Vector, Vector]:
    """The world-space box around ``objects`` (their own bounds: a mesh's, an armature's bones'; an
    Empty counts as its origin), computed as :func:`_world_matrix` says."""
    known: dict[str, Matrix] = {}
    points = [_world_matrix(ob, known) @ Vector(corner) for ob in objects for corner in ob.bound_box]
    if not points:  # nothing measured: a point at the origin
        return Vector(), Vector()
    return (
        Vector([min(p[axis] for p in points) for axis in range(3)]),
        Vector([max(p[axis] for p in points) for axis in range(3)]),
    )


def _gap(size: float, previous: float) -> float:
    return max(MIN_GAP, GAP_SHARE * max(size, previous))


def _same_spot(a: Sequence[float], b: Sequence[float]) -> bool:
    return all(abs(float(x) - float(y)) <= SAME_SPOT for x, y in zip(a, b))


_ROW_KEYS = {
    "count": int,
    "spot": list,
    "first": str,
    "start": float,
    "right": float,
    "row_y": float,
    "bottom": float,
    "size": float,
}


def _row(collection: bpy.types.Collection) -> dict[str, Any] | None:
    """The batch's row state, or None: no result lined up yet, or the property was edited into
    something else (the row then starts again at the spot)."""
    state = tag_value(collection, ROW_PROP)
    row = state.to_dict() if hasattr(state, "to_dict") else None
    if not isinstance(row, dict):
        return None
    for key, kind in _ROW_KEYS.items():
        value = row.get(key)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            row[key] = value = float(value)
        if not isinstance(value, kind):
            return None
    return row if len(row["spot"]) == 3 else None


def _rename(collection: bpy.types.Collection, name: str) -> None:
    """Name ``collection`` ``name``, or "``name`` 2", "``name`` 3"… when another collection has it
    (never Blender's "….001")."""
    candidate, number = name, 2
    while (other := bpy.data.collections.get(candidate)) is not None and other != collection:
        candidate, number = f"{name} {number}", number + 1
    collection.name = candidate


def line_up(result: ImportResult, collection: bpy.types.Collection, spot: Sequence[float]) -> None:
    """Put ``result`` (just landed at ``spot``) beside the results of its batch already there, and
    name the batch's collection after its results.

    The first result of a batch stays where it landed and starts the row; a result asked at
    another spot than the batch's first stays at its spot (and is not part of the row).
    """
    low, high = world_bounds(result.objects)
    size = max(high.x - low.x, high.y - low.y)
    row = _row(collection)
    if row is None:
        _rename(collection, result.root.name)
        collection[ROW_PROP] = {
            "count": 1,
            "spot": list(spot),
            "first": result.root.name,
            "start": low.x,
            "right": high.x,
            "row_y": float(result.root.location.y),
            "bottom": low.y,
            "size": size,
        }
        return
    if not _same_spot(row["spot"], spot):
        return
    gap = _gap(size, row["size"])
    if row["count"] % ROW_LENGTH == 0:  # a new row, below the lowest point so far
        offset = Vector((row["start"] - low.x, row["bottom"] - gap - high.y, 0.0))
        row["row_y"] = float(result.root.location.y + offset.y)
    else:
        offset = Vector((row["right"] + gap - low.x, row["row_y"] - result.root.location.y, 0.0))
    result.root.location += offset
    row.update(count=row["count"] + 1, right=high.x + offset.x, bottom=min(row["bottom"], low.y + offset.y), size=size)
    collection[ROW_PROP] = row
    if row["count"] == 2:  # once: a rename re-syncs the view layer, the cost this module is here to avoid
        _rename(collection, f"{row['first']} and more")
    log.debug("lined up %s in %s at %s", result.root.name, collection.name, result.root.location.to_tuple())
