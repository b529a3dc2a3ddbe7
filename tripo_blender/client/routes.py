"""One record per apiv3 creation route: every option's facts, written once.

What each record holds (see :mod:`.schema` for the shapes and the rule of what is sent): the
route and the ``TripoClient`` method that calls it; each option's name, type, default, allowed
values or range, the model versions that take or refuse it (:class:`.schema.Gate`, where a source
is explicit), what Tripo's sources disagree on (:class:`.schema.Dispute`: sent, and a refusal says
who said what), what it adds to the price, and its label and tooltip. The client's method bodies,
the one validation every job goes through (:func:`check`), the generate form's rules, the
right-click dialogs' properties and the pricing all read these records.

Sources (docs/apiv3.md#routes, #model-versions, #prices; docs/sources.md): Tripo's Python SDK 1.0.0 (the bodies
we send equal its bodies), its JavaScript, Go and Rust SDKs, ComfyUI's Tripo nodes and Tripo's API docs. Where they
disagree, the reading taken is the one below, and the dispute is in the field:

* P series: P1 refuses ``quad``, ``smart_low_poly``, ``generate_parts`` and ``geometry_quality``
  even when false (API docs; JS SDK "P1 returns 400"): refused. P2 takes ``quad`` (JS SDK; the
  result is an FBX, its extension read from the URL); nobody says what P2 does with the other
  three: sent, disputed.
* Convert's ``format: "GLB"`` (JS, Go, Rust enums) and ``fbx_preset: "bake_scale"`` (ComfyUI; the
  docs say v3 removed it): offered, disputed.
* An empty multiview slot: the Python SDK sends ``null`` (what we send), the JS and Go SDKs
  ``""``, ComfyUI only the views given. Which the service wants is unsettled, so the Python SDK's
  form is kept (its own tests pin it) and a refusal says what the others send.
* Image models: the JS SDK's list of today; ``chat_image_1`` and ``chat_image_1.5`` are retired
  (refused, with the date); ``quality`` only on chat_image_2 and 2.5, ``background`` only on 2.5,
  ``aspect_ratio`` only on the banana models (the others reject them: refused before sending).
* Retarget's ``bake_animation``: JS/Go/Rust send it, the Python SDK says apiv3 dropped it: sent
  when set, disputed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import payloads, versions
from .enums import Animation, RigSpec, RigType
from .errors import TripoValidationError
from .inputs import PLACEHOLDER_TOKEN, InputRef, classify_image, classify_model
from .payloads import SEED_MAX, Request
from .schema import Choice, Dispute, Field, Gate, Route, Version, build

__all__ = [
    "TEXT_TO_MODEL",
    "IMAGE_TO_MODEL",
    "MULTIVIEW_TO_MODEL",
    "TEXT_TO_IMAGE",
    "IMAGE_TO_IMAGE",
    "IMAGE_TO_MULTIVIEW",
    "EDIT_MULTIVIEW",
    "IMAGE_TO_SPLAT",
    "IMAGE_TO_DEPTH",
    "TEXTURE",
    "CONVERT",
    "IMPORT",
    "RIG_CHECK",
    "RIG",
    "RETARGET",
    "SEGMENT",
    "SMART_SEGMENT",
    "IDENTITY_TRANSFORM",
    "COMPLETE",
    "DECIMATE",
    "MESH_UV",
    "GENERATION_ROUTES",
    "ROUTES",
    "PATHS",
    "IMAGE_MODELS",
    "IMAGE_CAPS",
    "IMAGE_TEMPLATES",
    "generation_version",
    "by_method",
    "face_limit_range",
    "input_refs",
    "resolved",
    "check",
    "check_known",
    "create_task_request",
    "signature_problems",
]

_SEED = "Same seed and options give the same result. 0 = random"
_P1 = ("P1-*",)
_P1_SAYS = "Tripo's API docs and JavaScript SDK: P1 returns 400 for it, even when false"
_P2_SILENT = (
    "Tripo's API docs and JavaScript SDK say P1 rejects it and say nothing of P2 (the docs presume the P series alike)"
)
_ORIENTATIONS = tuple(
    Choice(axis, axis.upper(), f"The model faces {axis.upper()} in the file") for axis in ("+x", "-x", "+y", "-y")
)


def _seed(name: str, label: str, what: str = "") -> Field:
    return Field(name, "int", None, label, f"{_SEED}{what}", low=0, high=SEED_MAX, form_default=0)


def _flag(name: str, default: bool, label: str, description: str, **more: Any) -> Field:
    return Field(name, "bool", default, label, description, **more)


def _source(name: str = "original_model_task_id", kind: Any = "model") -> Field:
    """A post-process's source: a task id, or a model file token, URL or local file (uploaded)."""
    return Field(name, "input", None, "Source", "The model to process", required=True, wire="input", input=kind)


def _image(
    name: str = "image",
    *,
    wire: str = "input",
    required: bool = True,
    label: str = "Image",
    description: str = "A JPEG, PNG or WEBP image (at most 20 MB)",
    kind: Any = "image",
    **more: Any,
) -> Field:
    """An image input (``kind="images"``: a list of them, each resolved alike)."""
    return Field(
        name,
        "inputs" if kind == "images" else "input",
        None,
        label,
        description,
        required=required,
        wire=wire,
        input=kind,
        **more,
    )


def _part_names(what: str) -> Field:
    return Field("part_names", "names", None, "Part Names", f"The parts to {what} (default: all parts)")


# --------------------------------------------------------------------------- generation (R1–R3)


_P_SERIES_FACES = (48, 20_000)
#: Face-limit ceilings with quad topology, and the ranges with smart low poly (docs/apiv3.md#generation).
QUAD_MAX_FACES = 150_000
SMART_LOW_POLY_FACES = (1_000, 20_000)
SMART_LOW_POLY_QUAD_FACES = (500, 10_000)

