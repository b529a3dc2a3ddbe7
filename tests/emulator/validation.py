"""Validation of the apiv3 task-creation bodies, in a fixed order, with the real error codes.

Why an explicit order: a client's error handling is only tested honestly if the emulator
reports the *first* problem the real service would report (docs/apiv3.md#validation-order):

1. the body is a JSON object (400/1003);
2. ``model``: required on the generation routes, on the route's allow-list everywhere (1004);
3. required fields, then each field's type/range/enum, then rules that need several fields
   (P-series options, generate_parts, versions that an option needs...) (1004);
4. every input string's form and every ``file_…`` token: ``data:`` URIs, unknown or expired
   tokens, a file of the wrong kind (a model where an image belongs...) (1004);
5. every task id: exists for this key and is retained (404/2001), is of a type the route builds
   on (2006; rig-check on a non-model 2011; retarget on a non-rig 2012), then is finished
   successfully (2007).

Concurrency (429/2000) and credits (403/2010) come last and live in
:meth:`.state.Store.create_task`. Unknown extra fields are tolerated: the service forwards them,
and the SDK relies on that (``delight``, ``no_weights_list``, ``export_orientation``).
``original_model_task_id`` is accepted wherever a post-process route takes ``input``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError
from .formats import IMAGE_KINDS, MODEL_KINDS
from .routes import IMAGE_TYPES, MESH_TYPES, MODEL_TYPES, MULTIVIEW_TYPES
from .state import Account, Store, StoredFile, TaskRecord

Check = Callable[[Any], bool]
Rule = Callable[[dict[str, Any]], str | None]

MAX_PROMPT = 1024
MAX_NEGATIVE_PROMPT = 255
MAX_IMAGE_PROMPT = 1800
MAX_RETARGET_ANIMATIONS = 5
MAX_INPUT = 4096
PRESET = re.compile(r"^preset:[a-z0-9_]+(:[a-z0-9_]+)?$")
TASK_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
VIEWS = ("front", "left", "back", "right")
#: Where the task a request builds on is named: ``input``, or the multiview task reuse.
PRIMARY = "input"
PRIMARY_VIEWS = "inputs[0].task_id"

# --------------------------------------------------------------------------- allow-lists (SDK contract test)

GENERATION_MODELS = frozenset(
    {"v3.1-20260211", "v3.0-20250812", "v2.5-20250123", "P1-20260311", "P2-20260801", "v1.4-20240625"}
)
MULTIVIEW_MODELS = GENERATION_MODELS - {"v1.4-20240625"}
TEXTURE_MODELS = frozenset({"v2.5-20250123", "v3.0-20250812", "v3.5-20260815"})
RIG_MODELS = frozenset({"v1.0-20240301", "v2.5-20260210", "v3.0-20260909"})
SEGMENT_MODELS = frozenset({"v1.0-20250506", "v2.0-20260430"})
DECIMATE_MODELS = frozenset({"v1.0", "v2.0", "v3.0"})
TEXT_TO_IMAGE_MODELS = frozenset(
    {"chat_image_1", "chat_image_1.5", "chat_image_2", "banana", "banana_pro", "banana2", "seedream_v4", "seedream_v5"}
)
IMAGE_TO_IMAGE_MODELS = TEXT_TO_IMAGE_MODELS - {"seedream_v4"}

#: Highest face_limit per generation model (docs/apiv3.md#generation); P series also have a minimum.
_FACE_LIMITS = {
    "v3.1-20260211": 1_500_000,
    "v3.0-20250812": 1_000_000,
    "v2.5-20250123": 500_000,
    "v1.4-20240625": 500_000,
    "P1-20260311": 20_000,
    "P2-20260801": 20_000,
}
_P_SERIES_MIN_FACES = 48
_QUAD_MAX_FACES = 150_000
_P_SERIES_FORBIDDEN = ("quad", "smart_low_poly", "generate_parts", "geometry_quality")
#: How many reference images image-to-image takes, by model family.
_IMAGE_CAPS = (("chat_image", 16), ("banana", 10), ("seedream", 4))
_RIG_SPECS_NEEDING_NEW_MODELS = frozenset({"unity", "unreal", "vrm"})

# --------------------------------------------------------------------------- field checks


def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _int(low: int | None = None, high: int | None = None) -> Check:
    def check(value: Any) -> bool:
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and (low is None or value >= low)
            and (high is None or value <= high)
        )

    return check


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _positive(value: Any) -> bool:
    return _number(value) and value > 0


def _text(max_len: int, allow_empty: bool = False) -> Check:
    def check(value: Any) -> bool:
        return isinstance(value, str) and (allow_empty or value.strip() != "") and len(value) <= max_len

    return check


def _enum(*allowed: str) -> Check:
    return lambda value: value in allowed


def _str_list(max_items: int | None = None) -> Check:
    def check(value: Any) -> bool:
        return (
            isinstance(value, list)
            and all(isinstance(v, str) for v in value)
            and (max_items is None or len(value) <= max_items)
        )

    return check


_ref = _text(MAX_INPUT)  # an input string (URL / file_token / task id); its meaning is checked later


def _refs(value: Any) -> bool:
    return isinstance(value, list) and len(value) > 0 and all(_ref(v) for v in value)


def _four_views(value: Any) -> bool:
    """4 slots [front, left, back, right], ``null`` for a gap; front and >= 2 views present."""
    if not isinstance(value, list) or len(value) != 4:
        return False
    if not all(v is None or _ref(v) for v in value):
        return False
    return value[0] is not None and sum(1 for v in value if v is not None) >= 2


def _multiview_inputs(value: Any) -> bool:
    """The 4 positional views, or ``[{"task_id": <multiview image task>}]``."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return set(value[0]) == {"task_id"} and _ref(value[0]["task_id"])
    return _four_views(value)


