"""Pure builders for ``POST /task`` bodies — one per client method, no I/O, testable byte for byte.

Each builder validates its arguments (raising ``ValueError`` with a message that names the
parameter) and returns a plain ``dict`` in the exact shape the *server* expects (wire notes §4),
which is not always what SDK 0.3.0 sent. :func:`encode_body` turns it into the bytes on the wire.

Which fields are sent — the rule
================================

1. **Required fields are always sent** (``type``, ``prompt``, ``file``/``files``, task ids, …).
2. **``None`` means "not set" and is never sent.** No JSON ``null`` ever goes out (SDK 0.3.0 sent
   ``"spec": null``). Empty strings for optional text (``negative_prompt``) count as not set.
3. **A parameter with a non-None default is sent with its value**, including when the caller left
   it at the default: the seed's documented defaults are part of the contract, and sending them
   keeps the result stable if Tripo changes a server-side default. Example: ``export_with_geometry``
   (seed default False, docs say the server defaults to true) and ``with_animation`` of
   ``convert_model`` (seed False, docs true) must be sent for the seed's behaviour to hold.
4. **Exceptions — fields whose mere presence costs credits or changes the request — are sent only
   when the caller asked for them:**

   * ``convert_model``: ``quad``, ``face_limit``, ``flatten_bottom``, ``flatten_bottom_threshold``,
     ``texture_size``, ``texture_format`` and ``pivot_to_center_bottom`` each add a 5-credit
     surcharge "when set" (pricing, §6.5), and it is unknown whether an explicit default counts.
     They default to the sentinel :data:`UNSET` and are sent only if the caller passed them
     (any value, even one equal to the documented default: an explicit choice is honoured).
     The documented defaults (quad False, face_limit 10000, flatten_bottom False, threshold 0.01,
     texture_size 4096, texture_format "JPEG", pivot False) are what the server applies when the
     field is absent. The other convert options (``force_symmetry``, ``with_animation``,
     ``pack_uv``, ``bake``) carry no surcharge and follow rule 3.
   * Generation (text/image/multiview): ``quad``, ``smart_low_poly`` and ``generate_parts`` are
     paid add-ons whose API default is false; they are sent only when True. ``compress=True``
     becomes ``"compress": "geometry"`` (the wire type is a string); False is not sent.
   * P1 model versions (``P1-…``) reject ``quad``/``smart_low_poly``/``generate_parts`` even when
     false, so they are never sent for P1, and asking for one of them with P1 is a ValueError.
   * ``texture_quality="standard"`` (the API default) is rejected by the server when both
     ``texture`` and ``pbr`` are False, so in exactly that combination the default is left out.
     ``"detailed"``/``"extreme"`` are always sent.

Other shape rules: ``texture_model`` prompts go inside ``texture_prompt`` as
``{"text" | "image", "style_image"}``; ``rig_model`` sends ``rig_type``/``spec`` only when given;
``retarget_animation`` sends ``animation`` for one (enum or plain string) and ``animations`` for a
list (1–5, no duplicates: each one is billed); multiview ``files`` are exactly four slots in the
order [front, left, back, right] with ``{}`` for an empty slot; ``smart_lowpoly`` is wire type
``highpoly_to_lowpoly``, ``check_riggable`` ``animate_prerigcheck``, ``rig_model`` ``animate_rig``,
``retarget_animation`` ``animate_retarget``.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final, TypeVar, Union

from .enums import Animation, ModelStyle, PostStyle, RigSpec, RigType

__all__ = [
    "UNSET",
    "Unset",
    "Body",
    "FileObject",
    "PROMPT_MAX_CHARS",
    "NEGATIVE_PROMPT_MAX_CHARS",
    "MAX_ANIMATIONS",
    "encode_body",
    "is_p1",
    "validate_task_id",
    "multiview_slots",
    "create_task_body",
    "GenerationOptions",
    "text_to_model_body",
    "image_to_model_body",
    "multiview_to_model_body",
    "convert_model_body",
    "stylize_model_body",
    "texture_model_body",
    "refine_model_body",
    "check_riggable_body",
    "rig_model_body",
    "retarget_animation_body",
    "mesh_segmentation_body",
    "mesh_completion_body",
    "smart_lowpoly_body",
]

Body = dict[str, Any]
FileObject = dict[str, Any]
T = TypeVar("T")


class Unset(enum.Enum):
    """Type of :data:`UNSET`: "the caller did not pass this; let the server apply its default"."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "<server default>"


