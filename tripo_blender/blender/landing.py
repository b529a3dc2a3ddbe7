"""The pump's import step: a finished job's result lands in the scene as its plan says.

What a result does — its route, files, name, batch, location, tags, source, placement and undo
message — is decided once, without Blender, by :func:`..rules.landing_plan.plan_landing` (see
that module for the routes and why). This module only executes a :class:`~..rules.landing_plan.LandingPlan`:
it imports, sets up, places, names and tags, and pushes the one undo step; it asks no question
about kinds, task types or ``JobSpec.meta`` of its own. What each route does in the scene:

* **NEW / NEW_RIG** — generations and followed tasks (and a post-process with no source): into
  the collection of its batch under the "Tripo" collection, at ``meta.location`` (the 3D cursor
  when it was asked for), beside the results of its batch already there (:mod:`.batches`). A rig
  is made one armature with its skinned mesh (:func:`.rigging.land_rig`), what a retarget
  animates later; a task followed by id that answered one file per animation lands every file,
  each as a character of its own;
* **IN_PLACE** — post-processes (texture, convert, segment, complete, low poly, UV, rig — a rig
  set up as above — and the retired refine/stylize of journals written before apiv3): the new
  model takes the source's place (:func:`.placement.place_like_source`, ``meta.placement``,
  default ``HIDE_SOURCE``); a source made from a mesh of the user's is found by its uid;
* **RETARGET** (``retarget_animation``): the animations go onto the *existing* armature of the
  rigged model (``meta.target_armature``, else found by the rig task's tag) with
  :func:`.rigging.apply_retarget`; the file's copy of the character is deleted, so a model never
  gets a second character and a later retarget adds more actions to the same armature. A task
  that answered one file per animation (``model``, ``model_2``…) lands the same way: every file
  is imported and all their animations go onto that one armature;
* **IMAGES** (``text_to_image``, ``image_to_multiview``: the generate panel's "Image first"):
  Blender images, no object (:mod:`.concept_images`); **DEPTH**: the map as an image and an
  upright plane it displaces (:mod:`.depth_landing`); **VIEWS** (``edit_multiview``): the edited
  views in place of the images of the views they edit (:mod:`.view_sets`);
* **SPLAT** (``image_to_splat``, and a followed task that delivered a ``splat``): one point cloud at
  ``meta.location`` (:mod:`.splat_landing`);
* a conversion asked for a result this Blender could not decode (:mod:`..jobs.stand_in`) lands
  as that result would have: its name, its place, its tags.

Rules that hold for all of them, and why:

* **One undo step per landing**: the pieces (import, rig set-up, placement) push none; the
  landing pushes one at the end, so Ctrl+Z takes back exactly what appeared.
* **A paid result is never thrown away**: when the source object was deleted meanwhile, or the
  armature is gone, or the rig/retarget set-up refuses the file, the result is still imported
  as it is (at the cursor, beside its batch like a new result) and the job's note says what happened.
* **Files Blender cannot import** (3MF; route SAVED) end the job *done*, with the file's path in
  the note (the row's Folder button shows it): the user asked for that file.
* The result's objects carry the facts the context menu needs later (:mod:`..rules.tags`): task type,
  creation time, rig spec/format, part names, model version.
* **Named for what it is** (:mod:`.naming`): the root after the job's character and the step
  ("a small cat statue", "Knight (textured)", "Knight (rigged)", "Knight (FBX)", "Knight parts"),
  actions "Knight – walk"; the names are given before the undo step is pushed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bpy

from ..jobs import Job
from ..jobs.stand_in import STAND_IN_FORMAT
from ..rules.landing_plan import LOCAL_SOURCE, LandingPlan, Route, model_file, model_files, plan_landing
from ..rules.tags import PART_NAME_PROP, strip_duplicate_suffix
from .batches import batch_collection, line_up, release
from .concept_images import land_images
from .depth_landing import land_depth_plane
from .importer import (
    ImportFailed,
    ImportOptions,
    ImportResult,
    can_import,
    cursor_location,
    evaluate,
    import_result,
    push_undo,
    task_id_of,
)
from .naming import character_of, name_result
from .placement import PlacementRefused, place_like_source
from .rigging import RetargetFailed, RigLandingFailed, apply_retarget, discard_import, land_rig
from .sources import source_of
from .splat_landing import land_splat
from .uploads import object_with_uid, remember
from .view_sets import land_edited_views
from .windows import main_window_override

__all__ = [
    "Landing",
    "import_job",
    "model_file",
    "model_files",
    "LOCAL_SOURCE",
]

log = logging.getLogger(__name__)


@dataclass
class Landing:
    """What a landing left in the scene: the job's own objects and a note for the job row."""

    objects: list[bpy.types.Object] = field(default_factory=list)
    note: str = ""


