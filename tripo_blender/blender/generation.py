"""One way to send a generation (text, image or multiview → model), for the sidebar and the console.

Why one service: the panel's Generate button, ``bpy.ops.tripo.generate`` and ``tripo.text_to_model``
/ ``image_to_model`` / ``multiview_to_model`` / ``batch`` must check, price, name and send a request
exactly alike — the same refusals with the same sentences, the same images sent the same way,
the same job name — or a script and the panel would disagree about what a click costs. So the
steps are written once here:

    check (:func:`request_problems`) → prepare the images → build the params → name → spec
    (:func:`generation_spec`) → submit (:func:`submit`; the runtime's one validation checks the
    params by the route's record, :func:`..client.routes.check`)

and each caller keeps only its own way of *reporting*: the operators turn :class:`UserError`
(and the client's ``ValueError``/``TypeError``) into an ``{'ERROR'}`` report, the console raises
``ValueError``/``TypeError`` at the call. Each caller also says how an input becomes what a
worker sends (``prepare``): the panel sends a concept image by its task id, the console also
passes URLs, ``file_…`` tokens and task ids through.

Main thread only: preparing an image reads (and may write) Blender images.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..jobs import Job, JobSpec
from ..rules import generate as form
from ..rules.errors import UserError
from .decoders import blender_and_meshopt, gltf_supports_meshopt
from .image_inputs import ImageSlot, concept_task, prepare_image
from .runtime import runtime

__all__ = [
    "GenerateRequest",
    "GenerationRefused",
    "Prepare",
    "request_problems",
    "estimated_cost",
    "panel_input",
    "generation_spec",
    "submit",
]

log = logging.getLogger(__name__)

#: Turns image input number ``index`` (called ``what`` in messages) into what a worker sends: a
#: local file path, or a reference Tripo resolves itself (task id, URL, ``file_…`` token).
Prepare = Callable[[int, str], str]


@dataclass(frozen=True)
class GenerateRequest:
    """A fully merged request: mode, option values, image inputs, and the options set explicitly."""

    mode: str
    values: dict[str, Any]
    slots: tuple[ImageSlot, ...] = ()
    explicit: frozenset[str] = field(default_factory=frozenset)


class GenerationRefused(UserError):
    """The request cannot be sent as it stands; the message lists every reason, most important first."""


def request_problems(request: GenerateRequest) -> list[str]:
    """What stops ``request`` from being sent ([] = ready), including the compress guard."""
    return form.problems(
        request.mode,
        request.values,
        [slot.filled for slot in request.slots],
        explicit=request.explicit,
        compress_supported=gltf_supports_meshopt(),
        blender_version=blender_and_meshopt(),
    )


def estimated_cost(request: GenerateRequest) -> int | None:
    """Credits the request will cost, as the button shows it (None: price not published)."""
    return form.estimate(request.mode, request.values)


def panel_input(request: GenerateRequest) -> Prepare:
    """How the sidebar sends its inputs: in image mode a concept image (made with "Image First")
    goes as its task id, with no upload; anything else as a checked file (:func:`prepare_image`)."""

    def prepare(index: int, what: str) -> str:
        slot = request.slots[index]
        task_id = concept_task(slot.image) if request.mode == "IMAGE" else None
        return task_id or prepare_image(slot, what)

    return prepare


def generation_spec(
    request: GenerateRequest,
    prepare: Prepare | None = None,
    *,
    labels: Sequence[str | None] | None = None,
    name: str | None = None,
    location: Sequence[float] | None = None,
) -> JobSpec:
    """The job for ``request``: checked, its images prepared, its params built and its name chosen.

    Raises :class:`GenerationRefused` listing the form's problems; whatever ``prepare`` raises for
    an unusable image (:class:`.image_inputs.ImageInputError` by default); ``ValueError`` from
    :class:`JobSpec` (e.g. a prompt that looks like an API key). ``labels`` name the inputs for
    the job name (default: the slots' own names); ``location`` is where the result lands
    (default: the 3D cursor when it lands).
    """
    found = request_problems(request)
    if found:
        raise GenerationRefused("; ".join(found))
    prepare = prepare or panel_input(request)
    paths = [
        prepare(i, what) if slot.filled else None
        for i, (slot, what) in enumerate(zip(request.slots, form.input_names(request.mode)))
    ]
    kind, params = form.build_params(request.mode, request.values, paths)
    if labels is None:
        labels = [slot.label for slot in request.slots]
    meta: dict[str, Any] = {"mode": request.mode}
    if location is not None:
        meta["location"] = [float(v) for v in location]
    return JobSpec(
        kind, params, name=name or form.job_name(request.mode, str(request.values["prompt"]), labels), meta=meta
    )


def submit(spec: JobSpec) -> Job:
    """Hand ``spec`` to the runtime, which checks it (``ValueError``/``TypeError`` for what the
    client would refuse, nothing sent) and returns the job at once.

    Raises :class:`UserError` when it cannot be sent (online access off, no or bad key, too many
    jobs waiting: the message says what to do)."""
    job = runtime.submit(spec)
    log.info("submitted %s job %s %r", spec.kind, job.id, job.name)
    return job