UNSET: Final = Unset.UNSET

PROMPT_MAX_CHARS = 1024
# The docs page says 255, both official schemas say 1024. Only the bound every source agrees is
# too long is enforced here; 256..1024 is left for the server to judge.
NEGATIVE_PROMPT_MAX_CHARS = 1024
MAX_ANIMATIONS = 5

TEXTURE_QUALITIES = ("standard", "detailed", "extreme")
GEOMETRY_QUALITIES = ("standard", "detailed")
TEXTURE_ALIGNMENTS = ("original_image", "geometry")
ORIENTATIONS = ("default", "align_image")
OUT_FORMATS = ("glb", "fbx")
CONVERT_FORMATS = ("GLTF", "USDZ", "FBX", "OBJ", "STL", "3MF")
TEXTURE_FORMATS = ("BMP", "DPX", "HDR", "JPEG", "OPEN_EXR", "PNG", "TARGA", "TIFF", "WEBP")
BLOCK_SIZE_RANGE = (32, 128)

_TASK_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


# --------------------------------------------------------------------------- encoding


def encode_body(body: Mapping[str, Any]) -> bytes:
    """The exact request bytes: compact UTF-8 JSON. NaN/Infinity are rejected (not valid JSON)."""
    try:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The task data cannot be sent as JSON: {exc}") from None
    return text.encode("utf-8")


# --------------------------------------------------------------------------- validators


