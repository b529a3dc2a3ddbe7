"""Every kind of job, one record each: the one place a fact about a kind is written.

A job's *kind* is the name of the :class:`~tripo_blender.client.TripoClient` method it calls.
What the rest of the add-on needs to know about a kind — which sources Tripo accepts, what to
download, how its result lands in the scene, what it costs, what the menu and the console call it
— is here. What the *request* takes (the route, what Tripo calls the task, its label, every
option's facts, the model versions) is the kind's route record (:mod:`..client.routes`, found by
the kind's name = the client method), so adding a Tripo route is one route record plus one kind
record (plus a dialog or console function to start it).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..client import routes
from ..client.schema import Route
from . import pricing

__all__ = [
    "Landing",
    "Kind",
    "KINDS",
    "FOLLOW_KIND",
    "RETIRED_KINDS",
    "SOURCE_PARAM",
    "MODEL_OUTPUTS",
    "THUMBNAIL_OUTPUT",
    "VIEW_OUTPUTS",
    "GENERATED_TYPES",
    "FILE_TOKEN_KINDS",
    "TASK_ONLY_KINDS",
    "PARTS_KINDS",
    "IMPORTED_TYPE",
    "Retired",
    "TEXT_TO_MODEL",
    "IMAGE_TO_MODEL",
    "MULTIVIEW_TO_MODEL",
    "TEXT_TO_IMAGE",
    "IMAGE_TO_IMAGE",
    "IMAGE_TO_MULTIVIEW",
    "IMAGE_TO_DEPTH",
    "EDIT_MULTIVIEW",
    "IMAGE_TO_SPLAT",
    "SPLAT_OUTPUT",
    "TEXTURE",
    "CHECK_RIGGABLE",
    "RIG",
    "RETARGET",
    "CONVERT",
    "SEGMENT",
    "SMART_SEGMENT",
    "COMPLETE",
    "LOWPOLY",
    "SMART_UV",
    "FOLLOW",
    "kind_of",
    "by_task_type",
    "by_console_name",
    "estimate_cost",
]

#: The parameter naming the source of every post-process (SDK 0.3.0's name; apiv3 calls it ``input``).
SOURCE_PARAM = "original_model_task_id"
#: Model outputs in the order a landing prefers them (apiv3 has only ``model``; the others are
#: the names of v2-era files still listed in journals).
MODEL_OUTPUTS: tuple[str, ...] = ("model", "pbr_model", "base_model")
THUMBNAIL_OUTPUT = "rendered_image"
#: A Gaussian splat (``splat_url``): a file of its own format, landed by ``blender/splat_landing.py``.
SPLAT_OUTPUT = "splat"
#: The kind of a job that only *follows* a task created elsewhere (the website, another program,
#: a lost journal): it has no client method, so it is never POSTed — :meth:`Runner.submit` takes
#: it only together with the ``task_id`` to follow, and :meth:`Runner.retry` never resends it.
FOLLOW_KIND = "import_task"


class Landing(str, enum.Enum):
    """How a kind's result reaches the scene (``rules/landing_plan.py`` plans it, ``blender/landing.py`` does it)."""

    NEW = "new"  # a new collection at the 3D cursor
    REPLACE = "replace"  # takes its source's place
    RIG = "rig"  # one armature with its skinned mesh, in its source's place
    RETARGET = "retarget"  # actions on the source rig's armature
    IMAGE = "image"  # Blender images (the generate panel's concept image / four views), no object
    VIEWS = "views"  # edited views: in place of the images of the views they edit (blender/view_sets.py)
    SPLAT = "splat"  # a Gaussian splat at the 3D cursor (native on Blender 5.3+, points before)
    DEPTH = "depth"  # the depth map as a Blender image, and a plane displaced by it at the 3D cursor
    NONE = "none"  # data only (``Job.result``), no file


