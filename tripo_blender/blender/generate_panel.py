"""The "Generate from prompt" sidebar panel (View3D › Sidebar › Tripo).

Drawing rules, and why:

* ``draw`` never touches the network or the disk: it runs on every redraw. The balance comes from
  :meth:`Runtime.balance` (a cached value); the first draw asks for a refresh once, which runs on
  a background thread, and the small refresh button (``tripo.check_key``) asks again.
* Only options that apply to the chosen mode and model version are drawn
  (:func:`..rules.generate.applies`), so what is shown is what is sent. Options the version refuses
  (the P series: quad, smart low poly, parts, detailed geometry) are drawn greyed with the reason
  and stay clickable, so a user can still turn them off; a conflict is shown above the button and
  as the button's disabled tooltip (``poll_message_set``).
* Less common options sit behind "Advanced Options", closed by default.
* "Image First" (text) and "Views From One Image" (multiview) replace the Generate button with the
  step's button, the step's images once they are in (:mod:`.image_first`) and "Make Model"; the
  options drawn are then those of the model request (image → model for a concept image). A
  concept image can be changed first ("Make T-pose", "Variants", a menu of the other templates),
  four views by "Edit Views…" (a prompt per view, edited in place).
* The Account line's clock button opens the recent usage (:mod:`.usage_popup`).
* An image slot shows a thumbnail of what it holds, a Blender image (its own preview) or a file
  (loaded once into the add-on's preview collection, :mod:`.previews`): the name alone does not
  say it is the right picture.
"""

from __future__ import annotations

import os
from typing import Any

import bpy

from ..jobs import Job, JobState
from ..rules import generate as form
from . import image_first, previews
from .concept_images import VIEW_PROP
from .decoders import compress_note, gltf_supports_meshopt
from .generate_ops import TRIPO_OT_generate_form, form_request, form_values, offline_problems
from .generate_props import FORM_ATTR, TripoGenerateForm
from .generation import estimated_cost, request_problems
from .image_route_ops import draw_image_route_buttons
from .importer import string_tag
from .preferences_ui import TRIPO_OT_check_key, balance_text
from .runtime import runtime
from .text_fit import Measure, draw_text, measure_for, middle
from .usage_popup import TRIPO_OT_show_usage

__all__ = ["TRIPO_PT_generate", "CLASSES", "image_caption"]

#: States in which a job's task holds frozen credits on Tripo.
_FROZEN_STATES = frozenset({JobState.QUEUED, JobState.RUNNING})

#: A prompt longer than this is previewed only up to here (about four lines of the sidebar).
_PREVIEW_CHARS = 150


class _BalanceRequest:
    """Remembers that the panel asked for the balance once this session (first draw), and which
    jobs had a task on Tripo at the last ask.

    Why the second: Tripo freezes a task's credits when it is created and settles them when it
    ends, so a balance read before that is stale; asking again whenever that set changes makes
    the line show what is held while jobs run and what was charged after (one background GET)."""

    asked = False
    charged: frozenset[str] = frozenset()


def _charged_jobs() -> frozenset[str]:
    """Ids of the jobs whose task exists on Tripo and still runs there (credits frozen)."""
    return frozenset(j.id for j in runtime.jobs() if j.task_id and j.state in _FROZEN_STATES)


def _fit(layout: Any, text: str, icon: str = "NONE", boxed: bool = False) -> None:
    """Draw ``text`` wrapped to the sidebar's measured width (never cut off with "…"); ``boxed``:
    the layout is inside a box, which takes some of the width."""
    measure = measure_for(bpy.context)
    draw_text(layout, text, measure.boxed() if boxed else measure, icon=icon)


def _draw_problems(layout: Any, problems: list[str]) -> None:
    """Offline, the reason (its own icon, in full); then the form's first problem."""
    for text in offline_problems():
        _fit(layout, text, icon="INTERNET_OFFLINE")
    if problems:
        _fit(layout, problems[0], icon="ERROR")


def _draw_prompt(layout: Any, pg: TripoGenerateForm) -> None:
    layout.prop(pg, "prompt", text="", icon="TEXT", placeholder="Describe the object")
    text = " ".join(pg.prompt.split())
    if not measure_for(bpy.context).fits(text, icons=1):  # the one-line field hides the rest: preview it wrapped
        # a long prompt: its first words, whole, then how long it is (never a word cut in two)
        start = text[: _PREVIEW_CHARS + 1]
        head = start.rsplit(" ", 1)[0] if " " in start else text[:_PREVIEW_CHARS]
        preview = text if len(text) <= _PREVIEW_CHARS else f"{head} […] ({len(text)} characters in all)"
        _fit(layout, preview)
    layout.prop(pg, "negative_prompt", text="", icon="REMOVE", placeholder="Negative prompt (optional)")


