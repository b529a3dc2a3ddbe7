"""Pure builders of apiv3 requests — one per client method, no I/O, testable byte for byte.

Each builder validates its arguments (raising ``ValueError`` with a message that names the
parameter) and returns a :class:`Request`: the apiv3 route and the JSON body the *server*
expects. Inputs arrive already resolved to wire strings (URL, ``file_…`` token or task id; see
:mod:`.inputs`), so a builder can also run with placeholders to validate a request before any
upload. :func:`encode_body` turns a body into the bytes on the wire.

Which fields are sent — the rule (the official SDK 1.0.0's, so our bodies equal its bodies)
==========================================================================================

1. **Required fields are always sent**: the prompt or ``input``/``inputs``, ``format``, the
   animation, and ``model`` on the routes where apiv3 requires it or the seed method has a
   default version (generation, texture, rig, segmentation, completion).
2. **Everything else is sent only when it differs from the documented default** (the default in
   the method's signature, which is the server's). ``None`` is never sent; no JSON ``null``
   ever goes out except for an empty multiview slot. Leaving a field out lets the server apply
   its default, and on ``convert`` any non-default option moves the task into the "complex
   convert" price tier, so an unchanged option must not look like a choice.
3. ``compress=True`` becomes ``"compress": "geometry"`` (the wire type is a string).
4. P-series versions (``P1-…``, ``P2-…``) reject ``quad``, ``smart_low_poly``, ``generate_parts``
   and ``geometry_quality`` even when false: asking for one with them is a ``ValueError``.
5. Options apiv3 no longer has are refused, never silently dropped: a generation ``style``.
   Options Tripo's own sources disagree on (:data:`DISPUTED`) are sent when asked for and left
   to the service: a refusal is free (400/1004) and its message says which source said what
   (:func:`disputed_refusal`). Retarget's ``bake_animation`` is one: sent when set.
6. Retired model versions are rewritten (:mod:`.versions`), with a log line.

Shape rules: ``texture_model`` prompts go inside ``texture_prompt`` as ``{"text" | "image",
"style_image"}``; ``retarget_animation`` sends ``animation`` for one (enum or plain string) and
``animations`` for a list (1–5, no duplicates: each one is billed); multiview ``inputs`` are
exactly four slots [front, left, back, right] with ``null`` for an empty one, or
``[{"task_id": …}]`` to reuse the views of an image-to-multiview task.
"""

from __future__ import annotations

import enum
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, Union

from . import versions
from .config import get_logger
from .enums import Animation, ModelStyle, RigSpec, RigType
from .errors import TripoValidationError

__all__ = [
    "Body",
    "Request",
    "ROUTES",
    "RETIRED_TYPES",
    "PROMPT_MAX_CHARS",
    "NEGATIVE_PROMPT_MAX_CHARS",
    "IMAGE_PROMPT_MAX_CHARS",
    "MAX_ANIMATIONS",
    "MAX_TASK_IDS",
    "SEED_MAX",
    "CONVERT_FORMATS",
    "DISPUTED",
    "disputed_refusal",
    "TEXTURE_FORMATS",
    "TEXTURE_QUALITIES",
    "GEOMETRY_QUALITIES",
    "ORIENTATIONS",
    "FBX_PRESETS",
    "SEGMENTATION_GRANULARITIES",
    "COMPLETION_MODES",
    "encode_body",
    "retired",
    "validate_task_id",
    "is_task_id",
    "shown_task_id",
    "multiview_slots",
    "GenerationOptions",
    "create_task_request",
    "text_to_model_request",
    "image_to_model_request",
    "multiview_to_model_request",
    "texture_model_request",
    "convert_model_request",
    "import_model_request",
    "check_riggable_request",
    "rig_model_request",
    "retarget_animation_request",
    "mesh_segmentation_request",
    "mesh_completion_request",
    "smart_lowpoly_request",
    "mesh_uv_request",
    "text_to_image_request",
    "image_to_multiview_request",
    "list_tasks_body",
    "AnimationArg",
]

log = get_logger()

Body = dict[str, Any]
T = TypeVar("T")