def _texture_prompt(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    checks: dict[str, Check] = {"text": _text(MAX_PROMPT), "image": _ref, "images": _four_views, "style_image": _ref}
    if any(k in value and not check(value[k]) for k, check in checks.items()):
        return False
    return sum(1 for k in ("text", "image", "images") if k in value) <= 1


def _preset(value: Any) -> bool:
    return isinstance(value, str) and PRESET.match(value) is not None


def _presets(value: Any) -> bool:
    return isinstance(value, list) and 0 < len(value) <= MAX_RETARGET_ANIMATIONS and all(_preset(v) for v in value)


def _view_prompts(value: Any) -> bool:
    """1-4 ``{"view", "prompt"}`` entries, each view at most once."""
    if not isinstance(value, list) or not 0 < len(value) <= len(VIEWS):
        return False
    if not all(isinstance(p, dict) and p.get("view") in VIEWS and _text(MAX_PROMPT)(p.get("prompt")) for p in value):
        return False
    return len({p["view"] for p in value}) == len(value)


def _case_insensitive(*allowed: str) -> Check:
    return lambda value: isinstance(value, str) and value.upper() in allowed


# --------------------------------------------------------------------------- rules needing several fields


def _p_series_rule(body: dict[str, Any], p2_refuses: tuple[str, ...]) -> str | None:
    """P1 rejects quad, smart_low_poly, generate_parts and geometry_quality even when false (Tripo's
    docs; JS SDK "P1 returns 400"); P2 takes quad (JS SDK) and rejects ``p2_refuses`` — what it does
    with the other three nobody says (:attr:`.variants.Variants.p2_refuses`)."""
    model = str(body.get("model", ""))
    refused = _P_SERIES_FORBIDDEN if model.startswith("P1-") else p2_refuses if model.startswith("P2-") else ()
    sent = [f for f in refused if f in body]
    return f"P-series model {model} does not accept {', '.join(sent)}" if sent else None


def _generation_rules(body: dict[str, Any]) -> str | None:
    model = str(body.get("model", ""))
    untextured = body.get("texture") is False and body.get("pbr") is False
    if body.get("generate_parts") is True and not (untextured and body.get("quad") is not True):
        return "generate_parts needs texture=false, pbr=false and quad=false"
    if untextured and body.get("texture_quality") == "standard":
        return "texture_quality=standard cannot be combined with texture=false and pbr=false"
    return _face_limit_rule(model, body)


def _face_limit_rule(model: str, body: dict[str, Any]) -> str | None:
    faces = body.get("face_limit")
    if not isinstance(faces, int):
        return None
    high = _FACE_LIMITS.get(model, 500_000)
    if body.get("quad") is True:
        high = min(high, _QUAD_MAX_FACES)
    low = _P_SERIES_MIN_FACES if model.startswith(("P1-", "P2-")) else 1
    if not low <= faces <= high:
        return f"face_limit must be between {low} and {high} for {model}"
    return None


def _banana_only_aspect_ratio(body: dict[str, Any], default_model: str) -> str | None:
    if "aspect_ratio" in body and not str(body.get("model", default_model)).startswith("banana"):
        return "aspect_ratio is only supported by the banana models"
    return None


def _text_to_image_rules(body: dict[str, Any]) -> str | None:
    return _banana_only_aspect_ratio(body, "seedream_v4")


def _image_to_image_rules(body: dict[str, Any]) -> str | None:
    if "input" not in body and "inputs" not in body:
        return "send input and/or inputs"
    if "prompt" not in body and "template" not in body:
        return "prompt is required unless a template is given"
    model = str(body.get("model", "seedream_v5"))
    count = ("input" in body) + len(body.get("inputs") or [])
    cap = next((cap for prefix, cap in _IMAGE_CAPS if model.startswith(prefix)), 4)
    if count > cap:
        return f"{model} takes at most {cap} reference images"
    return _banana_only_aspect_ratio(body, "seedream_v5")


def _texture_rules(body: dict[str, Any]) -> str | None:
    newest = body.get("model") == "v3.5-20260815"
    if body.get("texture_quality") == "fast" and not newest:
        return "texture_quality=fast needs model v3.5-20260815"
    if "delight" in body and not newest:
        return "delight needs model v3.5-20260815"
    return None


def _convert_rules(body: dict[str, Any]) -> str | None:
    if body.get("force_symmetry") is True and body.get("quad") is not True:
        return "force_symmetry needs quad=true"
    return None


def _rig_rules(body: dict[str, Any]) -> str | None:
    model = body.get("model", "v1.0-20240301")
    if body.get("spec") in _RIG_SPECS_NEEDING_NEW_MODELS and model == "v1.0-20240301":
        return f"spec {body['spec']} needs model v2.5-20260210 or v3.0-20260909"
    if model == "v1.0-20240301" and body.get("rig_type", "biped") != "biped":
        return "model v1.0-20240301 rigs bipeds only"
    return None


def _retarget_rules(body: dict[str, Any]) -> str | None:
    if ("animation" in body) == ("animations" in body):
        return "send exactly one of animation / animations"
    return None


def _segment_rules(body: dict[str, Any]) -> str | None:
    if body.get("model", "v1.0-20250506") != "v2.0-20260430":
        sent = [f for f in ("segmentation_granularity", "split_by_connectivity", "ref_image") if f in body]
        if sent:
            return f"{', '.join(sent)} need model v2.0-20260430"
    return None


def _smart_segment_rules(body: dict[str, Any]) -> str | None:
    """A model needs its 4×4 transform, 16 numbers column-major (docs/apiv3.md#post-processes)."""
    transform = body.get("transform")
    if transform is None:
        return "transform is required with seg_type model" if body.get("seg_type") == "model" else None
    if not (
        isinstance(transform, list)
        and len(transform) == 16
        and all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in transform)
    ):
        return "transform must be 16 numbers"
    return None


