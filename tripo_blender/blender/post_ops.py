"""Operators of the right-click "Tripo" menu: texture, rig, retarget, convert, segment, complete
parts, smart low poly, Smart UV (and the free riggability check).

Each works on the selected object's Tripo task — or on any selected mesh, which the job uploads
first (:mod:`.sources`, :mod:`.mesh_export`; every dialog says so) — (:mod:`.post_process`
resolves it and explains in ``poll`` why an item cannot apply), opens a dialog with the request's options and its
estimated cost, and hands a :class:`JobSpec` built by :func:`.sources.post_process_spec` — the
same builder the console API uses, so ``JobSpec.meta`` follows one convention and option values
are checked by the client's own rules — to the runtime. Submitting returns at once; the pump
lands the result later (:mod:`.landing`). Names, verbs and prices come from :mod:`..jobs.kinds`;
model versions from :mod:`..client.versions`.

Scripts call them like any operator (``bpy.ops.tripo.texture(text_prompt="rusty metal")``,
``EXEC_DEFAULT``): every option is a property with the dialog's default (``SKIP_SAVE``, so a
script never inherits what someone chose in a dialog). Problems are reported as ``{'ERROR'}``
(a ``RuntimeError`` for a script) and nothing is sent. An option that only one model version
has (texture v3.5's Delight, segmentation v2.0's granularity, decimate v3.0's Smart UV) is
greyed out with the reason for the other versions, and refused if set anyway.

Why the Rig dialog runs the free riggability check first: a rig costs credits, and Tripo can
tell beforehand (for free) whether it can rig the model and which skeleton it detects. A
negative answer stops the request unless the user ticks "Rig anyway" (the check can be wrong).
Its model version "Auto" follows the skeleton: v1.0 for a biped with the Tripo, Mixamo or
ActorCore spec (what v1.0 makes), else v2.5 (every rig type and spec).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar, Sequence

import bpy

if TYPE_CHECKING:  # the stubs' literal sets of operator results and icons; absent from real bpy
    from bpy.stub_internal.rna_enums import IconItems
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..client import Animation, RigSpec, RigType, versions
from ..client.payloads import (CONVERT_FORMATS, EXPORT_ORIENTATIONS, FBX_PRESETS, MAX_ANIMATIONS,
                               SEGMENTATION_GRANULARITIES, TEXTURE_FORMATS)
from ..jobs import Job, JobSpec, JobState, kind_of
from ..jobs.kinds import CHECK_RIGGABLE, COMPLETE, CONVERT, LOWPOLY, RETARGET, RIG, SEGMENT, SMART_UV, TEXTURE
from ..rules import generate as form
from ..rules.account import UserError
from .image_inputs import named_slot, prepare_image
from .decoders import blender_and_meshopt, compress_note, gltf_supports_meshopt
from .importer import can_import, string_tag
from .job_list import window_manager
from .text_fit import dialog_measure, draw_text
from .mesh_export import UV_MAX_TRIANGLES, triangle_count
from .post_process import (Target, Unavailable, auto_rig_version, part_names, rig_check, rig_check_job, rig_v1_fits,
                           target_of, unavailable, version_label)
from .rig_dialog import draw_greyed_confirm, draw_rig_button
from .runtime import runtime
from .sources import DEFAULT_PLACEMENT, Source, expiry_text, post_process_spec
from ..rules.tags import RIG_FORMAT_PROP, RIG_TYPE_PROP

__all__ = ["TRIPO_PG_part", "TRIPO_OT_texture", "TRIPO_OT_check_riggable", "TRIPO_OT_rig", "TRIPO_OT_retarget",
           "TRIPO_OT_convert", "TRIPO_OT_segment", "TRIPO_OT_complete", "TRIPO_OT_smart_lowpoly", "TRIPO_OT_smart_uv",
           "MENU_OPERATORS",
           "PRESET_GROUPS", "TEXTURE_DIALOG_VERSION", "LOWPOLY_DIALOG_VERSION", "start_rig_check", "ensure_rig_check",
           "CLASSES"]

log = logging.getLogger(__name__)

_SKIP = {'SKIP_SAVE'}
_DIALOG_WIDTH = 380
_DEFAULT = "DEFAULT"
_PLACEMENT_ITEMS = (
    ("HIDE_SOURCE", "Hide Source", "The result takes the source's place; the source is hidden (nothing is lost)"),
    ("KEEP_BOTH", "Keep Both", "The result takes the source's place; the source stays visible"),
    ("REPLACE", "Replace", "The result takes the source's place; the source's Tripo objects are deleted "
                           "(objects you parented to it are kept)"),
)
_PART_NAMES_HELP = ("Scripts: comma-separated part names (empty: all parts). The dialog shows a checkbox per part "
                    "instead")
_SEED_HELP = "Same seed and options give the same result. 0 = random"


def _fit(layout: Any, text: str, icon: str = 'NONE') -> None:
    """Draw ``text`` in a dialog, wrapped to the dialog's measured width at the UI scale (never
    cut off with "…")."""
    draw_text(layout, text, dialog_measure(_DIALOG_WIDTH, bpy.context), icon=icon)


class OptionError(UserError):
    """An option value the request cannot carry; the message says what to change."""


class TRIPO_PG_part(bpy.types.PropertyGroup):
    """One part of a segmented model in a dialog: its Tripo name (``name``) and whether to use it."""

    use: bpy.props.BoolProperty(name="Use", default=True, description="Include this part")


def _preset_label(preset: Animation) -> str:
    return preset.value.rsplit(":", 1)[-1].title()


#: Presets by the rig type they are made for (the dialog's groups; biped presets first).
PRESET_GROUPS: tuple[tuple[str, tuple[Animation, ...]], ...] = (
    ("biped", tuple(a for a in Animation if a.value.count(":") == 1)),
    ("quadruped", (Animation.QUADRUPED_WALK,)),
    ("hexapod", (Animation.HEXAPOD_WALK,)),
    ("octopod", (Animation.OCTOPOD_WALK,)),
    ("serpentine", (Animation.SERPENTINE_MARCH,)),
    ("aquatic", (Animation.AQUATIC_MARCH,)),
)
_PRESET_ITEMS = tuple((a.value, _preset_label(a), f"{group.title()} preset {a.value}")
                      for group, presets in PRESET_GROUPS for a in presets)
_PRESET_ORDER = [a.value for _, presets in PRESET_GROUPS for a in presets]


def _version_items(ids: Sequence[str], what: str,
                   notes: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    """Enum items of a model-version menu, newest first: ``v3.0`` shown, the full id in the tooltip."""
    return tuple((v, version_label(v), f"{what} {v}{notes.get(v, '')}") for v in ids)


def _needs(option: str, version: str, what: str, *, plural: bool = False) -> str:
    """The reason an option is unavailable: ``Delight needs texture model v3.5``."""
    return f"{option} {'need' if plural else 'needs'} {what} {version_label(version)}"


def _cost_label(layout: Any, kind: str, params: dict[str, Any]) -> None:
    """The estimated cost, last in every dialog (the decision to click depends on it)."""
    layout.separator()
    _fit(layout, f"Estimated cost: {form.cost_text(kind, params)}", icon='FUND')


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _only_for(layout: Any, available: bool, reason: str, *props: tuple[Any, str]) -> None:
    """Draw options that exist for one model version: greyed out, with the reason, for the others."""
    col = layout.column()
    col.active = available
    for owner, name in props:
        col.prop(owner, name)
    if not available:
        _fit(layout, reason, icon='INFO')


def _local_note(source: Source) -> str:
    """What happens to a mesh of the user's before the request (shown in every dialog)."""
    count = len(source.meshes)
    triangles = f"{triangle_count(source.meshes):,} triangles, modifiers applied"
    if source.expired_task:
        return (f"'{source.label}': {expiry_text(source)}, so its mesh ({triangles}) is exported and uploaded "
                "to Tripo first; an unchanged mesh is not uploaded again")
    what = f"'{source.label}'" if count == 1 else f"'{source.label}' and {count - 1} more mesh{'es' if count > 2 else ''}"
    return f"{what} ({triangles}) is exported and uploaded to Tripo first; an unchanged mesh is not uploaded again"