class _FileThumbnails:
    """Files whose thumbnail could not be loaded this session, so a redraw touches the disk at most
    once per path: a missing file is not looked for again on every draw (a loaded one is in
    :mod:`.previews`, which is emptied when the add-on is disabled)."""

    missing: set[str] = set()


def _file_thumbnail(path: str) -> int | None:
    """The icon id of the file at ``path`` (relative to the .blend like Blender's own paths), or
    None when there is no file to show. Keys are ``file:<path>``: never a job id."""
    raw = path.strip()
    if not raw:
        return None
    full = os.path.normpath(bpy.path.abspath(raw))
    key = f"file:{full}"
    if previews.has(key):
        return previews.icon_id(key)
    if key in _FileThumbnails.missing or not previews.ensure(key, full):
        _FileThumbnails.missing.add(key)
        return None
    return previews.icon_id(key)


def _draw_image_slot(
    layout: Any, pg: TripoGenerateForm, pointer_prop: str, path_prop: str, label: str, thumbnail: float = 4.0
) -> None:
    col = layout.column(align=True)
    col.label(text=label)
    col.prop(pg, pointer_prop, text="")
    image = getattr(pg, pointer_prop)
    if image is not None:  # the Blender image wins when both are set: its own preview
        image.preview_ensure()
        col.template_icon(icon_value=image.preview.icon_id, scale=thumbnail)
    elif (icon := _file_thumbnail(getattr(pg, path_prop))) is not None:
        col.template_icon(icon_value=icon, scale=thumbnail)
    row = col.row()
    row.active = getattr(pg, pointer_prop) is None  # the Blender image wins when both are set
    row.prop(pg, path_prop, text="")


def _draw_views(layout: Any, pg: TripoGenerateForm) -> None:
    """The four views two by two, small thumbnails: eight fields one under the other (with a big
    thumbnail each) pushed the Jobs panel off the screen."""
    grid = layout.grid_flow(row_major=True, columns=2, even_columns=True, align=False)
    for view in form.VIEWS:
        _draw_image_slot(grid, pg, f"{view}_image", f"{view}_path", view.title(), thumbnail=2.5)


def _draw_inputs(layout: Any, pg: TripoGenerateForm) -> None:
    if pg.mode == "TEXT":
        _draw_prompt(layout, pg)
    elif pg.mode == "IMAGE":
        _draw_image_slot(layout, pg, "image", "image_path", "Image (Blender image or file)")
        layout.prop(pg, "enable_image_autofix")
    elif image_first.active(pg):  # multiview from one image: the views are made, then shown below
        _draw_image_slot(layout, pg, "image", "image_path", "Image to make the four views from")
    else:
        _draw_views(layout, pg)


def _draw_main_options(layout: Any, pg: TripoGenerateForm) -> None:
    # short labels: the sidebar is narrow, and "Model Version" / "Texture Quality" were cut to "Model V…"
    layout.prop(pg, "model_version", text="Model")
    row = layout.row(align=True)
    sub = row.row(align=True)
    sub.active = not pg.pbr  # PBR implies a texture
    sub.prop(pg, "texture", toggle=True)
    row.prop(pg, "pbr", toggle=True)
    row = layout.row()
    row.active = form.is_textured(form_values(pg))
    row.prop(pg, "texture_quality", text="Quality")


def _draw_refused(layout: Any, pg: TripoGenerateForm, refused: tuple[str, ...]) -> None:
    """The options the chosen version refuses (the P series): greyed out, with the reason. They
    stay clickable, so a value left on from another version can still be turned off."""
    col = layout.column()
    col.active = False
    for name in refused:
        col.prop(pg, name)
    version = form.model_version(pg.model_version)
    names = ", ".join(form.LABELS[name] for name in refused)
    _fit(layout, f"{version.label} does not support {names}", icon="INFO", boxed=True)