def import_job(job: Job, files: Mapping[str, str], options: ImportOptions) -> Landing:
    """Land ``job``'s downloaded result in the scene: plan it (:func:`..rules.landing_plan.plan_landing`),
    then execute the plan (see the module docstring).

    Raises :class:`ImportFailed` when there is nothing to import or Blender refuses the file
    (nothing is left in the scene then), :class:`.importer.MissingDecoder` before trying when this
    Blender cannot decode it.
    """
    plan = plan_landing(job, files, importable=can_import)
    landing = _ROUTES[plan.route](plan, options)
    for original in reversed(plan.stands_for):  # a conversion landed in place of the result it stands for
        landing.note = " ".join(
            n for n in (f'Landed in place of "{original}" (as {STAND_IN_FORMAT}).', landing.note) if n
        )
    return landing


def _push_undo(plan: LandingPlan) -> None:
    """The end of a landing: the view layer updated once for everything it changed
    (:func:`.importer.evaluate`), then its one undo step."""
    evaluate()
    if plan.undo_message is not None:
        with main_window_override():
            push_undo(plan.undo_message)


def _land_splat(plan: LandingPlan, options: ImportOptions) -> Landing:
    """A Gaussian splat (:mod:`.splat_landing`): one point cloud at the plan's location."""
    splat = land_splat(plan.models[0], name=plan.name, tags=plan.tags, location=plan.location)
    _push_undo(plan)
    return Landing([splat.object], splat.note)


def _land_depth(plan: LandingPlan, options: ImportOptions) -> Landing:
    """The depth map as an image, and a plane it displaces."""
    (image, *_) = land_images(plan.job, plan.files)
    with main_window_override():
        plane = land_depth_plane(image, name=plan.name, batch=plan.batch, tags=plan.tags, location=plan.location)
    _push_undo(plan)
    return Landing([plane], f"Depth map {image.name}, and a plane it displaces")


def _land_images(plan: LandingPlan, options: ImportOptions) -> Landing:
    """ "Image first": Blender images for the panel, no object."""
    images = land_images(plan.job, plan.files)
    _push_undo(plan)
    return Landing(note=f"Image{'s' if len(images) > 1 else ''} {', '.join(i.name for i in images)}")


def _land_views(plan: LandingPlan, options: ImportOptions) -> Landing:
    """Edited views: in place of the views they edit (:mod:`.view_sets`)."""
    edited = land_edited_views(plan.job, plan.files, plan.views_task)
    _push_undo(plan)
    return Landing(note=edited.note)


def _land_nothing(plan: LandingPlan, options: ImportOptions) -> Landing:
    raise ImportFailed("the job downloaded no model file to import")


def _land_saved(plan: LandingPlan, options: ImportOptions) -> Landing:
    """A file this Blender has no importer for: kept where it is, and the note says where."""
    where = Path(plan.models[0])
    log.info("Job %s: %s has no importer in this Blender; kept at %s", plan.job.id, where.suffix, where)
    return Landing(note=f"Saved {where.name} (Blender cannot import {where.suffix} files) in {where.parent}")


def _import(plan: LandingPlan, path: str, options: ImportOptions) -> ImportResult:
    """Import one model file of the plan into its batch's collection, at its location, tagged —
    without an undo step of its own (the landing pushes one for everything). Raises
    :class:`ImportFailed` when Blender refuses the file (a batch collection made for it is
    removed again)."""
    with main_window_override():
        scene = bpy.context.scene
        if scene is None:
            raise ImportFailed("there is no active scene to import into")
        collection = batch_collection(scene, plan.batch, plan.name)
        try:
            result = import_result(
                path,
                name=plan.name,
                tags=plan.tags,
                location=plan.location,
                collection=collection,
                options=options,
                undo_message=None,
            )
        except BaseException:
            release(collection, scene)
            raise
    if plan.tag_parts:  # each mesh of a parts result gets its part name (the importer named it after the node)
        for ob in result.objects:
            if ob.type == "MESH":
                ob[PART_NAME_PROP] = strip_duplicate_suffix(ob.name)
    return result


