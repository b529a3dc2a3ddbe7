"""The pump's import step: where a finished job's result goes in the scene.

A result lands according to its kind's :class:`~..jobs.kinds.Landing` (``KINDS[job.kind].landing``)
and the ``JobSpec.meta`` conventions (README, "Conventions the layers share"):

* **NEW** — generations and followed tasks (``text/image/multiview_to_model``, ``import_task``): into
  the collection of its batch under the "Tripo" collection, at ``meta.location`` (the 3D cursor
  when it was asked for), beside the results of its batch already there (:mod:`.batches`) —
  :func:`import_plain`. A followed task is known by the type the server reported
  (``Job.task_type``): a followed rig is set up like one of ours (:func:`.rigging.land_rig`), a
  followed segmentation gets part names;
* **RIG** (``rig_model``): :func:`.rigging.land_rig` makes it one armature with its skinned mesh,
  then it takes the source's place (:func:`.placement.place_like_source`, ``meta.placement``,
  default ``HIDE_SOURCE``);
* **RETARGET** (``retarget_animation``): the animations go onto the *existing* armature of the
  rigged model (``meta.target_armature``, else found by the rig task's tag) with
  :func:`.rigging.apply_retarget`; the file's copy of the character is deleted, so a model never
  gets a second character and a later retarget adds more actions to the same armature. A task
  that answered one file per animation (``model``, ``model_2``…: :func:`model_files`) lands the
  same way: every file is imported and all their animations go onto that one armature;
* **IMAGE** (``text_to_image``, ``image_to_multiview``: the generate panel's "Image first"): Blender
  images, no object (:mod:`.concept_images`);
* **SPLAT** (``image_to_splat``, and a followed task that delivered a ``splat``): one point cloud at
  ``meta.location`` (:mod:`.splat_landing`);
* **REPLACE** — every other post-process (texture, convert, segment, complete, low poly, and the
  retired refine/stylize of journals written before apiv3): the new model takes the source's place.

Rules that hold for all of them, and why:

* **One undo step per landing**: the pieces (import, rig set-up, placement) push none; the
  landing pushes one at the end, so Ctrl+Z takes back exactly what appeared.
* **A paid result is never thrown away**: when the source object was deleted meanwhile, or the
  armature is gone, or the rig/retarget set-up refuses the file, the result is still imported
  as it is (at the cursor, beside its batch like a new result) and the job's note says what happened.
* **Files Blender cannot import** (3MF) end the job *done*, with the file's path in the note
  (the row's Folder button shows it): the user asked for that file.
* The result's objects carry the facts the context menu needs later (:mod:`..rules.tags`): task type,
  creation time, rig spec/format, part names, model version.
* **Named for what it is** (:mod:`.naming`): the root after the job's character and the step
  ("a small cat statue", "Knight (textured)", "Knight (rigged)", "Knight (FBX)", "Knight parts"),
  actions "Knight – walk"; the names are given before the undo step is pushed.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence, cast

import bpy

from ..jobs import FOLLOW_KIND, RETIRED_KINDS, Job, JobState
from ..jobs import Landing as Arrival
from ..jobs.kinds import KINDS, MODEL_OUTPUTS, SPLAT_OUTPUT, THUMBNAIL_OUTPUT
from ..jobs.stand_in import STAND_IN_FORMAT, conversion_of, stand_in_cost, stand_in_for
from ..jobs.verify import intent_time
from ..client import routes
from ..client.models import TaskOutput
from .batches import batch_collection, batch_of, line_up, release
from ..rules.generate import cost_phrase
from .importer import (JOB_ID_PROP, TASK_ID_PROP, TASK_TYPE_PROP, ImportFailed, ImportOptions, ImportResult, Tags,
                       can_import, cursor_location, import_result, push_undo, task_id_of)
from .naming import character_of, followed_character, followed_result_name, name_result, result_name
from .concept_images import land_images
from .depth_landing import land_depth_plane
from .decoders import missing_for
from .placement import PLACEMENT_MODES, PlacementMode, PlacementRefused, place_like_source
from .rigging import RetargetFailed, RigLandingFailed, apply_retarget, discard_import, land_rig
from .splat_landing import land_splat
from .sources import DEFAULT_PLACEMENT, source_of
from .uploads import SOURCE_UID_META, object_with_uid, remember
from ..rules.tags import (PART_NAME_PROP, RIG_FORMAT_PROP, RIG_TASK_TYPE, created_tags, followed_tags, generation_tags,
                   has_parts, result_task_type, rig_tags, strip_duplicate_suffix)
from .windows import main_window_override

__all__ = ["Landing", "import_job", "missing_decoder_advice", "convert_offer", "import_plain", "arrival_of",
           "waiting_for_object_mode", "model_file", "model_files",
           "result_tags", "placement"]

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- plain imports (NEW)


def model_file(files: Mapping[str, str]) -> str | None:
    """The file to import among a job's downloads: the model (apiv3 has one; journals of v2-era
    jobs may name ``pbr_model`` or ``base_model``), else any non-image."""
    for key in MODEL_OUTPUTS:
        if key in files:
            return files[key]
    return next((path for key, path in sorted(files.items()) if key != THUMBNAIL_OUTPUT), None)


def model_files(files: Mapping[str, str]) -> list[str]:
    """Every model file among a job's downloads, in order: :func:`model_file`, then the further
    files of a task that answered one file per animation (``model_2``, ``model_3``…)."""
    first = model_file(files)
    return ([first] if first is not None else []) + [files[k] for k in TaskOutput.further_models(files)]


def placement(job: Job) -> tuple[float, float, float] | None:
    """Where the result goes: the 3D cursor as it was at submit time (``spec.meta["location"]``).

    Why the submit-time cursor: generation takes minutes; the artist keeps working and moves the
    cursor meanwhile. The result appearing where they were looking when they asked for it is
    the predictable choice. A spec without a (valid) location lands at the current cursor.
    """
    value: Any = job.spec.meta.get("location")
    if isinstance(value, (list, tuple)) and len(value) == 3 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return (float(value[0]), float(value[1]), float(value[2]))
    return None


def result_tags(job: Job) -> dict[str, str | int]:
    """The tags every object of ``job``'s result gets: job id, task id, the task type — as the
    server reported it, else as the job's kind implies (a followed task has only the former) —
    and when the task was made (:data:`..rules.tags.TASK_CREATED_PROP`: Tripo forgets tasks after
    about 7 days, and the menu must know before anyone pays)."""
    tags: dict[str, str | int] = {JOB_ID_PROP: job.id}
    if job.task_id:
        tags[TASK_ID_PROP] = job.task_id
    task_type = result_task_type(job.kind, job.task_type)
    if task_type:
        tags[TASK_TYPE_PROP] = task_type
    if job.task_id:
        tags.update(created_tags(job.kind, intent_time(job), job.result))  # when it was (last) sent
    return tags


def import_plain(job: Job, files: Mapping[str, str], options: ImportOptions, *,
                 tags: Tags | None = None, undo: bool = True) -> ImportResult:
    """Import ``job``'s model file into its batch's collection (:mod:`.batches`), at its location.

    ``tags`` default to :func:`result_tags`; ``undo=False`` when the caller does more as part of
    the same user-visible step and pushes the undo step itself. Raises :class:`ImportFailed`
    when there is nothing importable or Blender refuses the file (a batch collection made for it
    is removed again).
    """
    path = model_file(files)
    if path is None:
        raise ImportFailed("the job downloaded no model file to import")
    with main_window_override():
        scene = bpy.context.scene
        if scene is None:
            raise ImportFailed("there is no active scene to import into")
        collection = batch_collection(scene, batch_of(job), job.name)
        try:
            return import_result(path, name=job.name, tags=result_tags(job) if tags is None else tags,
                                 location=placement(job), collection=collection, options=options,
                                 undo_message=f"Import Tripo result {job.name}" if undo else None)
        except BaseException:
            release(collection, scene)
            raise


def _beside_batch(job: Job, result: ImportResult) -> None:
    """A result that lands as something new goes beside its batch's earlier results (:func:`.batches.line_up`)."""
    line_up(result, result.collection, placement(job) or cursor_location())

