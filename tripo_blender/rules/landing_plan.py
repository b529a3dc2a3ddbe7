"""How a finished job lands in the scene, decided once and without Blender: a :class:`LandingPlan`.

Why: where a result goes depends on many facts of its job — its kind's landing
(``KINDS[kind].landing``), the task type the server reported (a task followed by id is known by
nothing else), the ``JobSpec.meta`` conventions (``location``, ``batch``, ``source_task_id``,
``source_object``, ``source_mesh_uid``, ``placement``, ``target_armature``, ``presets``; README,
"Conventions the layers share"), a conversion standing in for another job
(:mod:`..jobs.stand_in`), and which files came down. Worked out piece by piece inside the bpy
code, each question was asked several times in several places, and only a test in Blender could
tell which route a job took. :func:`plan_landing` answers all of them in one pure function;
``blender/landing.py`` executes the plan (import, set up, place, name, tag, one undo step) and
decides nothing about routes of its own. What only Blender knows is passed in as plain values or
callables (``importable``: whether this Blender has an importer for a file).

The routes (:class:`Route`), first match wins:

* a conversion asked for a result this Blender could not decode lands as that result would have
  (:attr:`LandingPlan.stands_for` names it; the rest of the plan is the original's);
* ``SPLAT``: the job delivered a Gaussian splat (image to splat, or a followed splat task);
* ``DEPTH`` / ``IMAGES``: the kind lands as images (a depth map and the plane it displaces; the
  generate panel's "Image first");
* ``VIEWS``: edited views land in place of the images of the views they edit (the set is found by
  the edited task's id, the request's ``input``: :attr:`LandingPlan.views_task`);
* ``NOTHING``: no model file came down (the landing fails and says so);
* ``SAVED``: a file Blender cannot import (3MF): the job is done, the file stays on disk;
* ``NEW`` / ``NEW_RIG``: a generation, a followed task, or a post-process with no source to
  replace: in its batch's collection at its location; a rig (own or followed) is set up as one;
* ``RETARGET``: animations onto the source rig's armature;
* ``IN_PLACE``: any other post-process (rig included) takes its source's place.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast, get_args

from ..client import routes
from ..client.models import TaskOutput
from ..jobs import FOLLOW_KIND, RETIRED_KINDS, Job
from ..jobs import Landing as Arrival
from ..jobs.kinds import KINDS, MODEL_OUTPUTS, SPLAT_OUTPUT, THUMBNAIL_OUTPUT, by_task_type
from ..jobs.model import intent_time
from ..jobs.stand_in import stand_in_for
from ..jobs.upload_keys import SOURCE_UID_META
from .result_names import followed_character, result_name
from .tags import (
    JOB_ID_PROP,
    RIG_FORMAT_PROP,
    RIG_TASK_TYPE,
    TASK_ID_PROP,
    TASK_TYPE_PROP,
    created_tags,
    followed_tags,
    generation_tags,
    has_parts,
    result_task_type,
    rig_tags,
)

__all__ = [
    "Route",
    "SourcePlan",
    "LandingPlan",
    "plan_landing",
    "arrival_of",
    "model_file",
    "model_files",
    "location_of",
    "result_tags",
    "batch_of",
    "BATCH_META",
    "LOCAL_SOURCE",
    "PlacementMode",
    "PLACEMENT_MODES",
    "DEFAULT_PLACEMENT",
]

#: ``JobSpec.meta`` key: the batch a job was sent in (``blender/batches.py`` says why).
BATCH_META = "batch"
#: What a post-process does with its source (``blender/placement.py`` says how).
PlacementMode = Literal["HIDE_SOURCE", "KEEP_BOTH", "REPLACE"]
PLACEMENT_MODES: tuple[str, ...] = get_args(PlacementMode)
DEFAULT_PLACEMENT: PlacementMode = "HIDE_SOURCE"
#: The source "task" of a job made from a mesh of the user's (it has none; ``meta.source_mesh_uid`` finds it).
LOCAL_SOURCE = "local mesh"

Tags = Mapping[str, "str | int"]


class Route(str, enum.Enum):
    """Which way a result reaches the scene (see the module docstring)."""

    SPLAT = "splat"
    DEPTH = "depth"
    IMAGES = "images"
    VIEWS = "views"
    NOTHING = "nothing"
    SAVED = "saved"
    NEW = "new"
    NEW_RIG = "new rig"
    RETARGET = "retarget"
    IN_PLACE = "in place"


@dataclass(frozen=True)
class SourcePlan:
    """The source a post-process lands in the place of: its task id (:data:`LOCAL_SOURCE` for a
    mesh of the user's, found by ``local_uid``), and the name its object had when the job was
    asked (``name_hint``; names change, so the tags decide)."""

    task_id: str
    local_uid: str | None = None
    name_hint: str | None = None

    @property
    def local(self) -> bool:
        return self.task_id == LOCAL_SOURCE


@dataclass(frozen=True)
class LandingPlan:
    """Everything the landing does, decided from the job and its files (:func:`plan_landing`).

    ``job`` is the job that lands (for a stand-in, the original it stands for, with the
    conversion's id and files); ``files`` its downloads (output name -> path); ``models`` the
    model files to import, first and further, in order
    (the splat file for ``SPLAT``, the unimportable file for ``SAVED``); ``name`` the job's name
    (the import's and the batch collection's); ``character`` the character a new result is named
    after, or the fallback when the source in the scene says none; ``tags`` what every imported
    object gets; ``undo_message`` the one undo step (None: nothing to undo).
    """

    job: Job
    route: Route
    name: str
    files: Mapping[str, str] = field(default_factory=dict)
    models: tuple[str, ...] = ()
    stands_for: tuple[str, ...] = ()
    character: str = ""
    step_kind: str | None = None
    step_params: Mapping[str, Any] = field(default_factory=dict)
    batch: str = ""
    location: tuple[float, float, float] | None = None
    tags: Tags = field(default_factory=dict)
    tag_parts: bool = False
    rig: bool = False
    source: SourcePlan | None = None
    placement: PlacementMode = DEFAULT_PLACEMENT
    target_armature: str | None = None
    presets: tuple[str, ...] = ()
    fit_frame_range: bool = False
    views_task: str | None = None  # VIEWS: the task whose views the result edits (their images are replaced)
    undo_message: str | None = None

    @property
    def model(self) -> str | None:
        """The first model file (None: nothing to import)."""
        return self.models[0] if self.models else None

    def result_name(self, character: str | None = None) -> str:
        """The root's name for a result of ``character`` (default :attr:`character`): the
        character with the step this job did ("Knight (rigged)"), or the character alone."""
        who = self.character if character is None else character
        return who if self.step_kind is None else result_name(self.step_kind, who, self.step_params)


def arrival_of(kind: str) -> Arrival:
    """How a result of ``kind`` reaches the scene; a kind Tripo retired (a journal written before
    apiv3) landed like the other post-processes, in its source's place."""
    record = KINDS.get(kind)
    if record is not None:
        return record.landing
    return Arrival.REPLACE if kind in RETIRED_KINDS else Arrival.NEW


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


def location_of(job: Job) -> tuple[float, float, float] | None:
    """Where the result goes: the 3D cursor as it was at submit time (``spec.meta["location"]``).

    Why the submit-time cursor: generation takes minutes; the artist keeps working and moves the
    cursor meanwhile. The result appearing where they were looking when they asked for it is
    the predictable choice. A spec without a (valid) location lands at the current cursor (None).
    """
    value: Any = job.spec.meta.get("location")
    if (
        isinstance(value, (list, tuple))
        and len(value) == 3
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        return (float(value[0]), float(value[1]), float(value[2]))
    return None


def batch_of(job: Job) -> str:
    """The batch ``job`` was sent in; the job's own id when it has none."""
    value: Any = job.spec.meta.get(BATCH_META)
    return value if isinstance(value, str) and value else job.id


def result_tags(job: Job) -> dict[str, str | int]:
    """The tags every object of ``job``'s result gets: job id, task id, the task type — as the
    server reported it, else as the job's kind implies (a followed task has only the former) —
    and when the task was made (:data:`.tags.TASK_CREATED_PROP`: Tripo forgets tasks after
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


def _model_tags(job: Job, model: str | None) -> dict[str, str | int]:
    """The tags of an imported model: :func:`result_tags`, the model version of a generation, the
    rig facts of a rig result — of a followed task what the server echoed of its input
    (``Job.task_input``), and of a followed rig the format its file has."""
    task_type = result_task_type(job.kind, job.task_type)
    tags = result_tags(job)
    tags.update(generation_tags(job.kind, job.spec.params))
    if job.kind == FOLLOW_KIND:
        tags.update(followed_tags(task_type, job.task_input))
    if arrival_of(job.kind) == Arrival.RIG:
        tags.update(rig_tags(job.spec.params))
    elif task_type == RIG_TASK_TYPE:
        suffix = Path(model or "").suffix.lower().lstrip(".")
        if suffix in routes.RIG.field("out_format").values:  # a retarget must come back in the rig's format
            tags[RIG_FORMAT_PROP] = suffix
    return tags


def _source(job: Job) -> SourcePlan | None:
    """The source the job's result takes the place of: its task, else a mesh of the user's; None
    when it was asked with neither (it then lands as something new)."""
    meta = job.spec.meta
    task: Any = meta.get("source_task_id")
    uid: Any = meta.get(SOURCE_UID_META)
    if isinstance(uid, str):  # made from a mesh of the user's (no task)
        task = task or LOCAL_SOURCE
    if not isinstance(task, str) or not task:
        return None
    hint: Any = meta.get("source_object")
    return SourcePlan(task, uid if task == LOCAL_SOURCE else None, hint if isinstance(hint, str) and hint else None)


def _placement(job: Job) -> PlacementMode:
    mode: Any = job.spec.meta.get("placement", DEFAULT_PLACEMENT)
    return cast(PlacementMode, mode if mode in PLACEMENT_MODES else DEFAULT_PLACEMENT)


def plan_landing(
    job: Job, files: Mapping[str, str], *, importable: Callable[[str], bool] = lambda path: True
) -> LandingPlan:
    """The plan of ``job``'s landing from its downloaded ``files`` (output name -> local path).

    ``importable(path)`` says whether this Blender can import a model file (by its suffix; the
    Blender layer passes ``importer.can_import``). Pure: it reads the job and the arguments only.
    """
    original = stand_in_for(job)
    if original is not None:
        plan = plan_landing(original, files, importable=importable)
        return replace(plan, stands_for=(original.name, *plan.stands_for))
    base = LandingPlan(
        job=job,
        route=Route.NOTHING,
        name=job.name,
        files=dict(files),
        character=job.name,
        batch=batch_of(job),
        location=location_of(job),
        undo_message=f"Tripo: {job.name}",
    )
    arrival = arrival_of(job.kind)
    if SPLAT_OUTPUT in files:
        return replace(base, route=Route.SPLAT, models=(files[SPLAT_OUTPUT],), tags=result_tags(job))
    if arrival == Arrival.DEPTH:
        return replace(base, route=Route.DEPTH, tags=result_tags(job))
    if arrival == Arrival.IMAGE:  # the images are tagged as they load (``blender/concept_images.py``)
        return replace(base, route=Route.IMAGES)
    if arrival == Arrival.VIEWS:
        edited: Any = job.spec.params.get("input")
        return replace(base, route=Route.VIEWS, views_task=edited if isinstance(edited, str) else None)
    models = tuple(model_files(files))
    if not models:
        return replace(base, undo_message=None)
    if not importable(models[0]):
        return replace(base, route=Route.SAVED, models=models[:1], undo_message=None)
    task_type = result_task_type(job.kind, job.task_type)
    plan = replace(
        base, models=models, tags=_model_tags(job, models[0]), tag_parts=has_parts(job.kind, job.spec.params, task_type)
    )
    source = _source(job)
    if arrival in (Arrival.NEW, Arrival.NONE) or source is None:
        if task_type == RIG_TASK_TYPE:  # a rig followed by task id (or with no source): set up like one of ours
            plan = replace(plan, route=Route.NEW_RIG, models=models[:1], rig=True)
        else:
            plan = replace(plan, route=Route.NEW, undo_message=f"Import Tripo result {job.name}")
        if job.kind == FOLLOW_KIND:  # named after the task ("Tripo 0edda99d (rigged)"), not after a source
            followed = by_task_type(task_type)
            plan = replace(
                plan,
                character=followed_character(job.name, job.task_id, task_type),
                step_kind=followed.name if followed is not None else FOLLOW_KIND,
            )
        return plan
    step = replace(
        plan, source=source, character=source.name_hint or job.name, step_kind=job.kind, step_params=job.spec.params
    )
    if arrival == Arrival.RETARGET:
        meta = job.spec.meta
        armature: Any = meta.get("target_armature")
        return replace(
            step,
            route=Route.RETARGET,
            target_armature=armature if isinstance(armature, str) else None,
            presets=tuple(str(p) for p in meta.get("presets", ())),
            fit_frame_range=bool(meta.get("fit_frame_range", False)),
        )
    return replace(step, route=Route.IN_PLACE, models=models[:1], rig=arrival == Arrival.RIG, placement=_placement(job))