def validate_task_id(value: Any, name: str = "task_id") -> str:
    """A task id must be a plain token (UUIDs in practice): it also goes into URL paths."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty task id string.")
    if _TASK_ID_RE.fullmatch(value) is None:
        raise ValueError(f"{name} does not look like a Tripo task id: {value!r}")
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


def _part_names(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError("part_names must be a list of part name strings.")
    names = list(value)
    if not names:
        raise ValueError("part_names is empty; pass None to mean all parts.")
    for n in names:
        if not isinstance(n, str) or not n:
            raise ValueError("part_names must contain non-empty strings only.")
    return names


def is_p1(model_version: str | None) -> bool:
    """True for the P1 model family, which rejects quad/smart_low_poly/generate_parts."""
    return isinstance(model_version, str) and model_version.upper().startswith("P1-")


def multiview_slots(images: Sequence[T | None]) -> list[T | None]:
    """Normalise multiview input to exactly four slots [front, left, back, right].

    A shorter list is padded with empty slots at the end. Front is mandatory and the docs ask for
    at least two real views.
    """
    if isinstance(images, (str, bytes)) or not isinstance(images, Sequence):
        raise ValueError("images must be a list of up to 4 images in the order [front, left, back, right].")
    slots = list(images)
    if len(slots) > 4:
        raise ValueError(f"images has {len(slots)} entries; multiview takes at most 4: [front, left, back, right].")
    slots += [None] * (4 - len(slots))
    if slots[0] is None:
        raise ValueError("The front view (images[0]) is required for multiview_to_model.")
    if sum(s is not None for s in slots) < 2:
        raise ValueError("multiview_to_model needs at least 2 views (front plus left, back or right); use image_to_model for one image.")
    return slots


# --------------------------------------------------------------------------- generation


@dataclasses.dataclass(frozen=True)
class GenerationOptions:
    """The options every generation method (text/image/multiview) shares, with the seed's defaults.

    One value instead of one parameter each, so the three ``*_body`` builders list only what is
    specific to their task type and the public :class:`TripoClient` signatures stay the one place
    where the parameters are spelled out. Options only some methods have (``image_seed``,
    ``texture_alignment``, ``style``, ``orientation``) stay parameters of those builders: a field
    here that one builder silently ignored would hide mistakes. Values are checked when the body
    is built (``ValueError`` naming the field), not here, so bodies and errors are unchanged.
    Frozen, so the builders can share one default instance safely.

    ``geometry_quality`` is not in SDK 0.3.0 but the API has it (v3.x "Ultra", +20 credits);
    like the other paid P1-incompatible options it is sent only when set.
    """

    model_version: str | None = "v2.5-20250123"
    face_limit: int | None = None
    texture: bool | None = True
    pbr: bool | None = True
    model_seed: int | None = None
    texture_seed: int | None = None
    texture_quality: str = "standard"
    auto_size: bool = False
    quad: bool = False
    compress: bool = False
    generate_parts: bool = False
    smart_low_poly: bool = False
    geometry_quality: str | None = None


def _generation_fields(
    body: Body,
    options: GenerationOptions,
    *,
    image_seed: int | None = None,
    texture_alignment: str | None = None,
    style: ModelStyle | str | None = None,
    orientation: str | None = None,
) -> Body:
    """Add the generation options to ``body`` in the seed's parameter order (bodies are compared
    byte for byte); the keyword arguments are the options only some task types have."""
    o = options
    if o.model_version is not None:
        if not isinstance(o.model_version, str) or not o.model_version:
            raise ValueError("model_version must be a non-empty string such as 'v2.5-20250123'.")
        body["model_version"] = o.model_version
    if o.face_limit is not None:
        body["face_limit"] = _int(o.face_limit, "face_limit", minimum=1)
    if o.texture is not None:
        body["texture"] = _bool(o.texture, "texture")
    if o.pbr is not None:
        body["pbr"] = _bool(o.pbr, "pbr")
    for seed_name, seed in (("image_seed", image_seed), ("model_seed", o.model_seed), ("texture_seed", o.texture_seed)):
        if seed is not None:
            body[seed_name] = _int(seed, seed_name, minimum=0)
    if o.texture_quality is not None:
        quality = _choice(o.texture_quality, "texture_quality", TEXTURE_QUALITIES)
        if not (quality == "standard" and o.texture is False and o.pbr is False):
            body["texture_quality"] = quality
    if texture_alignment is not None:
        body["texture_alignment"] = _choice(texture_alignment, "texture_alignment", TEXTURE_ALIGNMENTS)
    if style is not None:
        body["style"] = _enum(style, "style", ModelStyle)
    body["auto_size"] = _bool(o.auto_size, "auto_size")
    if orientation is not None:
        body["orientation"] = _choice(orientation, "orientation", ORIENTATIONS)
    p1 = is_p1(o.model_version)
    for flag_name, flag in (("quad", o.quad), ("generate_parts", o.generate_parts), ("smart_low_poly", o.smart_low_poly)):
        if _bool(flag, flag_name) and p1:
            raise ValueError(f"{flag_name}=True is not supported by the P1 model version {o.model_version!r}.")
    if o.geometry_quality is not None:
        if p1:
            raise ValueError(f"geometry_quality is not supported by the P1 model version {o.model_version!r}.")
        body["geometry_quality"] = _choice(o.geometry_quality, "geometry_quality", GEOMETRY_QUALITIES)
    if o.quad:
        body["quad"] = True
    if _bool(o.compress, "compress"):
        body["compress"] = "geometry"
    if o.generate_parts:
        body["generate_parts"] = True
    if o.smart_low_poly:
        body["smart_low_poly"] = True
    return body


def text_to_model_body(
    prompt: str,
    negative_prompt: str | None = None,
    image_seed: int | None = None,
    style: ModelStyle | str | None = None,
    options: GenerationOptions = GenerationOptions(),
) -> Body:
    body: Body = {"type": "text_to_model", "prompt": _text(prompt, "prompt", PROMPT_MAX_CHARS)}
    if negative_prompt:
        body["negative_prompt"] = _text(negative_prompt, "negative_prompt", NEGATIVE_PROMPT_MAX_CHARS)
    return _generation_fields(body, options, image_seed=image_seed, style=style)


def image_to_model_body(
    file: FileObject,
    texture_alignment: str = "original_image",
    style: ModelStyle | str | None = None,
    orientation: str = "default",
    options: GenerationOptions = GenerationOptions(),
) -> Body:
    body: Body = {"type": "image_to_model", "file": dict(file)}
    return _generation_fields(body, options, texture_alignment=texture_alignment, style=style, orientation=orientation)


def multiview_to_model_body(
    files: Sequence[FileObject | None],
    texture_alignment: str = "original_image",
    orientation: str = "default",
    options: GenerationOptions = GenerationOptions(),
) -> Body:
    """``files`` are file objects (or None) in [front, left, back, right] order; see :func:`multiview_slots`."""
    slots = multiview_slots(files)
    body: Body = {"type": "multiview_to_model", "files": [dict(f) if f is not None else {} for f in slots]}
    return _generation_fields(body, options, texture_alignment=texture_alignment, orientation=orientation)


# --------------------------------------------------------------------------- post-processing


def convert_model_body(
    original_model_task_id: str,
    format: str,
    quad: bool | Unset = UNSET,
    force_symmetry: bool = False,
    face_limit: int | Unset = UNSET,
    flatten_bottom: bool | Unset = UNSET,
    flatten_bottom_threshold: float | Unset = UNSET,
    texture_size: int | Unset = UNSET,
    texture_format: str | Unset = UNSET,
    pivot_to_center_bottom: bool | Unset = UNSET,
    with_animation: bool = False,
    pack_uv: bool = False,
    bake: bool = True,
    part_names: list[str] | None = None,
) -> Body:
    """See the module docstring, rule 4: surcharge options are sent only when passed."""
    body: Body = {
        "type": "convert_model",
        "original_model_task_id": validate_task_id(original_model_task_id, "original_model_task_id"),
        "format": _choice(format, "format", CONVERT_FORMATS, upper=True),
    }
    if quad is not UNSET:
        body["quad"] = _bool(quad, "quad")
    body["force_symmetry"] = _bool(force_symmetry, "force_symmetry")
    if face_limit is not UNSET:
        body["face_limit"] = _int(face_limit, "face_limit", minimum=1)
    if flatten_bottom is not UNSET:
        body["flatten_bottom"] = _bool(flatten_bottom, "flatten_bottom")
    if flatten_bottom_threshold is not UNSET:
        body["flatten_bottom_threshold"] = _number(flatten_bottom_threshold, "flatten_bottom_threshold", minimum=0)
    if texture_size is not UNSET:
        body["texture_size"] = _int(texture_size, "texture_size", minimum=1)
    if texture_format is not UNSET:
        body["texture_format"] = _choice(texture_format, "texture_format", TEXTURE_FORMATS, upper=True)
    if pivot_to_center_bottom is not UNSET:
        body["pivot_to_center_bottom"] = _bool(pivot_to_center_bottom, "pivot_to_center_bottom")
    body["with_animation"] = _bool(with_animation, "with_animation")
    body["pack_uv"] = _bool(pack_uv, "pack_uv")
    body["bake"] = _bool(bake, "bake")
    if part_names is not None:
        body["part_names"] = _part_names(part_names)
    return body


def stylize_model_body(original_model_task_id: str, style: PostStyle | str, block_size: int = 80) -> Body:
    lo, hi = BLOCK_SIZE_RANGE
    return {
        "type": "stylize_model",
        "original_model_task_id": validate_task_id(original_model_task_id, "original_model_task_id"),
        "style": _enum(style, "style", PostStyle),
        "block_size": _int(block_size, "block_size", minimum=lo, maximum=hi),
    }


def texture_model_body(
    original_model_task_id: str,
    texture: bool = True,
    pbr: bool = True,
    model_seed: int | None = None,
    texture_seed: int | None = None,
    texture_quality: str | None = "standard",
    texture_alignment: str = "original_image",
    part_names: list[str] | None = None,
    compress: bool = False,
    bake: bool = True,
    text_prompt: str | None = None,
    image_prompt: FileObject | None = None,
    style_image: FileObject | None = None,
) -> Body:
    """``image_prompt``/``style_image`` are file objects. Prompts are nested in ``texture_prompt``."""
    if text_prompt is not None and image_prompt is not None:
        raise ValueError("Pass either text_prompt or image_prompt to texture_model, not both.")
    body: Body = {
        "type": "texture_model",
        "original_model_task_id": validate_task_id(original_model_task_id, "original_model_task_id"),
        "texture": _bool(texture, "texture"),
        "pbr": _bool(pbr, "pbr"),
    }
    if model_seed is not None:
        body["model_seed"] = _int(model_seed, "model_seed", minimum=0)
    if texture_seed is not None:
        body["texture_seed"] = _int(texture_seed, "texture_seed", minimum=0)
    if texture_quality is not None:
        quality = _choice(texture_quality, "texture_quality", TEXTURE_QUALITIES)
        if not (quality == "standard" and texture is False and pbr is False):
            body["texture_quality"] = quality
    body["texture_alignment"] = _choice(texture_alignment, "texture_alignment", TEXTURE_ALIGNMENTS)
    if part_names is not None:
        body["part_names"] = _part_names(part_names)
    if _bool(compress, "compress"):
        body["compress"] = "geometry"
    body["bake"] = _bool(bake, "bake")
    prompt: Body = {}
    if text_prompt is not None:
        prompt["text"] = _text(text_prompt, "text_prompt", PROMPT_MAX_CHARS)
    if image_prompt is not None:
        prompt["image"] = dict(image_prompt)
    if style_image is not None:
        prompt["style_image"] = dict(style_image)
    if prompt:
        body["texture_prompt"] = prompt
    return body


def refine_model_body(draft_model_task_id: str) -> Body:
    return {"type": "refine_model", "draft_model_task_id": validate_task_id(draft_model_task_id, "draft_model_task_id")}


def check_riggable_body(original_model_task_id: str) -> Body:
    return {
        "type": "animate_prerigcheck",
        "original_model_task_id": validate_task_id(original_model_task_id, "original_model_task_id"),
    }


def rig_model_body(
    original_model_task_id: str,
    out_format: str = "glb",
    rig_type: RigType | str | None = None,
    spec: RigSpec | str | None = None,
) -> Body:
    body: Body = {
        "type": "animate_rig",
        "original_model_task_id": validate_task_id(original_model_task_id, "original_model_task_id"),
        "out_format": _choice(out_format, "out_format", OUT_FORMATS),
    }
    if rig_type is not None:
        body["rig_type"] = _enum(rig_type, "rig_type", RigType)
    if spec is not None:
        body["spec"] = _enum(spec, "spec", RigSpec)
    return body


def _animation_name(value: Any) -> str:
    raw = value.value if isinstance(value, Animation) else value
    if not isinstance(raw, str) or not raw.strip() or any(ch.isspace() for ch in raw):
        raise ValueError(f"Each animation must be an Animation or a preset name like 'preset:walk', got {value!r}.")
    return raw


def retarget_animation_body(
    original_model_task_id: str,
    animation: Animation | str | Sequence[Animation | str],
    out_format: str = "glb",
    bake_animation: bool = True,
    export_with_geometry: bool = False,
    *,
    animate_in_place: bool = False,
) -> Body:
    """``animate_in_place`` (not in SDK 0.3.0; the API's default is false) is sent only when True,
    so bodies without it stay byte-identical to the SDK's."""
    body: Body = {
        "type": "animate_retarget",
        "original_model_task_id": validate_task_id(original_model_task_id, "original_model_task_id"),
        "out_format": _choice(out_format, "out_format", OUT_FORMATS),
        "bake_animation": _bool(bake_animation, "bake_animation"),
        "export_with_geometry": _bool(export_with_geometry, "export_with_geometry"),
    }
    if _bool(animate_in_place, "animate_in_place"):
        body["animate_in_place"] = True
    if isinstance(animation, (Animation, str)):
        body["animation"] = _animation_name(animation)
        return body
    if not isinstance(animation, Sequence):
        raise ValueError("animation must be an Animation, a preset name, or a list of them.")
    names = [_animation_name(a) for a in animation]
    if not names:
        raise ValueError("animation is an empty list; pass at least one animation.")
    if len(names) > MAX_ANIMATIONS:
        raise ValueError(f"{len(names)} animations requested; Tripo retargets at most {MAX_ANIMATIONS} per task.")
    if len(set(names)) != len(names):
        raise ValueError("The animation list contains duplicates (each one is billed); remove them.")
    body["animations"] = names
    return body


def mesh_segmentation_body(original_model_task_id: str, model_version: str | None = "v1.0-20250506") -> Body:
    body: Body = {
        "type": "mesh_segmentation",
        "original_model_task_id": validate_task_id(original_model_task_id, "original_model_task_id"),
    }
    _model_version(body, model_version)
    return body


def mesh_completion_body(
    original_model_task_id: str,
    model_version: str | None = "v1.0-20250506",
    part_names: list[str] | None = None,
) -> Body:
    body: Body = {
        "type": "mesh_completion",
        "original_model_task_id": validate_task_id(original_model_task_id, "original_model_task_id"),
    }
    _model_version(body, model_version)
    if part_names is not None:
        body["part_names"] = _part_names(part_names)
    return body


def smart_lowpoly_body(
    original_model_task_id: str,
    model_version: str | None = "P-v1.0-20250506",
    quad: bool = False,
    part_names: list[str] | None = None,
    face_limit: int | None = 4000,
    bake: bool = True,
) -> Body:
    body: Body = {
        "type": "highpoly_to_lowpoly",
        "original_model_task_id": validate_task_id(original_model_task_id, "original_model_task_id"),
    }
    _model_version(body, model_version)
    body["quad"] = _bool(quad, "quad")
    if part_names is not None:
        body["part_names"] = _part_names(part_names)
    if face_limit is not None:
        body["face_limit"] = _int(face_limit, "face_limit", minimum=1)
    body["bake"] = _bool(bake, "bake")
    return body


def _model_version(body: Body, model_version: str | None) -> None:
    if model_version is not None:
        if not isinstance(model_version, str) or not model_version:
            raise ValueError("model_version must be a non-empty string.")
        body["model_version"] = model_version


def create_task_body(task_data: Mapping[str, Any]) -> Body:
    """Check a hand-written body for :meth:`TripoClient.create_task` (a ``type`` string, valid JSON)."""
    if not isinstance(task_data, Mapping):
        raise ValueError("task_data must be a dict with at least a 'type' key.")
    task_type = task_data.get("type")
    if not isinstance(task_type, str) or not task_type:
        raise ValueError("task_data needs a non-empty string 'type' (for example 'text_to_model').")
    body = dict(task_data)
    encode_body(body)  # fail early on values JSON cannot carry
    return body


# Public alias used in type hints of the client: what ``retarget_animation`` accepts.
AnimationArg = Union[Animation, str, Sequence[Union[Animation, str]]]