@dataclass(frozen=True)
class Kind:
    """What the add-on knows about one kind of job.

    ``name``, ``label`` and ``task_type`` (what the service calls the task: ``Task.type``, the key of
    Tripo's source-task rules) come from the kind's route record. ``console``: the name of the
    console function (None: not offered there). The module names each record (``TEXTURE``,
    ``RIG``…): code that means one kind uses the record, so a kind's name is written once.
    """

    name: str
    label: str
    verb: str
    landing: Landing
    price: pricing.Rule
    task_type: str | None = None
    console: str | None = None
    post_process: bool = False
    outputs: tuple[str, ...] = (MODEL_OUTPUTS[0], THUMBNAIL_OUTPUT)
    step_name: str = ""  # the result's name from its character's ("{} (rigged)"); "" = the character's
    takes_file: bool = False  # its route takes an uploaded model's file token as the source
    task_only: bool = False  # its source must be a specific earlier Tripo task (never a local mesh)
    makes_model: bool = False  # its result is "a model" to every post-process
    has_parts: bool = False  # its result is named parts

    @property
    def wire_type(self) -> str:
        """The task type the service reports for this kind's tasks."""
        return self.task_type or self.name

    @property
    def has_files(self) -> bool:
        return bool(self.outputs)

    @property
    def route(self) -> Route | None:
        """The apiv3 route this kind sends (None: it sends nothing, it follows a task)."""
        return routes.by_method(self.name)

    @property
    def accepts(self) -> frozenset[str] | None:
        """Source task types Tripo takes (None: any model; only for post-processes)."""
        return _ACCEPTS.get(self.name)


def _named(route: Route) -> tuple[str, str]:
    """A kind's name (its client method) and label, from its route."""
    assert route.method is not None, f"{route.task_type} has no client method to be a kind"
    return route.method, route.label


def _generation(route: Route, h_series: tuple[int, int], p1: tuple[int, int]) -> Kind:
    name, label = _named(route)
    return Kind(
        name,
        label,
        label,
        Landing.NEW,
        pricing.generation(route, h_series, p1),
        route.task_type,
        console=name,
        makes_model=True,
    )


# prices (untextured, textured) of the H series and of P1 (docs/apiv3.md#prices)
TEXT_TO_MODEL = _generation(routes.TEXT_TO_MODEL, (10, 20), (30, 40))
IMAGE_TO_MODEL = _generation(routes.IMAGE_TO_MODEL, (20, 30), (40, 50))
MULTIVIEW_TO_MODEL = _generation(routes.MULTIVIEW_TO_MODEL, (20, 30), (40, 50))
_GENERATIONS = (TEXT_TO_MODEL, IMAGE_TO_MODEL, MULTIVIEW_TO_MODEL)

#: The four views of an image-to-multiview task, as :meth:`TaskOutput.files` names them, in the
#: order multiview-to-model takes them (front, left, back, right).
VIEW_OUTPUTS: tuple[str, ...] = ("front_view", "left_view", "back_view", "right_view")


#: "Image first" (the generate panel): a concept image, or four views of one image, made and shown
#: before a model is paid for. Their task id is then the model's input (no second upload).
# prices: text-to-image 5, image-to-multiview 10 (docs/apiv3.md#prices, v2 figures)
def _image(
    route: Route,
    verb: str,
    price: pricing.Rule,
    outputs: tuple[str, ...],
    *,
    in_console: bool,
    landing: Landing = Landing.IMAGE,
) -> Kind:
    name, label = _named(route)
    return Kind(
        name, label, verb, landing, price, route.task_type, console=name if in_console else None, outputs=outputs
    )


TEXT_TO_IMAGE = _image(routes.TEXT_TO_IMAGE, "Image", pricing.flat(5), ("generated_image",), in_console=True)
# price unpublished (docs/apiv3.md#prices); lands like a concept image, and its task id is an image too
IMAGE_TO_IMAGE = _image(routes.IMAGE_TO_IMAGE, "Image", pricing.unknown, ("generated_image",), in_console=True)
# no console function: the panel's "Views From One Image" (a script uses the client)
IMAGE_TO_MULTIVIEW = _image(routes.IMAGE_TO_MULTIVIEW, "Views", pricing.flat(10), VIEW_OUTPUTS, in_console=False)
# 5 credits per view edited (docs/apiv3.md#prices, a v2 figure); lands in place of the views it edits
EDIT_MULTIVIEW = _image(
    routes.EDIT_MULTIVIEW, "Edit views", pricing.per_view(5), VIEW_OUTPUTS, in_console=True, landing=Landing.VIEWS
)
# price unpublished; lands as a Blender image (the depth map) and a relief plane (blender/depth_landing.py)
IMAGE_TO_DEPTH = _image(
    routes.IMAGE_TO_DEPTH, "Depth", pricing.unknown, ("depth_image",), in_console=True, landing=Landing.DEPTH
)
# price: 30 credits, about 4 minutes (Tripo's published v2 figure)
IMAGE_TO_SPLAT = _image(
    routes.IMAGE_TO_SPLAT, "Splat", pricing.flat(30), (SPLAT_OUTPUT,), in_console=True, landing=Landing.SPLAT
)
#: The task type of an uploaded model turned into a task (``TripoClient.import_model``): "a model"
#: to every post-process. No job has this kind: a mesh of the user's is imported by the upload
#: step of the post-process that needs it (``jobs/mesh_upload.py``).
IMPORTED_TYPE = "import_model"