def _decimate_rules(body: dict[str, Any]) -> str | None:
    if body.get("quad") is True and isinstance(body.get("face_limit"), int) and body["face_limit"] > 10000:
        return "face_limit must be <= 10000 with quad"
    if body.get("smart_uv") is True and body.get("model", "v2.0") != "v3.0":
        return "smart_uv needs model v3.0"
    return None


# --------------------------------------------------------------------------- input strings


@dataclass(frozen=True)
class Accepts:
    """What one input string may reference: uploads of some kinds, URLs, tasks of some types."""

    what: str  # for messages: "an image", "a model"...
    files: frozenset[str] = frozenset()
    urls: bool = True
    tasks: frozenset[str] = frozenset()
    wrong_task: int = 2006  # the code for a task of another type


IMAGE = Accepts("an image", IMAGE_KINDS, tasks=IMAGE_TYPES)
MESH = Accepts("a model", MODEL_KINDS, tasks=MESH_TYPES)
MODEL = Accepts("a model", MODEL_KINDS, tasks=MODEL_TYPES)
MODEL_FILE = Accepts("a model file or URL", MODEL_KINDS)
RIG_CHECK_SOURCE = Accepts("a model", MODEL_KINDS, tasks=MODEL_TYPES, wrong_task=2011)
RIG_TASK = Accepts("a rig task id", urls=False, tasks=frozenset({"animate_rig"}), wrong_task=2012)
SEGMENTATION_TASK = Accepts(
    "a mesh segmentation task id", urls=False, tasks=frozenset({"mesh_segmentation", "smart_segment"})
)
MULTIVIEW_TASK = Accepts("a multiview image task id", urls=False, tasks=MULTIVIEW_TYPES)


