"""Every kind of job, one record each: the one place a fact about a kind is written.

A job's *kind* is the name of the :class:`~tripo_blender.client.TripoClient` method it calls.
What the rest of the add-on needs to know about a kind — how to call it, what the service calls
its task, which sources Tripo accepts, what to download, how its result lands in the scene, what
it costs, what the menu and the console call it — is here, so adding a kind is one record (plus
its dialog). The client keeps only the wire mapping (task type → apiv3 route, in
:mod:`..client.payloads`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from . import pricing

__all__ = [
    "Landing", "Kind", "KINDS", "FOLLOW_KIND", "RETIRED_KINDS", "SOURCE_PARAM", "MODEL_OUTPUTS", "THUMBNAIL_OUTPUT",
    "GENERATED_TYPES", "kind_of", "by_task_type", "by_console_name", "estimate_cost",
]

#: The parameter naming the source of every post-process (the seed's name; apiv3 calls it ``input``).
SOURCE_PARAM = "original_model_task_id"
#: Model outputs in the order a landing prefers them (apiv3 has only ``model``; the others are
#: the names of v2-era files still listed in journals).
MODEL_OUTPUTS: tuple[str, ...] = ("model", "pbr_model", "base_model")
THUMBNAIL_OUTPUT = "rendered_image"
#: The kind of a job that only *follows* a task created elsewhere (the website, another program,
#: a lost journal): it has no client method, so it is never POSTed — :meth:`Runner.submit` takes
#: it only together with the ``task_id`` to follow, and :meth:`Runner.retry` never resends it.
FOLLOW_KIND = "import_task"


class Landing(str, enum.Enum):
    """How a kind's result reaches the scene (see ``blender/landing.py``)."""

    NEW = "new"  # a new collection at the 3D cursor
    REPLACE = "replace"  # takes its source's place
    RIG = "rig"  # one armature with its skinned mesh, in its source's place
    RETARGET = "retarget"  # actions on the source rig's armature
    NONE = "none"  # data only (``Job.result``), no file


@dataclass(frozen=True)
class Kind:
    """What the add-on knows about one kind of job.

    ``task_type``: what the service calls the task (``Task.type``; the key of Tripo's
    source-task rules). ``accepts``: source task types Tripo takes (None: any model; only for
    post-processes). ``console``: the name of the console function (None: not offered there).
    """

    name: str
    label: str
    verb: str
    landing: Landing
    price: pricing.Rule
    task_type: str | None = None
    console: str | None = None
    post_process: bool = False
    accepts: frozenset[str] | None = None
    outputs: tuple[str, ...] = (MODEL_OUTPUTS[0], THUMBNAIL_OUTPUT)

    @property
    def wire_type(self) -> str:
        """The task type the service reports for this kind's tasks."""
        return self.task_type or self.name

    @property
    def has_files(self) -> bool:
        return bool(self.outputs)


def _generation(name: str, label: str, h_series: tuple[int, int], p1: tuple[int, int]) -> Kind:
    return Kind(name, label, label, Landing.NEW, pricing.generation(h_series, p1), console=name)


# prices (untextured, textured) of the H series and of P1 (wire reference §8.1)
_GENERATIONS = (
    _generation("text_to_model", "Text to Model", (10, 20), (30, 40)),
    _generation("image_to_model", "Image to Model", (20, 30), (40, 50)),
    _generation("multiview_to_model", "Multiview to Model", (20, 30), (40, 50)),
)
_GENERATED = frozenset(k.name for k in _GENERATIONS)
#: Task types that are "a model" to every post-process: a generation, a texture, an import.
_MODELS = _GENERATED | {"texture_model", "import_model"}


def _post(name: str, label: str, verb: str, console: str, landing: Landing, price: pricing.Rule, *,
          task_type: str | None = None, accepts: frozenset[str] | None = None,
          outputs: tuple[str, ...] = (MODEL_OUTPUTS[0], THUMBNAIL_OUTPUT)) -> Kind:
    return Kind(name, label, verb, landing, price, task_type, console, True, accepts, outputs)


_ALL: tuple[Kind, ...] = (
    *_GENERATIONS,
    _post("texture_model", "Texture", "Texture", "texture", Landing.REPLACE, pricing.texture,
          accepts=_MODELS),
    _post("check_riggable", "Riggability check", "Riggable?", "check_riggable", Landing.NONE, pricing.flat(0),
          task_type="animate_prerigcheck", outputs=()),
    _post("rig_model", "Rig", "Rig", "rig", Landing.RIG, pricing.rig, task_type="animate_rig"),
    _post("retarget_animation", "Retarget", "Animate", "retarget", Landing.RETARGET, pricing.retarget,
          task_type="animate_retarget", accepts=frozenset({"animate_rig"})),
    _post("convert_model", "Convert", "Convert", "convert", Landing.REPLACE, pricing.convert,
          accepts=_MODELS | {"animate_rig", "animate_retarget", "convert_model"}),
    _post("mesh_segmentation", "Segment", "Segment", "segment", Landing.REPLACE, pricing.flat(40),
          accepts=_MODELS | {"highpoly_to_lowpoly"}),
    _post("mesh_completion", "Complete Parts", "Complete", "complete", Landing.REPLACE, pricing.flat(50),
          accepts=frozenset({"mesh_segmentation"})),
    _post("smart_lowpoly", "Smart Low Poly", "Low poly", "smart_lowpoly", Landing.REPLACE, pricing.flat(30),
          task_type="highpoly_to_lowpoly", accepts=_MODELS | {"mesh_segmentation", "mesh_completion"}),
    Kind(FOLLOW_KIND, "Import by Task ID", "Task", Landing.NEW, pricing.flat(0), task_type="", console=FOLLOW_KIND),
)

#: Every kind a job may have, by name. A whitelist: a spec read back from disk can never make a
#: worker call ``close`` or ``create_task`` with arbitrary data.
KINDS: Mapping[str, Kind] = MappingProxyType({kind.name: kind for kind in _ALL})
#: Kinds Tripo retired with v2: journals of earlier versions may still name them. Such jobs load
#: and show, but nothing can send them again (the client refuses).
RETIRED_KINDS: Mapping[str, str] = MappingProxyType({
    "refine_model": "Refine", "stylize_model": "Stylize",
})
#: Task types of the generations (what "made from scratch" means for the menu's rules).
GENERATED_TYPES = _GENERATED


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
