"""Operators that send the generate form to Tripo: ``tripo.generate`` (scripts) and the panel button.

Why two operators: Blender's ``poll`` is a class method — it sees the context, never the
operator's own properties. The panel button must be greyed out with a reason whenever the *form*
is invalid (``poll`` + ``poll_message_set``), but a script that calls
``bpy.ops.tripo.generate(mode='TEXT', prompt='a cat')`` while the panel's prompt is empty must
work, and a failing ``poll`` would stop it before its arguments were even looked at. So:

* ``tripo.generate_form`` — the panel's Generate button: no properties, ``poll`` validates the
  scene form and explains what is wrong;
* ``tripo.generate`` — scriptable: every form option is also an operator property; properties
  the caller set win, the rest come from the scene form. It validates in ``execute`` and reports
  problems (``{'ERROR'}`` report, ``{'CANCELLED'}``) instead of raising.

Both end in :func:`submit_request`, which returns at once after handing the job to the runtime
(the pump imports the result later, at the 3D cursor position stored now).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..jobs import JobSpec
from . import generate_form as form
from .generate_props import FORM_ATTR, GenerateOptions, TripoGenerateForm
from .image_inputs import ImageInputError, ImageSlot, named_slot, prepare_image
from .importer import gltf_supports_meshopt, meshopt_unavailable_reason
from .runtime import UserError, runtime

__all__ = ["GenerateRequest", "TRIPO_OT_generate", "TRIPO_OT_generate_form", "CLASSES", "IMAGE_SLOTS", "form_of",
           "form_values", "form_slots", "form_request", "request_problems", "estimated_cost", "submit_request"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _SlotProps:
    """Where one image input lives: its name in messages, its path property, its datablock property
    (a pointer on the form; ``<pointer>_name`` on the operator)."""

    what: str
    path_prop: str
    pointer_prop: str

    @property
    def name_prop(self) -> str:
        return f"{self.pointer_prop}_name"


#: The image inputs of each mode, in request order (multiview: front, left, back, right).
IMAGE_SLOTS: dict[str, tuple[_SlotProps, ...]] = {
    "TEXT": (),
    "IMAGE": (_SlotProps("image", "image_path", "image"),),
    "MULTIVIEW": tuple(_SlotProps(f"{view} view image", f"{view}_path", f"{view}_image") for view in form.VIEWS),
}


@dataclass(frozen=True)
class GenerateRequest:
    """A fully merged request: mode, option values, image inputs, and the options set explicitly."""

    mode: str
    values: dict[str, Any]
    slots: tuple[ImageSlot, ...] = ()
    explicit: frozenset[str] = field(default_factory=frozenset)


def form_of(context: bpy.types.Context) -> TripoGenerateForm | None:
    """The scene's form, or None (no scene, or the add-on is being unregistered)."""
    scene = getattr(context, "scene", None)
    return getattr(scene, FORM_ATTR, None) if scene is not None else None


def form_values(pg: TripoGenerateForm) -> dict[str, Any]:
    """The form's option values by name (the mapping :mod:`.generate_form` works on)."""
    return {name: getattr(pg, name) for name in form.DEFAULTS}


def form_slots(pg: TripoGenerateForm, mode: str) -> tuple[ImageSlot, ...]:
    """The form's image inputs for ``mode``, in request order."""
    return tuple(ImageSlot(getattr(pg, s.path_prop), getattr(pg, s.pointer_prop)) for s in IMAGE_SLOTS[mode])


def form_request(pg: TripoGenerateForm) -> GenerateRequest:
    """The request exactly as the panel's form describes it."""
    mode = str(pg.mode)
    return GenerateRequest(mode, form_values(pg), form_slots(pg, mode))


def request_problems(request: GenerateRequest) -> list[str]:
    """What stops ``request`` from being sent ([] = ready), including the compress guard."""
    return form.problems(
        request.mode,
        request.values,
        [slot.filled for slot in request.slots],
        explicit=request.explicit,
        compress_supported=gltf_supports_meshopt(),
        # the version with the probe's reason: "Blender 5.2.4 (this build … lacks the decoder library)"
        blender_version=f"{bpy.app.version_string} ({meshopt_unavailable_reason() or 'no meshopt'})",
    )


def estimated_cost(request: GenerateRequest) -> int | None:
    """Credits the request will cost, as the button shows it (None: price not published)."""
    return form.estimate(request.mode, request.values)