#: The generation versions, newest first (text, image and multiview take the same).
_GENERATION_VERSIONS = (
    Version(versions.GENERATION[0], "v3.1", "H3.1: the newest general model", "H3", 1_500_000),
    Version(versions.GENERATION[1], "v3.0", "H3.0", "H3", 1_000_000),
    Version(versions.GENERATION[2], "v2.5", "H2.5: the official SDK's default", "H2", 500_000),
    Version(
        versions.GENERATION[3],
        "P1",
        "Low-poly model family: higher base price; no quad, smart low poly, parts or detailed geometry",
        "P",
        _P_SERIES_FACES[1],
        _P_SERIES_FACES[0],
    ),
    Version(
        versions.GENERATION[4],
        "P2",
        "Low-poly model family, preview: price not published; quad comes as FBX",
        "P",
        _P_SERIES_FACES[1],
        _P_SERIES_FACES[0],
        priced=False,
    ),
)
_GEN_VERSION = Field(
    "model_version",
    "version",
    versions.GENERATION_DEFAULT,
    "Model Version",
    "Tripo model to generate with",
    wire="model",
    fill=True,
    form_default=versions.GENERATION[0],
)
_PROMPT = Field("prompt", "text", None, "Prompt", "Describe the object", required=True, max_chars=1024)
_NEGATIVE_PROMPT = Field(
    "negative_prompt",
    "text",
    None,
    "Negative Prompt",
    "What the model should avoid",
    max_chars=1024,
    form_default="",
    disputes=(
        Dispute(
            "Tripo's API docs page says a negative prompt takes at most 255 characters, its API schema 1024",
            when=lambda value: len(str(value)) > 255,
        ),
    ),
)
_FACE_LIMIT = Field(
    "face_limit", "int", None, "Face Limit", "Maximum number of faces. 0 = automatic", low=1, form_default=0
)
_TEXTURE = _flag("texture", True, "Texture", "Generate a texture (off: 10 credits cheaper)")
_PBR = _flag("pbr", True, "PBR", "Generate PBR materials (implies a texture)")
_QUALITY_PRICES: Mapping[Any, int | None] = {"standard": 0, "detailed": 10, "extreme": 20}
_TEXTURE_QUALITIES = (
    Choice("standard", "Standard", "Standard texture resolution"),
    Choice("detailed", "Detailed", "Sharper textures (+10 credits)"),
    Choice("extreme", "Extreme", "Highest texture detail (+20 credits)"),
)
_TEXTURE_QUALITY = Field(
    "texture_quality",
    "choice",
    "standard",
    "Texture Quality",
    "How detailed the texture is",
    choices=_TEXTURE_QUALITIES,
    price=_QUALITY_PRICES,
)
_GEOMETRY_QUALITY = Field(
    "geometry_quality",
    "choice",
    "standard",
    "Geometry Quality",
    "v3.x models only (not P1)",
    choices=(
        Choice("standard", "Standard", "Standard geometry"),
        Choice("detailed", "Detailed", 'v3.x "Ultra" geometry (+20 credits)'),
    ),
    price={"standard": 0, "detailed": 20},
    gates=(Gate(_P1, False, source=_P1_SAYS),),
    disputes=(Dispute(_P2_SILENT, versions=("P2-*",)),),
)
_STYLE = Field(
    "style",
    "retired",
    None,
    retired="Generation styles no longer exist on Tripo's apiv3 (they were "
    "retired with v2): describe the style in the prompt instead. Nothing was sent.",
)
_AUTO_SIZE = _flag("auto_size", False, "Auto Size", "Scale the model to real-world metres (textured models only)")
_QUAD = _flag(
    "quad",
    False,
    "Quad Mesh",
    "Quad topology, at most 150,000 faces; the result comes as FBX (+5 credits; not P1)",
    price={True: 5},
    gates=(Gate(_P1, False, source=_P1_SAYS),),
)
_COMPRESS = _flag(
    "compress",
    False,
    "Compress Geometry",
    "Meshopt-compressed GLB (smaller download; needs a Blender that can import it)",
    encode={True: "geometry"},
)
_GENERATE_PARTS = _flag(
    "generate_parts",
    False,
    "Generate Parts",
    "Split the model into editable parts (+20 credits; needs Texture, PBR and Quad off; not P1)",
    price={True: 20},
    gates=(Gate(_P1, False, source=_P1_SAYS),),
    disputes=(Dispute(_P2_SILENT, versions=("P2-*",)),),
)
_SMART_LOW_POLY = _flag(
    "smart_low_poly",
    False,
    "Smart Low Poly",
    "Hand-made-style low-poly topology (+10 credits; may fail on complex input; not P1)",
    price={True: 10},
    gates=(Gate(_P1, False, source=_P1_SAYS),),
    disputes=(Dispute(_P2_SILENT, versions=("P2-*",)),),
)
_EXPORT_UV = _flag(
    "export_uv", True, "UV Unwrap", "Unwrap UVs (off: no UV layout, for untextured models you will unwrap yourself)"
)
_EXPORT_ORIENTATION = Field(
    "export_orientation", "choice", None, "Facing", "The direction the model faces in the file", choices=_ORIENTATIONS
)
_TEXTURE_ALIGNMENT = Field(
    "texture_alignment",
    "choice",
    "original_image",
    "Texture Alignment",
    "What the texture follows",
    choices=(
        Choice("original_image", "Original Image", "Prioritise fidelity to the input image"),
        Choice("geometry", "Geometry", "Prioritise alignment with the generated geometry"),
    ),
)
_ORIENTATION = Field(
    "orientation",
    "choice",
    "default",
    "Orientation",
    "How the model is turned",
    choices=(
        Choice("default", "Default", "Tripo's canonical orientation"),
        Choice("align_image", "Align to Image", "Rotate the model to match the input image (textured models only)"),
    ),
)
_AUTOFIX = _flag(
    "enable_image_autofix",
    False,
    "Auto-fix Image",
    "Let Tripo clean up the input image first (crop, background, lighting) when it would otherwise give a poor model",
)
_OPTIONS = (
    _GEN_VERSION,
    _FACE_LIMIT,
    _TEXTURE,
    _PBR,
    _seed("model_seed", "Model Seed"),
    _seed("texture_seed", "Texture Seed"),
    _TEXTURE_QUALITY,
    _STYLE,
    _AUTO_SIZE,
    _QUAD,
    _COMPRESS,
    _SMART_LOW_POLY,
    _GENERATE_PARTS,
    _GEOMETRY_QUALITY,
    _EXPORT_UV,
    _EXPORT_ORIENTATION,
)


def face_limit_range(version_id: str, quad: bool = False, smart_low_poly: bool = False) -> tuple[int, int | None]:
    """The face limits a generation takes (inclusive; None: no documented ceiling): the version's
    range, 150,000 at most with quad, and smart low poly's own range (H series)."""
    version = generation_version(version_id)
    p_series = version.family == "P"
    if smart_low_poly and not p_series:
        return SMART_LOW_POLY_QUAD_FACES if quad else SMART_LOW_POLY_FACES
    high = version.max_faces
    if quad and not p_series:
        high = QUAD_MAX_FACES if high is None else min(high, QUAD_MAX_FACES)
    return version.min_faces, high


