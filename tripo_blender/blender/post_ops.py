"""Operators of the right-click "Tripo" menu: texture, rig, retarget, convert, segment, complete
parts, smart low poly, Smart UV (and the free riggability check).

Each works on the selected object's Tripo task — or on any selected mesh, which the job uploads
first (:mod:`.sources`, :mod:`.mesh_export`; every dialog says so) — (:mod:`.post_process`
resolves it and explains in ``poll`` why an item cannot apply), opens a dialog with the request's options and its
estimated cost, and hands a :class:`JobSpec` built by :func:`.post_specs.post_process_spec` — the
same builder the console API uses, so ``JobSpec.meta`` follows one convention — to the runtime,
whose one validation checks the values by the route's record. Submitting returns at once; the
pump lands the result later (:mod:`.landing`). Names, verbs and prices come from
:mod:`..jobs.kinds`; every option's label, tooltip, default, choices, range and the model
versions that take it from its field in :mod:`..client.routes` (:mod:`.field_props` makes the
properties, :mod:`..rules.offers` says why an option is greyed out).

Scripts call them like any operator (``bpy.ops.tripo.texture(text_prompt="rusty metal")``,
``EXEC_DEFAULT``): every option is a property with the dialog's default (``SKIP_SAVE``, so a
script never inherits what someone chose in a dialog). Problems are reported as ``{'ERROR'}``
(a ``RuntimeError`` for a script) and nothing is sent. An option that only one model version
has (texture v3.5's Delight, segmentation v2.0's granularity, decimate v3.0's Smart UV) is
greyed out with the reason for the other versions (the field's gate), and refused if set anyway.

Why the Rig dialog runs the free riggability check first: a rig costs credits, and Tripo can
tell beforehand (for free) whether it can rig the model and which skeleton it detects. A
negative answer stops the request unless the user ticks "Rig anyway" (the check can be wrong).
Its model version "Auto" follows the skeleton: v1.0 for a biped with the Tripo, Mixamo or
ActorCore spec (what v1.0 makes), else v2.5 (every rig type and spec).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import bpy

if TYPE_CHECKING:  # the stubs' literal sets of operator results and icons; absent from real bpy
    from bpy.stub_internal.rna_enums import IconItems
    from bpy.stub_internal.rna_enums import OperatorReturnItems as OperatorReturn

from ..client import Animation, RigSpec, RigType, routes, versions
from ..client.payloads import MAX_ANIMATIONS
from ..jobs import Job, JobSpec, JobState, kind_of
from ..jobs.kinds import (
    CHECK_RIGGABLE,
    COMPLETE,
    CONVERT,
    LOWPOLY,
    RETARGET,
    RIG,
    SEGMENT,
    SMART_SEGMENT,
    SMART_UV,
    TEXTURE,
)
from ..rules import generate as form
from ..rules.account import UserError
from ..rules.offers import needs_text, option_problem
from ..rules.tags import RIG_FORMAT_PROP, RIG_TYPE_PROP
from .decoders import blender_and_meshopt, compress_note, gltf_supports_meshopt
from .field_props import SKIP, choice_items, field_prop, option_value, options_of, version_prop
from .image_inputs import named_slot, prepare_image
from .importer import can_import, string_tag
from .job_list import window_manager
from .mesh_checks import UV_MAX_TRIANGLES, triangle_count
from .post_process import (
    Target,
    Unavailable,
    auto_rig_version,
    part_names,
    rig_check,
    rig_check_job,
    rig_v1_fits,
    target_of,
    unavailable,
    version_label,
)
from .rig_dialog import draw_greyed_confirm, draw_rig_button
from .runtime import runtime
from .sources import DEFAULT_PLACEMENT, Source, expiry_text
from .text_fit import dialog_measure, draw_text

__all__ = [
    "TRIPO_PG_part",
    "TRIPO_OT_texture",
    "TRIPO_OT_check_riggable",
    "TRIPO_OT_rig",
    "TRIPO_OT_retarget",
    "TRIPO_OT_convert",
    "TRIPO_OT_segment",
    "TRIPO_OT_smart_segment",
    "TRIPO_OT_complete",
    "TRIPO_OT_smart_lowpoly",
    "TRIPO_OT_smart_uv",
    "MENU_OPERATORS",
    "PRESET_GROUPS",
    "TEXTURE_DIALOG_VERSION",
    "LOWPOLY_DIALOG_VERSION",
    "start_rig_check",
    "ensure_rig_check",
    "CLASSES",
]

log = logging.getLogger(__name__)


def _post_process_spec() -> Callable[..., JobSpec]:
    """:func:`.post_specs.post_process_spec`, imported when the first post-process is sent: it
    brings the mesh export (GLB writer, mesh snapshot) and upload planning, which enabling the
    add-on (it registers these operators) does not need (``bench/blender_rows.py``, row 6)."""
    from .post_specs import post_process_spec

    return post_process_spec


_SKIP = SKIP
_DIALOG_WIDTH = 380
_PLACEMENT_ITEMS = (
    ("HIDE_SOURCE", "Hide Source", "The result takes the source's place; the source is hidden (nothing is lost)"),
    ("KEEP_BOTH", "Keep Both", "The result takes the source's place; the source stays visible"),
    (
        "REPLACE",
        "Replace",
        "The result takes the source's place; the source's Tripo objects are deleted "
        "(objects you parented to it are kept)",
    ),
)
_PART_NAMES_HELP = (
    "Scripts: comma-separated part names (empty: all parts). The dialog shows a checkbox per part instead"
)


def _fit(layout: Any, text: str, icon: str = "NONE") -> None:
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
_PRESET_ITEMS = tuple(
    (a.value, _preset_label(a), f"{group.title()} preset {a.value}")
    for group, presets in PRESET_GROUPS
    for a in presets
)
_PRESET_ORDER = [a.value for _, presets in PRESET_GROUPS for a in presets]


def _offered(route: routes.Route, version: str, *options: str | tuple[str, Any]) -> bool:
    """Whether ``version`` of ``route`` takes every one of ``options`` (a name, or a name and value)."""
    return all(
        route.field(o).offered(version) if isinstance(o, str) else route.field(o[0]).offered(version, o[1])
        for o in options
    )


def _applies(op: Any, route: routes.Route, name: str) -> bool:
    """Whether option ``name`` means anything with the dialog's other choices (its field's
    ``applies_with``: the FBX preset for FBX, the threshold with Flatten Bottom…)."""
    other = route.field(name).applies_with
    return other is None or route.field(name).applies({other[0]: getattr(op, other[0])})


def _format_only(route: routes.Route, name: str) -> str:
    """Why an option is greyed out for the other formats: ``FBX Preset applies to FBX only``."""
    f = route.field(name)
    assert f.applies_with is not None
    return f"{f.title} applies to {' and '.join(map(str, f.applies_with[1]))} only"


def _values(op: Any, route: routes.Route, *names: str) -> dict[str, Any]:
    """The dialog's properties ``names`` as the client takes them; "not set" and options that do
    not apply to the other choices are left out (nothing is sent for them)."""
    found = {name: option_value(route.field(name), getattr(op, name)) for name in names if _applies(op, route, name)}
    return {name: value for name, value in found.items() if value is not None}


def _cost_label(layout: Any, kind: str, params: dict[str, Any]) -> None:
    """The estimated cost, last in every dialog (the decision to click depends on it)."""
    layout.separator()
    _fit(layout, f"Estimated cost: {form.cost_text(kind, params)}", icon="FUND")


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _only_for(layout: Any, available: bool, reason: str, *props: tuple[Any, str]) -> None:
    """Draw options that exist for one model version: greyed out, with the reason, for the others."""
    col = layout.column()
    col.active = available
    for owner, name in props:
        col.prop(owner, name)
    if not available:
        _fit(layout, reason, icon="INFO")


def _local_note(source: Source) -> str:
    """What happens to a mesh of the user's before the request (shown in every dialog)."""
    count = len(source.meshes)
    triangles = f"{triangle_count(source.meshes):,} triangles, modifiers applied"
    if source.expired_task:
        return (
            f"'{source.label}': {expiry_text(source)}, so its mesh ({triangles}) is exported and uploaded "
            "to Tripo first; an unchanged mesh is not uploaded again"
        )
    what = (
        f"'{source.label}'" if count == 1 else f"'{source.label}' and {count - 1} more mesh{'es' if count > 2 else ''}"
    )
    return f"{what} ({triangles}) is exported and uploaded to Tripo first; an unchanged mesh is not uploaded again"