@dataclass(frozen=True)
class Ref:
    """One input string of a request, where it was, and what it may be."""

    where: str
    value: str
    accepts: Accepts


def _no_refs(body: dict[str, Any]) -> list[Ref]:
    return []


def _fields(*named: tuple[str, Accepts]) -> Callable[[dict[str, Any]], list[Ref]]:
    """Refs of the given top-level fields, when present, in that order."""

    def refs(body: dict[str, Any]) -> list[Ref]:
        return [Ref(name, body[name], kind) for name, kind in named if name in body]

    return refs


def _input(accepts: Accepts, *extra: tuple[str, Accepts]) -> Callable[[dict[str, Any]], list[Ref]]:
    """Refs of ``input`` (the primary one, listed first) and of optional other fields."""
    return _fields((PRIMARY, accepts), *extra)


def _multiview_refs(body: dict[str, Any]) -> list[Ref]:
    inputs = body["inputs"]
    if isinstance(inputs[0], dict):
        return [Ref(PRIMARY_VIEWS, inputs[0]["task_id"], MULTIVIEW_TASK)]
    return [Ref(f"inputs[{i}] ({VIEWS[i]})", v, IMAGE) for i, v in enumerate(inputs) if v is not None]


def _image_to_image_refs(body: dict[str, Any]) -> list[Ref]:
    found = [Ref(PRIMARY, body["input"], IMAGE)] if "input" in body else []
    return found + [Ref(f"inputs[{i}]", v, IMAGE) for i, v in enumerate(body.get("inputs") or [])]


def _smart_segment_refs(body: dict[str, Any]) -> list[Ref]:
    """``seg_type`` says what ``input`` is: an image (Tripo models it first) or a mesh."""
    return [Ref(PRIMARY, body["input"], IMAGE if body.get("seg_type") == "image" else MESH)]


def _texture_refs(body: dict[str, Any]) -> list[Ref]:
    found = [Ref(PRIMARY, body["input"], MESH)]
    prompt = body.get("texture_prompt") or {}
    for name in ("image", "style_image"):
        if name in prompt:
            found.append(Ref(f"texture_prompt.{name}", prompt[name], IMAGE))
    for i, view in enumerate(prompt.get("images") or []):
        if view is not None:
            found.append(Ref(f"texture_prompt.images[{i}]", view, IMAGE))
    return found