def _draw_advanced(layout: Any, pg: TripoGenerateForm) -> None:
    mode, version_id = image_first.model_mode(pg), pg.model_version  # what the model request carries
    refused = form.refused_options(version_id)
    box = layout.box()
    col = box.column()
    if form.applies("geometry_quality", mode, version_id):
        col.prop(pg, "geometry_quality")
    col.prop(pg, "face_limit")
    for name in ("quad", "smart_low_poly", "generate_parts"):
        if name not in refused:
            col.prop(pg, name)
    if refused:
        _draw_refused(col, pg, refused)
    disputed = form.disputed_options(version_id)
    if disputed:  # offered and sent; the service answers (a refusal costs nothing)
        names = ", ".join(form.LABELS[name] for name in disputed)
        _fit(
            col,
            f"Tripo's sources do not say whether {form.model_version(version_id).label} takes {names}; "
            "they are sent, and a refusal costs nothing",
            icon="INFO",
            boxed=True,
        )
    col.prop(pg, "auto_size")
    for name in ("orientation", "texture_alignment", "export_orientation", "export_uv"):
        if form.applies(name, mode, version_id):
            col.prop(pg, name)
    seeds = col.column(align=True)
    for name in ("image_seed", "model_seed", "texture_seed"):
        if form.applies(name, mode, version_id):
            seeds.prop(pg, name)
    row = col.row()
    row.active = gltf_supports_meshopt()
    row.prop(pg, "compress")
    if not row.active:
        _fit(col, compress_note(), icon="INFO", boxed=True)


def _draw_balance(layout: Any) -> None:
    info = runtime.balance()
    if not _BalanceRequest.asked and not info.known and not info.checking and info.error is None:
        _BalanceRequest.asked = True
        runtime.refresh_balance()  # a background request (or the local reason it cannot go out)
        info = runtime.balance()
    charged = _charged_jobs()
    if charged != _BalanceRequest.charged and info.known and not info.checking:
        _BalanceRequest.charged = charged
        runtime.refresh_balance()
        info = runtime.balance()
    text, icon = balance_text(info)
    row = layout.row(align=True)
    row.label(text="Account", icon="FUND")
    row.operator(TRIPO_OT_show_usage.bl_idname, text="", icon="TIME")
    row.operator(TRIPO_OT_check_key.bl_idname, text="", icon="FILE_REFRESH")
    _fit(layout, text, icon=icon)


def _draw_generate(layout: Any, pg: TripoGenerateForm) -> None:
    request = form_request(pg)
    _draw_problems(layout, request_problems(request))
    row = layout.row()
    row.scale_y = 1.5
    cost = estimated_cost(request)
    row.operator(TRIPO_OT_generate_form.bl_idname, text=form.generate_button_text(cost), icon="PLAY")
    if cost is None:  # the button has no room for the reason: say it below
        _fit(layout, form.unknown_price_reason(*form.build_params(request.mode, request.values)), icon="INFO")
    draw_image_route_buttons(layout, pg)  # Image mode: the same image as a Gaussian splat or a depth map instead


def _draw_step_state(layout: Any, job: Job) -> None:
    """A step still running or failed: its state in words (the images come when it is done)."""
    if job.state.is_active:
        progress = f" {job.progress}%" if job.state == JobState.RUNNING else ""
        _fit(layout, f"{job.name}: {job.state.value}{progress}", icon="SORTTIME")
    elif job.state != JobState.DONE:
        reason = job.error.message if job.error is not None else job.note or job.state.value
        _fit(layout, f"{job.name}: {reason}", icon="ERROR")


def image_caption(image: bpy.types.Image, measure: Measure) -> str:
    """What an image of the step is called under its thumbnail: a view by its view ("Front"),
    which is what tells four views of one prompt apart, else its name shortened in the middle."""
    view = string_tag(image, VIEW_PROP)
    if view:
        return view.title()
    return middle(image.name, measure, icons=1)


def _draw_step_images(layout: Any, images: list[bpy.types.Image]) -> None:
    """The concept image large, or the four views two by two, each with its caption."""
    box = layout.box()
    columns = 1 if len(images) == 1 else 2
    grid = box.grid_flow(columns=columns, even_columns=True, align=True)
    measure = measure_for(bpy.context).boxed()
    cell_measure = measure if columns == 1 else Measure(measure.room / 2, measure.font_px, measure.scale)
    for image in images:
        preview = image.preview_ensure() or image.preview
        cell = grid.column(align=True)
        cell.template_icon(
            icon_value=preview.icon_id if preview is not None else 0, scale=8.0 if len(images) == 1 else 4.0
        )
        cell.label(text=image_caption(image, cell_measure), icon="IMAGE_DATA")


