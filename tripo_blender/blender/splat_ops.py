"""The generate panel's "Make Gaussian Splat": the image of Image mode as a splat, in one click.

Why a button under Image mode rather than a mode of its own: a splat is made from exactly what an
image → model request is made from (one image, nothing else to set), so the artist who has picked
an image chooses what to make of it — the model (Generate) or a splat (this button, with its
price). The job is an ``image_to_splat`` like the console's :func:`tripo.image_to_splat`; its
result lands at the 3D cursor as it was at the click (:mod:`.splat_landing`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..jobs import JobSpec, estimate_cost
from ..jobs.kinds import IMAGE_TO_SPLAT
from ..rules import generate as form
from .generate_ops import form_of, poll_form
from .generate_props import TripoGenerateForm
from .generation import submit
from .image_inputs import ImageInputError, ImageSlot, prepare_image
from .importer import cursor_location
from .runtime import UserError

__all__ = ["splat_name", "splat_problems", "draw_splat_button", "TRIPO_OT_image_to_splat", "CLASSES"]

log = logging.getLogger(__name__)


def splat_name(image_label: str | None) -> str:
    """The job's (and the splat's) name: the image's, and what it is ("rocket splat")."""
    return f"{form.job_name('IMAGE', '', [image_label])} splat"


def _slot(pg: TripoGenerateForm) -> ImageSlot:
    return ImageSlot(str(pg.image_path), pg.image)


def splat_problems(pg: TripoGenerateForm) -> list[str]:
    """What stops the button now ([] = ready)."""
    if str(pg.mode) != "IMAGE":
        return ["A splat is made from an image: switch to Image"]
    return [] if _slot(pg).filled else ["Choose an image (a Blender image or a file) first"]


def draw_splat_button(layout: Any, pg: TripoGenerateForm) -> None:
    """The button, with its price (Image mode only)."""
    if str(pg.mode) != "IMAGE":
        return
    cost = estimate_cost(IMAGE_TO_SPLAT.name, {})
    layout.operator(TRIPO_OT_image_to_splat.bl_idname, text=f"Make Gaussian Splat ({form.cost_phrase(cost)})",
                    icon='OUTLINER_OB_POINTCLOUD')


class TRIPO_OT_image_to_splat(bpy.types.Operator):
    """Make a Gaussian splat of the image above instead of a mesh: it lands at the 3D cursor
    (native splats in Blender 5.3+, coloured points before). Costs credits: the price is on the button"""

    bl_idname = "tripo.image_to_splat"
    bl_label = "Make Gaussian Splat"
    bl_options = {'REGISTER'}

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        return poll_form(cls, context, splat_problems)

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        pg = form_of(context)
        assert pg is not None  # poll
        found = splat_problems(pg)
        if found:
            self.report({'ERROR'}, found[0])
            return {'CANCELLED'}
        slot = _slot(pg)
        try:
            path = prepare_image(slot, "image")
            job = submit(JobSpec(IMAGE_TO_SPLAT.name, {"image": path}, name=splat_name(slot.label),
                                 meta={"location": list(cursor_location(context.scene))}))
        except (ImageInputError, UserError, ValueError, TypeError) as exc:
            self.report({'ERROR'}, str(exc))
            return {'CANCELLED'}
        log.info("submitted image_to_splat job %s", job.id)
        self.report({'INFO'}, f"Sent '{job.name}' to Tripo ({form.cost_phrase(job.estimated_cost)}); "
                              "it appears at the 3D cursor when done")
        return {'FINISHED'}


CLASSES: tuple[type, ...] = (TRIPO_OT_image_to_splat,)
