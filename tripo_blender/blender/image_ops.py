"""Image → image on any Blender image: the Image Editor's Image › Tripo menu.

Why a menu of templates and not a dialog: each of Tripo's image templates (T-pose, variants,
asset extraction…) is one click with nothing else to choose, and the list with its tooltips is the
record's (:data:`..client.routes.IMAGE_TEMPLATES`). A concept image (of text → image or of an
earlier change) goes as its task id — Tripo reuses it, nothing is uploaded; any other image is
written to a file and uploaded by the job, exactly as the generate panel's image slot does
(:func:`.image_inputs.prepare_image`). The result lands as a new Blender image named after the
source and the change ("fox (T-pose)"), which the Image Editor's image menu lists.

Main thread only (reads Blender images); the job runs on the add-on's workers.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..client import routes
from ..jobs import JobSpec
from ..jobs.kinds import IMAGE_TO_IMAGE
from ..rules import generate as form
from .field_props import choice_items, options_of
from .generation import submit
from .image_inputs import ImageInputError, ImageSlot, concept_task, prepare_image
from .runtime import UserError

__all__ = [
    "TRIPO_OT_image_to_image",
    "IMAGE_MT_tripo",
    "draw_image_menu",
    "CLASSES",
    "register_extra",
    "unregister_extra",
]

log = logging.getLogger(__name__)

_TEMPLATE = routes.IMAGE_TO_IMAGE.field("template")
#: The template menu from the route record (no "Default" item: a template is what the button
#: sends); shared with Image First's own button (:mod:`.image_first`).
TemplateOption: Any = options_of(
    routes.IMAGE_TO_IMAGE, "template", template={"default": "t_pose", "items": choice_items(_TEMPLATE)}
)


def template_description(properties: Any, tail: str) -> str:
    """A template button's tooltip: what the chosen template does, then ``tail``."""
    choice = _TEMPLATE.choice(getattr(properties, "template", None))
    lead = f"{choice.name}: {choice.description}. " if choice is not None else ""
    return f"{lead}{tail}"


def _image_of(context: bpy.types.Context, name: str) -> bpy.types.Image | None:
    """The image named ``name``, else the one the Image Editor shows."""
    if name:
        return bpy.data.images.get(name)
    space = getattr(context, "space_data", None)
    return getattr(space, "image", None) if getattr(space, "type", "") == "IMAGE_EDITOR" else None


class TRIPO_OT_image_to_image(TemplateOption, bpy.types.Operator):
    """Change this image with one of Tripo's image templates; the result lands as a new image.
    Tripo publishes no price: the Jobs list shows the charge"""

    bl_idname = "tripo.image_to_image"
    bl_label = "Change Image with Tripo"
    bl_options = {"REGISTER"}

    image_name: bpy.props.StringProperty(
        name="Image", description="The image to change (default: the Image Editor's)", options={"HIDDEN", "SKIP_SAVE"}
    )

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        """Greyed in an Image Editor showing no image; a script names its image (``image_name``)."""
        space = getattr(context, "space_data", None)
        if getattr(space, "type", "") == "IMAGE_EDITOR" and getattr(space, "image", None) is None:
            cls.poll_message_set("Open an image in the Image Editor first")
            return False
        return True

    @classmethod
    def description(cls, context: bpy.types.Context, properties: Any) -> str:
        return template_description(properties, "The result lands as a new image; the price is not published")

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        image = _image_of(context, self.image_name)
        if image is None:
            self.report(
                {"ERROR"},
                f"No image named '{self.image_name}'" if self.image_name else "Open an image in the Image Editor first",
            )
            return {"CANCELLED"}
        try:
            source = concept_task(image) or prepare_image(ImageSlot(image=image), "image")
        except ImageInputError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        name = form.edited_image_name(str(image.name), self.template)
        try:
            job = submit(JobSpec(IMAGE_TO_IMAGE.name, {"image": source, "template": self.template}, name=name))
        except (UserError, ValueError, TypeError) as exc:  # offline, no key…
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        log.info("submitted image_to_image job %s from image %s", job.id, image.name)
        self.report({"INFO"}, f"Making '{name}' ({form.cost_phrase(job.estimated_cost)}); it lands as a new image")
        return {"FINISHED"}


class IMAGE_MT_tripo(bpy.types.Menu):
    """Tripo's image templates for the image in the editor."""

    bl_idname = "IMAGE_MT_tripo"
    bl_label = "Tripo"

    def draw(self, context: bpy.types.Context) -> None:
        layout = self.layout
        assert layout is not None
        for choice in _TEMPLATE.choices:
            layout.operator(TRIPO_OT_image_to_image.bl_idname, text=choice.name).template = choice.value


def draw_image_menu(menu: Any, context: bpy.types.Context) -> None:
    """Appended to the Image Editor's Image menu: the Tripo submenu."""
    layout = menu.layout
    layout.separator()
    layout.menu(IMAGE_MT_tripo.bl_idname, icon="FUND")


CLASSES: tuple[type, ...] = (TRIPO_OT_image_to_image, IMAGE_MT_tripo)


def register_extra() -> None:
    bpy.types.IMAGE_MT_image.append(draw_image_menu)


def unregister_extra() -> None:
    bpy.types.IMAGE_MT_image.remove(draw_image_menu)