def generation_version(version_id: str) -> Version:
    """The record of a generation version; one this add-on does not know gets no ceiling (a
    P-series id still the P series' range)."""
    for known in _GENERATION_VERSIONS:
        if known.id == version_id:
            return known
    if versions.is_p_series(version_id):
        return Version(version_id, version_id, family="P", max_faces=_P_SERIES_FACES[1], min_faces=_P_SERIES_FACES[0])
    return Version(version_id, version_id)


def _face_limits(values: Mapping[str, Any]) -> str | None:
    face_limit = values.get("face_limit")
    if not isinstance(face_limit, int) or isinstance(face_limit, bool):
        return None
    version = values.get("model_version") or versions.GENERATION_DEFAULT
    low, high = face_limit_range(str(version), values.get("quad") is True, values.get("smart_low_poly") is True)
    if face_limit < low or (high is not None and face_limit > high):
        bounds = f"{low}–{high}" if high is not None else f"at least {low}"
        return f"face_limit {face_limit} is out of range for model_version {version!r} with these options: {bounds}."
    return None


def _generation(
    task_type: str,
    path: str,
    method: str,
    label: str,
    head: tuple[Field, ...],
    extra: tuple[Field, ...] = (),
    *,
    style: bool = True,
) -> Route:
    options = _OPTIONS if style else tuple(f for f in _OPTIONS if f is not _STYLE)  # SDK 0.3.0's multiview had none
    return Route(task_type, path, (*head, *options, *extra), method, label, _GENERATION_VERSIONS, rules=(_face_limits,))


_EMPTY_SLOT = (
    "Tripo's Python SDK 1.0.0 sends an empty view as null (so does this add-on); its JavaScript and Go "
    'SDKs send "", and ComfyUI\'s nodes send only the views given'
)
TEXT_TO_MODEL = _generation(
    "text_to_model",
    "/v3/generation/text-to-model",
    "text_to_model",
    "Text to Model",
    (_PROMPT, _NEGATIVE_PROMPT, _seed("image_seed", "Image Seed")),
)
IMAGE_TO_MODEL = _generation(
    "image_to_model",
    "/v3/generation/image-to-model",
    "image_to_model",
    "Image to Model",
    (_image(),),
    (_TEXTURE_ALIGNMENT, _ORIENTATION, _AUTOFIX),
)
MULTIVIEW_TO_MODEL = _generation(
    "multiview_to_model",
    "/v3/generation/multiview-to-model",
    "multiview_to_model",
    "Multiview to Model",
    (
        Field(
            "images",
            "views",
            None,
            "Views",
            "Front (required), left, back and right views, or the id of an image-to-multiview task",
            required=True,
            wire="inputs",
            input="views",
            disputes=(Dispute(_EMPTY_SLOT, when=lambda value: isinstance(value, list) and None in value),),
        ),
    ),
    (_TEXTURE_ALIGNMENT, _ORIENTATION),
    style=False,
)
GENERATION_ROUTES = (TEXT_TO_MODEL, IMAGE_TO_MODEL, MULTIVIEW_TO_MODEL)

# --------------------------------------------------------------------------- images (R4–R9)


_CHAT_2 = ("chat_image_2", "chat_image_2.5*")
_JS_SDK = "Tripo's JavaScript SDK"
#: Today's image models (Tripo's JavaScript SDK, 2026-12), and what each takes beyond a prompt.
IMAGE_MODELS = (
    Version("seedream_v5", "Seedream v5", "Tripo's default for image to image"),
    Version("banana", "Banana", "Takes an aspect ratio"),
    Version("banana_pro", "Banana Pro", "Takes an aspect ratio"),
    Version("banana2", "Banana 2", "Takes an aspect ratio"),
    Version("chat_image_2", "Chat Image 2", "Takes a quality"),
    Version("chat_image_2.5_flare", "Chat Image 2.5 Flare", "Takes a quality and a background"),
    Version("chat_image_2.5_sunburst", "Chat Image 2.5 Sunburst", "Takes a quality and a background"),
)
_SEEDREAM_V4 = Version("seedream_v4", "Seedream v4", "Text to image only; Tripo's default there")
_RETIRED_IMAGE_MODELS: Mapping[str, str] = {
    "chat_image_1": f"was retired by Tripo on 2026-10-23 ({_JS_SDK})",
    "chat_image_1.5": f"was retired by Tripo on 2026-12-01 ({_JS_SDK})",
}


def _image_options(server_version: str) -> tuple[Field, ...]:
    taken = f"{_JS_SDK}: the other models reject it"
    return (
        Field("model", "version", None, "Image Model", f"Tripo's image model (default: {server_version})"),
        Field("size", "string", None, "Size", "Image size, per model (e.g. 1024x1024, 2K)"),
        Field(
            "aspect_ratio",
            "string",
            None,
            "Aspect Ratio",
            "Width to height (banana models only)",
            gates=(Gate(("banana*",), source=taken, needs="a banana model"),),
        ),
        Field(
            "output_format",
            "choice",
            None,
            "Format",
            "The image file's format",
            choices=(Choice("png", "PNG"), Choice("jpeg", "JPEG")),
        ),
        Field(
            "quality",
            "string",
            None,
            "Quality",
            "Image quality (chat_image_2 and 2.5 only)",
            gates=(Gate(_CHAT_2, source=taken, needs="chat_image_2 or a chat_image_2.5 model"),),
        ),
        Field(
            "background",
            "string",
            None,
            "Background",
            "Image background (chat_image_2.5 only)",
            gates=(Gate(("chat_image_2.5*",), source=taken, needs="a chat_image_2.5 model"),),
        ),
    )