class _PostProcess(bpy.types.Operator):
    """Shared part of the menu's operators (never registered itself)."""

    bl_options = {'REGISTER'}  # no UNDO: sending changes nothing in the scene; the landing pushes its own step

    kind: ClassVar[str]
    #: False: a confirmation with the cost instead of an options dialog (no options to choose).
    dialog: ClassVar[bool] = True

    @classmethod
    def poll(cls, context: bpy.types.Context) -> bool:
        reason = unavailable(cls.kind, context)
        if reason is not None:
            cls.poll_message_set(reason)
            return False
        return True

    # -- what subclasses provide ---------------------------------------------------------
    def prepare(self, target: Target) -> None:
        """Fill dialog defaults from the source (parts, rig format…) before the dialog opens."""

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        """The client keyword arguments (without the source id). ``final=False``: for the cost
        label only (images are not prepared). Raises :class:`OptionError` for invalid values."""
        return {}

    def draw_options(self, layout: Any, target: Target) -> None:
        """The dialog's option widgets (the cost and placement are drawn by :meth:`draw`)."""

    def job_name(self, target: Target) -> str:
        return f"{kind_of(self.kind).verb} {target.source.label}"

    def preset_names(self) -> Sequence[str]:
        """Retarget presets to record in ``meta`` (request order)."""
        return ()

    def fits_frame_range(self) -> bool:
        """Whether the landing may change the scene's frame range (only when the artist asks)."""
        return False

    def outcome(self, target: Target) -> str:
        return f"it takes the place of '{target.name}' when done"

    # -- shared behaviour ------------------------------------------------------------------
    def invoke(self, context: bpy.types.Context, event: bpy.types.Event) -> set[OperatorReturn]:
        try:
            target = target_of(context)
        except Unavailable as exc:
            self.report({'ERROR'}, str(exc))
            return {'CANCELLED'}
        self.prepare(target)
        label = kind_of(self.kind).label
        title = f"{label} '{target.name}'"
        if self.dialog:
            return window_manager(context).invoke_props_dialog(self, width=_DIALOG_WIDTH, title=title,
                                                                  confirm_text=label)
        cost = form.cost_text(self.kind, self.request_options(target, final=False))
        return window_manager(context).invoke_confirm(self, event, title=title, message=f"Send to Tripo ({cost})?",
                                                      confirm_text=label, icon='QUESTION')

    def draw(self, context: bpy.types.Context) -> None:
        layout = self.layout
        assert layout is not None
        try:
            target = target_of(context)
        except Unavailable as exc:
            _fit(layout, str(exc), icon='ERROR')
            return
        if target.source.is_local:
            _fit(layout, _local_note(target.source), icon='EXPORT')
        self.draw_options(layout, target)
        if "placement" in self.properties.bl_rna.properties:
            layout.prop(self, "placement")
        try:
            params = self.request_options(target, final=False)
        except UserError as exc:  # an option or image the request cannot carry
            _fit(layout, str(exc), icon='ERROR')
            return
        _cost_label(layout, self.kind, params)

    def job_spec(self, target: Target) -> JobSpec:
        """The job to send; raises a :class:`UserError` (an option or image it cannot carry) or the
        client's ValueError/TypeError."""
        placement = str(getattr(self, "placement", DEFAULT_PLACEMENT))
        return post_process_spec(self.kind, target.source, self.request_options(target, final=True),
                                 name=self.job_name(target), placement=placement, presets=self.preset_names(),
                                 fit_frame_range=self.fits_frame_range(), caller=f"bpy.ops.{self.bl_idname}",
                                 history=runtime.jobs())

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        try:
            target = target_of(context)
            job = runtime.submit(self.job_spec(target))
        except (UserError, ValueError, TypeError) as exc:
            # UserError: nothing applies, an option or image it cannot carry, online access off, no/bad
            # key, too many jobs waiting — the message says what to do; ValueError/TypeError: the client's checks
            self.report({'ERROR'}, str(exc))
            return {'CANCELLED'}
        log.info("submitted %s job %s %r for %s", self.kind, job.id, job.name, target.name)
        self.report({'INFO'}, f"Sent '{job.name}' to Tripo ({form.cost_phrase(job.estimated_cost)}); "
                              f"{self.outcome(target)}")
        return {'FINISHED'}


class _Placed:
    """Where a result lands relative to its source (every post-process except retarget)."""

    placement: bpy.props.EnumProperty(name="Source", items=_PLACEMENT_ITEMS, default=DEFAULT_PLACEMENT,
                                      options=_SKIP, description="What happens to the source when the result lands")