def submit_request(op: bpy.types.Operator, context: bpy.types.Context,
                   request: GenerateRequest) -> set[OperatorReturn]:
    """Validate, prepare images, and hand the job to the runtime. Never raises for user errors:
    every problem becomes an ``{'ERROR'}`` report and ``{'CANCELLED'}``."""
    found = request_problems(request)
    if found:
        op.report({'ERROR'}, "; ".join(found))
        return {'CANCELLED'}
    slot_props = IMAGE_SLOTS[request.mode]
    try:
        paths = [prepare_image(slot, props.what) if slot.filled else None
                 for slot, props in zip(request.slots, slot_props)]
    except ImageInputError as exc:
        op.report({'ERROR'}, str(exc))
        return {'CANCELLED'}
    kind, params = form.build_params(request.mode, request.values, paths)
    name = form.job_name(request.mode, str(request.values["prompt"]), [slot.label for slot in request.slots])
    scene = context.scene
    assert scene is not None  # both operators' poll
    cursor = scene.cursor.location
    meta = {"mode": request.mode, "location": [cursor.x, cursor.y, cursor.z]}
    try:
        spec = JobSpec(kind, params, name=name, meta=meta)
        job = runtime.submit(spec)
    except (UserError, ValueError) as exc:
        # UserError: online access off, no/invalid key, too many jobs waiting (the message says
        # what to do); ValueError: e.g. a prompt that looks like an API key (specs refuse secrets).
        op.report({'ERROR'}, str(exc))
        return {'CANCELLED'}
    log.info("submitted %s job %s %r", kind, job.id, name)
    op.report({'INFO'}, f"Sent '{name}' to Tripo ({form.cost_phrase(job.estimated_cost)}); "
                        "it appears at the 3D cursor when done")
    return {'FINISHED'}


class TRIPO_OT_generate_form(bpy.types.Operator):
    """Send the form to Tripo. Costs credits: the estimate is shown on the button"""

    bl_idname = "tripo.generate_form"
    bl_label = "Generate"
    bl_options = {'REGISTER'}

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        pg = form_of(context)
        if pg is None:
            return False
        found = request_problems(form_request(pg))
        if found:
            cls.poll_message_set(found[0])
            return False
        return True

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        pg = form_of(context)
        assert pg is not None  # poll
        return submit_request(self, context, form_request(pg))


_NAME_HELP = "Name of a Blender image to use instead of a file"


class TRIPO_OT_generate(GenerateOptions, bpy.types.Operator):
    """Generate a 3D model with Tripo from a prompt, an image or multiview images (costs credits).
    Options not given are taken from the Generate panel"""

    bl_idname = "tripo.generate"
    bl_label = "Generate with Tripo"
    bl_options = {'REGISTER'}

    # Datablock inputs by name (operators cannot hold datablock pointers); see IMAGE_SLOTS.
    image_name: bpy.props.StringProperty(name="Image (Blender image)", options={'SKIP_SAVE'},
                                         description=_NAME_HELP)
    front_image_name: bpy.props.StringProperty(name="Front (Blender image)", options={'SKIP_SAVE'},
                                               description=_NAME_HELP)
    left_image_name: bpy.props.StringProperty(name="Left (Blender image)", options={'SKIP_SAVE'},
                                              description=_NAME_HELP)
    back_image_name: bpy.props.StringProperty(name="Back (Blender image)", options={'SKIP_SAVE'},
                                              description=_NAME_HELP)
    right_image_name: bpy.props.StringProperty(name="Right (Blender image)", options={'SKIP_SAVE'},
                                               description=_NAME_HELP)

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        # Nothing about the form here: a script's own arguments are only known in execute().
        return form_of(context) is not None

    def _slots(self, mode: str, pg: TripoGenerateForm) -> tuple[ImageSlot, ...]:
        """Image inputs: the script's when it gave any for this mode, else the form's.

        All-or-nothing on purpose: a script passing front and left views must not silently get
        the back view someone left in the panel (views of two different objects).
        """
        props = self.properties
        specs = IMAGE_SLOTS[mode]
        if not any(props.is_property_set(s.path_prop) or props.is_property_set(s.name_prop) for s in specs):
            return form_slots(pg, mode)
        return tuple(named_slot(getattr(self, s.path_prop), getattr(self, s.name_prop), s.what,
                                path_prop=s.path_prop, name_prop=s.name_prop) for s in specs)

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        pg = form_of(context)
        assert pg is not None  # poll
        values = form_values(pg)
        explicit = frozenset(name for name in form.DEFAULTS if self.properties.is_property_set(name))
        values.update({name: getattr(self, name) for name in explicit})
        mode = str(values["mode"])
        try:
            slots = self._slots(mode, pg)
        except ImageInputError as exc:
            self.report({'ERROR'}, str(exc))
            return {'CANCELLED'}
        return submit_request(self, context, GenerateRequest(mode, values, slots, explicit))


CLASSES: tuple[type, ...] = (TRIPO_OT_generate_form, TRIPO_OT_generate)