def _post(
    route: Route,
    verb: str,
    console: str,
    landing: Landing,
    price: pricing.Rule,
    *,
    outputs: tuple[str, ...] = (MODEL_OUTPUTS[0], THUMBNAIL_OUTPUT),
    step_name: str = "",
    takes_file: bool = False,
    task_only: bool = False,
    makes_model: bool = False,
    has_parts: bool = False,
) -> Kind:
    name, label = _named(route)
    return Kind(
        name,
        label,
        verb,
        landing,
        price,
        route.task_type,
        console,
        True,
        outputs,
        step_name=step_name,
        takes_file=takes_file,
        task_only=task_only,
        makes_model=makes_model,
        has_parts=has_parts,
    )


TEXTURE = _post(
    routes.TEXTURE,
    "Texture",
    "texture",
    Landing.REPLACE,
    pricing.texture,
    step_name="{} (textured)",
    takes_file=True,
    makes_model=True,
)
CHECK_RIGGABLE = _post(
    routes.RIG_CHECK, "Riggable?", "check_riggable", Landing.NONE, pricing.flat(0), outputs=(), takes_file=True
)
RIG = _post(routes.RIG, "Rig", "rig", Landing.RIG, pricing.rig, step_name="{} (rigged)", takes_file=True)
# step name only when the rig was gone: the animation then lands as a character of its own
RETARGET = _post(
    routes.RETARGET,
    "Animate",
    "retarget",
    Landing.RETARGET,
    pricing.retarget,
    step_name="{} (animated)",
    task_only=True,
)
CONVERT = _post(
    routes.CONVERT, "Convert", "convert", Landing.REPLACE, pricing.convert, step_name="{} ({format})", takes_file=True
)
SEGMENT = _post(
    routes.SEGMENT,
    "Segment",
    "segment",
    Landing.REPLACE,
    pricing.flat(40),
    step_name="{} parts",
    takes_file=True,
    has_parts=True,
)
# price unpublished; a model's parts take its place like Segment's, an image's (a new model) land at the cursor
# (its console name is its method's, the kind's own name)
SMART_SEGMENT = _post(
    routes.SMART_SEGMENT,
    "Smart segment",
    _named(routes.SMART_SEGMENT)[0],
    Landing.REPLACE,
    pricing.unknown,
    step_name="{} parts",
    takes_file=True,
    has_parts=True,
)
COMPLETE = _post(
    routes.COMPLETE,
    "Complete",
    "complete",
    Landing.REPLACE,
    pricing.flat(50),
    step_name="{} (parts completed)",
    task_only=True,
    has_parts=True,
)
LOWPOLY = _post(
    routes.DECIMATE, "Low poly", "smart_lowpoly", Landing.REPLACE, pricing.flat(30), step_name="{} (low poly)"
)
# price unpublished: the dialogs say "price unknown" rather than a guess
SMART_UV = _post(
    routes.MESH_UV, "UV", "smart_uv", Landing.REPLACE, pricing.unknown, outputs=(MODEL_OUTPUTS[0],), step_name="{} (UV)"
)
# a followed task may be a splat: its file is fetched and landed as one
FOLLOW = Kind(
    FOLLOW_KIND,
    "Import by Task ID",
    "Task",
    Landing.NEW,
    pricing.flat(0),
    task_type="",
    console=FOLLOW_KIND,
    outputs=(MODEL_OUTPUTS[0], THUMBNAIL_OUTPUT, SPLAT_OUTPUT),
)