class _Parts:
    """The parts of a segmented source a request is limited to."""

    part_names: bpy.props.StringProperty(name="Part Names", options=_SKIP, description=_PART_NAMES_HELP)
    parts: bpy.props.CollectionProperty(type=TRIPO_PG_part, name="Parts", options=_SKIP)

    def fill_parts(self, source: Source) -> None:
        collection: Any = getattr(self, "parts")
        collection.clear()
        for name in part_names(source):
            collection.add().name = name

    def chosen_parts(self) -> list[str] | None:
        """The parts to send; None = all of them (Tripo's default, so nothing is sent)."""
        props: Any = getattr(self, "properties")
        if props.is_property_set("part_names"):
            return _names(getattr(self, "part_names")) or None
        parts = list(getattr(self, "parts"))
        chosen = [p.name for p in parts if p.use]
        if parts and not chosen:
            raise OptionError("Choose at least one part")
        return chosen if len(chosen) < len(parts) else None

    def draw_parts(self, layout: Any, what: str) -> None:
        parts = list(getattr(self, "parts"))
        if not parts:
            return
        box = layout.box()
        box.label(text=f"Parts to {what}:")
        flow = box.grid_flow(columns=2, even_columns=True)
        for part in parts:
            flow.prop(part, "use", text=part.name)


# --------------------------------------------------------------------------- texture


#: The texture model the dialog starts with: Tripo's own default when none is sent (the client's
#: default is the SDK's, v2.5).
TEXTURE_DIALOG_VERSION = versions.TEXTURE_SERVER_DEFAULT
_TEXTURE_MODEL = "texture model"
_TEXTURE_VERSION_ITEMS = _version_items(versions.TEXTURE, "Texture model", {
    versions.TEXTURE_V35: " (adds Delight and the Fast quality)", TEXTURE_DIALOG_VERSION: " (Tripo's default)"})
_TEXTURE_QUALITY_ITEMS = (
    *form.TEXTURE_QUALITY_ITEMS,
    ("fast", "Fast", f"Quicker, lighter texturing ({_TEXTURE_MODEL} {version_label(versions.TEXTURE_V35)} only)"),
)
_V35_OPTIONS = _needs("Delight and the Fast quality", versions.TEXTURE_V35, _TEXTURE_MODEL, plural=True)


class TRIPO_OT_texture(_Parts, _Placed, _PostProcess):
    """Give a Tripo model a new texture, from a text prompt, an image or a style image (costs credits)"""

    bl_idname = "tripo.texture"
    bl_label = "Texture"
    kind = TEXTURE.name

    text_prompt: bpy.props.StringProperty(name="Text Prompt", options=_SKIP,
                                          description="Describe the texture (or give an image prompt instead)")
    image_path: bpy.props.StringProperty(name="Image File", subtype='FILE_PATH', options=_SKIP,
                                         description="An image the texture should follow (JPEG, PNG or WEBP)")
    image_name: bpy.props.StringProperty(name="Image", options=_SKIP,
                                         description="A Blender image the texture should follow, instead of a file")
    style_image_path: bpy.props.StringProperty(name="Style Image File", subtype='FILE_PATH', options=_SKIP,
                                               description="An image whose style the texture takes (optional)")
    style_image_name: bpy.props.StringProperty(name="Style Image", options=_SKIP,
                                               description="A Blender image whose style the texture takes (optional)")
    model_version: bpy.props.EnumProperty(name="Model", items=_TEXTURE_VERSION_ITEMS, default=TEXTURE_DIALOG_VERSION,
                                          options=_SKIP, description="Tripo texture model to use")
    texture: bpy.props.BoolProperty(name="Texture", default=True, options=_SKIP,
                                    description="Generate the base colour texture")
    pbr: bpy.props.BoolProperty(name="PBR", default=True, options=_SKIP,
                                description="Generate PBR materials (metallic, roughness, normal)")
    texture_quality: bpy.props.EnumProperty(name="Quality", items=_TEXTURE_QUALITY_ITEMS, default="standard",
                                            options=_SKIP)
    delight: bpy.props.BoolProperty(
        name="Delight", default=False, options=_SKIP,
        description=f"Remove lighting and shadows baked into the texture ({_TEXTURE_MODEL} "
                    f"{version_label(versions.TEXTURE_V35)} only)")
    texture_alignment: bpy.props.EnumProperty(name="Alignment", items=form.TEXTURE_ALIGNMENT_ITEMS,
                                              default="original_image", options=_SKIP)
    texture_seed: bpy.props.IntProperty(name="Seed", default=0, min=0, max=2**31 - 1, options=_SKIP,
                                        description=_SEED_HELP)
    bake: bpy.props.BoolProperty(name="Bake", default=True, options=_SKIP,
                                 description="Bake the texture into the model's UV layout")
    compress: bpy.props.BoolProperty(name="Compress Geometry", default=False, options=_SKIP,
                                     description="Meshopt-compressed GLB (needs a Blender that can import it)")

    def prepare(self, target: Target) -> None:
        self.fill_parts(target.source)

    def _image(self, path_prop: str, name_prop: str, what: str, final: bool) -> str | None:
        slot = named_slot(getattr(self, path_prop).strip(), getattr(self, name_prop).strip(), what,
                          path_prop=path_prop, name_prop=name_prop)
        if not slot.filled:
            return None
        return prepare_image(slot, what) if final else what  # the cost does not depend on the image

    def _v35_problem(self) -> str | None:
        if self.model_version == versions.TEXTURE_V35:
            return None
        if self.texture_quality == "fast":
            return _needs("The Fast quality", versions.TEXTURE_V35, _TEXTURE_MODEL)
        if self.delight:
            return _needs("Delight", versions.TEXTURE_V35, _TEXTURE_MODEL)
        return None

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        text = self.text_prompt.strip()
        image = self._image("image_path", "image_name", "image prompt", final)
        if text and image:
            raise OptionError("Give a text prompt or an image prompt, not both")
        if self.compress and not gltf_supports_meshopt():
            raise OptionError(f"{form.compress_problem(blender_and_meshopt())}: turn off Compress Geometry")
        problem = self._v35_problem()
        if problem:
            raise OptionError(problem)
        options: dict[str, Any] = {"model_version": self.model_version, "texture": self.texture, "pbr": self.pbr,
                                   "texture_quality": self.texture_quality,
                                   "texture_alignment": self.texture_alignment, "bake": self.bake}
        if self.delight:
            options["delight"] = True
        if text:
            options["text_prompt"] = text
        if image:
            options["image_prompt"] = image
        style = self._image("style_image_path", "style_image_name", "style image", final)
        if style:
            options["style_image"] = style
        if self.texture_seed:
            options["texture_seed"] = self.texture_seed
        if self.compress:
            options["compress"] = True
        parts = self.chosen_parts()
        if parts:
            options["part_names"] = parts
        return options

    def draw_options(self, layout: Any, target: Target) -> None:
        col = layout.column()
        col.prop(self, "text_prompt", text="", icon='TEXT', placeholder="Text prompt (optional)")
        box = col.box()
        box.label(text="Or an image prompt (Blender image or file):")
        box.prop_search(self, "image_name", bpy.data, "images", text="")
        row = box.row()
        row.active = not self.image_name
        row.prop(self, "image_path", text="")
        box = col.box()
        box.label(text="Style image (optional):")
        box.prop_search(self, "style_image_name", bpy.data, "images", text="")
        row = box.row()
        row.active = not self.style_image_name
        row.prop(self, "style_image_path", text="")
        col.prop(self, "model_version")
        row = col.row(align=True)
        row.prop(self, "texture", toggle=True)
        row.prop(self, "pbr", toggle=True)
        col.prop(self, "texture_quality")
        _only_for(col, self.model_version == versions.TEXTURE_V35, _V35_OPTIONS, (self, "delight"))
        col.prop(self, "texture_alignment")
        col.prop(self, "texture_seed")
        col.prop(self, "bake")
        row = col.row()
        row.active = gltf_supports_meshopt()
        row.prop(self, "compress")
        if not row.active:
            col.label(text=compress_note(), icon='INFO')
        self.draw_parts(col, "texture")