# --------------------------------------------------------------------------- per-route specs


def _texture_source_rule(source: TaskRecord) -> int | None:
    """Texturing needs a v2.x+ mesh; v1.x generations are not supported."""
    return 2006 if str(source.input.get("model", "")).startswith("v1.") else None


def _retarget_source_rule(source: TaskRecord) -> int | None:
    """A v1.0 rig with the mixamo spec cannot be retargeted."""
    if source.input.get("spec") == "mixamo" and source.input.get("model", "v1.0-20240301") == "v1.0-20240301":
        return 2006
    return None


@dataclass(frozen=True)
class Spec:
    """How to validate the body of one creation route."""

    models: frozenset[str] | None = None  # allow-list of ``model``; None: any string
    model_required: bool = False
    required: tuple[str, ...] = ()
    fields: Mapping[str, Check] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    refs: Callable[[dict[str, Any]], list[Ref]] = _no_refs
    input_alias: bool = False  # ``original_model_task_id`` may stand for ``input``
    source_rule: Callable[[TaskRecord], int | None] | None = None  # applied to the primary input's task


_GENERATION_FIELDS: dict[str, Check] = {
    "face_limit": _int(1),
    "texture": _bool,
    "pbr": _bool,
    "model_seed": _int(0),
    "texture_seed": _int(0),
    "image_seed": _int(0),
    "texture_quality": _enum("standard", "detailed", "extreme"),
    "geometry_quality": _enum("standard", "detailed"),
    "auto_size": _bool,
    "quad": _bool,
    "compress": _enum("", "geometry"),
    "smart_low_poly": _bool,
    "generate_parts": _bool,
    "export_uv": _bool,
    "export_orientation": _enum("+x", "-x", "+y", "-y"),
    "return_multiview": _bool,
    "render_video": _bool,
    "render_sequence": _bool,
    "check_printable": _bool,
    "priority": _int(1, 3),
    "parameters": lambda v: isinstance(v, dict),
}
_IMAGE_INPUT_FIELDS: dict[str, Check] = {
    **_GENERATION_FIELDS,
    "texture_alignment": _enum("original_image", "geometry"),
    "orientation": _enum("default", "align_image"),
}
_IMAGE_OPTIONS: dict[str, Check] = {
    "size": _text(32),
    "aspect_ratio": _text(16),
    "output_format": _enum("png", "jpeg"),
    "watermark": _bool,
    "t_pose": _bool,
    "sketch_to_render": _bool,
}
_OUT_FORMAT = _enum("glb", "fbx")
_POST = {"input": _ref}