_ALL: tuple[Kind, ...] = (
    *_GENERATIONS,
    TEXT_TO_IMAGE,
    IMAGE_TO_IMAGE,
    IMAGE_TO_MULTIVIEW,
    EDIT_MULTIVIEW,
    IMAGE_TO_DEPTH,
    IMAGE_TO_SPLAT,
    TEXTURE,
    CHECK_RIGGABLE,
    RIG,
    RETARGET,
    CONVERT,
    SEGMENT,
    SMART_SEGMENT,
    COMPLETE,
    LOWPOLY,
    SMART_UV,
    FOLLOW,
)

#: Task types that are "a model" to every post-process: a generation, a texture, an import.
_MODELS = frozenset(k.wire_type for k in _ALL if k.makes_model) | {IMPORTED_TYPE}
#: The source task types Tripo takes for each post-process (docs/apiv3.md#post-processes); a kind not
#: listed takes any model.
_ACCEPTS: Mapping[str, frozenset[str]] = {
    TEXTURE.name: _MODELS,
    RETARGET.name: frozenset({RIG.wire_type}),
    CONVERT.name: _MODELS | {RIG.wire_type, RETARGET.wire_type, CONVERT.wire_type},
    SEGMENT.name: _MODELS | {LOWPOLY.wire_type},
    SMART_SEGMENT.name: _MODELS | {LOWPOLY.wire_type},
    # a smart segmentation's result is used like a segmentation's (ComfyUI's Tripo nodes)
    COMPLETE.name: frozenset({SEGMENT.wire_type, SMART_SEGMENT.wire_type}),
    LOWPOLY.name: _MODELS | {SEGMENT.wire_type, SMART_SEGMENT.wire_type, COMPLETE.wire_type},
    SMART_UV.name: _MODELS | {LOWPOLY.wire_type, SEGMENT.wire_type, SMART_SEGMENT.wire_type, COMPLETE.wire_type},
}

#: Every kind a job may have, by name. A whitelist: a spec read back from disk can never make a
#: worker call ``close`` or ``create_task`` with arbitrary data.
KINDS: Mapping[str, Kind] = MappingProxyType({kind.name: kind for kind in _ALL})


@dataclass(frozen=True)
class Retired:
    """A kind Tripo retired with v2: its label, and what its result was called."""

    label: str
    step_name: str


#: Kinds Tripo retired with v2: journals of earlier versions may still name them. Such jobs load
#: and show, but nothing can send them again (the client refuses).
RETIRED_KINDS: Mapping[str, Retired] = MappingProxyType(
    {
        "refine_model": Retired("Refine", "{} (refined)"),
        "stylize_model": Retired("Stylize", "{} (stylized)"),
    }
)
#: Post-processes whose route takes an uploaded model's ``file_token`` as its input
#: (docs/apiv3.md#post-processes); the others need a task, so a local mesh becomes an ``import_model`` task first.
FILE_TOKEN_KINDS = frozenset(k.name for k in _ALL if k.takes_file)
#: Post-processes of a result Tripo made of a *specific* earlier task (a rig, a segmentation):
#: a local mesh can never be their source.
TASK_ONLY_KINDS = frozenset(k.name for k in _ALL if k.task_only)
#: Kinds whose results are named parts (the menu's Complete Parts needs them).
PARTS_KINDS = frozenset(k.name for k in _ALL if k.has_parts)
#: Task types of the generations (what "made from scratch" means for the menu's rules).
GENERATED_TYPES = frozenset(k.name for k in _GENERATIONS)


def kind_of(name: str) -> Kind:
    """The record of kind ``name``; KeyError (naming the known kinds) for anything else."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown job kind {name!r}; expected one of {', '.join(sorted(KINDS))}") from None


def by_task_type(task_type: str | None) -> Kind | None:
    """The kind whose tasks the service reports as ``task_type`` (None for types of no kind)."""
    return next((k for k in _ALL if task_type and k.wire_type == task_type), None)


def by_console_name(name: str) -> Kind | None:
    """The kind the console calls ``name`` (``"rig"`` → ``rig_model``), or whose name it is."""
    return next((k for k in _ALL if name in (k.console, k.name)), None)


def estimate_cost(kind: str, params: Mapping[str, Any]) -> int | None:
    """Credits that ``kind`` (a client method name) with these keyword arguments will cost.

    ``None`` means the price is unknown (not published, or an option whose price is not):
    show "price unknown", never 0.
    """
    record = KINDS.get(kind)
    return None if record is None else record.price(params)