# --------------------------------------------------------------------------- rig


def start_rig_check(source: Source) -> Job:
    """Start the free riggability check of ``source`` (raises UserError when it cannot be sent)."""
    spec = post_process_spec(CHECK_RIGGABLE.name, source, name=f"{CHECK_RIGGABLE.verb} {source.label}",
                             history=runtime.jobs())
    return runtime.submit(spec)


def ensure_rig_check(source: Source) -> tuple[Job, bool]:
    """The check of ``source`` that is running or answered, else a new one; True if it was started now.

    A check that failed (network, key…) is started again rather than shown as an answer.
    """
    job = rig_check_job(source)
    if job is not None and (job.state.is_active or job.state == JobState.DONE):
        return job, False
    return start_rig_check(source), True


class TRIPO_OT_check_riggable(_PostProcess):
    """Ask Tripo whether this model can be rigged and which skeleton it detects (free)"""

    bl_idname = "tripo.check_riggable"
    bl_label = "Check Riggability"
    kind = CHECK_RIGGABLE.name
    dialog = False

    def invoke(self, context: bpy.types.Context, event: bpy.types.Event) -> set[OperatorReturn]:
        return self.execute(context)  # free: nothing to confirm

    def outcome(self, target: Target) -> str:
        return "the answer shows in the Rig dialog (free checks stay out of the Jobs list)"


_DETECTED = "DETECTED"
_AUTO = "AUTO"
_RIG_MODEL = "rig model"
_RIG_TYPE_ITEMS = (
    (_DETECTED, "Detected", "The rig type the riggability check found (Tripo's default, biped, without one)"),
    *((t.value, t.value.title(), f"Rig as {t.value}") for t in RigType if t != RigType.OTHERS),
)
_WIDE_SPECS = f"{_RIG_MODEL} {version_label(versions.RIG_V25)} or newer"
_RIG_SPEC_ITEMS = (
    (RigSpec.TRIPO.value, "Tripo", "Tripo's skeleton; needed to retarget Tripo's preset animations"),
    (RigSpec.MIXAMO.value, "Mixamo", "Mixamo bone names (for Mixamo animations); Tripo cannot retarget it"),
    (RigSpec.ACTORCORE.value, "ActorCore", "Reallusion ActorCore bone names"),
    (RigSpec.UNITY.value, "Unity", f"Unity Humanoid bone names ({_WIDE_SPECS})"),
    (RigSpec.UNREAL.value, "Unreal", f"Unreal Engine mannequin bone names ({_WIDE_SPECS})"),
    (RigSpec.VRM.value, "VRM", f"VRM avatar bones ({_WIDE_SPECS})"),
)
_RIG_VERSION_ITEMS = (
    (_AUTO, "Auto", f"{version_label(versions.RIG_DEFAULT)} for a biped with the Tripo, Mixamo or ActorCore "
                    f"skeleton, else {version_label(auto_rig_version(RigType.QUADRUPED.value, RigSpec.TRIPO.value))}"),
    *_version_items(versions.RIG, "Rig model", {
        versions.RIG_DEFAULT: " (Tripo's default: bipeds with the Tripo, Mixamo or ActorCore skeleton only)",
        **{v: " (every rig type and skeleton)" for v in versions.RIG_ALL_TYPES}}),
)
_OUT_FORMAT_ITEMS = (("glb", "GLB", "glTF binary"), ("fbx", "FBX", "Autodesk FBX"))