SPECS: dict[str, Spec] = {
    "text_to_model": Spec(
        models=GENERATION_MODELS,
        model_required=True,
        required=("prompt",),
        fields={
            **_GENERATION_FIELDS,
            "prompt": _text(MAX_PROMPT),
            "negative_prompt": _text(MAX_NEGATIVE_PROMPT, allow_empty=True),
            "style_image": _ref,
        },
        rules=(_generation_rules,),
        refs=_fields(("style_image", IMAGE)),
    ),
    "image_to_model": Spec(
        models=GENERATION_MODELS,
        model_required=True,
        required=("input",),
        fields={**_IMAGE_INPUT_FIELDS, "input": _ref, "enable_image_autofix": _bool, "image_autofix": _bool},
        rules=(_generation_rules,),
        refs=_input(IMAGE),
    ),
    "multiview_to_model": Spec(
        models=MULTIVIEW_MODELS,
        model_required=True,
        required=("inputs",),
        fields={**_IMAGE_INPUT_FIELDS, "inputs": _multiview_inputs, "orthographic_projection": _bool},
        rules=(_generation_rules,),
        refs=_multiview_refs,
    ),
    "text_to_image": Spec(
        models=TEXT_TO_IMAGE_MODELS,
        required=("prompt",),
        fields={
            **_IMAGE_OPTIONS,
            "prompt": _text(MAX_IMAGE_PROMPT),
            "negative_prompt": _text(MAX_IMAGE_PROMPT, allow_empty=True),
            "template": _text(64),
            "style_image": _ref,
        },
        rules=(_text_to_image_rules,),
        refs=_fields(("style_image", IMAGE)),
    ),
    "generate_image": Spec(
        models=IMAGE_TO_IMAGE_MODELS,
        fields={
            **_IMAGE_OPTIONS,
            "input": _ref,
            "inputs": _refs,
            "prompt": _text(MAX_IMAGE_PROMPT),
            "template": _enum(
                "t_pose",
                "character_completion",
                "3d_enhance",
                "variants",
                "figure",
                "asset_extraction",
                "head_extraction",
                "print_clay",
            ),
        },
        rules=(_image_to_image_rules,),
        refs=_image_to_image_refs,
    ),
    "generate_multiview_image": Spec(required=("input",), fields={"input": _ref}, refs=_input(IMAGE)),
    "edit_multiview_image": Spec(
        required=("input", "prompts"), fields={"input": _ref, "prompts": _view_prompts}, refs=_input(MULTIVIEW_TASK)
    ),
    "image_to_splat": Spec(required=("input",), fields={"input": _ref, "model_seed": _int(0)}, refs=_input(IMAGE)),
    "image_to_depth": Spec(
        required=("input",),
        fields={"input": _ref, "kind": _enum("gray", "color"), "process_res": _int(126, 2016)},
        refs=_input(IMAGE),
    ),
    "texture_model": Spec(
        models=TEXTURE_MODELS,
        required=("input",),
        input_alias=True,
        fields={
            **_POST,
            "texture_prompt": _texture_prompt,
            "texture": _bool,
            "pbr": _bool,
            "texture_quality": _enum("standard", "detailed", "extreme", "fast"),
            "texture_alignment": _enum("original_image", "geometry"),
            "texture_seed": _int(0),
            "model_seed": _int(0),
            "part_names": _str_list(),
            "compress": _enum("", "geometry"),
            "bake": _bool,
            "return_multiview": _bool,
            "delight": _bool,
        },
        rules=(_texture_rules,),
        refs=_texture_refs,
        source_rule=_texture_source_rule,
    ),
    "convert_model": Spec(
        required=("input", "format"),
        input_alias=True,
        fields={
            **_POST,
            "format": _case_insensitive("GLTF", "USDZ", "FBX", "OBJ", "STL", "3MF", "GLB"),
            "quad": _bool,
            "force_symmetry": _bool,
            "face_limit": _int(1),
            "flatten_bottom": _bool,
            "flatten_bottom_threshold": _number,
            "texture_size": _int(1, 8192),
            "texture_format": _enum("BMP", "DPX", "HDR", "JPEG", "OPEN_EXR", "PNG", "TARGA", "TIFF", "WEBP"),
            "pivot_to_center_bottom": _bool,
            "scale_factor": _positive,
            "with_animation": _bool,
            "pack_uv": _bool,
            "bake": _bool,
            "part_names": _str_list(),
            "animate_in_place": _bool,
            "assemble_animation": _bool,
            "export_vertex_colors": _bool,
            "export_orientation": _enum("+x", "-x", "+y", "-y"),
            "fbx_preset": _enum("blender", "mixamo", "3dsmax", "bake_scale"),
        },
        rules=(_convert_rules,),
        refs=_input(MODEL),
    ),
    "import_model": Spec(required=("input",), fields={"input": _ref}, refs=_input(MODEL_FILE)),
    "animate_prerigcheck": Spec(required=("input",), input_alias=True, fields=_POST, refs=_input(RIG_CHECK_SOURCE)),
    "animate_rig": Spec(
        models=RIG_MODELS,
        required=("input",),
        input_alias=True,
        fields={
            **_POST,
            "out_format": _OUT_FORMAT,
            "rig_type": _enum("biped", "quadruped", "hexapod", "octopod", "avian", "serpentine", "aquatic", "others"),
            "spec": _enum("tripo", "mixamo", "actorcore", "unity", "unreal", "vrm"),
            "no_weights_list": _str_list(),
        },
        rules=(_rig_rules,),
        refs=_input(MODEL),
    ),
    "animate_retarget": Spec(
        required=("input",),
        input_alias=True,
        fields={
            **_POST,
            "animation": _preset,
            "animations": _presets,
            "out_format": _OUT_FORMAT,
            "export_with_geometry": _bool,
            "animate_in_place": _bool,
            "render_video": _bool,
            "bake_animation": _bool,
        },
        rules=(_retarget_rules,),
        refs=_input(RIG_TASK),
        source_rule=_retarget_source_rule,
    ),
    "mesh_segmentation": Spec(
        models=SEGMENT_MODELS,
        required=("input",),
        input_alias=True,
        fields={
            **_POST,
            "segmentation_granularity": _enum("simple", "balanced", "detailed"),
            "split_by_connectivity": _bool,
            "ref_image": _ref,
        },
        rules=(_segment_rules,),
        refs=_input(MESH, ("ref_image", IMAGE)),
    ),
    "smart_segment": Spec(
        required=("input", "seg_type"),
        fields={
            **_POST,
            "seg_type": _enum("image", "model"),
            "granularity": _enum("coarse", "medium", "fine"),
            "hint": _text(1024),
            "transform": lambda v: isinstance(v, list),
        },
        rules=(_smart_segment_rules,),
        refs=_smart_segment_refs,
    ),
    "mesh_completion": Spec(
        required=("input",),
        input_alias=True,
        fields={
            **_POST,
            "model": _text(64),
            "part_names": _str_list(),
            "completion_mode": _enum("ai_completion", "quick_cap"),
        },
        refs=_input(SEGMENTATION_TASK),
    ),
    "highpoly_to_lowpoly": Spec(
        models=DECIMATE_MODELS,
        required=("input",),
        input_alias=True,
        fields={
            **_POST,
            "face_limit": _int(500, 20000),
            "quad": _bool,
            "bake": _bool,
            "part_names": _str_list(),
            "smart_uv": _bool,
        },
        rules=(_decimate_rules,),
        refs=_input(MESH),
    ),
    "mesh_uv": Spec(
        required=("input",),
        input_alias=True,
        fields={**_POST, "model": _text(64), "bake": _bool, "export_orientation": _enum("+x", "-x", "+y", "-y")},
        refs=_input(MESH),
    ),
}