#: apiv3 route of each task type (v2's ``type`` names, which apiv3 still reports on tasks). The
#: request builders below use the constants, so a task type's name is written once here.
TEXT_TO_MODEL_ROUTE = "/v3/generation/text-to-model"
IMAGE_TO_MODEL_ROUTE = "/v3/generation/image-to-model"
MULTIVIEW_TO_MODEL_ROUTE = "/v3/generation/multiview-to-model"
TEXT_TO_IMAGE_ROUTE = "/v3/generation/text-to-image"
GENERATE_IMAGE_ROUTE = "/v3/generation/image-to-image"
GENERATE_MULTIVIEW_IMAGE_ROUTE = "/v3/generation/image-to-multiview"
EDIT_MULTIVIEW_IMAGE_ROUTE = "/v3/generation/edit-multiview"
IMAGE_TO_SPLAT_ROUTE = "/v3/generation/image-to-splat"
IMAGE_TO_DEPTH_ROUTE = "/v3/generation/image-to-depth"
TEXTURE_MODEL_ROUTE = "/v3/models/texture"
CONVERT_MODEL_ROUTE = "/v3/models/convert"
IMPORT_MODEL_ROUTE = "/v3/models/import"
ANIMATE_PRERIGCHECK_ROUTE = "/v3/animations/rig-check"
ANIMATE_RIG_ROUTE = "/v3/animations/rig"
ANIMATE_RETARGET_ROUTE = "/v3/animations/retarget"
MESH_SEGMENTATION_ROUTE = "/v3/mesh/segment"
MESH_COMPLETION_ROUTE = "/v3/mesh/complete"
HIGHPOLY_TO_LOWPOLY_ROUTE = "/v3/mesh/decimate"
MESH_UV_ROUTE = "/v3/mesh/uv"
#: ``create_task`` routes a hand-written body by its ``type`` through this table.
ROUTES: Mapping[str, str] = {
    "text_to_model": TEXT_TO_MODEL_ROUTE,
    "image_to_model": IMAGE_TO_MODEL_ROUTE,
    "multiview_to_model": MULTIVIEW_TO_MODEL_ROUTE,
    "text_to_image": TEXT_TO_IMAGE_ROUTE,
    "generate_image": GENERATE_IMAGE_ROUTE,
    "generate_multiview_image": GENERATE_MULTIVIEW_IMAGE_ROUTE,
    "edit_multiview_image": EDIT_MULTIVIEW_IMAGE_ROUTE,
    "image_to_splat": IMAGE_TO_SPLAT_ROUTE,
    "image_to_depth": IMAGE_TO_DEPTH_ROUTE,
    "texture_model": TEXTURE_MODEL_ROUTE,
    "convert_model": CONVERT_MODEL_ROUTE,
    "import_model": IMPORT_MODEL_ROUTE,
    "animate_prerigcheck": ANIMATE_PRERIGCHECK_ROUTE,
    "animate_rig": ANIMATE_RIG_ROUTE,
    "animate_retarget": ANIMATE_RETARGET_ROUTE,
    "mesh_segmentation": MESH_SEGMENTATION_ROUTE,
    "mesh_completion": MESH_COMPLETION_ROUTE,
    "highpoly_to_lowpoly": HIGHPOLY_TO_LOWPOLY_ROUTE,
    "mesh_uv": MESH_UV_ROUTE,
}

PROMPT_MAX_CHARS = 1024
# The docs page says 255, the schemas 1024; only what every source agrees is too long is refused.
NEGATIVE_PROMPT_MAX_CHARS = 1024
#: Text-to-image prompts may be longer (wire reference §3.3).
IMAGE_PROMPT_MAX_CHARS = 1800
MAX_ANIMATIONS = 5
MAX_TASK_IDS = 100
SEED_MAX = 2**31 - 1

TEXTURE_QUALITIES = ("standard", "detailed", "extreme")
#: ``fast`` exists only for texture v3.5.
TEXTURE_MODEL_QUALITIES = (*TEXTURE_QUALITIES, "fast")
GEOMETRY_QUALITIES = ("standard", "detailed")
TEXTURE_ALIGNMENTS = ("original_image", "geometry")
ORIENTATIONS = ("default", "align_image")
EXPORT_ORIENTATIONS = ("+x", "-x", "+y", "-y")
OUT_FORMATS = ("glb", "fbx")
CONVERT_FORMATS = ("GLTF", "USDZ", "FBX", "OBJ", "STL", "3MF")
TEXTURE_FORMATS = ("BMP", "DPX", "HDR", "JPEG", "OPEN_EXR", "PNG", "TARGA", "TIFF", "WEBP")
FBX_PRESETS = ("blender", "3dsmax", "mixamo")
SEGMENTATION_GRANULARITIES = ("simple", "balanced", "detailed")
COMPLETION_MODES = ("ai_completion", "quick_cap")

_TASK_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_RETIRED_TEXT = ("{name} is no longer supported: Tripo retired this capability with its v2 API "
                 "(shut down on 2026-10-31). No request was sent.{hint}")
_RETIRED_HINTS = {
    "refine_model": " Generate with a newer model version (v3.0 or v3.1) instead of refining a draft.",
    "stylize_model": "",
}
#: Capabilities Tripo retired with v2 (refine: generate with a v3.x model instead).
RETIRED_TYPES = frozenset(_RETIRED_HINTS)