class TRIPO_OT_rig(_Placed, _PostProcess):
    """Rig a Tripo model with a skeleton (costs credits). Tripo's free riggability check runs first"""

    bl_idname = "tripo.rig"
    bl_label = "Rig"
    kind = RIG.name

    rig_type: bpy.props.EnumProperty(name="Rig Type", items=_RIG_TYPE_ITEMS, default=_DETECTED, options=_SKIP)
    spec: bpy.props.EnumProperty(name="Spec", items=_RIG_SPEC_ITEMS, default=RigSpec.TRIPO.value, options=_SKIP,
                                 description="Bone naming convention")
    model_version: bpy.props.EnumProperty(name="Model", items=_RIG_VERSION_ITEMS, default=_AUTO, options=_SKIP,
                                          description="Tripo rig model to use")
    out_format: bpy.props.EnumProperty(name="Format", items=_OUT_FORMAT_ITEMS, default="glb", options=_SKIP)
    rig_anyway: bpy.props.BoolProperty(
        name="Rig Anyway", default=False, options=_SKIP,
        description="Send the rig request even though the riggability check said no or has not answered "
                    "(costs credits; the check can be wrong)")

    def invoke(self, context: bpy.types.Context, event: bpy.types.Event) -> set[OperatorReturn]:
        try:
            target = target_of(context)
            ensure_rig_check(target.source)
        except (UserError, ValueError) as exc:
            self.report({'ERROR'}, str(exc))
            return {'CANCELLED'}
        return super().invoke(context, event)

    def _detected(self, target: Target) -> str | None:
        check = rig_check(rig_check_job(target.source))
        return check.rig_type if check.rig_type in {t.value for t in RigType} - {RigType.OTHERS.value} else None

    def _rig_type(self, target: Target) -> str | None:
        return self._detected(target) if self.rig_type == _DETECTED else str(self.rig_type)

    def _version(self, rig_type: str | None) -> str:
        """The rig model sent: the one chosen, or for Auto the one that fits the skeleton."""
        if self.model_version == _AUTO:
            return auto_rig_version(rig_type, str(self.spec))
        return str(self.model_version)

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        rig_type = self._rig_type(target)
        version = self._version(rig_type)
        if version == versions.RIG_DEFAULT and not rig_v1_fits(rig_type, str(self.spec)):
            raise OptionError(f"Rig model {version_label(version)} rigs bipeds with the Tripo, Mixamo or ActorCore "
                              f"skeleton only: choose Auto or {_WIDE_SPECS} for a {rig_type or 'biped'} with the "
                              f"{self.spec} spec")
        options: dict[str, Any] = {"out_format": self.out_format, "spec": self.spec, "model_version": version}
        if rig_type:
            options["rig_type"] = rig_type
        if final:
            self._require_check(target)
        return options

    def _require_check(self, target: Target) -> None:
        """Refuse to pay for a rig Tripo said it cannot do, unless the user said "rig anyway"."""
        if self.rig_anyway:
            return
        job, started = ensure_rig_check(target.source)
        check = rig_check(job)
        if check.riggable is True:
            return
        if started:
            raise OptionError(f"Checking first whether Tripo can rig '{target.name}' (free). Nothing was sent: "
                              "rig again once the check answered, or choose Rig Anyway")
        if check.pending:
            raise OptionError("The riggability check has not answered yet. Nothing was sent: wait for it, or "
                              "choose Rig Anyway")
        if check.riggable is False:
            raise OptionError(f"Tripo's check says '{target.name}' cannot be rigged (rig type: "
                              f"{check.rig_type or 'unknown'}). Nothing was sent; choose Rig Anyway to try regardless")
        raise OptionError(f"{check.text}. Nothing was sent; choose Rig Anyway to try regardless")

    def draw_options(self, layout: Any, target: Target) -> None:
        check = rig_check(rig_check_job(target.source))
        _fit(layout, check.text, icon=check.icon)
        col = layout.column()
        col.prop(self, "rig_type")
        rig_type = self._rig_type(target)
        if self.rig_type == _DETECTED:
            col.label(text=f"Rig type sent: {rig_type or 'none (Tripo uses biped)'}", icon='INFO')
        col.prop(self, "spec")
        col.prop(self, "model_version")
        if self.model_version == _AUTO:
            col.label(text=f"Model sent: {version_label(self._version(rig_type))} (Auto)", icon='INFO')
        col.prop(self, "out_format")
        if check.riggable is not True:
            col.prop(self, "rig_anyway")

    def draw(self, context: bpy.types.Context) -> None:
        """The shared dialog, then the Rig button greyed until the free check says yes (:mod:`.rig_dialog`)."""
        _PostProcess.draw(self, context)
        try:
            source = target_of(context).source
        except Unavailable:
            return
        check = rig_check(rig_check_job(source))
        draw_rig_button(self.layout, riggable=check.riggable, pending=check.pending, rig_anyway=self.rig_anyway,
                        waiting=lambda: rig_check(rig_check_job(source)).pending)

    def check(self, context: bpy.types.Context) -> bool:
        return True  # redraw when Rig Anyway is ticked: the Rig button turns on


# --------------------------------------------------------------------------- retarget


_SAME_AS_RIG = "AUTO"
_RETARGET_FORMAT_ITEMS = (
    (_SAME_AS_RIG, "Same as the Rig", "The rig's own format: the animations land on its skeleton"),
    *_OUT_FORMAT_ITEMS,
)


def preset_group_of(target: Target) -> str | None:
    """The preset group that fits the rig of ``target`` (``biped``, ``quadruped``…), or None when
    its rig type is unknown (a rig followed by task id whose type Tripo did not echo): then every
    group is offered. A rig of ours without a type was rigged with Tripo's default, a biped."""
    root = target.source.root
    rig_type = string_tag(root, RIG_TYPE_PROP) if root is not None else None
    if rig_type is None:
        return None
    rig_type = rig_type or RigType.BIPED.value
    return rig_type if rig_type in {group for group, _ in PRESET_GROUPS} else None


class TRIPO_OT_retarget(_PostProcess):
    """Animate a rigged Tripo model with preset animations (costs credits per animation). They are
    added to the model's armature as named actions"""

    bl_idname = "tripo.retarget"
    bl_label = "Retarget Animations"
    kind = RETARGET.name

    presets: bpy.props.EnumProperty(name="Animations", items=_PRESET_ITEMS, options={'ENUM_FLAG', 'SKIP_SAVE'},
                                    description=f"Preset animations to add (1 to {MAX_ANIMATIONS} per request)")
    out_format: bpy.props.EnumProperty(name="Format", items=_RETARGET_FORMAT_ITEMS, default=_SAME_AS_RIG,
                                       options=_SKIP)
    animate_in_place: bpy.props.BoolProperty(name="In Place", default=False, options=_SKIP,
                                             description="Keep the character on the spot (no travel)")
    fit_frame_range: bpy.props.BoolProperty(
        name="Fit Frame Range", default=False, options=_SKIP,
        description="Set the scene's start and end frames to the first animation's length when it lands "
                    "(off: the frame range stays as you set it)")

    def fits_frame_range(self) -> bool:
        return bool(self.fit_frame_range)

    def preset_names(self) -> list[str]:
        chosen = set(self.presets)  # an ENUM_FLAG property reads as a set: order comes from the catalogue
        return [p for p in _PRESET_ORDER if p in chosen]

    def _format(self, target: Target) -> str:
        if self.out_format != _SAME_AS_RIG:
            return str(self.out_format)
        root = target.source.root
        found = string_tag(root, RIG_FORMAT_PROP) if root is not None else None
        return found if found in ("glb", "fbx") else "glb"

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        presets = self.preset_names()
        if not presets:
            raise OptionError("Choose at least one animation")
        if len(presets) > MAX_ANIMATIONS:
            raise OptionError(f"{len(presets)} animations chosen; Tripo retargets at most {MAX_ANIMATIONS} per "
                              "request (each one is billed)")
        return {"animation": presets, "out_format": self._format(target), "animate_in_place": self.animate_in_place}

    def job_name(self, target: Target) -> str:
        names = ", ".join(p.removeprefix("preset:") for p in self.preset_names())
        return f"{kind_of(self.kind).verb} {target.source.label} ({names})"

    def outcome(self, target: Target) -> str:
        armature = target.source.armature
        where = f"'{armature.name}'" if armature is not None else "the rigged model's armature"
        return f"the animations are added to {where} when done"

    def check(self, context: bpy.types.Context) -> bool:
        """Redraw after every change: the count and the Retarget button follow the choice."""
        return True

    def draw_options(self, layout: Any, target: Target) -> None:
        rig_type = preset_group_of(target)
        groups = [g for g in PRESET_GROUPS if rig_type is None or g[0] == rig_type]
        for group, members in groups:
            box = layout.box()
            box.label(text=f"{group.title()}{' (this rig)' if group == rig_type else ''}")
            flow = box.grid_flow(columns=4, even_columns=True)
            for preset in members:
                flow.prop_enum(self, "presets", preset.value)
        if rig_type is not None:
            _fit(layout, f"Presets for other skeletons are not shown: this rig is a {rig_type}.", icon='INFO')
        layout.label(text=f"{len(self.preset_names())} chosen (1–{MAX_ANIMATIONS} per request)")
        col = layout.column()
        col.prop(self, "out_format")
        col.prop(self, "animate_in_place")
        col.prop(self, "fit_frame_range")

    def draw(self, context: bpy.types.Context) -> None:
        _PostProcess.draw(self, context)
        if not self.preset_names():  # nothing to send: Retarget greyed until an animation is chosen
            draw_greyed_confirm(self.layout, self.bl_idname, "Retarget (choose an animation)")