#: ``context.mode`` prefixes -> the mode's name as Blender's header says it.
_MODE_NAMES: tuple[tuple[str, str], ...] = (
    ("EDIT", "Edit Mode"), ("SCULPT", "Sculpt Mode"), ("POSE", "Pose Mode"), ("PAINT_WEIGHT", "Weight Paint"),
    ("PAINT_VERTEX", "Vertex Paint"), ("PAINT_TEXTURE", "Texture Paint"), ("PARTICLE", "Particle Edit"),
)


def waiting_for_object_mode(context: bpy.types.Context | None = None) -> str | None:
    """Why a finished result may not land now ("ready, lands after Sculpt Mode"), or None.

    Why: landing links objects, selects them and makes the root active; doing that while the
    artist sculpts, edits or poses would switch them out of their mode (or fight it) behind their
    back. So outside Object Mode a downloaded result waits, untouched, and lands on the first
    pump tick after they leave the mode. The pump asks this before every landing; the Jobs row
    shows the same sentence, so it is kept short enough for the sidebar's default width.
    """
    mode = str(getattr(context or bpy.context, "mode", "OBJECT") or "OBJECT")
    if mode == "OBJECT":
        return None
    name = next((label for prefix, label in _MODE_NAMES if mode.startswith(prefix)), mode.replace("_", " ").title())
    return f"ready, lands after {name}"