class _PostProcess(bpy.types.Operator):
    """Shared part of the menu's operators (never registered itself)."""

    bl_options = {"REGISTER"}  # no UNDO: sending changes nothing in the scene; the landing pushes its own step

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
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        self.prepare(target)
        label = kind_of(self.kind).label
        title = f"{label} '{target.name}'"
        if self.dialog:
            return window_manager(context).invoke_props_dialog(
                self, width=_DIALOG_WIDTH, title=title, confirm_text=label
            )
        cost = form.cost_text(self.kind, self.request_options(target, final=False))
        return window_manager(context).invoke_confirm(
            self, event, title=title, message=f"Send to Tripo ({cost})?", confirm_text=label, icon="QUESTION"
        )

    def checked_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        """:meth:`request_options`, refused (:class:`OptionError`) when the route's record says the
        request cannot carry them (an option its model version does not take, a value out of
        range), in the dialog's words: before the click, not as a failed job."""
        options = self.request_options(target, final=final)
        route = kind_of(self.kind).route
        problem = option_problem(route, options) if route is not None else None
        if problem is not None:
            raise OptionError(problem)
        return options

    def draw(self, context: bpy.types.Context) -> None:
        layout = self.layout
        assert layout is not None
        try:
            target = target_of(context)
        except Unavailable as exc:
            _fit(layout, str(exc), icon="ERROR")
            return
        if target.source.is_local:
            _fit(layout, _local_note(target.source), icon="EXPORT")
        self.draw_options(layout, target)
        if "placement" in self.properties.bl_rna.properties:
            layout.prop(self, "placement")
        try:
            params = self.checked_options(target, final=False)
        except UserError as exc:  # an option or image the request cannot carry
            _fit(layout, str(exc), icon="ERROR")
            return
        _cost_label(layout, self.kind, params)

    def job_spec(self, target: Target) -> JobSpec:
        """The job to send; raises a :class:`UserError` (an option or image it cannot carry) or the
        client's ValueError/TypeError."""
        placement = str(getattr(self, "placement", DEFAULT_PLACEMENT))
        return _post_process_spec()(
            self.kind,
            target.source,
            self.checked_options(target, final=True),
            name=self.job_name(target),
            placement=placement,
            presets=self.preset_names(),
            fit_frame_range=self.fits_frame_range(),
            history=runtime.jobs(),
        )

    def execute(self, context: bpy.types.Context) -> set[OperatorReturn]:
        try:
            target = target_of(context)
            job = runtime.submit(self.job_spec(target))
        except (UserError, ValueError, TypeError) as exc:
            # UserError: nothing applies, an option or image it cannot carry, online access off, no/bad
            # key, too many jobs waiting — the message says what to do; ValueError/TypeError: the client's checks
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        log.info("submitted %s job %s %r for %s", self.kind, job.id, job.name, target.name)
        self.report(
            {"INFO"}, f"Sent '{job.name}' to Tripo ({form.cost_phrase(job.estimated_cost)}); {self.outcome(target)}"
        )
        return {"FINISHED"}