# --------------------------------------------------------------------------- the validator


@dataclass(frozen=True)
class Validated:
    """A request that passed every step.

    ``body`` is what the client sent (echoed as the task's ``input``); ``effective`` is the same
    with ``original_model_task_id`` read as ``input``. ``source`` is the task the primary input
    refers to; ``sources`` every referenced task; ``files`` every referenced upload.
    """

    body: dict[str, Any]
    effective: dict[str, Any]
    source: TaskRecord | None
    sources: tuple[TaskRecord, ...]
    files: tuple[StoredFile, ...]


def parse_body(raw: bytes) -> dict[str, Any]:
    """Step 1: the body must be a JSON object (1003)."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(1003, str(exc)) from exc
    if not isinstance(body, dict):
        raise ApiError(1003, "the body must be a JSON object")
    return body


def validate(task_type: str, raw: bytes, account: Account, store: Store) -> Validated:
    """All steps, in order; raises :class:`ApiError` with the first failing step's code."""
    body = parse_body(raw)
    spec = SPECS[task_type]
    effective = body
    if spec.input_alias and "input" not in body and "original_model_task_id" in body:
        effective = {**body, "input": body["original_model_task_id"]}
    _check_model(effective, spec)
    _check_fields(effective, spec)
    if spec.models is GENERATION_MODELS or spec.models is MULTIVIEW_MODELS:
        problem = _p_series_rule(effective, store.variants.p2_refuses)
        if problem:
            raise ApiError(1004, problem)
    refs = spec.refs(effective)
    files = _check_files(refs, account, store)
    sources = _check_tasks(refs, spec, account, store)
    primary = sources.get(PRIMARY) or sources.get(PRIMARY_VIEWS)
    return Validated(body, effective, primary, tuple(sources.values()), files)