@dataclass
class Landing:
    """What a landing left in the scene: the job's own objects and a note for the job row."""

    objects: list[bpy.types.Object] = field(default_factory=list)
    note: str = ""


#: The source "task" of a job made from a mesh of the user's (it has none; ``meta.source_mesh_uid`` finds it).
LOCAL_SOURCE = "local mesh"


def missing_decoder_advice(job: Job) -> str:
    """What to do about a result this Blender cannot decode (:class:`.importer.MissingDecoder`):
    the row's Convert button, with its price, and where the file is."""
    if not job.task_id:
        return "The downloaded file stays in its folder (Folder): open it in a Blender that has the decoder."
    return (f"Convert (on this row) has Tripo turn it into an {STAND_IN_FORMAT} file, which this Blender opens, "
            f"and lands it here ({cost_phrase(stand_in_cost(job))}). The downloaded file stays in its folder.")


def convert_offer(job: Job, jobs: Iterable[Job]) -> str | None:
    """The label of the row's Convert button ("Convert to FBX (≈ 5 credits)") when ``job`` failed
    only because this Blender cannot decode its file (asked again here: the journal may bring back
    such a row in a Blender that can), and no conversion of it is under way or landed."""
    if job.state != JobState.FAILED or not job.task_id:
        return None
    path = model_file(job.files)
    if path is None or not os.path.isfile(path) or not missing_for(path):
        return None
    if conversion_of(job, jobs) is not None:
        return None
    return f"Convert to {STAND_IN_FORMAT} ({cost_phrase(stand_in_cost(job))})"


