"""Image mode's one-click routes: the form's image as a Gaussian splat, or as a depth map.

Why buttons under Image mode rather than modes of their own: a splat or a depth map is made from
exactly what an image → model request is made from (one image, nothing else to set), so the artist
who has picked an image chooses what to make of it — the model (Generate), a splat, or a depth
map (these buttons, each with its price). The jobs are the console's :func:`tripo.image_to_splat`
and :func:`tripo.image_to_depth`; their results land at the 3D cursor as it was at the click
(:mod:`.splat_landing`, :mod:`.depth_landing`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar

import bpy

if TYPE_CHECKING:  # the stubs' literal set of operator results; absent from real bpy
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..jobs import JobSpec, estimate_cost
from ..jobs.kinds import IMAGE_TO_DEPTH, IMAGE_TO_SPLAT, Kind
from ..rules import generate as form
from .generate_ops import form_of, poll_form
from .generate_props import TripoGenerateForm
from .generation import submit
from .image_inputs import ImageInputError, ImageSlot, prepare_image
from .importer import cursor_location
from .runtime import UserError

__all__ = [
    "splat_name",
    "depth_name",
    "image_route_problems",
    "draw_image_route_buttons",
    "TRIPO_OT_image_to_splat",
    "TRIPO_OT_image_to_depth",
    "CLASSES",
]

log = logging.getLogger(__name__)


def splat_name(image_label: str | None) -> str:
    """The job's (and the splat's) name: the image's, and what it is ("rocket splat")."""
    return f"{form.job_name('IMAGE', '', [image_label])} splat"


def depth_name(image_label: str | None) -> str:
    """The job's (and the plane's) name: "rocket depth"."""
    return f"{form.job_name('IMAGE', '', [image_label])} depth"


def _slot(pg: TripoGenerateForm) -> ImageSlot:
    return ImageSlot(str(pg.image_path), pg.image)


def image_route_problems(pg: TripoGenerateForm) -> list[str]:
    """What stops the buttons now ([] = ready)."""
    if str(pg.mode) != "IMAGE":
        return ["A splat or a depth map is made from an image: switch to Image"]
    return [] if _slot(pg).filled else ["Choose an image (a Blender image or a file) first"]


class _ImageRoute(bpy.types.Operator):
    """One image in, one job out: what the two buttons share (their kind, name and landing differ)."""

    bl_options = {"REGISTER"}
    kind: ClassVar[Kind]
    what: ClassVar[str]  # for the report: "it appears at the 3D cursor when done"

    @staticmethod
    def job_name(image_label: str | None) -> str:
        raise NotImplementedError

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        return poll_form(cls, context, image_route_problems)

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        pg = form_of(context)
        assert pg is not None  # poll
        found = image_route_problems(pg)
        if found:
            self.report({"ERROR"}, found[0])
            return {"CANCELLED"}
        slot = _slot(pg)
        try:
            path = prepare_image(slot, "image")
            job = submit(
                JobSpec(
                    self.kind.name,
                    {"image": path},
                    name=self.job_name(slot.label),
                    meta={"location": list(cursor_location(context.scene))},
                )
            )
        except (ImageInputError, UserError, ValueError, TypeError) as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        log.info("submitted %s job %s", self.kind.name, job.id)
        self.report(
            {"INFO"},
            f"Sent '{job.name}' to Tripo ({form.cost_phrase(job.estimated_cost)}); "
            f"{self.what} at the 3D cursor when done",
        )
        return {"FINISHED"}


class TRIPO_OT_image_to_splat(_ImageRoute):
    """Make a Gaussian splat of the image above instead of a mesh: it lands at the 3D cursor
    (native splats in Blender 5.3+, coloured points before). Costs credits: the price is on the button"""

    bl_idname = "tripo.image_to_splat"
    bl_label = "Make Gaussian Splat"
    kind = IMAGE_TO_SPLAT
    what = "it appears"
    job_name = staticmethod(splat_name)


class TRIPO_OT_image_to_depth(_ImageRoute):
    """Make a depth map of the image above: it lands as a Blender image and a plane in relief at the
    3D cursor (light is near). Tripo charges credits; it publishes no price for depth maps"""

    bl_idname = "tripo.image_to_depth"
    bl_label = "Make Depth Map"
    kind = IMAGE_TO_DEPTH
    what = "the map and a plane in relief appear"
    job_name = staticmethod(depth_name)


def draw_image_route_buttons(layout: Any, pg: TripoGenerateForm) -> None:
    """The buttons, each with its price (Image mode only)."""
    if str(pg.mode) != "IMAGE":
        return
    for operator, icon in (
        (TRIPO_OT_image_to_splat, "OUTLINER_OB_POINTCLOUD"),
        (TRIPO_OT_image_to_depth, "MOD_DISPLACE"),
    ):
        cost = estimate_cost(operator.kind.name, {})  # one row each: two side by side would be cut
        layout.operator(operator.bl_idname, text=f"{operator.bl_label} ({form.cost_phrase(cost)})", icon=icon)


CLASSES: tuple[type, ...] = (TRIPO_OT_image_to_splat, TRIPO_OT_image_to_depth)