TEXT_TO_IMAGE = Route(
    "text_to_image",
    "/v3/generation/text-to-image",
    (
        Field("prompt", "text", None, "Prompt", "Describe the image", required=True, max_chars=1800),
        Field("negative_prompt", "text", None, "Negative Prompt", "What the image should avoid", max_chars=1024),
        *_image_options("seedream_v4"),
    ),
    "text_to_image",
    "Text to Image",
    (_SEEDREAM_V4, *IMAGE_MODELS),
    "model",
    "seedream_v4",
    retired=_RETIRED_IMAGE_MODELS,
)
#: Reference images image-to-image takes at most, by image-model family (docs/apiv3.md#image-routes).
IMAGE_CAPS = (("chat_image", 16), ("banana", 10), ("seedream", 4))
#: Image-to-image's ready-made transformations (docs/apiv3.md#image-routes), in menu order.
IMAGE_TEMPLATES = (
    Choice("t_pose", "T-pose", "The character standing in a T-pose, ready to rig"),
    Choice("variants", "Variants", "Variations of the same subject"),
    Choice("asset_extraction", "Asset Extraction", "The object alone, taken out of its scene"),
    Choice("character_completion", "Character Completion", "The whole character, completing what is cut off"),
    Choice("head_extraction", "Head Extraction", "The character's head alone"),
    Choice("figure", "Figure", "The subject as a collectible figure"),
    Choice("3d_enhance", "3D Enhance", "A cleaner, more 3D-looking render of the subject"),
    Choice("print_clay", "Print Clay", "The subject as an untextured clay print"),
)


def _reference_count(values: Mapping[str, Any]) -> str | None:
    """Refuse more reference images than the model takes (the service answers 400 otherwise)."""
    extra = values.get("images")
    count = (values.get("image") is not None) + (len(extra) if isinstance(extra, (list, tuple)) else 0)
    model = str(values.get("model") or "seedream_v5")
    cap = next((cap for prefix, cap in IMAGE_CAPS if model.startswith(prefix)), None)
    return f"{model} takes at most {cap} reference images; {count} were given." if cap and count > cap else None


IMAGE_TO_IMAGE = Route(
    "generate_image",
    "/v3/generation/image-to-image",
    (
        _image(
            required=False,
            description="The image to transform: a JPEG, PNG or WEBP image (at most 20 MB), or the id of an image task",
        ),
        _image(
            "images",
            wire="inputs",
            required=False,
            label="More Images",
            description="More reference images",
            kind="images",
        ),
        Field("prompt", "text", None, "Prompt", "What to change (optional with a template)", max_chars=1800),
        Field("template", "choice", None, "Template", "A ready-made transformation", choices=IMAGE_TEMPLATES),
        *_image_options("seedream_v5"),
    ),
    "image_to_image",
    "Image to Image",
    IMAGE_MODELS,
    "model",
    "seedream_v5",
    retired=_RETIRED_IMAGE_MODELS,
    rules=(
        lambda v: None if v.get("image") is not None or v.get("images") else "image or images is required.",
        lambda v: None if v.get("prompt") or v.get("template") else "prompt is required unless a template is given.",
        _reference_count,
    ),
)
IMAGE_TO_MULTIVIEW = Route(
    "generate_multiview_image", "/v3/generation/image-to-multiview", (_image(),), "image_to_multiview", "Four Views"
)
#: Edit multiview (docs/apiv3.md#image-routes, docs/sources.md#edit-multiview-input): the views of an
#: image-to-multiview or edit-multiview task, changed by a prompt per view. Tripo's Python SDK passes
#: any input string; its JavaScript SDK says the service rejects anything but a task id: a task id only.
EDIT_MULTIVIEW = Route(
    "edit_multiview_image",
    "/v3/generation/edit-multiview",
    (
        Field(
            "input",
            "input",
            None,
            "Views",
            "The id of the image-to-multiview (or edit-multiview) task whose views are edited",
            required=True,
            input="task",
        ),
        Field(
            "prompts",
            "view_prompts",
            None,
            "Prompts",
            "What to change in each view: {view: prompt} (front, left, "
            "back, right; an empty prompt leaves the view as it is)",
            required=True,
        ),
    ),
    "edit_multiview",
    "Edit Views",
)
IMAGE_TO_SPLAT = Route(
    "image_to_splat",
    "/v3/generation/image-to-splat",
    (_image(), _seed("model_seed", "Seed")),
    "image_to_splat",
    "Image to Splat",
)
IMAGE_TO_DEPTH = Route(
    "image_to_depth",
    "/v3/generation/image-to-depth",
    (
        _image(),
        Field(
            "kind",
            "choice",
            None,
            "Kind",
            "The depth map's colours (default: gray)",
            choices=(Choice("gray", "Gray", "Near is light, far is dark"), Choice("color", "Color", "Coloured depth")),
        ),
        Field(
            "process_res",
            "int",
            None,
            "Resolution",
            "Processing resolution in pixels (default: 504)",
            low=126,
            high=2016,
        ),
    ),
    "image_to_depth",
    "Image to Depth",
)

# --------------------------------------------------------------------------- models (R10–R12)


_V35 = (versions.TEXTURE_V35,)
TEXTURE = Route(
    "texture_model",
    "/v3/models/texture",
    (
        _source(),
        _flag("texture", True, "Texture", "Generate the base colour texture"),
        _flag("pbr", True, "PBR", "Generate PBR materials (metallic, roughness, normal)"),
        _seed("model_seed", "Model Seed"),
        _seed("texture_seed", "Seed"),
        Field(
            "texture_quality",
            "choice",
            "standard",
            "Quality",
            "How detailed the texture is",
            choices=(
                *_TEXTURE_QUALITIES,
                Choice("fast", "Fast", "Quicker, lighter texturing (texture model v3.5 only)"),
            ),
            price={**_QUALITY_PRICES, "fast": None},
            gates=(Gate(_V35, values=("fast",)),),
        ),
        _TEXTURE_ALIGNMENT,
        _part_names("texture"),
        _flag(
            "compress",
            False,
            "Compress Geometry",
            "Meshopt-compressed GLB (needs a Blender that can import it)",
            encode={True: "geometry"},
        ),
        _flag("bake", True, "Bake", "Bake the texture into the model's UV layout"),
        Field(
            "text_prompt",
            "text",
            None,
            "Text Prompt",
            "Describe the texture (or give an image prompt instead)",
            max_chars=1024,
            wire="texture_prompt.text",
        ),
        _image(
            "image_prompt",
            wire="texture_prompt.image",
            required=False,
            label="Image Prompt",
            description="An image the texture should follow (JPEG, PNG or WEBP)",
        ),
        _image(
            "style_image",
            wire="texture_prompt.style_image",
            required=False,
            label="Style Image",
            description="An image whose style the texture takes (optional)",
        ),
        Field(
            "model_version",
            "version",
            versions.TEXTURE_DEFAULT,
            "Model",
            "Tripo texture model to use",
            wire="model",
            form_default=versions.TEXTURE_SERVER_DEFAULT,
        ),
        Field(
            "delight",
            "bool",
            None,
            "Delight",
            "Remove lighting and shadows baked into the texture (texture model v3.5 only)",
            implicit=False,
            gates=(Gate(_V35),),
        ),
    ),
    "texture_model",
    "Texture",
    (
        Version(versions.TEXTURE[0], "v3.5", "adds Delight and the Fast quality", priced=False),
        Version(versions.TEXTURE[1], "v3.0", "Tripo's default"),
        Version(versions.TEXTURE[2], "v2.5"),
    ),
    server_version=versions.TEXTURE_SERVER_DEFAULT,
    model_word="texture model",
    rules=(
        lambda v: (
            "Pass either text_prompt or image_prompt to texture_model, not both."
            if v.get("text_prompt") and v.get("image_prompt") is not None
            else None
        ),
    ),
)