class _Placed:
    """Where a result lands relative to its source (every post-process except retarget)."""

    placement: bpy.props.EnumProperty(
        name="Source",
        items=_PLACEMENT_ITEMS,
        default=DEFAULT_PLACEMENT,
        options=_SKIP,
        description="What happens to the source when the result lands",
    )


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
_TX = routes.TEXTURE
TEXTURE_DIALOG_VERSION = _TX.field("model_version").form_default
_V35_OPTIONS = needs_text(_TX, "delight", ("texture_quality", "fast"))


_TEXTURE_OPTIONS = (
    "text_prompt",
    "model_version",
    "texture",
    "pbr",
    "texture_quality",
    "delight",
    "texture_alignment",
    "texture_seed",
    "bake",
    "compress",
)


_TextureOptions: Any = options_of(_TX, *_TEXTURE_OPTIONS)


class TRIPO_OT_texture(_TextureOptions, _Parts, _Placed, _PostProcess):
    """Give a Tripo model a new texture, from a text prompt, an image or a style image (costs credits)"""

    bl_idname = "tripo.texture"
    bl_label = TEXTURE.label
    kind = TEXTURE.name

    image_path: bpy.props.StringProperty(
        name="Image File", subtype="FILE_PATH", options=_SKIP, description=_TX.field("image_prompt").description
    )
    image_name: bpy.props.StringProperty(
        name="Image", options=_SKIP, description="A Blender image the texture should follow, instead of a file"
    )
    style_image_path: bpy.props.StringProperty(
        name="Style Image File", subtype="FILE_PATH", options=_SKIP, description=_TX.field("style_image").description
    )
    style_image_name: bpy.props.StringProperty(
        name="Style Image", options=_SKIP, description="A Blender image whose style the texture takes (optional)"
    )

    def prepare(self, target: Target) -> None:
        self.fill_parts(target.source)

    def _image(self, path_prop: str, name_prop: str, what: str, final: bool) -> str | None:
        slot = named_slot(
            getattr(self, path_prop).strip(),
            getattr(self, name_prop).strip(),
            what,
            path_prop=path_prop,
            name_prop=name_prop,
        )
        if not slot.filled:
            return None
        return prepare_image(slot, what) if final else what  # the cost does not depend on the image

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        if self.compress and not gltf_supports_meshopt():
            raise OptionError(f"{form.compress_problem(blender_and_meshopt())}: turn off Compress Geometry")
        options = _values(self, _TX, *_TEXTURE_OPTIONS)
        image = self._image("image_path", "image_name", "image prompt", final)
        if image:
            options["image_prompt"] = image
        style = self._image("style_image_path", "style_image_name", "style image", final)
        if style:
            options["style_image"] = style
        parts = self.chosen_parts()
        if parts:
            options["part_names"] = parts
        return options

    def draw_options(self, layout: Any, target: Target) -> None:
        col = layout.column()
        col.prop(self, "text_prompt", text="", icon="TEXT", placeholder="Text prompt (optional)")
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
        _only_for(col, _offered(_TX, self.model_version, "delight"), _V35_OPTIONS, (self, "delight"))
        col.prop(self, "texture_alignment", text="Alignment")  # the whole name is cut in the dialog's label column
        col.prop(self, "texture_seed")
        col.prop(self, "bake")
        row = col.row()
        row.active = gltf_supports_meshopt()
        row.prop(self, "compress")
        if not row.active:
            _fit(col, compress_note(), icon="INFO")
        self.draw_parts(col, "texture")