#: The changes of a concept image drawn as buttons (the others are in the menu beside them).
_CHANGE_BUTTONS = (("t_pose", "Make T-pose"), ("variants", "Variants"))
_MENU_BUTTON = 24  # an icon-only menu button beside them, at scale 1


def _draw_changes(layout: Any, pg: TripoGenerateForm) -> None:
    """ "Make T-pose", "Variants" and a menu of every template: image → image on the concept image's
    task. Side by side where both names fit half the line, else one under the other (never cut)."""
    measure = measure_for(bpy.context).less(_MENU_BUTTON)
    half = Measure(measure.room / 2, measure.font_px, measure.scale)
    row = layout.row(align=True)
    side_by_side = all(half.fits(text, icons=1) for _, text in _CHANGE_BUTTONS)
    buttons = row if side_by_side else row.column(align=True)
    for template, text in _CHANGE_BUTTONS:
        buttons.operator(
            image_first.TRIPO_OT_image_first_edit.bl_idname,
            text=text,
            icon="ARMATURE_DATA" if template == "t_pose" else "IMAGE_DATA",
        ).template = template
    row.operator_menu_enum(image_first.TRIPO_OT_image_first_edit.bl_idname, "template", text="", icon="DOWNARROW_HLT")


def _draw_image_first(layout: Any, pg: TripoGenerateForm) -> None:
    """The step's button (price on it), the step's state or its images, then "Make Model"."""
    _draw_problems(layout, image_first.step_problems(pg))
    layout.operator(
        image_first.TRIPO_OT_image_first.bl_idname, text=image_first.step_button_text(pg), icon="IMAGE_DATA"
    )
    job = image_first.step_job(pg)
    images = image_first.step_images(pg)  # also once the job left the Jobs list: the images say their task
    if job is None and not images:
        return
    if job is not None:
        _draw_step_state(layout, job)
        if job.state != JobState.DONE:
            return
    if images:
        _draw_step_images(layout, images)
    else:
        _fit(layout, "The image was removed from this file; Make Model still uses Tripo's copy", icon="INFO")
    if str(pg.mode) == "TEXT":
        _draw_changes(layout, pg)
    elif images:  # four views: a prompt per view, edited in place
        layout.operator(
            image_first.TRIPO_OT_edit_views.bl_idname, text=image_first.views_edit_text(), icon="GREASEPENCIL"
        )
    if image_first.model_mode(pg) == "IMAGE":  # the model is image → model: its own option, drawn where it applies
        layout.prop(pg, "enable_image_autofix")
    found = image_first.model_problems(pg)
    if found:
        _fit(layout, found[0], icon="ERROR")
    row = layout.row()
    row.scale_y = 1.5
    cost = image_first.model_cost(pg)
    row.operator(
        image_first.TRIPO_OT_image_first_model.bl_idname, text=f"Make Model ({form.cost_phrase(cost)})", icon="PLAY"
    )


class TRIPO_PT_generate(bpy.types.Panel):
    """Generate a model from a prompt, an image or multiview images."""

    bl_label = "Generate from prompt"
    bl_idname = "TRIPO_PT_generate"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Tripo"
    bl_order = 0

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        scene = getattr(context, "scene", None)
        return scene is not None and hasattr(scene, FORM_ATTR)

    def draw(self, context: bpy.types.Context) -> None:
        layout = self.layout
        assert layout is not None
        pg: TripoGenerateForm = getattr(context.scene, FORM_ATTR)
        layout.row().prop(pg, "mode", expand=True)
        _draw_inputs(layout, pg)
        if image_first.offered(pg.mode):
            layout.prop(pg, image_first.toggle_prop(pg.mode))
        _draw_main_options(layout, pg)
        if pg.quad:
            _fit(layout, "Quad meshes are delivered as FBX", icon="INFO")

        layout.prop(pg, "show_advanced", icon="TRIA_DOWN" if pg.show_advanced else "TRIA_RIGHT", emboss=False)
        if pg.show_advanced:
            _draw_advanced(layout, pg)

        if image_first.active(pg):
            _draw_image_first(layout, pg)
        else:
            _draw_generate(layout, pg)
        _draw_balance(layout)


CLASSES: tuple[type, ...] = (TRIPO_PT_generate,)