_COMPLEX = " (a changed option costs 5 credits more)"
_CONVERT_FORMATS = (
    Choice("GLTF", "GLTF", "glTF binary with its textures"),
    Choice("USDZ", "USDZ", "USD, packed with its textures"),
    Choice("FBX", "FBX", "FBX with its textures"),
    Choice("OBJ", "OBJ", "Arrives as a ZIP with its materials and textures"),
    Choice("STL", "STL", "Geometry only, no textures"),
    Choice("3MF", "3MF", "For 3D printing, geometry only"),
    Choice("GLB", "GLB", "glTF binary (Tripo's JavaScript, Go and Rust SDKs list it)"),
)
CONVERT = Route(
    "convert_model",
    "/v3/models/convert",
    (
        _source(),
        Field(
            "format",
            "choice",
            None,
            "Format",
            "The file format to convert to",
            choices=_CONVERT_FORMATS,
            upper=True,
            required=True,
            disputes=(
                Dispute(
                    "Tripo's JavaScript, Go and Rust SDKs list GLB among convert's formats; "
                    "its Python SDK 1.0.0 and API docs list GLTF, USDZ, FBX, OBJ, STL and 3MF",
                    values=("GLB",),
                ),
            ),
        ),
        _flag("quad", False, "Quad Mesh", "Remesh to quads" + _COMPLEX),
        _flag(
            "force_symmetry",
            False,
            "Force Symmetry",
            "Symmetric quad remesh (quad only)",
            applies_with=("quad", (True,)),
        ),
        Field(
            "face_limit",
            "int",
            None,
            "Face Limit",
            "Maximum faces; 0 = keep the model's own" + _COMPLEX,
            omit_nonpositive=True,
            form_default=0,
        ),
        _flag("flatten_bottom", False, "Flatten Bottom", "Make the bottom flat so it stands" + _COMPLEX),
        Field(
            "flatten_bottom_threshold",
            "number",
            0.01,
            "Flatten Threshold",
            "How much of the bottom is flattened",
            low=0,
            applies_with=("flatten_bottom", (True,)),
        ),
        Field("texture_size", "int", 4096, "Texture Size", "Texture resolution in pixels" + _COMPLEX, low=1),
        Field(
            "texture_format",
            "choice",
            "JPEG",
            "Texture Format",
            "The textures' image format" + _COMPLEX,
            upper=True,
            choices=tuple(
                Choice(f, f.replace("_", " ").title(), f"{f} textures")
                for f in ("BMP", "DPX", "HDR", "JPEG", "OPEN_EXR", "PNG", "TARGA", "TIFF", "WEBP")
            ),
        ),
        _flag(
            "pivot_to_center_bottom", False, "Pivot to Bottom Center", "Put the origin at the bottom centre" + _COMPLEX
        ),
        _flag("with_animation", True, "With Animation", "Keep the animations of a rigged or animated model"),
        _flag("pack_uv", False, "Pack UVs", "Repack the UV islands" + _COMPLEX),
        _flag("bake", True, "Bake", "Bake the materials into textures"),
        _part_names("convert"),
        Field("scale_factor", "number", 1.0, "Scale", "Scale the model by this factor" + _COMPLEX, positive=True),
        _flag(
            "export_vertex_colors",
            False,
            "Vertex Colors",
            "Export vertex colours (OBJ and GLTF only)" + _COMPLEX,
            applies_with=("format", ("OBJ", "GLTF")),
        ),
        Field(
            "fbx_preset",
            "choice",
            "blender",
            "FBX Preset",
            "Which application the FBX is set up for (FBX only)" + _COMPLEX,
            choices=(
                Choice("blender", "Blender", "FBX set up for Blender"),
                Choice("3dsmax", "3ds Max", "FBX set up for 3ds Max"),
                Choice("mixamo", "Mixamo", "FBX set up for Mixamo"),
                Choice("bake_scale", "Bake Scale", "The scale baked into the FBX (ComfyUI's Tripo nodes offer it)"),
            ),
            disputes=(
                Dispute(
                    "ComfyUI's Tripo nodes (2.0) offer fbx_preset bake_scale; Tripo's apiv3 docs say v3 removed it",
                    values=("bake_scale",),
                ),
            ),
            applies_with=("format", ("FBX",)),
        ),
        Field(
            "export_orientation",
            "choice",
            "+x",
            "Facing",
            "The direction the model faces in the file" + _COMPLEX,
            choices=_ORIENTATIONS,
        ),
        _flag("animate_in_place", False, "Animate in Place", "Keep an animated character on the spot" + _COMPLEX),
    ),
    "convert_model",
    "Convert",
)
IMPORT = Route("import_model", "/v3/models/import", (_source("file", "model_file"),), "import_model", "Import")

# --------------------------------------------------------------------------- animation (R13–R15)