# --------------------------------------------------------------------------- rig


def start_rig_check(source: Source) -> Job:
    """Start the free riggability check of ``source`` (raises UserError when it cannot be sent)."""
    spec = _post_process_spec()(
        CHECK_RIGGABLE.name, source, name=f"{CHECK_RIGGABLE.verb} {source.label}", history=runtime.jobs()
    )
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
_RG = routes.RIG
_RIG_TYPE_ITEMS = (
    (_DETECTED, "Detected", "The rig type the riggability check found (Tripo's default, biped, without one)"),
    *(item for item in choice_items(_RG.field("rig_type")) if item[0] != RigType.OTHERS.value),
)
_WIDE_SPECS = f"{_RG.model_word} {version_label(versions.RIG_V25)} or newer"
_AUTO_ITEM = (
    _AUTO,
    "Auto",
    f"{version_label(versions.RIG_DEFAULT)} for a biped with the Tripo, Mixamo or ActorCore "
    f"skeleton, else "
    f"{version_label(auto_rig_version(RigType.QUADRUPED.value, RigSpec.TRIPO.value))}",
)


class TRIPO_OT_rig(_Placed, _PostProcess):
    """Rig a Tripo model with a skeleton (costs credits). Tripo's free riggability check runs first"""

    bl_idname = "tripo.rig"
    bl_label = RIG.label
    kind = RIG.name

    rig_type: bpy.props.EnumProperty(
        name=_RG.field("rig_type").title, items=_RIG_TYPE_ITEMS, default=_DETECTED, options=_SKIP
    )
    spec: field_prop(_RG.field("spec"), default=_RG.field("spec").implicit)
    model_version: version_prop(_RG, default=_AUTO, first=(_AUTO_ITEM,))
    out_format: field_prop(_RG.field("out_format"))
    rig_anyway: bpy.props.BoolProperty(
        name="Rig Anyway",
        default=False,
        options=_SKIP,
        description="Send the rig request even though the riggability check said no or has not answered "
        "(costs credits; the check can be wrong)",
    )

    def invoke(self, context: bpy.types.Context, event: bpy.types.Event) -> set[OperatorReturn]:
        try:
            target = target_of(context)
            ensure_rig_check(target.source)
        except (UserError, ValueError) as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
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
            raise OptionError(
                f"Rig model {version_label(version)} rigs bipeds with the Tripo, Mixamo or ActorCore "
                f"skeleton only: choose Auto or {_WIDE_SPECS} for a {rig_type or 'biped'} with the "
                f"{self.spec} spec"
            )
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
            raise OptionError(
                f"Checking first whether Tripo can rig '{target.name}' (free). Nothing was sent: "
                "rig again once the check answered, or choose Rig Anyway"
            )
        if check.pending:
            raise OptionError(
                "The riggability check has not answered yet. Nothing was sent: wait for it, or choose Rig Anyway"
            )
        if check.riggable is False:
            raise OptionError(
                f"Tripo's check says '{target.name}' cannot be rigged (rig type: "
                f"{check.rig_type or 'unknown'}). Nothing was sent; choose Rig Anyway to try regardless"
            )
        raise OptionError(f"{check.text}. Nothing was sent; choose Rig Anyway to try regardless")

    def draw_options(self, layout: Any, target: Target) -> None:
        check = rig_check(rig_check_job(target.source))
        _fit(layout, check.text, icon=check.icon)
        col = layout.column()
        col.prop(self, "rig_type")
        rig_type = self._rig_type(target)
        if self.rig_type == _DETECTED:
            _fit(col, f"Rig type sent: {rig_type or 'none (Tripo uses biped)'}", icon="INFO")
        col.prop(self, "spec")
        col.prop(self, "model_version")
        if self.model_version == _AUTO:
            _fit(col, f"Model sent: {version_label(self._version(rig_type))} (Auto)", icon="INFO")
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
        draw_rig_button(
            self.layout,
            riggable=check.riggable,
            pending=check.pending,
            rig_anyway=self.rig_anyway,
            waiting=lambda: rig_check(rig_check_job(source)).pending,
        )

    def check(self, context: bpy.types.Context) -> bool:
        return True  # redraw when Rig Anyway is ticked: the Rig button turns on