@dataclass(frozen=True)
class Request:
    """One apiv3 call: ``POST <route>`` with ``body``; ``disputed`` names the fields of the body
    that Tripo's own sources disagree on (:data:`DISPUTED`)."""

    route: str
    body: Body
    disputed: tuple[str, ...] = ()


#: Request fields Tripo's official sources disagree on (wire reference §11), with what each says.
#: Where they disagree the add-on sends what was asked for and lets the service answer: a
#: refusal costs nothing (400/1004, no task), and guessing would refuse what may work.
DISPUTED: Mapping[str, str] = {
    "bake_animation": "Tripo's JavaScript, Go and Rust SDKs type and send retarget's bake_animation; its Python "
                      "SDK 1.0.0 says apiv3 no longer has it and leaves it out",
}


def disputed_refusal(fields: Sequence[str]) -> tuple[str, str]:
    """What to add to a 1004 refusal of a request that sent ``fields`` (of :data:`DISPUTED`): the
    sentence saying which source said what, and the suggestion."""
    said = "; ".join(DISPUTED[name] for name in fields)
    names = ", ".join(fields)
    return (f"The request set {names}, which Tripo's sources disagree on: {said}.",
            f"Send it again without {names} (nothing was charged for the refused request).")


# --------------------------------------------------------------------------- encoding


def encode_body(body: Mapping[str, Any]) -> bytes:
    """The exact request bytes: compact UTF-8 JSON. NaN/Infinity are rejected (not valid JSON)."""
    try:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The request cannot be sent as JSON: {exc}") from None
    return text.encode("utf-8")


def retired(name: str) -> TripoValidationError:
    """The error for a capability Tripo retired (``refine_model``, ``stylize_model``)."""
    return TripoValidationError(_RETIRED_TEXT.format(name=name, hint=_RETIRED_HINTS.get(name, "")))


# --------------------------------------------------------------------------- validators


def is_task_id(value: Any) -> bool:
    """Whether ``value`` is a plain task id token (what :func:`validate_task_id` accepts)."""
    return isinstance(value, str) and _TASK_ID_RE.fullmatch(value) is not None


#: How much of a refused task id a message shows (a server may send anything, of any length).
_SHOWN_ID_CHARS = 64


def shown_task_id(value: Any) -> str:
    """A refused task id as a message may show it: quoted with every control character escaped
    (``' abc'``, ``'../../x'``, ``'a\\nb'``), cut to :data:`_SHOWN_ID_CHARS` characters."""
    if not isinstance(value, str):
        return f"a {type(value).__name__}"
    cut = value[:_SHOWN_ID_CHARS]
    return repr(cut) + ("…" if len(value) > len(cut) else "")


def validate_task_id(value: Any, name: str = "task_id") -> str:
    """A task id must be a plain token (UUIDs in practice): it also goes into URL paths."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty task id string.")
    if not is_task_id(value):
        raise ValueError(f"{name} does not look like a Tripo task id: {shown_task_id(value)}")
    return value


def _input(value: Any, name: str) -> str:
    """A resolved input string (URL, file token or task id); see :mod:`.inputs`."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a task id, file token or URL.")
    return value


def _text(value: Any, name: str, max_chars: int) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}.")
    if not value.strip():
        raise ValueError(f"{name} is empty: describe what to generate.")
    if len(value) > max_chars:
        raise ValueError(f"{name} is {len(value)} characters long; Tripo accepts at most {max_chars}.")
    return value