def _check_model(body: dict[str, Any], spec: Spec) -> None:
    if "model" not in body:
        if spec.model_required:
            raise ApiError(1004, "missing model (a model version is required on this route)")
        return
    model = body["model"]
    if not isinstance(model, str) or (spec.models is not None and model not in spec.models):
        raise ApiError(1004, f"invalid model {model!r}")


def _check_fields(body: dict[str, Any], spec: Spec) -> None:
    for name in spec.required:
        if name not in body or body[name] is None:
            raise ApiError(1004, f"missing {name}")
    for name, check in spec.fields.items():
        if name in body and not check(body[name]):
            raise ApiError(1004, f"invalid {name}")
    for rule in spec.rules:
        problem = rule(body)
        if problem:
            raise ApiError(1004, problem)


def classify(value: str) -> str | None:
    """``"url"``, ``"file"`` (a file_token), ``"task"`` (a task id) or None (refused)."""
    if value.startswith(("http://", "https://")):
        return "url"
    if value.startswith("file_"):
        return "file"
    if TASK_ID.match(value):
        return "task"
    return None


def _check_files(refs: list[Ref], account: Account, store: Store) -> tuple[StoredFile, ...]:
    """Step 4: each input string is a form its field accepts; each file_token is usable (1004)."""
    resolved: list[StoredFile] = []
    for ref in refs:
        form = classify(ref.value)
        if form is None:
            detail = (
                "data: URIs are not accepted, upload the file"
                if ref.value.startswith("data:")
                else "expected a URL, a file_token or a task id"
            )
            raise ApiError(1004, f"{ref.where}: {detail}")
        if (
            (form == "url" and not ref.accepts.urls)
            or (form == "file" and not ref.accepts.files)
            or (form == "task" and not ref.accepts.tasks)
        ):
            raise ApiError(1004, f"{ref.where} must be {ref.accepts.what}")
        if form != "file":
            continue
        stored = store.upload(account.key, ref.value)
        if stored is None:
            raise ApiError(1004, f"{ref.where}: invalid or expired file_token")
        if not stored.data:
            raise ApiError(1004, f"{ref.where}: the uploaded file is empty")
        if stored.kind not in ref.accepts.files:
            raise ApiError(1004, f"{ref.where} must be {ref.accepts.what}, the file is {stored.kind or 'unrecognised'}")
        resolved.append(stored)
    return tuple(resolved)


def _check_tasks(refs: list[Ref], spec: Spec, account: Account, store: Store) -> dict[str, TaskRecord]:
    """Step 5: referenced tasks exist (2001), are of a usable type (2006/2011/2012) and succeeded (2007)."""
    found: dict[str, TaskRecord] = {}
    for ref in refs:
        if classify(ref.value) != "task":
            continue
        source = store.known_task(account.key, ref.value)
        if source.type not in ref.accepts.tasks:
            raise ApiError(ref.accepts.wrong_task, f"{ref.where}: a {source.type} task")
        if ref.where == PRIMARY and spec.source_rule is not None:
            code = spec.source_rule(source)
            if code is not None:
                raise ApiError(code, f"{ref.where}: task {source.task_id} cannot be used here")
        status = store.phase(source).status
        if status != "success":
            raise ApiError(2007, f"{ref.where}: the task is {status}")
        found[ref.where] = source
    return found