# --------------------------------------------------------------------------- retarget


_SAME_AS_RIG = "AUTO"
_RT = routes.RETARGET
_RETARGET_FORMATS = _RT.field("out_format")
_RETARGET_FORMAT_ITEMS = (
    (_SAME_AS_RIG, "Same as the Rig", "The rig's own format: the animations land on its skeleton"),
    *choice_items(_RETARGET_FORMATS),
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

    presets: bpy.props.EnumProperty(
        name=_RT.field("animation").title,
        items=_PRESET_ITEMS,
        options={"ENUM_FLAG", "SKIP_SAVE"},
        description=_RT.field("animation").description,
    )
    out_format: bpy.props.EnumProperty(
        name=_RETARGET_FORMATS.title, items=_RETARGET_FORMAT_ITEMS, default=_SAME_AS_RIG, options=_SKIP
    )
    animate_in_place: field_prop(_RT.field("animate_in_place"))
    fit_frame_range: bpy.props.BoolProperty(
        name="Fit Frame Range",
        default=False,
        options=_SKIP,
        description="Set the scene's start and end frames to the first animation's length when it lands "
        "(off: the frame range stays as you set it)",
    )

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
        return found if found in _RETARGET_FORMATS.values else str(_RETARGET_FORMATS.default)

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        presets = self.preset_names()
        if not presets:
            raise OptionError("Choose at least one animation")
        if len(presets) > MAX_ANIMATIONS:
            raise OptionError(
                f"{len(presets)} animations chosen; Tripo retargets at most {MAX_ANIMATIONS} per "
                "request (each one is billed)"
            )
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
            _fit(layout, f"Presets for other skeletons are not shown: this rig is a {rig_type}.", icon="INFO")
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


_CV = routes.CONVERT
# What each format is (its choice's description); whether it is imported is decided per Blender by
# :func:`_format_note` (a Blender built without the USD importer must not be promised an import).
_FORMAT_SUFFIXES = {"GLTF": ".glb", "GLB": ".glb"}
_CONVERT_FORMAT_ITEMS = tuple(
    (value, name, f"{note}; imported where this Blender has an importer for it, else saved and its folder shown")
    for value, name, note in choice_items(_CV.field("format"))
)


def _format_note(fmt: str) -> str:
    """The format's note plus what *this* Blender will do with the result (import or only save)."""
    choice = _CV.field("format").choice(fmt)
    note = choice.description if choice is not None else fmt
    if can_import("result" + _FORMAT_SUFFIXES.get(fmt, "." + fmt.lower())):
        return f"{note}: imported when it is done"
    return f"{note}: saved, not imported (this Blender has no {fmt} importer); the folder is shown"


#: Every convert option the dialog offers (the source and the parts aside).
_CONVERT_OPTIONS = tuple(f.name for f in _CV.fields if f.input is None and f.kind != "names")


_ConvertOptions: Any = options_of(
    _CV,
    *_CONVERT_OPTIONS,
    format={"default": "FBX", "items": _CONVERT_FORMAT_ITEMS},
    face_limit={"max": 2_000_000, "soft_max": 200_000},
    flatten_bottom_threshold={"soft_max": 0.2, "precision": 3},
    texture_size={"max": 8192},
    scale_factor={"min": 0.0001, "soft_min": 0.01, "soft_max": 100.0},
)


class TRIPO_OT_convert(_ConvertOptions, _Parts, _Placed, _PostProcess):
    """Convert a Tripo model to GLTF, USDZ, FBX, OBJ, STL, 3MF or GLB (costs credits). Formats Blender
    can open are imported; others are saved and their folder shown"""

    bl_idname = "tripo.convert"
    bl_label = CONVERT.label
    kind = CONVERT.name

    def prepare(self, target: Target) -> None:
        self.fill_parts(target.source)

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        """Every option as chosen; the client sends only those that differ from Tripo's defaults
        (each of them makes the task a pricier "complex convert"). 0 and Default mean "not set"."""
        options = _values(self, _CV, *_CONVERT_OPTIONS)
        parts = self.chosen_parts()
        if parts:
            options["part_names"] = parts
        return options

    def job_name(self, target: Target) -> str:
        return f"{kind_of(self.kind).verb} {target.source.label} to {self.format}"

    def draw_options(self, layout: Any, target: Target) -> None:
        layout.prop(self, "format")
        _fit(layout, _format_note(str(self.format)), icon="INFO")
        col = layout.column()
        _only_for(col, _applies(self, _CV, "fbx_preset"), _format_only(_CV, "fbx_preset"), (self, "fbx_preset"))
        col.prop(self, "quad")
        sub = col.row()
        sub.active = _applies(self, _CV, "force_symmetry")
        sub.prop(self, "force_symmetry")
        col.prop(self, "face_limit")
        col.prop(self, "flatten_bottom")
        sub = col.row()
        sub.active = _applies(self, _CV, "flatten_bottom_threshold")
        sub.prop(self, "flatten_bottom_threshold")
        col.prop(self, "texture_size")
        col.prop(self, "texture_format")
        col.prop(self, "scale_factor")
        col.prop(self, "export_orientation")
        col.prop(self, "pivot_to_center_bottom")
        _only_for(
            col,
            _applies(self, _CV, "export_vertex_colors"),
            _format_only(_CV, "export_vertex_colors"),
            (self, "export_vertex_colors"),
        )
        col.prop(self, "with_animation")
        col.prop(self, "animate_in_place")
        col.prop(self, "pack_uv")
        col.prop(self, "bake")
        self.draw_parts(col, "convert")


# --------------------------------------------------------------------------- segment


_SG = routes.SEGMENT
_SEGMENT_V2_ONLY = needs_text(_SG, "segmentation_granularity", "split_by_connectivity")


_SEGMENT_OPTIONS = ("model_version", "segmentation_granularity", "split_by_connectivity")


_SegmentOptions: Any = options_of(_SG, *_SEGMENT_OPTIONS)


class TRIPO_OT_segment(_SegmentOptions, _Placed, _PostProcess):
    """Split a Tripo model into named parts (costs credits)"""

    bl_idname = "tripo.segment"
    bl_label = SEGMENT.label
    kind = SEGMENT.name

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        return _values(self, _SG, *_SEGMENT_OPTIONS)

    def draw_options(self, layout: Any, target: Target) -> None:
        col = layout.column()
        col.prop(self, "model_version")
        _only_for(
            col,
            _offered(_SG, self.model_version, "segmentation_granularity"),
            _SEGMENT_V2_ONLY,
            (self, "segmentation_granularity"),
            (self, "split_by_connectivity"),
        )


# --------------------------------------------------------------------------- smart segment


_SS = routes.SMART_SEGMENT
_SMART_SEGMENT_OPTIONS = ("granularity", "hint")
_SmartSegmentOptions: Any = options_of(_SS, *_SMART_SEGMENT_OPTIONS)


class TRIPO_OT_smart_segment(_SmartSegmentOptions, _Placed, _PostProcess):
    """Split a model into named parts with Tripo's smart segmentation, optionally guided by a hint
    in words; the parts take the model's place. Works on Tripo results and on any mesh (uploaded
    first). Tripo publishes no price"""

    bl_idname = "tripo.smart_segment"
    bl_label = SMART_SEGMENT.label
    kind = SMART_SEGMENT.name

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        # the model as its file holds it: Tripo documents the transform only as 16 numbers
        return {
            "seg_type": "model",
            "transform": list(routes.IDENTITY_TRANSFORM),
            **_values(self, _SS, *_SMART_SEGMENT_OPTIONS),
        }

    def draw_options(self, layout: Any, target: Target) -> None:
        col = layout.column()
        col.prop(self, "granularity")
        col.prop(self, "hint")


# --------------------------------------------------------------------------- complete parts


_CP = routes.COMPLETE


_CompleteOptions: Any = options_of(_CP, "completion_mode")


class TRIPO_OT_complete(_CompleteOptions, _Parts, _Placed, _PostProcess):
    """Complete the hidden geometry of a segmented Tripo model's parts (costs credits)"""

    bl_idname = "tripo.complete"
    bl_label = COMPLETE.label
    kind = COMPLETE.name

    def prepare(self, target: Target) -> None:
        self.fill_parts(target.source)

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        options = _values(self, _CP, "completion_mode")
        parts = self.chosen_parts()
        if parts:
            options["part_names"] = parts
        return options

    def draw_options(self, layout: Any, target: Target) -> None:
        layout.prop(self, "completion_mode")
        if not len(self.parts):
            _fit(layout, "All parts of the segmented model are completed", icon="INFO")
        self.draw_parts(layout, "complete")


# --------------------------------------------------------------------------- smart low poly


#: The decimate model the dialog starts with: Tripo's own default (smart low poly).
_LP = routes.DECIMATE
LOWPOLY_DIALOG_VERSION = _LP.field("model_version").form_default


_LOWPOLY_OPTIONS = ("model_version", "face_limit", "quad", "smart_uv", "bake")


_LowpolyOptions: Any = options_of(_LP, *_LOWPOLY_OPTIONS)


class TRIPO_OT_smart_lowpoly(_LowpolyOptions, _Parts, _Placed, _PostProcess):
    """Retopologise a Tripo model into a clean low-poly mesh (costs credits)"""

    bl_idname = "tripo.smart_lowpoly"
    bl_label = LOWPOLY.label
    kind = LOWPOLY.name

    def prepare(self, target: Target) -> None:
        self.fill_parts(target.source)

    def request_options(self, target: Target, *, final: bool) -> dict[str, Any]:
        options = _values(self, _LP, *_LOWPOLY_OPTIONS)
        parts = self.chosen_parts()
        if parts:
            options["part_names"] = parts
        return options

    def draw_options(self, layout: Any, target: Target) -> None:
        col = layout.column()
        col.prop(self, "model_version")
        col.prop(self, "face_limit")
        col.prop(self, "quad")
        _only_for(col, _offered(_LP, self.model_version, "smart_uv"), needs_text(_LP, "smart_uv"), (self, "smart_uv"))
        col.prop(self, "bake")
        self.draw_parts(col, "simplify")


# --------------------------------------------------------------------------- smart uv


class TRIPO_OT_smart_uv(_Placed, _PostProcess):
    """Unwrap clean UVs with Tripo's Smart UV (meshes up to 80,000 triangles); the result takes the
    model's place. Works on Tripo results and on any mesh (uploaded first)"""

    bl_idname = "tripo.smart_uv"
    bl_label = SMART_UV.label
    kind = SMART_UV.name

    def draw_options(self, layout: Any, target: Target) -> None:
        _fit(
            layout,
            f"Tripo unwraps '{target.name}' (at most {UV_MAX_TRIANGLES:,} triangles); the "
            "unwrapped model takes its place.",
            icon="UV",
        )


def _item(op: type[_PostProcess], icon: IconItems) -> tuple[type[_PostProcess], str, IconItems]:
    """A menu item: the operator, its label with "…" (it opens a dialog), its icon."""
    return op, f"{op.bl_label}…", icon


#: The menu's items in order (None: a separator), with their menu texts and icons.
MENU_OPERATORS: tuple[tuple[type[_PostProcess], str, IconItems] | None, ...] = (
    _item(TRIPO_OT_texture, "TEXTURE"),
    _item(TRIPO_OT_rig, "ARMATURE_DATA"),
    _item(TRIPO_OT_retarget, "ACTION"),
    None,
    _item(TRIPO_OT_convert, "EXPORT"),
    None,
    _item(TRIPO_OT_segment, "MOD_EXPLODE"),
    _item(TRIPO_OT_smart_segment, "MOD_EXPLODE"),
    _item(TRIPO_OT_complete, "MOD_BUILD"),
    _item(TRIPO_OT_smart_lowpoly, "MOD_DECIM"),
    _item(TRIPO_OT_smart_uv, "UV"),
)

CLASSES: tuple[type, ...] = (
    TRIPO_PG_part,
    TRIPO_OT_texture,
    TRIPO_OT_check_riggable,
    TRIPO_OT_rig,
    TRIPO_OT_retarget,
    TRIPO_OT_convert,
    TRIPO_OT_segment,
    TRIPO_OT_smart_segment,
    TRIPO_OT_complete,
    TRIPO_OT_smart_lowpoly,
    TRIPO_OT_smart_uv,
)