# --------------------------------------------------------------------------- convert


# What each format is; whether it is imported is decided per Blender by :func:`_format_note`
# (a Blender built without the USD importer must not be promised an import).
_FORMAT_NOTES = {
    "OBJ": "Arrives as a ZIP with its materials and textures",
    "STL": "Geometry only, no textures",
    "3MF": "For 3D printing, geometry only",
    "USDZ": "USD, packed with its textures",
    "GLTF": "glTF binary with its textures",
    "FBX": "FBX with its textures",
}
_FORMAT_SUFFIXES = {"OBJ": ".obj", "STL": ".stl", "3MF": ".3mf", "USDZ": ".usdz", "GLTF": ".glb", "FBX": ".fbx"}
_CONVERT_FORMAT_ITEMS = tuple((f, f, _FORMAT_NOTES.get(f, f) + "; imported where this Blender has an importer for "
                               "it, else saved and its folder shown") for f in CONVERT_FORMATS)


def _format_note(fmt: str) -> str:
    """The format's note plus what *this* Blender will do with the result (import or only save)."""
    note = _FORMAT_NOTES.get(fmt, fmt)
    if can_import("result" + _FORMAT_SUFFIXES.get(fmt, "." + fmt.lower())):
        return f"{note}: imported when it is done"
    return f"{note}: saved, not imported (this Blender has no {fmt} importer); the folder is shown"
_SURCHARGE = " (a changed option costs 5 credits more)"
_TEXTURE_FORMAT_ITEMS = (
    (_DEFAULT, "Default", "Tripo's default: JPEG"),
    *((f, f.replace("_", " ").title(), f"{f} textures{_SURCHARGE}") for f in TEXTURE_FORMATS),
)
_FBX_PRESET_NAMES = {"blender": "Blender", "3dsmax": "3ds Max", "mixamo": "Mixamo"}
_FBX_PRESET_ITEMS = tuple((p, _FBX_PRESET_NAMES.get(p, p), f"FBX set up for {_FBX_PRESET_NAMES.get(p, p)}")
                          for p in FBX_PRESETS)
_ORIENTATION_ITEMS = tuple((o, o.upper(), f"The model faces {o.upper()}") for o in EXPORT_ORIENTATIONS)
_VERTEX_COLOR_FORMATS = ("OBJ", "GLTF")
_DEFAULT_FLATTEN_THRESHOLD = 0.01


def _exact(value: float) -> float:
    """A float property's value as typed: Blender stores single precision (0.01 reads back as
    0.009999999776), which the client would take for a changed, pricier option."""
    return round(value, 6)