_V1_BIPEDS = Gate(
    (versions.RIG_DEFAULT,),
    False,
    why=f"(rig model v1.0 rigs bipeds only, with the Tripo, Mixamo or ActorCore skeleton): use "
    f"model_version={versions.RIG_V25!r} or {versions.RIG_V30!r}",
)
_OUT_FORMATS = (Choice("glb", "GLB", "glTF binary"), Choice("fbx", "FBX", "Autodesk FBX"))
_WIDE = "rig model v2.5 or newer"
RIG_CHECK = Route(
    "animate_prerigcheck", "/v3/animations/rig-check", (_source(),), "check_riggable", "Riggability check"
)
RIG = Route(
    "animate_rig",
    "/v3/animations/rig",
    (
        _source(),
        Field("out_format", "choice", "glb", "Format", "The rig's file format", choices=_OUT_FORMATS),
        Field(
            "rig_type",
            "choice",
            None,
            "Rig Type",
            "The skeleton family",
            implicit=RigType.BIPED.value,
            choices=tuple(Choice(t.value, t.value.title(), f"Rig as {t.value}") for t in RigType),
            gates=(_V1_BIPEDS,),
        ),
        Field(
            "spec",
            "choice",
            None,
            "Spec",
            "Bone naming convention",
            implicit=RigSpec.TRIPO.value,
            choices=(
                Choice(RigSpec.TRIPO.value, "Tripo", "Tripo's skeleton; needed to retarget Tripo's preset animations"),
                Choice(
                    RigSpec.MIXAMO.value,
                    "Mixamo",
                    "Mixamo bone names (for Mixamo animations); Tripo cannot retarget it",
                ),
                Choice(RigSpec.ACTORCORE.value, "ActorCore", "Reallusion ActorCore bone names"),
                Choice(RigSpec.UNITY.value, "Unity", f"Unity Humanoid bone names ({_WIDE})"),
                Choice(RigSpec.UNREAL.value, "Unreal", f"Unreal Engine mannequin bone names ({_WIDE})"),
                Choice(RigSpec.VRM.value, "VRM", f"VRM avatar bones ({_WIDE})"),
            ),
            gates=(
                Gate(
                    _V1_BIPEDS.versions,
                    False,
                    (RigSpec.UNITY.value, RigSpec.UNREAL.value, RigSpec.VRM.value),
                    _V1_BIPEDS.why,
                ),
            ),
        ),
        Field(
            "model_version", "version", versions.RIG_DEFAULT, "Model", "Tripo rig model to use", wire="model", fill=True
        ),
    ),
    "rig_model",
    "Rig",
    (
        Version(versions.RIG_V30, "v3.0", "every rig type and skeleton", priced=False),
        Version(versions.RIG_V25, "v2.5", "every rig type and skeleton"),
        Version(
            versions.RIG_DEFAULT, "v1.0", "Tripo's default: bipeds with the Tripo, Mixamo or ActorCore skeleton only"
        ),
    ),
    rewrites=versions.RIG_REWRITES,
    model_word="rig model",
)
RETARGET = Route(
    "animate_retarget",
    "/v3/animations/retarget",
    (
        _source(kind="task"),
        Field(
            "animation",
            "animation",
            None,
            "Animations",
            f"Preset animations to add (1 to {payloads.MAX_ANIMATIONS} per request, each billed)",
            required=True,
        ),
        Field("out_format", "choice", "glb", "Format", "The animated file's format", choices=_OUT_FORMATS),
        Field(
            "bake_animation",
            "bool",
            None,
            "Bake Animation",
            "Bake the animation",
            disputes=(
                Dispute(
                    "Tripo's JavaScript, Go and Rust SDKs type and send retarget's bake_animation; its "
                    "Python SDK 1.0.0 says apiv3 no longer has it and leaves it out"
                ),
            ),
        ),
        _flag("export_with_geometry", False, "With Geometry", "Export the mesh with the animation"),
        _flag("animate_in_place", False, "In Place", "Keep the character on the spot (no travel)"),
    ),
    "retarget_animation",
    "Retarget",
)

# --------------------------------------------------------------------------- mesh (R16–R19)


_SEGMENT_V2 = Gate((versions.SEGMENTATION_V2,))
SEGMENT = Route(
    "mesh_segmentation",
    "/v3/mesh/segment",
    (
        _source(),
        Field(
            "model_version",
            "version",
            versions.SEGMENTATION_DEFAULT,
            "Model",
            "Tripo segmentation model to use",
            wire="model",
        ),
        Field(
            "segmentation_granularity",
            "choice",
            None,
            "Granularity",
            "How finely the model is split (segmentation model v2.0 only)",
            choices=tuple(Choice(g, g.title(), f"{g.title()} parts") for g in ("simple", "balanced", "detailed")),
            gates=(_SEGMENT_V2,),
        ),
        _image(
            "ref_image",
            wire="ref_image",
            required=False,
            label="Reference Image",
            description="An image showing the parts (segmentation model v2.0 only)",
            gates=(_SEGMENT_V2,),
        ),
        Field(
            "split_by_connectivity",
            "bool",
            None,
            "Split by Connectivity",
            "Also split pieces that are not connected (segmentation model v2.0 only)",
            form_default=False,
            gates=(_SEGMENT_V2,),
        ),
    ),
    "mesh_segmentation",
    "Segment",
    (
        Version(versions.SEGMENTATION_V2, "v2.0", "adds granularity and splitting by connectivity"),
        Version(versions.SEGMENTATION_DEFAULT, "v1.0", "Tripo's default"),
    ),
    server_version=versions.SEGMENTATION_DEFAULT,
    model_word="segmentation model",
)
#: Smart segmentation's ``transform`` when none is given: the identity, i.e. the model as its file
#: holds it. Tripo documents the field only as "16 floats, column-major, required with seg_type
#: model" (docs/apiv3.md#post-processes), not what it changes.
IDENTITY_TRANSFORM = (1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0)
_SEG_SOURCES = {"model": "original_model_task_id", "image": "image"}


def _smart_segment_source(values: Mapping[str, Any]) -> str | None:
    """One source, and ``seg_type`` saying which (the service reads the one ``input`` by it)."""
    given = [kind for kind, name in _SEG_SOURCES.items() if values.get(name) is not None]
    if len(given) != 1:
        return (
            "Give smart_segment a model or an image, not both."
            if given
            else "Give smart_segment a model (original_model_task_id: a task id, a GLB file or its token) or an image."
        )
    if values.get("seg_type") is not None and values["seg_type"] != given[0]:
        return f"seg_type must be {given[0]!r} for the {given[0]} given (it says which input Tripo reads)."
    return None


def _transform(values: Mapping[str, Any]) -> str | None:
    """A model needs its transform: 16 finite numbers (a 4×4 matrix, column-major)."""
    value = values.get("transform")
    if value is None:
        return (
            "transform (16 numbers, a 4×4 matrix column-major) is required with seg_type='model'."
            if values.get("seg_type") == "model"
            else None
        )
    numbers = list(value) if isinstance(value, (list, tuple)) else []
    if len(numbers) != 16 or not all(
        isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n) for n in numbers
    ):
        return "transform must be 16 finite numbers (a 4×4 matrix, column-major)."
    return None