def import_job(job: Job, files: Mapping[str, str], options: ImportOptions) -> Landing:
    """Land ``job``'s downloaded result in the scene (see the module docstring).

    Raises :class:`ImportFailed` when there is nothing to import or Blender refuses the file
    (nothing is left in the scene then), :class:`.importer.MissingDecoder` before trying when this
    Blender cannot decode it. A conversion asked for such a result (:mod:`..jobs.stand_in`) lands
    as that result would have: its name, its place, its tags.
    """
    original = stand_in_for(job)
    if original is not None:
        landing = import_job(original, files, options)
        landing.note = " ".join(n for n in (f"Landed in place of \"{original.name}\" (as {STAND_IN_FORMAT}).",
                                            landing.note) if n)
        return landing
    if SPLAT_OUTPUT in files:  # a Gaussian splat (image to splat, or a followed splat task): :mod:`.splat_landing`
        splat = land_splat(files[SPLAT_OUTPUT], name=job.name, tags=result_tags(job), location=placement(job))
        with main_window_override():
            push_undo(f"Tripo: {job.name}")
        return Landing([splat.object], splat.note)
    if arrival_of(job.kind) == Arrival.DEPTH:  # the map as an image, and a plane it displaces
        (image, *_) = land_images(job, files)
        with main_window_override():
            plane = land_depth_plane(image, name=job.name, batch=batch_of(job), tags=result_tags(job),
                                     location=placement(job))
            push_undo(f"Tripo: {job.name}")
        return Landing([plane], f"Depth map {image.name}, and a plane it displaces")
    if arrival_of(job.kind) == Arrival.IMAGE:  # "Image first": Blender images for the panel, no object
        images = land_images(job, files)
        with main_window_override():
            push_undo(f"Tripo: {job.name}")
        return Landing(note=f"Image{'s' if len(images) > 1 else ''} {', '.join(i.name for i in images)}")
    path = model_file(files)
    if path is None:
        raise ImportFailed("the job downloaded no model file to import")
    if not can_import(path):
        where = Path(path)
        log.info("Job %s: %s has no importer in this Blender; kept at %s", job.id, where.suffix, where)
        return Landing(note=f"Saved {where.name} (Blender cannot import {where.suffix} files) in {where.parent}")
    source_task = job.spec.meta.get("source_task_id")
    arrival = arrival_of(job.kind)
    if isinstance(job.spec.meta.get(SOURCE_UID_META), str):  # made from a mesh of the user's (no task)
        source_task = source_task or LOCAL_SOURCE
    if arrival in (Arrival.NEW, Arrival.NONE) or not isinstance(source_task, str) or not source_task:
        if _task_type(job) == RIG_TASK_TYPE:  # a rig followed by task id: set up like one of ours
            with main_window_override():
                landing = _land_new_rig(job, files, options)
                push_undo(f"Tripo: {job.name}")
            return landing
        result = import_plain(job, files, options, tags=_tags(job, files), undo=False)
        _tag_parts(job, result.objects)
        _arrive_new(job, result)
        further = _import_further(job, files, options, result)
        with main_window_override():
            push_undo(f"Import Tripo result {job.name}")
        return Landing([*result.objects, *(ob for each in further for ob in each.objects)],
                       f"Tripo answered one file per animation: imported all {len(further) + 1}, each as a "
                       "character of its own." if further else "")
    with main_window_override():
        if arrival == Arrival.RETARGET:
            landing = _land_retarget(job, files, options, source_task)
        else:
            landing = _land_post_process(job, files, options, source_task)
        push_undo(f"Tripo: {job.name}")
    if landing.note:
        log.info("Job %s landed: %s", job.id, landing.note)
    return landing


def arrival_of(kind: str) -> Arrival:
    """How a result of ``kind`` reaches the scene; a kind Tripo retired (a journal written before
    apiv3) landed like the other post-processes, in its source's place."""
    record = KINDS.get(kind)
    if record is not None:
        return record.landing
    return Arrival.REPLACE if kind in RETIRED_KINDS else Arrival.NEW


def _task_type(job: Job) -> str | None:
    return result_task_type(job.kind, job.task_type)


def _tags(job: Job, files: Mapping[str, str]) -> dict[str, str | int]:
    """The tags of ``job``'s objects: ids and task type, the model version of a generation, the
    rig facts of a rig result — of a followed task what the server echoed of its input
    (``Job.task_input``), and of a followed rig the format its file has."""
    tags = result_tags(job)
    tags.update(generation_tags(job.kind, job.spec.params))
    if job.kind == FOLLOW_KIND:
        tags.update(followed_tags(_task_type(job), job.task_input))
    if arrival_of(job.kind) == Arrival.RIG:
        tags.update(rig_tags(job.spec.params))
    elif _task_type(job) == RIG_TASK_TYPE:
        suffix = Path(model_file(files) or "").suffix.lower().lstrip(".")
        if suffix in routes.RIG.field("out_format").values:  # a retarget must come back in the rig's format
            tags[RIG_FORMAT_PROP] = suffix
    return tags