class TRIPO_OT_convert(_Parts, _Placed, _PostProcess):
    """Convert a Tripo model to GLTF, USDZ, FBX, OBJ, STL or 3MF (costs credits). Formats Blender can
    open are imported; others are saved and their folder shown"""

    bl_idname = "tripo.convert"
    bl_label = "Convert"
    kind = CONVERT.name

    format: bpy.props.EnumProperty(name="Format", items=_CONVERT_FORMAT_ITEMS, default="FBX", options=_SKIP)
    fbx_preset: bpy.props.EnumProperty(name="FBX Preset", items=_FBX_PRESET_ITEMS, default=FBX_PRESETS[0],
                                       options=_SKIP, description="Which application the FBX is set up for (FBX only)"
                                       + _SURCHARGE)
    quad: bpy.props.BoolProperty(name="Quad Mesh", default=False, options=_SKIP,
                                 description="Remesh to quads" + _SURCHARGE)
    force_symmetry: bpy.props.BoolProperty(name="Force Symmetry", default=False, options=_SKIP,
                                           description="Symmetric quad remesh (quad only)")
    face_limit: bpy.props.IntProperty(name="Face Limit", default=0, min=0, max=2_000_000, soft_max=200_000,
                                      options=_SKIP, description="Maximum faces; 0 = keep the model's own"
                                      + _SURCHARGE)
    flatten_bottom: bpy.props.BoolProperty(name="Flatten Bottom", default=False, options=_SKIP,
                                           description="Make the bottom flat so it stands" + _SURCHARGE)
    flatten_bottom_threshold: bpy.props.FloatProperty(
        name="Flatten Threshold", default=_DEFAULT_FLATTEN_THRESHOLD, min=0.0, soft_max=0.2, precision=3,
        options=_SKIP, description="How much of the bottom is flattened")
    texture_size: bpy.props.IntProperty(name="Texture Size", default=0, min=0, max=8192, options=_SKIP,
                                        description="Texture resolution in pixels; 0 = Tripo's default (4096)"
                                        + _SURCHARGE)
    texture_format: bpy.props.EnumProperty(name="Texture Format", items=_TEXTURE_FORMAT_ITEMS, default=_DEFAULT,
                                           options=_SKIP)
    scale_factor: bpy.props.FloatProperty(name="Scale", default=1.0, min=0.0001, soft_min=0.01, soft_max=100.0,
                                          options=_SKIP, description="Scale the model by this factor" + _SURCHARGE)
    export_orientation: bpy.props.EnumProperty(name="Facing", items=_ORIENTATION_ITEMS,
                                               default=EXPORT_ORIENTATIONS[0], options=_SKIP,
                                               description="The direction the model faces in the file" + _SURCHARGE)
    pivot_to_center_bottom: bpy.props.BoolProperty(name="Pivot to Bottom Center", default=False, options=_SKIP,
                                                   description="Put the origin at the bottom centre" + _SURCHARGE)
    export_vertex_colors: bpy.props.BoolProperty(name="Vertex Colors", default=False, options=_SKIP,
                                                 description="Export vertex colours (OBJ and GLTF only)" + _SURCHARGE)
    with_animation: bpy.props.BoolProperty(name="With Animation", default=True, options=_SKIP,
                                           description="Keep the animations of a rigged or animated model")
    animate_in_place: bpy.props.BoolProperty(name="Animate in Place", default=False, options=_SKIP,
                                             description="Keep an animated character on the spot" + _SURCHARGE)
    pack_uv: bpy.props.BoolProperty(name="Pack UVs", default=False, options=_SKIP,
                                    description="Repack the UV islands" + _SURCHARGE)
    bake: bpy.props.BoolProperty(name="Bake", default=True, options=_SKIP,
                                 description="Bake the materials into textures")

    def prepare(self, target: Target) -> None:
        self.fill_parts(target.source)

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        """Every option as chosen; the client sends only those that differ from Tripo's defaults
        (each of them makes the task a pricier "complex convert"). 0 and Default mean "not set"."""
        options: dict[str, Any] = {
            "format": self.format, "quad": self.quad, "face_limit": self.face_limit,
            "flatten_bottom": self.flatten_bottom, "pivot_to_center_bottom": self.pivot_to_center_bottom,
            "with_animation": self.with_animation, "animate_in_place": self.animate_in_place, "pack_uv": self.pack_uv,
            "bake": self.bake, "scale_factor": _exact(self.scale_factor),
            "export_orientation": self.export_orientation,
        }
        if self.quad:
            options["force_symmetry"] = self.force_symmetry
        if self.flatten_bottom:
            options["flatten_bottom_threshold"] = _exact(self.flatten_bottom_threshold)
        if self.texture_size:
            options["texture_size"] = self.texture_size
        if self.texture_format != _DEFAULT:
            options["texture_format"] = self.texture_format
        if self.format == "FBX":
            options["fbx_preset"] = self.fbx_preset
        if self.format in _VERTEX_COLOR_FORMATS:
            options["export_vertex_colors"] = self.export_vertex_colors
        parts = self.chosen_parts()
        if parts:
            options["part_names"] = parts
        return options

    def job_name(self, target: Target) -> str:
        return f"{kind_of(self.kind).verb} {target.source.label} to {self.format}"

    def draw_options(self, layout: Any, target: Target) -> None:
        layout.prop(self, "format")
        _fit(layout, _format_note(str(self.format)), icon='INFO')
        col = layout.column()
        _only_for(col, self.format == "FBX", "The FBX preset applies to FBX only", (self, "fbx_preset"))
        col.prop(self, "quad")
        sub = col.row()
        sub.active = self.quad
        sub.prop(self, "force_symmetry")
        col.prop(self, "face_limit")
        col.prop(self, "flatten_bottom")
        sub = col.row()
        sub.active = self.flatten_bottom
        sub.prop(self, "flatten_bottom_threshold")
        col.prop(self, "texture_size")
        col.prop(self, "texture_format")
        col.prop(self, "scale_factor")
        col.prop(self, "export_orientation")
        col.prop(self, "pivot_to_center_bottom")
        _only_for(col, self.format in _VERTEX_COLOR_FORMATS, "Vertex colors apply to OBJ and GLTF only",
                  (self, "export_vertex_colors"))
        col.prop(self, "with_animation")
        col.prop(self, "animate_in_place")
        col.prop(self, "pack_uv")
        col.prop(self, "bake")
        self.draw_parts(col, "convert")


# --------------------------------------------------------------------------- segment


_SEGMENT_MODEL = "segmentation model"
_SEGMENT_VERSION_ITEMS = _version_items(versions.SEGMENTATION, "Segmentation model", {
    versions.SEGMENTATION_DEFAULT: " (Tripo's default)",
    versions.SEGMENTATION_V2: " (adds granularity and splitting by connectivity)"})
_SEGMENT_V2_ONLY = _needs("Granularity and Split by Connectivity", versions.SEGMENTATION_V2, _SEGMENT_MODEL,
                          plural=True)
_GRANULARITY_ITEMS = (
    (_DEFAULT, "Default", "Tripo's default granularity"),
    *((g, g.title(), f"{g.title()} parts") for g in SEGMENTATION_GRANULARITIES),
)


class TRIPO_OT_segment(_Placed, _PostProcess):
    """Split a Tripo model into named parts (costs credits)"""

    bl_idname = "tripo.segment"
    bl_label = "Segment"
    kind = SEGMENT.name

    model_version: bpy.props.EnumProperty(name="Model", items=_SEGMENT_VERSION_ITEMS,
                                          default=versions.SEGMENTATION_DEFAULT, options=_SKIP,
                                          description="Tripo segmentation model to use")
    segmentation_granularity: bpy.props.EnumProperty(
        name="Granularity", items=_GRANULARITY_ITEMS, default=_DEFAULT, options=_SKIP,
        description=f"How finely the model is split ({_SEGMENT_MODEL} {version_label(versions.SEGMENTATION_V2)} only)")
    split_by_connectivity: bpy.props.BoolProperty(
        name="Split by Connectivity", default=False, options=_SKIP,
        description=f"Also split pieces that are not connected ({_SEGMENT_MODEL} "
                    f"{version_label(versions.SEGMENTATION_V2)} only)")

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        v2 = self.model_version == versions.SEGMENTATION_V2
        granularity = self.segmentation_granularity != _DEFAULT
        if not v2 and (granularity or self.split_by_connectivity):
            raise OptionError(_SEGMENT_V2_ONLY)
        options: dict[str, Any] = {"model_version": self.model_version}
        if granularity:
            options["segmentation_granularity"] = self.segmentation_granularity
        if self.split_by_connectivity:
            options["split_by_connectivity"] = True
        return options

    def draw_options(self, layout: Any, target: Target) -> None:
        col = layout.column()
        col.prop(self, "model_version")
        _only_for(col, self.model_version == versions.SEGMENTATION_V2, _SEGMENT_V2_ONLY,
                  (self, "segmentation_granularity"), (self, "split_by_connectivity"))


# --------------------------------------------------------------------------- complete parts


_COMPLETION_MODE_ITEMS = (
    (_DEFAULT, "Default", "Tripo's default way of completing"),
    ("ai_completion", "AI Completion", "Regenerate the hidden geometry of each part"),
    ("quick_cap", "Quick Cap", "Close each part's openings with a cap (quicker)"),
)