def _int(value: Any, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, not {type(value).__name__}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return value


def _number(value: Any, name: str, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return value


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, not {value!r}.")
    return value


def _choice(value: Any, name: str, choices: Sequence[str], *, upper: bool = False) -> str:
    raw = value.value if isinstance(value, enum.Enum) else value
    if not isinstance(raw, str):
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    norm = raw.upper() if upper else raw
    if norm not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {raw!r}.")
    return norm


def _enum(value: Any, name: str, enum_cls: type[enum.Enum]) -> str:
    """Accept a member of ``enum_cls`` or its string value; return the plain string."""
    return _choice(value, name, [str(m.value) for m in enum_cls])


def _version(value: Any, name: str = "model_version") -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string such as {versions.GENERATION_DEFAULT!r}.")
    return value


def _rewritten(rewrites: Mapping[str, str], version: str) -> str:
    sent = versions.rewrite(rewrites, version)
    if sent != version:
        log.warning("Model version %s is retired on apiv3; sending %s instead (as v2 did)", version, sent)
    return sent


def _part_names(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError("part_names must be a list of part name strings.")
    names = list(value)
    for n in names:
        if not isinstance(n, str) or not n:
            raise ValueError("part_names must contain non-empty strings only.")
    return names


def _seed(body: Body, name: str, value: Any) -> None:
    if value is not None:
        body[name] = _int(value, name, minimum=0, maximum=SEED_MAX)


def _flag(body: Body, name: str, value: Any, default: bool) -> None:
    """Send a boolean only when it differs from its default (``None`` = not set)."""
    if value is not None and _bool(value, name) != default:
        body[name] = value


def _option(body: Body, name: str, value: Any, default: str | None, choices: Sequence[str], *,
            upper: bool = False) -> None:
    """Send a choice only when it differs from its default (``None`` = not set)."""
    if value is not None:
        chosen = _choice(value, name, choices, upper=upper)
        if chosen != default:
            body[name] = chosen


def _compress(body: Body, value: Any) -> None:
    if value is not None and _bool(value, "compress"):
        body["compress"] = "geometry"


def multiview_slots(images: Sequence[T]) -> list[T | None]:
    """Normalise multiview input to exactly four slots [front, left, back, right].

    A shorter list is padded with empty slots at the end. Front is mandatory and the docs ask for
    at least two real views.
    """
    if isinstance(images, (str, bytes)) or not isinstance(images, Sequence):
        raise ValueError("images must be a list of up to 4 images in the order [front, left, back, right].")
    slots: list[T | None] = list(images)
    if len(slots) > 4:
        raise ValueError(f"images has {len(slots)} entries; multiview takes at most 4: [front, left, back, right].")
    slots += [None] * (4 - len(slots))
    if slots[0] is None:
        raise ValueError("The front view (images[0]) is required for multiview_to_model.")
    if sum(s is not None for s in slots) < 2:
        raise ValueError("multiview_to_model needs at least 2 views (front plus left, back or right); "
                         "use image_to_model for one image.")
    return slots


# --------------------------------------------------------------------------- generation


@dataclass(frozen=True)
class GenerationOptions:
    """The options every generation method (text/image/multiview) shares, with the seed's defaults.

    One value instead of one parameter each, so the three builders list only what is specific to
    their route and the public :class:`TripoClient` signatures stay the one place where the
    parameters are spelled out. Values are checked when the body is built (``ValueError`` naming
    the field). ``geometry_quality``, ``export_uv`` and ``export_orientation`` are apiv3's
    additions (the official SDK 1.0.0 has the first two as parameters, the last as an extra).
    """

    model_version: str | None = versions.GENERATION_DEFAULT
    face_limit: int | None = None
    texture: bool | None = True
    pbr: bool | None = True
    model_seed: int | None = None
    texture_seed: int | None = None
    texture_quality: str | None = "standard"
    auto_size: bool | None = False
    quad: bool | None = False
    compress: bool | None = False
    generate_parts: bool | None = False
    smart_low_poly: bool | None = False
    geometry_quality: str | None = "standard"
    export_uv: bool | None = True
    export_orientation: str | None = None

    @property
    def version(self) -> str:
        """The version sent: apiv3 requires one, so ``None`` means the client's default."""
        return versions.GENERATION_DEFAULT if self.model_version is None else _version(self.model_version)


def _generation_body(head: Body, options: GenerationOptions, *, negative_prompt: str | None = None,
                     image_seed: int | None = None, texture_alignment: str | None = None,
                     orientation: str | None = None, enable_image_autofix: bool | None = None) -> Body:
    """``head`` (the route's input) + ``model`` + the options that differ from their defaults,
    in the official SDK's order (so our bodies read like its bodies)."""
    o = options
    version = o.version
    body: Body = {**head, "model": version}
    if negative_prompt:
        body["negative_prompt"] = _text(negative_prompt, "negative_prompt", NEGATIVE_PROMPT_MAX_CHARS)
    if o.face_limit is not None:
        body["face_limit"] = _int(o.face_limit, "face_limit", minimum=1)
    _flag(body, "texture", o.texture, True)
    _flag(body, "pbr", o.pbr, True)
    _seed(body, "image_seed", image_seed)
    _seed(body, "model_seed", o.model_seed)
    _seed(body, "texture_seed", o.texture_seed)
    _option(body, "texture_quality", o.texture_quality, "standard", TEXTURE_QUALITIES)
    p_series = versions.is_p_series(version)
    if o.geometry_quality is not None and _choice(o.geometry_quality, "geometry_quality", GEOMETRY_QUALITIES) != "standard":
        if p_series:
            raise ValueError(f"geometry_quality is not supported by the P-series model version {version!r}.")
        body["geometry_quality"] = o.geometry_quality
    _option(body, "texture_alignment", texture_alignment, "original_image", TEXTURE_ALIGNMENTS)
    _flag(body, "auto_size", o.auto_size, False)
    _option(body, "orientation", orientation, "default", ORIENTATIONS)
    for flag_name, flag in (("quad", o.quad), ("generate_parts", o.generate_parts),
                            ("smart_low_poly", o.smart_low_poly)):
        if flag is not None and _bool(flag, flag_name) and p_series:
            raise ValueError(f"{flag_name}=True is not supported by the P-series model version {version!r}.")
        _flag(body, flag_name, flag, False)
    _flag(body, "enable_image_autofix", enable_image_autofix, False)
    _flag(body, "export_uv", o.export_uv, True)
    _compress(body, o.compress)
    _option(body, "export_orientation", o.export_orientation, None, EXPORT_ORIENTATIONS)
    return body


def _no_style(style: ModelStyle | str | None) -> None:
    if style is not None:
        raise ValueError("style is not available on Tripo's apiv3 (generation styles were retired with v2); "
                         "describe the style in the prompt instead. Nothing was sent.")


def text_to_model_request(
    prompt: str,
    negative_prompt: str | None = None,
    image_seed: int | None = None,
    style: ModelStyle | str | None = None,
    options: GenerationOptions = GenerationOptions(),
) -> Request:
    _no_style(style)
    body = _generation_body({"prompt": _text(prompt, "prompt", PROMPT_MAX_CHARS)}, options,
                            negative_prompt=negative_prompt, image_seed=image_seed)
    return Request(TEXT_TO_MODEL_ROUTE, body)


def image_to_model_request(
    image: str,
    texture_alignment: str | None = "original_image",
    style: ModelStyle | str | None = None,
    orientation: str | None = "default",
    options: GenerationOptions = GenerationOptions(),
    enable_image_autofix: bool | None = False,
) -> Request:
    """``image`` is a resolved input string (URL, file token, or an image task's id)."""
    _no_style(style)
    body = _generation_body({"input": _input(image, "image")}, options, texture_alignment=texture_alignment,
                            orientation=orientation, enable_image_autofix=enable_image_autofix)
    return Request(IMAGE_TO_MODEL_ROUTE, body)


def multiview_to_model_request(
    images: Sequence[str | None] | str,
    texture_alignment: str | None = "original_image",
    orientation: str | None = "default",
    options: GenerationOptions = GenerationOptions(),
) -> Request:
    """``images``: resolved input strings (or None) in [front, left, back, right] order, or the id
    of an image-to-multiview task whose four views are reused."""
    inputs: list[Any]
    if isinstance(images, str):
        inputs = [{"task_id": validate_task_id(images, "images")}]
    else:
        inputs = [_input(v, "image") if v is not None else None for v in multiview_slots(images)]
    body = _generation_body({"inputs": inputs}, options, texture_alignment=texture_alignment, orientation=orientation)
    return Request(MULTIVIEW_TO_MODEL_ROUTE, body)


def text_to_image_request(prompt: str, negative_prompt: str | None = None, *, model: str | None = None,
                          size: str | None = None, aspect_ratio: str | None = None,
                          output_format: str | None = None) -> Request:
    """A concept image from text. ``model`` is an image model (``seedream_v4``, the server's
    default, ``banana``, ``chat_image_1``…), never a 3D version."""
    body: Body = {"prompt": _text(prompt, "prompt", IMAGE_PROMPT_MAX_CHARS)}
    if negative_prompt:
        body["negative_prompt"] = _text(negative_prompt, "negative_prompt", NEGATIVE_PROMPT_MAX_CHARS)
    for name, value in (("model", model), ("size", size), ("aspect_ratio", aspect_ratio)):
        if value is not None:
            body[name] = _version(value, name)
    _option(body, "output_format", output_format, None, ("png", "jpeg"))
    return Request(TEXT_TO_IMAGE_ROUTE, body)


def image_to_multiview_request(image: str) -> Request:
    """Front, left, back and right views of one image (an input string)."""
    return Request(GENERATE_MULTIVIEW_IMAGE_ROUTE, {"input": _input(image, "image")})


# --------------------------------------------------------------------------- post-processing


def texture_model_request(
    source: str,
    texture: bool | None = True,
    pbr: bool | None = True,
    model_seed: int | None = None,
    texture_seed: int | None = None,
    texture_quality: str | None = "standard",
    texture_alignment: str | None = "original_image",
    part_names: Sequence[str] | None = None,
    compress: bool | None = False,
    bake: bool | None = True,
    text_prompt: str | None = None,
    image_prompt: str | None = None,
    style_image: str | None = None,
    model_version: str | None = versions.TEXTURE_DEFAULT,
    *,
    delight: bool | None = None,
) -> Request:
    """``image_prompt``/``style_image`` are resolved input strings; prompts go in ``texture_prompt``."""
    if text_prompt and image_prompt is not None:
        raise ValueError("Pass either text_prompt or image_prompt to texture_model, not both.")
    body: Body = {"input": _input(source, "original_model_task_id")}
    version = None if model_version is None else _version(model_version)
    if version is not None:
        body["model"] = version
    v35 = version == versions.TEXTURE_V35
    _flag(body, "texture", texture, True)
    _flag(body, "pbr", pbr, True)
    _seed(body, "model_seed", model_seed)
    _seed(body, "texture_seed", texture_seed)
    if texture_quality == "fast" and not v35:
        raise ValueError(f"texture_quality='fast' needs model_version={versions.TEXTURE_V35!r}.")
    _option(body, "texture_quality", texture_quality, "standard", TEXTURE_MODEL_QUALITIES)
    _option(body, "texture_alignment", texture_alignment, "original_image", TEXTURE_ALIGNMENTS)
    if part_names:
        body["part_names"] = _part_names(part_names)
    _flag(body, "bake", bake, True)
    _compress(body, compress)
    prompt: Body = {}
    if text_prompt:
        prompt["text"] = _text(text_prompt, "text_prompt", PROMPT_MAX_CHARS)
    if image_prompt is not None:
        prompt["image"] = _input(image_prompt, "image_prompt")
    if style_image is not None:
        prompt["style_image"] = _input(style_image, "style_image")
    if prompt:
        body["texture_prompt"] = prompt
    if delight is not None and _bool(delight, "delight"):
        if not v35:
            raise ValueError(f"delight needs model_version={versions.TEXTURE_V35!r}.")
        body["delight"] = True
    return Request(TEXTURE_MODEL_ROUTE, body)


def convert_model_request(
    source: str,
    format: str,
    quad: bool | None = False,
    force_symmetry: bool | None = False,
    face_limit: int | None = None,
    flatten_bottom: bool | None = False,
    flatten_bottom_threshold: float | None = 0.01,
    texture_size: int | None = 4096,
    texture_format: str | None = "JPEG",
    pivot_to_center_bottom: bool | None = False,
    with_animation: bool | None = True,
    pack_uv: bool | None = False,
    bake: bool | None = True,
    part_names: Sequence[str] | None = None,
    *,
    scale_factor: float | None = 1.0,
    export_vertex_colors: bool | None = False,
    fbx_preset: str | None = "blender",
    export_orientation: str | None = "+x",
    animate_in_place: bool | None = False,
) -> Request:
    """Only options that differ from Tripo's defaults are sent (any of them makes the task a
    "complex convert", which costs more); ``face_limit <= 0`` means "keep" and is not sent."""
    body: Body = {"input": _input(source, "original_model_task_id"),
                  "format": _choice(format, "format", CONVERT_FORMATS, upper=True)}
    _flag(body, "quad", quad, False)
    _flag(body, "force_symmetry", force_symmetry, False)
    if face_limit is not None and _int(face_limit, "face_limit") > 0:
        body["face_limit"] = face_limit
    _flag(body, "flatten_bottom", flatten_bottom, False)
    if flatten_bottom_threshold is not None and _number(flatten_bottom_threshold, "flatten_bottom_threshold", 0) != 0.01:
        body["flatten_bottom_threshold"] = flatten_bottom_threshold
    if texture_size is not None and _int(texture_size, "texture_size", minimum=1) != 4096:
        body["texture_size"] = texture_size
    _option(body, "texture_format", texture_format, "JPEG", TEXTURE_FORMATS, upper=True)
    if scale_factor is not None and _number(scale_factor, "scale_factor") != 1.0:
        if scale_factor <= 0:
            raise ValueError(f"scale_factor must be positive, got {scale_factor}.")
        body["scale_factor"] = scale_factor
    _flag(body, "pivot_to_center_bottom", pivot_to_center_bottom, False)
    _flag(body, "with_animation", with_animation, True)
    _flag(body, "pack_uv", pack_uv, False)
    _flag(body, "bake", bake, True)
    if part_names:
        body["part_names"] = _part_names(part_names)
    _flag(body, "export_vertex_colors", export_vertex_colors, False)
    _option(body, "fbx_preset", fbx_preset, "blender", FBX_PRESETS)
    _option(body, "export_orientation", export_orientation, "+x", EXPORT_ORIENTATIONS)
    _flag(body, "animate_in_place", animate_in_place, False)
    return Request(CONVERT_MODEL_ROUTE, body)


def import_model_request(file: str) -> Request:
    """Turn an uploaded model (file token) or a model URL into a task other routes accept."""
    return Request(IMPORT_MODEL_ROUTE, {"input": _input(file, "file")})


def check_riggable_request(source: str) -> Request:
    return Request(ANIMATE_PRERIGCHECK_ROUTE, {"input": _input(source, "original_model_task_id")})


def rig_model_request(
    source: str,
    out_format: str | None = "glb",
    rig_type: RigType | str | None = None,
    spec: RigSpec | str | None = None,
    model_version: str | None = versions.RIG_DEFAULT,
) -> Request:
    """``model`` is always sent (the SDK's default v1.0 when None); rig type, spec and format only
    when they differ from the server's biped / tripo / glb. v1.0 rigs bipeds with the Tripo,
    Mixamo or ActorCore skeleton only: other types and specs need v2.5 or v3.0."""
    version = _rewritten(versions.RIG_REWRITES, _version(model_version or versions.RIG_DEFAULT))
    body: Body = {"input": _input(source, "original_model_task_id"), "model": version}
    _option(body, "out_format", out_format, "glb", OUT_FORMATS)
    _option(body, "rig_type", rig_type, RigType.BIPED.value, [t.value for t in RigType])
    _option(body, "spec", spec, RigSpec.TRIPO.value, [s.value for s in RigSpec])
    if version == versions.RIG_DEFAULT:
        needs = [f"rig_type={body['rig_type']!r}"] if "rig_type" in body else []
        if body.get("spec") in (RigSpec.UNITY.value, RigSpec.UNREAL.value, RigSpec.VRM.value):
            needs.append(f"spec={body['spec']!r}")
        if needs:
            raise ValueError(f"Rig model {version} rigs bipeds only; {' and '.join(needs)} needs "
                             f"model_version={versions.RIG_V25!r} or {versions.RIG_V30!r}.")
    return Request(ANIMATE_RIG_ROUTE, body)


def _animation_name(value: Any) -> str:
    raw = value.value if isinstance(value, Animation) else value
    if not isinstance(raw, str) or not raw.startswith("preset:") or any(ch.isspace() for ch in raw):
        raise ValueError(f"Each animation must be an Animation or a preset name like 'preset:walk', got {value!r}.")
    return raw


def retarget_animation_request(
    source: str,
    animation: Animation | str | Sequence[Animation | str],
    out_format: str | None = "glb",
    bake_animation: bool | None = None,
    export_with_geometry: bool | None = False,
    *,
    animate_in_place: bool | None = False,
) -> Request:
    """One animation goes as ``animation``, a list (1–5, each billed) as ``animations``.
    ``bake_animation`` is sent when set (True or False) and is :data:`DISPUTED`; None leaves it out."""
    body: Body = {"input": _input(source, "original_model_task_id")}
    if isinstance(animation, (Animation, str)):
        body["animation"] = _animation_name(animation)
    elif isinstance(animation, Sequence):
        names = [_animation_name(a) for a in animation]
        if not names:
            raise ValueError("animation is an empty list; pass at least one animation.")
        if len(names) > MAX_ANIMATIONS:
            raise ValueError(f"{len(names)} animations requested; Tripo retargets at most {MAX_ANIMATIONS} per task.")
        if len(set(names)) != len(names):
            raise ValueError("The animation list contains duplicates (each one is billed); remove them.")
        body["animations"] = names
    else:
        raise ValueError("animation must be an Animation, a preset name, or a list of them.")
    _option(body, "out_format", out_format, "glb", OUT_FORMATS)
    if bake_animation is not None:
        body["bake_animation"] = _bool(bake_animation, "bake_animation")
    _flag(body, "export_with_geometry", export_with_geometry, False)
    _flag(body, "animate_in_place", animate_in_place, False)
    return Request(ANIMATE_RETARGET_ROUTE, body, tuple(name for name in DISPUTED if name in body))


def mesh_segmentation_request(
    source: str,
    model_version: str | None = versions.SEGMENTATION_DEFAULT,
    segmentation_granularity: str | None = None,
    ref_image: str | None = None,
    split_by_connectivity: bool | None = None,
) -> Request:
    """The granularity, reference image and connectivity options exist for v2.0 only."""
    body: Body = {"input": _input(source, "original_model_task_id")}
    if model_version is not None:
        body["model"] = _version(model_version)
    v2_options = [n for n, v in (("segmentation_granularity", segmentation_granularity), ("ref_image", ref_image),
                                 ("split_by_connectivity", split_by_connectivity)) if v is not None]
    if v2_options and body.get("model") != versions.SEGMENTATION_V2:
        raise ValueError(f"{', '.join(v2_options)} need model_version={versions.SEGMENTATION_V2!r}.")
    if segmentation_granularity:
        body["segmentation_granularity"] = _choice(segmentation_granularity, "segmentation_granularity",
                                                   SEGMENTATION_GRANULARITIES)
    if ref_image is not None:
        body["ref_image"] = _input(ref_image, "ref_image")
    if split_by_connectivity is not None:
        body["split_by_connectivity"] = _bool(split_by_connectivity, "split_by_connectivity")
    return Request(MESH_SEGMENTATION_ROUTE, body)


def mesh_completion_request(
    source: str,
    model_version: str | None = versions.COMPLETION_DEFAULT,
    part_names: Sequence[str] | None = None,
    completion_mode: str | None = None,
) -> Request:
    """Complete the parts of a segmentation task (all parts when ``part_names`` is empty)."""
    body: Body = {"input": _input(source, "original_model_task_id")}
    if model_version is not None:
        body["model"] = _version(model_version)
    if part_names:
        body["part_names"] = _part_names(part_names)
    if completion_mode is not None:
        body["completion_mode"] = _choice(completion_mode, "completion_mode", COMPLETION_MODES)
    return Request(MESH_COMPLETION_ROUTE, body)


def smart_lowpoly_request(
    source: str,
    model_version: str | None = None,
    quad: bool | None = False,
    part_names: Sequence[str] | None = None,
    face_limit: int | None = None,
    bake: bool | None = True,
    smart_uv: bool | None = None,
) -> Request:
    """``/v3/mesh/decimate``; no version = the server's v2.0; ``smart_uv`` needs v3.0."""
    body: Body = {"input": _input(source, "original_model_task_id")}
    if model_version is not None:
        body["model"] = _rewritten(versions.DECIMATE_REWRITES, _version(model_version))
    if face_limit is not None:
        body["face_limit"] = _int(face_limit, "face_limit", minimum=1)
    _flag(body, "quad", quad, False)
    _flag(body, "bake", bake, True)
    if part_names:
        body["part_names"] = _part_names(part_names)
    if smart_uv is not None:
        if _bool(smart_uv, "smart_uv") and body.get("model") != versions.DECIMATE_SMART_UV:
            raise ValueError(f"smart_uv needs model_version={versions.DECIMATE_SMART_UV!r}.")
        body["smart_uv"] = smart_uv
    return Request(HIGHPOLY_TO_LOWPOLY_ROUTE, body)


def mesh_uv_request(source: str, model_version: str | None = None, *, export_orientation: str | None = None) -> Request:
    """Smart UV unwrap (the mesh should have at most 80,000 triangles: decimate first)."""
    body: Body = {"input": _input(source, "original_model_task_id")}
    if model_version is not None:
        body["model"] = _version(model_version)
    _option(body, "export_orientation", export_orientation, None, EXPORT_ORIENTATIONS)
    return Request(MESH_UV_ROUTE, body)


# --------------------------------------------------------------------------- tasks


def create_task_request(task_data: Mapping[str, Any]) -> Request:
    """Route a hand-written v2-style body by its ``type``; the rest goes as it is.

    Retired types (refine, stylize) and types apiv3 has no route for are refused, nothing sent.
    """
    if not isinstance(task_data, Mapping):
        raise ValueError("task_data must be a dict with at least a 'type' key.")
    body = dict(task_data)
    task_type = body.pop("type", None)
    if not isinstance(task_type, str) or not task_type:
        raise ValueError("task_data needs a non-empty string 'type' (for example 'text_to_model').")
    if task_type in RETIRED_TYPES:
        raise retired(task_type)
    route = ROUTES.get(task_type)
    if route is None:
        raise TripoValidationError(f"Tripo's apiv3 has no task type {task_type!r}; known types: "
                                   f"{', '.join(sorted(ROUTES))}. No request was sent.")
    encode_body(body)  # fail early on values JSON cannot carry
    return Request(route, body)


def list_tasks_body(task_ids: Sequence[str]) -> Body:
    """``POST /v3/tasks/list`` takes 1–100 task ids."""
    if isinstance(task_ids, str) or not isinstance(task_ids, Sequence):
        raise ValueError("task_ids must be a list of task id strings.")
    ids = [validate_task_id(t) for t in task_ids]
    if not ids:
        raise ValueError("task_ids is empty; pass at least one task id.")
    if len(ids) > MAX_TASK_IDS:
        raise ValueError(f"{len(ids)} task ids given; Tripo lists at most {MAX_TASK_IDS} per request.")
    return {"task_ids": ids}


# Public alias used in type hints of the client: what ``retarget_animation`` accepts.
AnimationArg = Union[Animation, str, Sequence[Union[Animation, str]]]