def _tag_parts(job: Job, objects: Sequence[bpy.types.Object]) -> None:
    """Stamp each mesh of a parts result with its part name (the importer named it after the node)."""
    if not has_parts(job.kind, job.spec.params, _task_type(job)):
        return
    for ob in objects:
        if ob.type == 'MESH':
            ob[PART_NAME_PROP] = strip_duplicate_suffix(ob.name)


def _import(job: Job, files: Mapping[str, str], options: ImportOptions) -> ImportResult:
    """Import without an undo step of its own (the landing pushes one for everything)."""
    result = import_plain(job, files, options, tags=_tags(job, files), undo=False)
    _tag_parts(job, result.objects)
    return result


def _arrive_new(job: Job, result: ImportResult) -> None:
    """Name a new result — a generation after its job, a followed task after the task
    (:mod:`.naming`) — and put it beside its batch (:func:`_beside_batch`, which names the
    batch's collection)."""
    if job.kind == FOLLOW_KIND:
        character = followed_character(job.name, job.task_id, _task_type(job))
        name = followed_result_name(character, _task_type(job))
    else:
        character = name = job.name
    name_result(result.root, result.objects, name, character)
    _beside_batch(job, result)


def _name_step(job: Job, result: ImportResult, source: bpy.types.Object | None) -> None:
    """A post-process result is named after the source's character and the step ("Knight (rigged)")."""
    hint = job.spec.meta.get("source_object")
    character = character_of(source, hint if isinstance(hint, str) and hint else job.name)
    name_result(result.root, result.objects, result_name(job.kind, character, job.spec.params), character)


def _in_scene(ob: bpy.types.Object | None) -> bool:
    """A deleted object may linger in ``bpy.data`` with no users until the file is saved."""
    return ob is not None and bool(ob.users_scene)


def _source_root(job: Job, source_task: str) -> bpy.types.Object | None:
    """The root of the source result still in the scene: by the name hint if it still carries the
    source's tag (names change), else by the tag alone; None when it is gone."""
    hint = job.spec.meta.get("source_object")
    if source_task == LOCAL_SOURCE:  # a mesh of the user's: found by its uid (names change)
        local = object_with_uid(str(job.spec.meta.get(SOURCE_UID_META)), hint if isinstance(hint, str) else None)
        if local is not None:
            remember(job, local)  # what was uploaded, so the next operation on it can skip the upload
        return local if _in_scene(local) else None
    named = bpy.data.objects.get(hint) if isinstance(hint, str) else None
    if named is not None and task_id_of(named) == source_task and _in_scene(named):
        return source_of(named).root
    root = source_of(source_task).root
    return root if _in_scene(root) else None


def _placement_mode(job: Job) -> PlacementMode:
    mode = job.spec.meta.get("placement", DEFAULT_PLACEMENT)
    return cast(PlacementMode, mode if mode in PLACEMENT_MODES else DEFAULT_PLACEMENT)


def _land_new_rig(job: Job, files: Mapping[str, str], options: ImportOptions) -> Landing:
    """A rig with no source in the scene (followed by task id): lands like a new result (its batch's
    collection, at its location),
    made one armature with its skinned meshes — what a retarget expects to animate later."""
    result = _import(job, files, options)
    try:
        land_rig(result)
    except RigLandingFailed as exc:
        _arrive_new(job, result)
        return Landing(result.objects, f"Imported as it is, not set up as a rig: {exc}.")
    _arrive_new(job, result)
    return Landing(result.objects)