class TRIPO_OT_complete(_Parts, _Placed, _PostProcess):
    """Complete the hidden geometry of a segmented Tripo model's parts (costs credits)"""

    bl_idname = "tripo.complete"
    bl_label = "Complete Parts"
    kind = COMPLETE.name

    completion_mode: bpy.props.EnumProperty(name="Mode", items=_COMPLETION_MODE_ITEMS, default=_DEFAULT,
                                            options=_SKIP, description="How the parts are completed")

    def prepare(self, target: Target) -> None:
        self.fill_parts(target.source)

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.completion_mode != _DEFAULT:
            options["completion_mode"] = self.completion_mode
        parts = self.chosen_parts()
        if parts:
            options["part_names"] = parts
        return options

    def draw_options(self, layout: Any, target: Target) -> None:
        layout.prop(self, "completion_mode")
        if not len(self.parts):
            layout.label(text="All parts of the segmented model are completed", icon='INFO')
        self.draw_parts(layout, "complete")


# --------------------------------------------------------------------------- smart low poly


#: The decimate model the dialog starts with: Tripo's own default (smart low poly).
LOWPOLY_DIALOG_VERSION = versions.DECIMATE_SERVER_DEFAULT
_LOWPOLY_MODEL = "low-poly model"
_LOWPOLY_VERSION_ITEMS = _version_items(versions.DECIMATE, "Low-poly model", {
    "v1.0": " (plain decimation)", LOWPOLY_DIALOG_VERSION: " (smart low poly; Tripo's default)",
    versions.DECIMATE_SMART_UV: " (smart low poly that can also unwrap UVs)"})
_LOWPOLY_FACES = (500, 20_000)
_LOWPOLY_QUAD_MAX = 10_000


class TRIPO_OT_smart_lowpoly(_Parts, _Placed, _PostProcess):
    """Retopologise a Tripo model into a clean low-poly mesh (costs credits)"""

    bl_idname = "tripo.smart_lowpoly"
    bl_label = "Smart Low Poly"
    kind = LOWPOLY.name

    model_version: bpy.props.EnumProperty(name="Model", items=_LOWPOLY_VERSION_ITEMS, default=LOWPOLY_DIALOG_VERSION,
                                          options=_SKIP, description="Tripo low-poly model to use")
    face_limit: bpy.props.IntProperty(name="Face Limit", default=0, min=0, max=_LOWPOLY_FACES[1], options=_SKIP,
                                      description=f"Target face count ({_LOWPOLY_FACES[0]:,}–{_LOWPOLY_FACES[1]:,}; "
                                                  f"at most {_LOWPOLY_QUAD_MAX:,} with quads). 0 = Tripo decides")
    quad: bpy.props.BoolProperty(name="Quad Mesh", default=False, options=_SKIP,
                                 description="Quad topology (the result comes as FBX)")
    smart_uv: bpy.props.BoolProperty(
        name="Smart UV", default=False, options=_SKIP,
        description=f"Also unwrap clean UVs ({_LOWPOLY_MODEL} {version_label(versions.DECIMATE_SMART_UV)} only)")
    bake: bpy.props.BoolProperty(name="Bake", default=True, options=_SKIP,
                                 description="Bake the high-poly detail into the textures")

    def prepare(self, target: Target) -> None:
        self.fill_parts(target.source)

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        if self.face_limit and self.face_limit < _LOWPOLY_FACES[0]:
            raise OptionError(f"The face limit is at least {_LOWPOLY_FACES[0]:,} (0: Tripo decides)")
        if self.quad and self.face_limit > _LOWPOLY_QUAD_MAX:
            raise OptionError(f"With quads the face limit is at most {_LOWPOLY_QUAD_MAX:,}")
        if self.smart_uv and self.model_version != versions.DECIMATE_SMART_UV:
            raise OptionError(_needs("Smart UV", versions.DECIMATE_SMART_UV, _LOWPOLY_MODEL))
        options: dict[str, Any] = {"model_version": self.model_version, "quad": self.quad, "bake": self.bake}
        if self.face_limit:
            options["face_limit"] = self.face_limit
        if self.smart_uv:
            options["smart_uv"] = True
        parts = self.chosen_parts()
        if parts:
            options["part_names"] = parts
        return options

    def draw_options(self, layout: Any, target: Target) -> None:
        col = layout.column()
        col.prop(self, "model_version")
        col.prop(self, "face_limit")
        col.prop(self, "quad")
        _only_for(col, self.model_version == versions.DECIMATE_SMART_UV,
                  _needs("Smart UV", versions.DECIMATE_SMART_UV, _LOWPOLY_MODEL), (self, "smart_uv"))
        col.prop(self, "bake")
        self.draw_parts(col, "simplify")


# --------------------------------------------------------------------------- smart uv


class TRIPO_OT_smart_uv(_Placed, _PostProcess):
    """Unwrap clean UVs with Tripo's Smart UV (meshes up to 80,000 triangles); the result takes the
    model's place. Works on Tripo results and on any mesh (uploaded first)"""

    bl_idname = "tripo.smart_uv"
    bl_label = "Smart UV"
    kind = SMART_UV.name

    def draw_options(self, layout: Any, target: Target) -> None:
        _fit(layout, f"Tripo unwraps '{target.name}' (at most {UV_MAX_TRIANGLES:,} triangles); the "
                             "unwrapped model takes its place.", icon='UV')


#: The menu's items in order (None: a separator), with their menu texts and icons.
MENU_OPERATORS: tuple[tuple[type[_PostProcess], str, IconItems] | None, ...] = (
    (TRIPO_OT_texture, "Texture…", 'TEXTURE'),
    (TRIPO_OT_rig, "Rig…", 'ARMATURE_DATA'),
    (TRIPO_OT_retarget, "Retarget Animations…", 'ACTION'),
    None,
    (TRIPO_OT_convert, "Convert…", 'EXPORT'),
    None,
    (TRIPO_OT_segment, "Segment…", 'MOD_EXPLODE'),
    (TRIPO_OT_complete, "Complete Parts…", 'MOD_BUILD'),
    (TRIPO_OT_smart_lowpoly, "Smart Low Poly…", 'MOD_DECIM'),
    (TRIPO_OT_smart_uv, "Smart UV…", 'UV'),
)

CLASSES: tuple[type, ...] = (
    TRIPO_PG_part,
    TRIPO_OT_texture,
    TRIPO_OT_check_riggable,
    TRIPO_OT_rig,
    TRIPO_OT_retarget,
    TRIPO_OT_convert,
    TRIPO_OT_segment,
    TRIPO_OT_complete,
    TRIPO_OT_smart_lowpoly,
    TRIPO_OT_smart_uv,
)
