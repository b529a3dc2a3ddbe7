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

Both end in :func:`submit_request`, which sends the request through the generation service the
console uses too (:mod:`.generation`) and returns at once after handing the job to the runtime
(the pump imports the result later, at the 3D cursor position stored now).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..rules import generate as form
from ..rules.account import OFFLINE_HINT
from ..rules.errors import UserError
from .generate_props import FORM_ATTR, GenerateOptions, TripoGenerateForm
from .generation import GenerateRequest, generation_spec, request_problems, submit
from .image_inputs import ImageInputError, ImageSlot, named_slot
from .importer import cursor_location
from .runtime import online_access

__all__ = [
    "TRIPO_OT_generate",
    "TRIPO_OT_generate_form",
    "CLASSES",
    "IMAGE_SLOTS",
    "form_of",
    "form_values",
    "form_slots",
    "form_request",
    "submit_request",
    "offline_problems",
]


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
    "IMAGE": (_SlotProps(form.input_names("IMAGE")[0], "image_path", "image"),),
    "MULTIVIEW": tuple(
        _SlotProps(what, f"{view}_path", f"{view}_image")
        for view, what in zip(form.VIEWS, form.input_names("MULTIVIEW"))
    ),
}


def form_of(context: bpy.types.Context) -> TripoGenerateForm | None:
    """The scene's form, or None (no scene, or the add-on is being unregistered)."""
    scene = getattr(context, "scene", None)
    return getattr(scene, FORM_ATTR, None) if scene is not None else None


def offline_problems() -> list[str]:
    """Why no form button can send anything now: online access is off (Blender's own switch).
    Offline, Generate must not invite a click that can only fail; the reason is said in full."""
    return [] if online_access() else [OFFLINE_HINT]


def poll_form(op_class: Any, context: bpy.types.Context, problems: Callable[[TripoGenerateForm], list[str]]) -> bool:
    """A form button's ``poll``: greyed, with the first problem as its tooltip, while ``problems``
    finds any or online access is off (shared by Generate, Image First and Make Model)."""
    pg = form_of(context)
    if pg is None:
        return False
    found = offline_problems() + problems(pg)
    if found:
        op_class.poll_message_set(found[0])
        return False
    return True


def form_values(pg: TripoGenerateForm) -> dict[str, Any]:
    """The form's option values by name (the mapping :mod:`..rules.generate` works on)."""
    return {name: getattr(pg, name) for name in form.DEFAULTS}


def form_slots(pg: TripoGenerateForm, mode: str) -> tuple[ImageSlot, ...]:
    """The form's image inputs for ``mode``, in request order."""
    return tuple(ImageSlot(getattr(pg, s.path_prop), getattr(pg, s.pointer_prop)) for s in IMAGE_SLOTS[mode])


def form_request(pg: TripoGenerateForm) -> GenerateRequest:
    """The request exactly as the panel's form describes it."""
    mode = str(pg.mode)
    return GenerateRequest(mode, form_values(pg), form_slots(pg, mode))


def submit_request(op: bpy.types.Operator, context: bpy.types.Context, request: GenerateRequest) -> set[OperatorReturn]:
    """Send ``request`` through the generation service. Never raises for user errors: every
    problem becomes an ``{'ERROR'}`` report and ``{'CANCELLED'}``."""
    try:  # where it lands: the cursor now, not when the result arrives
        job = submit(generation_spec(request, location=cursor_location(context.scene)))
    except (UserError, ValueError, TypeError) as exc:
        # UserError: the form's problems, an unusable image, online access off, no/invalid key, too
        # many jobs waiting (the message says what to do); ValueError: e.g. a prompt that looks
        # like an API key (specs refuse secrets); TypeError: the client's own argument checks.
        op.report({"ERROR"}, str(exc))
        return {"CANCELLED"}
    op.report(
        {"INFO"},
        f"Sent '{job.name}' to Tripo ({form.cost_phrase(job.estimated_cost)}); it appears at the 3D cursor when done",
    )
    return {"FINISHED"}


class TRIPO_OT_generate_form(bpy.types.Operator):
    """Send the form to Tripo. Costs credits: the estimate is shown on the button"""

    bl_idname = "tripo.generate_form"
    bl_label = "Generate"
    bl_options = {"REGISTER"}

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        return poll_form(cls, context, lambda pg: request_problems(form_request(pg)))

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
    bl_options = {"REGISTER"}

    # Datablock inputs by name (operators cannot hold datablock pointers); see IMAGE_SLOTS.
    image_name: bpy.props.StringProperty(name="Image (Blender image)", options={"SKIP_SAVE"}, description=_NAME_HELP)
    front_image_name: bpy.props.StringProperty(
        name="Front (Blender image)", options={"SKIP_SAVE"}, description=_NAME_HELP
    )
    left_image_name: bpy.props.StringProperty(
        name="Left (Blender image)", options={"SKIP_SAVE"}, description=_NAME_HELP
    )
    back_image_name: bpy.props.StringProperty(
        name="Back (Blender image)", options={"SKIP_SAVE"}, description=_NAME_HELP
    )
    right_image_name: bpy.props.StringProperty(
        name="Right (Blender image)", options={"SKIP_SAVE"}, description=_NAME_HELP
    )

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
        return tuple(
            named_slot(
                getattr(self, s.path_prop),
                getattr(self, s.name_prop),
                s.what,
                path_prop=s.path_prop,
                name_prop=s.name_prop,
            )
            for s in specs
        )

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
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        return submit_request(self, context, GenerateRequest(mode, values, slots, explicit))


CLASSES: tuple[type, ...] = (TRIPO_OT_generate_form, TRIPO_OT_generate)
