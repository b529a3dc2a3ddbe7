""" "Image first" in the generate panel: see the picture before paying for the model.

Two paths, one mechanism:

* **Text mode, Image First**: ``text_to_image`` makes a concept image from the prompt; it appears
  in the panel and as a Blender image named after the prompt. The artist regenerates until it is
  right (each one a paid job, its price on the button), then **Make Model** runs image → model
  with the concept image's *task id* as the image.
* **Change the concept image** (text mode, once it is in): "Make T-pose", "Variants" or another
  template of image → image (:data:`..client.routes.IMAGE_TEMPLATES`) runs on the concept image's
  *task id*; the result becomes the concept image, so "Make Model" then uses it.
* **Multiview mode, Views From One Image**: ``image_to_multiview`` turns one image (a file or a
  Blender image, uploaded once) into front, left, back and right; they appear in the panel, then
  **Make Model** runs multiview → model with the views' task id (``inputs: [{"task_id": …}]``).
* **Edit Views…** (multiview mode, once the views are in): a prompt per view; ``edit_multiview``
  runs on the views' task id and its views land in place of the ones shown (:mod:`.view_sets`);
  the edit is then the step, so "Make Model" and the next edit use it.

Why a task id and not the downloaded picture: Tripo already holds the image; passing the task on
costs no upload and no re-encoding (docs/apiv3.md#inputs, #generation). The picture is downloaded only so
the artist can look at it (:mod:`.concept_images`).

The form remembers the latest step's job id (``concept_job`` / ``views_job``), so the panel
finds the job (:meth:`.runtime.Runtime.job`) and its images (by tag) on every redraw without
storing any datablock pointer. A step is never sent twice at once: while one runs, the step's
button is greyed out with the reason (each attempt costs credits).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..client.models import VIEW_NAMES
from ..client.payloads import view_prompts
from ..jobs import Job, JobSpec, JobState, estimate_cost
from ..jobs.kinds import EDIT_MULTIVIEW, IMAGE_TO_IMAGE
from ..rules import generate as form
from ..rules.tags import strip_duplicate_suffix
from .concept_images import images_of
from .generate_ops import form_of, form_values, poll_form
from .generate_props import TripoGenerateForm
from .generation import GenerateRequest, request_problems, submit
from .image_inputs import ImageInputError, ImageSlot, prepare_image
from .image_ops import TemplateOption, template_description
from .importer import cursor_location, task_id_of
from .job_list import window_manager
from .runtime import UserError, runtime
from .view_sets import EDITED, edit_name, set_of_job

__all__ = [
    "offered",
    "active",
    "toggle_prop",
    "model_mode",
    "step_job",
    "step_problems",
    "step_cost",
    "step_button_text",
    "step_images",
    "model_problems",
    "model_request",
    "model_cost",
    "edit_problems",
    "views_edit_problems",
    "views_edit_text",
    "TRIPO_OT_image_first",
    "TRIPO_OT_image_first_model",
    "TRIPO_OT_image_first_edit",
    "TRIPO_OT_edit_views",
    "CLASSES",
]

log = logging.getLogger(__name__)

#: Per mode: the form's switch, the property holding the latest job id, what the step makes.
_TOGGLES = {"TEXT": "image_first", "MULTIVIEW": "views_from_image"}
_JOB_PROPS = {"TEXT": "concept_job", "MULTIVIEW": "views_job"}
_WHAT = {"TEXT": "concept image", "MULTIVIEW": "four views"}


def offered(mode: str) -> bool:
    """Whether the mode has an image-first step (text, multiview)."""
    return mode in _TOGGLES


def toggle_prop(mode: str) -> str:
    return _TOGGLES[mode]


def active(pg: TripoGenerateForm) -> bool:
    """Whether the form works image first now (its mode offers it and its switch is on)."""
    mode = str(pg.mode)
    return offered(mode) and bool(getattr(pg, _TOGGLES[mode]))


def model_mode(pg: TripoGenerateForm) -> str:
    """The mode whose options the model takes (a concept image's model is image → model)."""
    return form.model_mode(str(pg.mode), active(pg))


def _step_id(pg: TripoGenerateForm) -> str:
    mode = str(pg.mode)
    return str(getattr(pg, _JOB_PROPS[mode], "")) if offered(mode) else ""


def step_job(pg: TripoGenerateForm) -> Job | None:
    """The latest image-first job of the form's mode, as the pump last saw it (None: none yet,
    or removed from the Jobs list)."""
    job_id = _step_id(pg)
    return runtime.job(job_id) if job_id else None


def step_images(pg: TripoGenerateForm) -> list[bpy.types.Image]:
    """The images the latest step landed (one concept image, or front/left/back/right). They stay
    usable when the job left the Jobs list ("Clear Finished", a reopened file): the images carry
    the job and task ids."""
    job_id = _step_id(pg)
    job = runtime.job(job_id) if job_id else None
    if not job_id or (job is not None and job.state != JobState.DONE):
        return []
    return set_of_job(job_id) if str(pg.mode) == "MULTIVIEW" else images_of(job_id)


def _source_slot(pg: TripoGenerateForm) -> ImageSlot:
    """The one image the four views are made from: the image-mode slot (a Blender image wins)."""
    return ImageSlot(str(pg.image_path), pg.image)


def step_problems(pg: TripoGenerateForm) -> list[str]:
    """What stops the step from being sent now ([] = ready)."""
    mode = str(pg.mode)
    found = form.image_first_problems(mode, form_values(pg), _source_slot(pg).filled)
    job = step_job(pg)
    if job is not None and job.state.is_active:
        found.append(f"The {_WHAT[mode]} is still being made: wait for it (each attempt costs credits)")
    return found


def step_cost(pg: TripoGenerateForm) -> int | None:
    return estimate_cost(*form.image_first_params(str(pg.mode), form_values(pg)))


def step_button_text(pg: TripoGenerateForm) -> str:
    """ "Generate Image (≈ 5 credits)", then "Regenerate Image (≈ 5 credits)" once there is one."""
    again = bool(_step_id(pg))
    verb = {"TEXT": ("Generate Image", "Regenerate Image"), "MULTIVIEW": ("Make Four Views", "Remake Views")}
    return f"{verb[str(pg.mode)][again]} ({form.cost_phrase(step_cost(pg))})"


def _done_task(pg: TripoGenerateForm) -> tuple[str | None, list[str]]:
    """The finished step's task id (from the job, or from its images' tag once the job left the
    list), or the reason there is none."""
    job = step_job(pg)
    what = _WHAT.get(str(pg.mode), "image")
    if job is None:
        tagged = [task_id_of(image) for image in step_images(pg)]
        task_id = next((t for t in tagged if t), None)
        return (task_id, []) if task_id else (None, [f"Make the {what} first"])
    if job.state != JobState.DONE or not job.task_id:
        return None, [f"The {what} is not ready yet" if job.state.is_active else f"The {what} failed: make it again"]
    return job.task_id, []


def _ready_step(
    op: bpy.types.Operator, context: bpy.types.Context, problems: Callable[[TripoGenerateForm], list[str]], missing: str
) -> tuple[TripoGenerateForm, str] | None:
    """The form and its finished step's task id, for a button that builds on that step; None after
    reporting what stops it (``problems``' reasons, else ``missing``)."""
    pg = form_of(context)
    assert pg is not None  # poll
    found = problems(pg)
    task_id, _ = _done_task(pg)
    if found or task_id is None:
        op.report({"ERROR"}, "; ".join(found) or missing)
        return None
    return pg, task_id


def _model_name(pg: TripoGenerateForm) -> str:
    """The model's name: the step's (the prompt's first words, or the source image's name)."""
    job = step_job(pg)
    images = step_images(pg)
    name = job.name if job is not None else (strip_duplicate_suffix(str(images[0].name)) if images else "Tripo model")
    for suffix in (f" views{EDITED}", " views") + tuple(f" views {view}" for view in form.VIEWS):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def model_request(pg: TripoGenerateForm) -> tuple[str, dict[str, Any]] | None:
    """``(kind, params)`` of the model from the step's task, or None while there is no finished step."""
    task_id, _ = _done_task(pg)
    return form.params_from_task(str(pg.mode), form_values(pg), task_id) if task_id else None


def model_problems(pg: TripoGenerateForm) -> list[str]:
    """What stops "Make Model": no finished step, or the model options (checked like Generate's)."""
    task_id, found = _done_task(pg)
    mode = model_mode(pg)
    given = (ImageSlot(path=task_id or "the image-first task"),) * (1 if mode == "IMAGE" else len(form.VIEWS))
    return found + request_problems(GenerateRequest(mode, form_values(pg), given))


def model_cost(pg: TripoGenerateForm) -> int | None:
    request = model_request(pg)
    return estimate_cost(*request) if request is not None else form.estimate(model_mode(pg), form_values(pg))


def edit_problems(pg: TripoGenerateForm) -> list[str]:
    """What stops changing the concept image now: text mode only, and a finished concept image."""
    if str(pg.mode) != "TEXT":
        return ["Only a concept image is changed here"]
    return _done_task(pg)[1]


def views_edit_problems(pg: TripoGenerateForm) -> list[str]:
    """What stops editing the views now: multiview mode only, and finished views."""
    if str(pg.mode) != "MULTIVIEW":
        return ["Only four views are edited here"]
    return _done_task(pg)[1]


def views_edit_text() -> str:
    """ "Edit Views… (≈ 5 credits a view)": the price of one edited view, from the kind's rule."""
    return f"Edit Views… ({form.cost_phrase(estimate_cost(EDIT_MULTIVIEW.name, {'prompts': {'front': '…'}}))} a view)"


def _cursor(context: bpy.types.Context) -> list[float]:
    return list(cursor_location(context.scene))


def _submit(op: bpy.types.Operator, spec: JobSpec) -> Job | None:
    """Send ``spec`` like every generation (:func:`.generation.submit`); None after reporting why not."""
    try:
        return submit(spec)
    except (UserError, ValueError, TypeError) as exc:  # offline, no key, a prompt that looks like a key…
        op.report({"ERROR"}, str(exc))
        return None


def _poll_step(op_class: Any, context: bpy.types.Context, problems: Callable[[Any], list[str]]) -> bool:
    """An Image First button's ``poll``: only in a mode that has the step, greyed with the first of
    ``problems`` (:func:`.generate_ops.poll_form`)."""
    pg = form_of(context)
    return pg is not None and offered(str(pg.mode)) and poll_form(op_class, context, problems)


class TRIPO_OT_image_first(bpy.types.Operator):
    """Make the concept image (text mode) or the four views (multiview mode) before the model.
    Costs credits: the price is on the button"""

    bl_idname = "tripo.image_first"
    bl_label = "Image First"
    bl_options = {"REGISTER"}

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        return _poll_step(cls, context, step_problems)

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        pg = form_of(context)
        assert pg is not None  # poll
        mode = str(pg.mode)
        found = step_problems(pg)
        if found:
            self.report({"ERROR"}, "; ".join(found))
            return {"CANCELLED"}
        values = form_values(pg)
        if mode == "MULTIVIEW":
            slot = _source_slot(pg)
            try:
                path = prepare_image(slot, "image")
            except ImageInputError as exc:
                self.report({"ERROR"}, str(exc))
                return {"CANCELLED"}
            kind, params = form.image_first_params(mode, values, path)
            name = f"{form.job_name('IMAGE', '', [slot.label])} views"
        else:
            kind, params = form.image_first_params(mode, values)
            name = form.job_name("TEXT", str(values["prompt"]))
        job = _submit(self, JobSpec(kind, params, name=name, meta={"image_first": mode}))
        if job is None:
            return {"CANCELLED"}
        setattr(pg, _JOB_PROPS[mode], job.id)
        self.report(
            {"INFO"},
            f"Making the {_WHAT[mode]} '{name}' ({form.cost_phrase(job.estimated_cost)}); it appears in the panel",
        )
        return {"FINISHED"}


class TRIPO_OT_image_first_model(bpy.types.Operator):
    """Make the model from the image(s) above: Tripo reuses them, nothing is uploaded again.
    Costs credits: the price is on the button"""

    bl_idname = "tripo.image_first_model"
    bl_label = "Make Model"
    bl_options = {"REGISTER"}

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        return _poll_step(cls, context, model_problems)

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        ready = _ready_step(self, context, model_problems, "Make the image first")
        if ready is None:
            return {"CANCELLED"}
        pg, task_id = ready
        kind, params = form.params_from_task(str(pg.mode), form_values(pg), task_id)
        name = _model_name(pg)
        meta = {"mode": model_mode(pg), "location": _cursor(context), "image_task_id": task_id}
        job = _submit(self, JobSpec(kind, params, name=name, meta=meta))
        if job is None:
            return {"CANCELLED"}
        log.info("submitted %s job %s from task %s", kind, job.id, task_id)
        self.report(
            {"INFO"},
            f"Sent '{name}' to Tripo ({form.cost_phrase(job.estimated_cost)}); it appears at the 3D cursor when done",
        )
        return {"FINISHED"}


class TRIPO_OT_image_first_edit(TemplateOption, bpy.types.Operator):
    """Change the concept image with a ready-made template (Tripo reuses the image: nothing is
    uploaded); the result becomes the concept image. Tripo publishes no price: the Jobs list shows
    the charge"""

    bl_idname = "tripo.image_first_edit"
    bl_label = "Change Concept Image"
    bl_options = {"REGISTER"}

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        return _poll_step(cls, context, edit_problems)

    @classmethod
    def description(cls, context: bpy.types.Context, properties: Any) -> str:
        return template_description(
            properties, "Tripo reuses the concept image (nothing is uploaded); the price is not published"
        )

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        ready = _ready_step(self, context, edit_problems, "Make the concept image first")
        if ready is None:
            return {"CANCELLED"}
        pg, task_id = ready
        name = form.edited_image_name(_model_name(pg), self.template)
        params = {"image": task_id, "template": self.template}
        job = _submit(self, JobSpec(IMAGE_TO_IMAGE.name, params, name=name, meta={"image_first": "TEXT"}))
        if job is None:
            return {"CANCELLED"}
        pg.concept_job = job.id  # the panel shows it when it lands; Make Model then uses it
        self.report(
            {"INFO"},
            f"Making '{name}' from the concept image ({form.cost_phrase(job.estimated_cost)}); it appears in the panel",
        )
        return {"FINISHED"}


def _view_prompt(view: str) -> Any:
    return bpy.props.StringProperty(
        name=view.title(), description=f"What to change in the {view} view (empty: leave it as it is)", maxlen=1024
    )


class TRIPO_OT_edit_views(bpy.types.Operator):
    """Change some of the four views by a prompt each (Tripo reuses the views: nothing is
    uploaded); they are updated in place. Costs credits per view edited: the price is in the dialog"""

    bl_idname = "tripo.edit_views"
    bl_label = "Edit Views"
    bl_options = {"REGISTER"}

    front: _view_prompt("front")
    left: _view_prompt("left")
    back: _view_prompt("back")
    right: _view_prompt("right")

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        return _poll_step(cls, context, views_edit_problems)

    def _prompts(self) -> dict[str, str]:
        return {view: str(getattr(self, view)) for view in VIEW_NAMES}

    def invoke(self, context: bpy.types.Context, event: Any) -> set[OperatorReturn]:
        return window_manager(context).invoke_props_dialog(self, width=360)

    def draw(self, context: bpy.types.Context) -> None:
        layout = self.layout
        assert layout is not None
        for view in VIEW_NAMES:
            layout.prop(self, view)
        cost = estimate_cost(EDIT_MULTIVIEW.name, {"prompts": self._prompts()})
        layout.label(
            text=f"Edit {form.cost_phrase(cost)}" if cost else "Say what to change in at least one view", icon="INFO"
        )

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        ready = _ready_step(self, context, views_edit_problems, "Make the four views first")
        if ready is None:
            return {"CANCELLED"}
        pg, task_id = ready
        try:
            prompts = view_prompts(self._prompts())  # as sent: the views it edits
        except ValueError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        images = step_images(pg)
        name = edit_name(images) if images else f"{_model_name(pg)} views{EDITED}"
        job = _submit(
            self,
            JobSpec(
                EDIT_MULTIVIEW.name,
                {"input": task_id, "prompts": prompts},
                name=name,
                meta={"image_first": "MULTIVIEW"},
            ),
        )
        if job is None:
            return {"CANCELLED"}
        pg.views_job = job.id  # the edit is the step now: the panel shows it, Make Model uses it
        self.report(
            {"INFO"}, f"Editing '{name}' ({form.cost_phrase(job.estimated_cost)}); the views update in the panel"
        )
        return {"FINISHED"}


CLASSES: tuple[type, ...] = (
    TRIPO_OT_image_first,
    TRIPO_OT_image_first_model,
    TRIPO_OT_image_first_edit,
    TRIPO_OT_edit_views,
)