#: Smart segmentation (not in the SDK; docs/apiv3.md#post-processes): a model — or an image, which
#: Tripo first makes a model of — split into named parts, like Segment's. Its task type is not
#: published (docs/apiv3.md#open-points): ``smart_segment`` is this add-on's name for it.
SMART_SEGMENT = Route(
    "smart_segment",
    "/v3/mesh/smartsegment",
    (
        Field(
            "original_model_task_id",
            "input",
            None,
            "Source",
            "The model to split: a task id, or a GLB file or its token",
            wire="input",
            input="model",
        ),
        _image(required=False, description="An image: Tripo makes a model of it, then splits that"),
        Field(
            "seg_type",
            "choice",
            None,
            "Source Type",
            "Which input is given",
            required=True,
            choices=(
                Choice("model", "Model", "Split a model"),
                Choice("image", "Image", "Make a model of an image, then split it"),
            ),
        ),
        Field(
            "granularity",
            "choice",
            None,
            "Granularity",
            "How finely the model is split (default: medium)",
            choices=(
                Choice("coarse", "Coarse", "2–3 large parts (a person, the clothes)"),
                Choice("medium", "Medium", "4–8 objects or parts (top, trousers, shoes, bag)"),
                Choice("fine", "Fine", "9–52 small parts (face, hair, each arm)"),
            ),
        ),
        Field("hint", "text", None, "Hint", "What to split it into, in words (optional)"),
        Field(
            "transform",
            "object",
            None,
            "Transform",
            "The model's 4×4 matrix, 16 numbers column-major (needed with a model)",
        ),
    ),
    "smart_segment",
    "Smart Segment",
    rules=(_smart_segment_source, _transform),
)
COMPLETE = Route(
    "mesh_completion",
    "/v3/mesh/complete",
    (
        _source(kind="task"),
        Field(
            "model_version",
            "version",
            versions.COMPLETION_DEFAULT,
            "Model",
            "Tripo completion model to use",
            wire="model",
        ),
        _part_names("complete"),
        Field(
            "completion_mode",
            "choice",
            None,
            "Mode",
            "How the parts are completed",
            choices=(
                Choice("ai_completion", "AI Completion", "Regenerate the hidden geometry of each part"),
                Choice("quick_cap", "Quick Cap", "Close each part's openings with a cap (quicker)"),
            ),
        ),
    ),
    "mesh_completion",
    "Complete Parts",
    tuple(Version(v, v.split("-")[0]) for v in versions.COMPLETION),
    model_word="completion model",
)
#: Decimate's face limits: 500–20,000 (10,000 with quads); Tripo's API schema says 1,000 at least.
DECIMATE_FACES = (500, 20_000)
DECIMATE_QUAD_MAX = 10_000
DECIMATE = Route(
    "highpoly_to_lowpoly",
    "/v3/mesh/decimate",
    (
        _source(),
        Field(
            "model_version",
            "version",
            None,
            "Model",
            "Tripo low-poly model to use",
            wire="model",
            form_default=versions.DECIMATE_SERVER_DEFAULT,
        ),
        _flag("quad", False, "Quad Mesh", "Quad topology (the result comes as FBX)"),
        _part_names("simplify"),
        Field(
            "face_limit",
            "int",
            None,
            "Face Limit",
            f"Target face count ({DECIMATE_FACES[0]:,}–{DECIMATE_FACES[1]:,}; "
            f"at most {DECIMATE_QUAD_MAX:,} with quads). 0 = Tripo decides",
            low=DECIMATE_FACES[0],
            high=DECIMATE_FACES[1],
            form_default=0,
            disputes=(
                Dispute(
                    "Tripo's API docs say decimate takes 500–20,000 faces, its API schema 1,000–20,000",
                    when=lambda value: isinstance(value, int) and value < 1_000,
                ),
            ),
        ),
        _flag("bake", True, "Bake", "Bake the high-poly detail into the textures"),
        Field(
            "smart_uv",
            "bool",
            None,
            "Smart UV",
            "Also unwrap clean UVs (low-poly model v3.0 only)",
            form_default=False,
            gates=(Gate((versions.DECIMATE_SMART_UV,), values=(True,)),),
        ),
    ),
    "smart_lowpoly",
    "Smart Low Poly",
    (
        Version("v3.0", "v3.0", "smart low poly that can also unwrap UVs"),
        Version(versions.DECIMATE_SERVER_DEFAULT, "v2.0", "smart low poly; Tripo's default"),
        Version("v1.0", "v1.0", "plain decimation"),
    ),
    server_version=versions.DECIMATE_SERVER_DEFAULT,
    rewrites=versions.DECIMATE_REWRITES,
    model_word="low-poly model",
    rules=(
        lambda v: (
            f"face_limit must be at most {DECIMATE_QUAD_MAX:,} with quad=True."
            if v.get("quad") is True and isinstance(v.get("face_limit"), int) and v["face_limit"] > DECIMATE_QUAD_MAX
            else None
        ),
    ),
)
MESH_UV = Route(
    "mesh_uv",
    "/v3/mesh/uv",
    (
        _source(),
        Field("model_version", "version", None, "Model", "Tripo UV model (default: Tripo's)", wire="model"),
        Field(
            "export_orientation",
            "choice",
            None,
            "Facing",
            "The direction the model faces in the file",
            choices=_ORIENTATIONS,
        ),
    ),
    "mesh_uv",
    "Smart UV",
)

_ALL: tuple[Route, ...] = (
    TEXT_TO_MODEL,
    IMAGE_TO_MODEL,
    MULTIVIEW_TO_MODEL,
    TEXT_TO_IMAGE,
    IMAGE_TO_IMAGE,
    IMAGE_TO_MULTIVIEW,
    EDIT_MULTIVIEW,
    IMAGE_TO_SPLAT,
    IMAGE_TO_DEPTH,
    TEXTURE,
    CONVERT,
    IMPORT,
    RIG_CHECK,
    RIG,
    RETARGET,
    SEGMENT,
    SMART_SEGMENT,
    COMPLETE,
    DECIMATE,
    MESH_UV,
)
#: Every route by the task type apiv3 reports (``create_task`` routes a hand-written body by it).
ROUTES: Mapping[str, Route] = {route.task_type: route for route in _ALL}
#: The apiv3 path of each task type.
PATHS: Mapping[str, str] = {route.task_type: route.path for route in _ALL}
_BY_METHOD: Mapping[str, Route] = {route.method: route for route in _ALL if route.method}