def _beside_batch(plan: LandingPlan, result: ImportResult) -> None:
    """A result that lands as something new goes beside its batch's earlier results (:func:`.batches.line_up`)."""
    line_up(result, result.collection, plan.location or cursor_location())


def _arrive_new(plan: LandingPlan, result: ImportResult) -> None:
    """Name a new result as the plan says (a generation after its job, a followed task after the
    task: :mod:`.naming`) and put it beside its batch (which names the batch's collection)."""
    name_result(result.root, result.objects, plan.result_name(), plan.character)
    _beside_batch(plan, result)


def _name_step(plan: LandingPlan, result: ImportResult, source: bpy.types.Object | None) -> None:
    """A post-process result is named after the source's character and the step ("Knight (rigged)")."""
    character = character_of(source, plan.character)
    name_result(result.root, result.objects, plan.result_name(character), character)


def _land_new(plan: LandingPlan, options: ImportOptions) -> Landing:
    """A new result, and the further files of a task followed by id that answered one file per
    animation (no armature of ours to put them on): each lands like the first, so nothing paid
    for stays on disk only. Refused by Blender, the first is removed too (all or nothing)."""
    result = _import(plan, plan.models[0], options)
    _arrive_new(plan, result)
    try:
        further = _import_each(plan, plan.models[1:], options)
    except BaseException:
        discard_import(result)
        raise
    for each in further:
        _arrive_new(plan, each)
    _push_undo(plan)
    return Landing(
        [*result.objects, *(ob for each in further for ob in each.objects)],
        f"Tripo answered one file per animation: imported all {len(further) + 1}, each as a character of its own."
        if further
        else "",
    )


def _land_new_rig(plan: LandingPlan, options: ImportOptions) -> Landing:
    """A rig with no source in the scene (followed by task id): lands like a new result (its batch's
    collection, at its location), made one armature with its skinned meshes — what a retarget
    expects to animate later."""
    with main_window_override():
        result = _import(plan, plan.models[0], options)
        note = ""
        try:
            land_rig(result)
        except RigLandingFailed as exc:
            note = f"Imported as it is, not set up as a rig: {exc}."
        _arrive_new(plan, result)
    _push_undo(plan)
    return Landing(result.objects, note)


def _in_scene(ob: bpy.types.Object | None) -> bool:
    """A deleted object may linger in ``bpy.data`` with no users until the file is saved."""
    return ob is not None and bool(ob.users_scene)


def _source_root(plan: LandingPlan) -> bpy.types.Object | None:
    """The root of the source result still in the scene: by the name hint if it still carries the
    source's tag (names change), else by the tag alone; None when it is gone."""
    source = plan.source
    if source is None:
        return None
    hint = source.name_hint
    if source.local:  # a mesh of the user's: found by its uid (names change)
        local = object_with_uid(str(source.local_uid), hint)
        if local is not None:
            remember(plan.job, local)  # what was uploaded, so the next operation on it can skip the upload
        return local if _in_scene(local) else None
    named = bpy.data.objects.get(hint) if hint is not None else None
    if named is not None and task_id_of(named) == source.task_id and _in_scene(named):
        return source_of(named).root
    root = source_of(source.task_id).root
    return root if _in_scene(root) else None