def _land_post_process(job: Job, files: Mapping[str, str], options: ImportOptions, source_task: str) -> Landing:
    """Import, set up a rig if it is one, and put the result where its source is."""
    source = _source_root(job, source_task)
    result = _import(job, files, options)
    notes: list[str] = []
    if arrival_of(job.kind) == Arrival.RIG:
        try:
            land_rig(result)
        except RigLandingFailed as exc:
            notes.append(f"Imported as it is, not set up as a rig: {exc}.")
    _name_step(job, result, source)
    if source is None:
        _beside_batch(job, result)
        if job.spec.meta.get("source_object"):  # else it was asked by task id, with no object in the scene
            notes.append("The source object was deleted meanwhile: placed at the 3D cursor instead.")
    else:
        try:
            place_like_source(result, source, _placement_mode(job))
        except PlacementRefused as exc:
            _beside_batch(job, result)
            notes.append(f"Placed at the 3D cursor: {exc}.")
    return Landing(result.objects, " ".join(notes))


def _target_armature(job: Job, source_task: str) -> bpy.types.Object | None:
    """The armature a retarget animates: ``meta.target_armature`` if it is still that rig's
    armature, else the armature tagged with the rig task (the user may have renamed it)."""
    name: Any = job.spec.meta.get("target_armature")
    named = bpy.data.objects.get(name) if isinstance(name, str) else None
    if named is not None and named.type == 'ARMATURE' and task_id_of(named) == source_task and _in_scene(named):
        return named
    armature = source_of(source_task).armature
    return armature if _in_scene(armature) else None


def _root_of(ob: bpy.types.Object) -> bpy.types.Object:
    """The top of ``ob``'s result (a rig's armature is normally the root itself)."""
    try:
        root = source_of(ob).root
    except ValueError:  # its tags were removed by hand
        return ob
    return root if root is not None else ob


def _import_each(job: Job, paths: Sequence[str], options: ImportOptions) -> list[ImportResult]:
    """Import model files of ``job``, each into its batch's collection. All or nothing: when Blender
    refuses one, those already imported are removed and the error raised."""
    results: list[ImportResult] = []
    try:
        for path in paths:
            results.append(_import(job, {MODEL_OUTPUTS[0]: path}, options))
    except BaseException:
        for result in results:
            discard_import(result)
        raise
    return results


def _import_further(job: Job, files: Mapping[str, str], options: ImportOptions,
                    first: ImportResult) -> list[ImportResult]:
    """The further files of a task followed by id that answered one file per animation (no armature
    of ours to put them on): each lands like the first, so nothing paid for stays on disk only.
    Refused by Blender, the first is removed too (the landing is all or nothing)."""
    try:
        further = _import_each(job, model_files(files)[1:], options)
    except BaseException:
        discard_import(first)
        raise
    for result in further:
        _arrive_new(job, result)
    return further


def _as_characters(job: Job, results: Sequence[ImportResult], source: bpy.types.Object | None) -> list[bpy.types.Object]:
    """Keep retarget imports as characters of their own (named after the step): the fallback."""
    for result in results:
        _name_step(job, result, source)
        _beside_batch(job, result)
    return [ob for result in results for ob in result.objects]


def _land_retarget(job: Job, files: Mapping[str, str], options: ImportOptions, source_task: str) -> Landing:
    """Move the animations of every file onto the rig's armature; keep the files as characters
    only if that fails."""
    target = _target_armature(job, source_task)
    results = _import_each(job, model_files(files), options)
    what = "the animated model as a new character" if len(results) == 1 else \
        f"the {len(results)} animated models (one per animation) as new characters"
    if target is None:
        return Landing(_as_characters(job, results, None), "The rigged character is not in the scene (deleted "
                       f"meanwhile, or never imported): imported {what} at the 3D cursor.")
    presets = [str(p) for p in job.spec.meta.get("presets", ())]
    try:
        actions = apply_retarget(target, results, presets, character=character_of(_root_of(target), target.name),
                                 fit_frame_range=bool(job.spec.meta.get("fit_frame_range", False)))
    except RetargetFailed as exc:
        return Landing(_as_characters(job, results, target),
                       f"Could not add the animations to {target.name} ({exc}): imported {what} at the 3D cursor.")
    return Landing([], f"Added {', '.join(a.name for a in actions)} to {target.name}.")