def by_method(method: str) -> Route | None:
    """The route a ``TripoClient`` method (= a job kind) sends to, or None."""
    return _BY_METHOD.get(method)


# --------------------------------------------------------------------------- inputs and the one check


#: Classified inputs of one call: a ref per input field (None: not given), a list for multiview.
Refs = dict[str, Any]


def _image_ref(value: Any, what: str) -> InputRef:
    return classify_image(value, what=what)


def _model_ref(f: Field, value: Any) -> InputRef:
    if f.input == "model_file":
        ref = classify_model(value, what=f.name)
        if ref.kind == "task":
            raise ValueError(f"{f.name} must be a model file, URL or file token, not a task id: {value!r}")
        return ref
    if f.input == "task" and not payloads.is_task_id(value):  # a file is not even looked at
        raise ValueError(f"{f.name} must be the id of a Tripo task here, not {value!r}.")
    ref = classify_model(value)
    if f.input == "task" and ref.kind != "task":
        raise ValueError(f"{f.name} must be the id of a Tripo task here, not a {ref.kind}: {value!r}.")
    return ref


def input_refs(route: Route, values: Mapping[str, Any]) -> Refs:
    """Each input of ``values`` classified — local files checked (exist, type, size, pixels) —
    before anything is uploaded or sent. Raises ValueError / FileNotFoundError naming the input."""
    refs: Refs = {}
    for f in route.inputs:
        value = values.get(f.name, f.default)
        if value is None:
            if f.required:
                raise ValueError(f"{f.name} is required: a local file path, an http(s) URL, a file token or a task id.")
            refs[f.name] = None
        elif f.input == "image":
            refs[f.name] = _image_ref(value, f.name)
        elif f.input == "images":
            if isinstance(value, (str, os.PathLike)) or not isinstance(value, Sequence):
                raise ValueError(f"{f.name} must be a list of images (paths, URLs, file tokens or task ids).")
            refs[f.name] = [_image_ref(v, f"{f.name}[{i}]") for i, v in enumerate(value)]
        elif f.input == "views":
            refs[f.name] = (
                value
                if isinstance(value, str)
                else [
                    _image_ref(v, f"{view} view image") if v is not None else None
                    for v, view in zip(payloads.multiview_slots(value), ("front", "left", "back", "right"))
                ]
            )
        else:
            refs[f.name] = _model_ref(f, value)
    return refs


def resolved(values: Mapping[str, Any], refs: Refs, wire: Callable[[InputRef], str]) -> dict[str, Any]:
    """``values`` with each input replaced by what the body carries: ``wire(ref)`` (a URL, token or
    task id; for a local file, its upload's token). ``wire`` is called once per input, in order."""
    out = dict(values)
    for name, ref in refs.items():
        if isinstance(ref, list):
            out[name] = [wire(r) if r is not None else None for r in ref]
        elif isinstance(ref, InputRef):
            out[name] = wire(ref)
    return out


def check(kind: str, params: Mapping[str, Any]) -> None:
    """The one validation before a job is queued, for every caller (console, panel, menu, a raw
    ``JobSpec``): what ``TripoClient.<kind>(**params)`` would refuse before sending — an unknown or
    missing argument (TypeError), a value (ValueError naming it), a local file that is missing
    (FileNotFoundError) or not what it claims — plus a model version or preset this add-on does
    not know (:func:`check_known`). Sends nothing and needs no key: inputs stand in as a
    placeholder token. A kind with no route (following a task) is not checked; one Tripo retired
    is refused."""
    if kind in payloads.RETIRED_TYPES:
        raise payloads.retired(kind)
    route = by_method(kind)
    if route is None:
        return
    refs = input_refs(route, params)
    build(route, resolved(params, refs, lambda ref: ref.wire(PLACEHOLDER_TOKEN)))
    check_known(route, params)


def check_known(route: Route, params: Mapping[str, Any]) -> None:
    """Refuse a model version or preset animation this add-on does not know for ``route``
    (ValueError naming the ones it knows).

    Stricter than the client on purpose: in a script, ``"v3.5"`` for ``"v3.5-20260815"`` or
    ``"preset:moonwalk"`` is a typo far more often than a release newer than the add-on, and the
    typo would only come back later as a failed job. ``tripo.client()`` still sends anything.
    """
    version = params.get(route.version_field)
    if version is not None and route.versions and version not in route.version_ids and version not in route.rewrites:
        raise ValueError(
            f"{route.version_field} {version!r} is not a {route.method} version this add-on knows "
            f"({', '.join(route.version_ids)}); a newer one can be sent with "
            f"tripo.client().{route.method}(...)"
        )
    animations = params.get("animation")
    if route is RETARGET and animations is not None:
        presets = {a.value for a in Animation}
        given = [str(getattr(a, "value", a)) for a in (animations if isinstance(animations, list) else [animations])]
        unknown = [a for a in given if a not in presets]
        if unknown:
            raise ValueError(
                f"unknown preset animation {', '.join(map(repr, unknown))}; presets are "
                f"{', '.join(sorted(presets))} (tripo_blender.client.Animation)"
            )


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
    if task_type in payloads.RETIRED_TYPES:
        raise payloads.retired(task_type)
    path = PATHS.get(task_type)
    if path is None:
        raise TripoValidationError(
            f"Tripo's apiv3 has no task type {task_type!r}; known types: "
            f"{', '.join(sorted(PATHS))}. No request was sent."
        )
    payloads.encode_body(body)  # fail early on values JSON cannot carry
    return Request(path, body)


def signature_problems(route: Route, parameters: Sequence[str], defaults: Mapping[str, Any]) -> list[str]:
    """How a client method's signature differs from its route's record (names, defaults): what
    ``TripoClient`` asserts for each method, as ``bl_pkg`` asserts its manifest table."""
    found = [f"{name} is not a field of {route.task_type}" for name in parameters if not route.has(name)]
    found += [f"{f.name} is missing from the signature" for f in route.fields if f.name not in parameters]
    found += [
        f"{name} defaults to {value!r}, the record says {route.field(name).default!r}"
        for name, value in defaults.items()
        if route.has(name) and value != route.field(name).default
    ]
    return found