def _land_in_place(plan: LandingPlan, options: ImportOptions) -> Landing:
    """Import, set up a rig if it is one, and put the result where its source is."""
    with main_window_override():
        source = _source_root(plan)
        result = _import(plan, plan.models[0], options)
        notes: list[str] = []
        if plan.rig:
            try:
                land_rig(result)
            except RigLandingFailed as exc:
                notes.append(f"Imported as it is, not set up as a rig: {exc}.")
        _name_step(plan, result, source)
        if source is None:
            _beside_batch(plan, result)
            if plan.source is not None and plan.source.name_hint:  # else it was asked by task id, with no object
                notes.append("The source object was deleted meanwhile: placed at the 3D cursor instead.")
        else:
            try:
                place_like_source(result, source, plan.placement)
            except PlacementRefused as exc:
                _beside_batch(plan, result)
                notes.append(f"Placed at the 3D cursor: {exc}.")
    _push_undo(plan)
    return _logged(plan, Landing(result.objects, " ".join(notes)))


def _logged(plan: LandingPlan, landing: Landing) -> Landing:
    if landing.note:
        log.info("Job %s landed: %s", plan.job.id, landing.note)
    return landing


def _target_armature(plan: LandingPlan) -> bpy.types.Object | None:
    """The armature a retarget animates: ``meta.target_armature`` if it is still that rig's
    armature, else the armature tagged with the rig task (the user may have renamed it)."""
    if plan.source is None:
        return None
    task = plan.source.task_id
    name = plan.target_armature
    named = bpy.data.objects.get(name) if name is not None else None
    if named is not None and named.type == "ARMATURE" and task_id_of(named) == task and _in_scene(named):
        return named
    armature = source_of(task).armature
    return armature if _in_scene(armature) else None


def _root_of(ob: bpy.types.Object) -> bpy.types.Object:
    """The top of ``ob``'s result (a rig's armature is normally the root itself)."""
    try:
        root = source_of(ob).root
    except ValueError:  # its tags were removed by hand
        return ob
    return root if root is not None else ob


def _import_each(plan: LandingPlan, paths: Sequence[str], options: ImportOptions) -> list[ImportResult]:
    """Import model files of the plan, each into its batch's collection. All or nothing: when
    Blender refuses one, those already imported are removed and the error raised."""
    results: list[ImportResult] = []
    try:
        for path in paths:
            results.append(_import(plan, path, options))
    except BaseException:
        for result in results:
            discard_import(result)
        raise
    return results


def _as_characters(
    plan: LandingPlan, results: Sequence[ImportResult], source: bpy.types.Object | None
) -> list[bpy.types.Object]:
    """Keep retarget imports as characters of their own (named after the step): the fallback."""
    for result in results:
        _name_step(plan, result, source)
        _beside_batch(plan, result)
    return [ob for result in results for ob in result.objects]


def _land_retarget(plan: LandingPlan, options: ImportOptions) -> Landing:
    """Move the animations of every file onto the rig's armature; keep the files as characters
    only if that fails."""
    with main_window_override():
        landing = _retarget(plan, options)
    _push_undo(plan)
    return _logged(plan, landing)


def _retarget(plan: LandingPlan, options: ImportOptions) -> Landing:
    target = _target_armature(plan)
    results = _import_each(plan, plan.models, options)
    what = (
        "the animated model as a new character"
        if len(results) == 1
        else f"the {len(results)} animated models (one per animation) as new characters"
    )
    if target is None:
        return Landing(
            _as_characters(plan, results, None),
            "The rigged character is not in the scene (deleted "
            f"meanwhile, or never imported): imported {what} at the 3D cursor.",
        )
    try:
        actions = apply_retarget(
            target,
            results,
            list(plan.presets),
            character=character_of(_root_of(target), target.name),
            fit_frame_range=plan.fit_frame_range,
        )
    except RetargetFailed as exc:
        return Landing(
            _as_characters(plan, results, target),
            f"Could not add the animations to {target.name} ({exc}): imported {what} at the 3D cursor.",
        )
    return Landing([], f"Added {', '.join(a.name for a in actions)} to {target.name}.")


#: What executes each route of a plan.
_ROUTES: dict[Route, Callable[[LandingPlan, ImportOptions], Landing]] = {
    Route.SPLAT: _land_splat,
    Route.DEPTH: _land_depth,
    Route.IMAGES: _land_images,
    Route.VIEWS: _land_views,
    Route.NOTHING: _land_nothing,
    Route.SAVED: _land_saved,
    Route.NEW: _land_new,
    Route.NEW_RIG: _land_new_rig,
    Route.RETARGET: _land_retarget,
    Route.IN_PLACE: _land_in_place,
}
