"""The "Generate from prompt" form as plain data: option catalogue, validation and request building.

Why a bpy-free module, outside the ``blender`` package: the same rules serve five callers — the
panel (what to draw, the cost on the button), the panel button's ``poll`` (why it is greyed out),
the scriptable operator (what to report), the console (``tripo.text_to_model``…) and the tests —
and they must never disagree. Everything here takes and returns plain Python values (``values``
is a mapping of the form's property names to their values), so it is imported and tested without
Blender (``tests/client/test_generate_rules.py``) and cannot touch ``bpy`` by accident. What needs
Blender (the form's properties, image slots, the compress probe) stays in ``blender/``.

Every option's facts — default, choices, label, tooltip, range, which versions refuse it, what it
costs — are its field in the generation routes' records (:mod:`..client.routes`); this module adds
only how the *form* presents and combines them:

* The prompt is required for text (its field's length limit); the image for image mode; multiview
  needs the front view plus at least one more, sent as [front, left, back, right].
* The model versions are the route's. An option a version refuses (P1: quad, smart low poly,
  parts and detailed geometry, even when false) is greyed out and never sent; one Tripo's sources
  disagree on (P2 with the same three) is offered and sent, and the panel says so. Face limits
  come from the record (the version's range, quad's 150 k, smart low poly's own);
  ``generate_parts`` needs texture, PBR and quad off; PBR implies texture; orientation "align to
  image" and auto size only work on textured models; detailed geometry is offered for v3.x and
  the P series, not v2.5.
* ``compress`` returns a meshopt GLB that Blender ≤ 5.1 cannot import: refused when the running
  Blender cannot open it, so nobody pays for an unusable file.
* "Image first" (:data:`IMAGE_FIRST_KINDS`): text mode may make a concept image first, multiview
  mode four views of one image; the model is then made from that *task* (its id is the input, no
  second upload), so its options are those of image mode (text) or multiview mode.
* Options that do not apply to the chosen mode or version are neither drawn nor sent; a script
  that sets one explicitly is told so (``explicit``). Generation styles are gone from apiv3: a
  script asking for one is told so rather than silently ignored.
"""

from __future__ import annotations

import ntpath
import os
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ..client import routes, versions
from ..client.schema import Field, Version
from ..jobs import estimate_cost
from ..jobs.kinds import IMAGE_TO_MODEL, IMAGE_TO_MULTIVIEW, MULTIVIEW_TO_MODEL, TEXT_TO_IMAGE, TEXT_TO_MODEL
from .tags import strip_duplicate_suffix

__all__ = [
    "edited_image_name",
    "MODES",
    "MODE_KINDS",
    "VIEWS",
    "input_names",
    "field",
    "items",
    "ModelVersion",
    "MODEL_VERSIONS",
    "NEWEST_VERSION",
    "DEFAULTS",
    "LABELS",
    "RETIRED_OPTIONS",
    "TEXTURE_QUALITY_ITEMS",
    "GEOMETRY_QUALITY_ITEMS",
    "ORIENTATION_ITEMS",
    "TEXTURE_ALIGNMENT_ITEMS",
    "EXPORT_ORIENTATION_ITEMS",
    "NO_EXPORT_ORIENTATION",
    "model_version",
    "applies",
    "refused_options",
    "disputed_options",
    "is_textured",
    "face_limit_range",
    "problems",
    "build_params",
    "estimate",
    "cost_phrase",
    "cost_text",
    "unknown_price_reason",
    "generate_button_text",
    "job_name",
    "IMAGE_FIRST_KINDS",
    "model_mode",
    "image_first_problems",
    "image_first_params",
    "params_from_task",
    "form_from_params",
]

MODES: tuple[str, ...] = ("TEXT", "IMAGE", "MULTIVIEW")
#: The client method (= job kind) each mode calls.
MODE_KINDS: Mapping[str, str] = {
    "TEXT": TEXT_TO_MODEL.name,
    "IMAGE": IMAGE_TO_MODEL.name,
    "MULTIVIEW": MULTIVIEW_TO_MODEL.name,
}
#: Multiview slots in the order the API requires (docs/apiv3.md#generation).
VIEWS: tuple[str, ...] = ("front", "left", "back", "right")


def input_names(mode: str) -> tuple[str, ...]:
    """What each image input of ``mode`` is called in messages, in request order ("image", or
    "front view image"… for multiview): the panel and the console name them alike."""
    return {"IMAGE": ("image",), "MULTIVIEW": tuple(f"{view} view image" for view in VIEWS)}.get(mode, ())


#: The route each mode sends (its fields are the form's options for that mode).
_MODE_ROUTES = {
    mode: route for mode, route in ((m, routes.by_method(k)) for m, k in MODE_KINDS.items()) if route is not None
}
#: Every option of the form, by name: the fields of the three generation routes (one record each).
_FIELDS: Mapping[str, Field] = {f.name: f for route in routes.GENERATION_ROUTES for f in route.fields}
#: The images of image and multiview mode are inputs, not options; a retired option is no form value.
_OPTIONS = tuple(name for name, f in _FIELDS.items() if f.input is None and f.kind != "retired")

#: What the form knows of a model version: its id, label, description, family ("P" for the P
#: series, "H3" for v3.x, "H2" for v2.5) and documented face-limit range (see the route record).
ModelVersion = Version
MODEL_VERSIONS: tuple[ModelVersion, ...] = routes.TEXT_TO_MODEL.versions
_VERSIONS_BY_ID: Mapping[str, ModelVersion] = {v.id: v for v in MODEL_VERSIONS}
#: The version the panel starts with: the newest (the client's own default is the official SDK's).
NEWEST_VERSION: str = routes.TEXT_TO_MODEL.field("model_version").form_default

#: ``export_orientation`` left to Tripo (the client's None: nothing sent).
NO_EXPORT_ORIENTATION = "default"


def field(name: str) -> Field:
    """The record of form option ``name`` (its label, tooltip, choices, range, gates)."""
    return _FIELDS[name]


def _form_value(f: Field) -> Any:
    """A client default in the form's language: an unset number is 0 ("let Tripo decide"), an
    unset text "", an unset choice :data:`NO_EXPORT_ORIENTATION`."""
    if f.default is not None:
        return f.default
    if f.form_default is not None:
        return f.form_default
    return {"int": 0, "text": ""}.get(f.kind, NO_EXPORT_ORIENTATION)


#: Form defaults: the client's documented ones (a script gets what ``TripoClient`` documents), in
#: the form's language. The Blender properties are declared from this table, so the panel, the
#: operator and "was this option changed?" can never disagree. Seeds of 0 mean "random" (unset);
#: a face limit of 0 means "let Tripo decide". The panel's version starts at :data:`NEWEST_VERSION`.
DEFAULTS: Mapping[str, Any] = {"mode": "TEXT", **{name: _form_value(_FIELDS[name]) for name in _OPTIONS}}

#: Human names of the options, used in messages and as property names in the UI.
LABELS: Mapping[str, str] = {"mode": "Mode", **{name: _FIELDS[name].title for name in _OPTIONS}}

#: Client options apiv3 no longer has, and what a script that asks for one is told.
RETIRED_OPTIONS: Mapping[str, str] = {name: f.retired for name, f in _FIELDS.items() if f.kind == "retired"}


def items(f: Field) -> tuple[tuple[str, str, str], ...]:
    """A choice field's ``(identifier, name, description)`` triples: the shape Blender's
    EnumProperty wants. The identifiers are the API's own values, so a script writes what the API
    documentation says."""
    return tuple((c.value, c.name, c.description) for c in f.choices)


TEXTURE_QUALITY_ITEMS = items(_FIELDS["texture_quality"])
GEOMETRY_QUALITY_ITEMS = items(_FIELDS["geometry_quality"])
ORIENTATION_ITEMS = items(_FIELDS["orientation"])
TEXTURE_ALIGNMENT_ITEMS = items(_FIELDS["texture_alignment"])
EXPORT_ORIENTATION_ITEMS: tuple[tuple[str, str, str], ...] = (
    (NO_EXPORT_ORIENTATION, "Default", "Tripo's default facing"),
    *items(_FIELDS["export_orientation"]),
)

_SEEDS = ("image_seed", "model_seed", "texture_seed")
_TEXTURED_ONLY_HINT = "needs a textured model (turn on Texture or PBR)"


def model_version(version_id: str) -> ModelVersion:
    """The catalogue entry of a version id; one the form does not list gets a permissive entry (a
    P-series id still the P series' rules)."""
    return _VERSIONS_BY_ID.get(version_id) or routes.generation_version(version_id)


def applies(name: str, mode: str, version_id: str) -> bool:
    """Whether option ``name`` means anything for ``mode`` and the model version.

    The panel draws only options that apply (the P series' refused options greyed out, with the
    reason) and :func:`build_params` sends only those, so a value left over from another mode or
    version never leaks into a request.
    """
    if name not in _FIELDS:
        return True  # the form's own (its mode)
    route = _MODE_ROUTES.get(mode)
    if route is None or not route.has(name) or name in refused_options(version_id):
        return False
    if name == "geometry_quality":  # the v3.x models' "Ultra"; not offered on v2.5
        return model_version(version_id).family in ("H3", "P")
    return True


def refused_options(version_id: str) -> tuple[str, ...]:
    """The options ``version_id`` refuses outright (a source says so: P1's), for the panel to grey out."""
    return tuple(name for name in _OPTIONS if not _FIELDS[name].offered(version_id))


def disputed_options(version_id: str) -> tuple[str, ...]:
    """The options Tripo's sources disagree on with ``version_id`` (P2's smart low poly, parts and
    detailed geometry): offered and sent; the panel says so."""
    return tuple(
        name
        for name in _OPTIONS
        if any(d.versions is not None and d.applies(True, version_id) for d in _FIELDS[name].disputes)
    )


def is_textured(values: Mapping[str, Any]) -> bool:
    """PBR forces a texture on the server, so either flag means a textured (pricier) model."""
    return bool(values["texture"]) or bool(values["pbr"])


def face_limit_range(values: Mapping[str, Any]) -> tuple[int, int | None]:
    """Allowed face-limit range (inclusive; ``None`` = no documented ceiling) for these options
    (:func:`..client.routes.face_limit_range`)."""
    return routes.face_limit_range(str(values["model_version"]), bool(values["quad"]), bool(values["smart_low_poly"]))


def _merged(values: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with ``values``, so callers may pass only what they know."""
    return {**DEFAULTS, **values}


def _input_problems(mode: str, values: Mapping[str, Any], images: Sequence[bool]) -> list[str]:
    found: list[str] = []
    if mode == "TEXT":
        for name in ("prompt", "negative_prompt"):
            text, limit = str(values[name]), _FIELDS[name].max_chars or len(str(values[name]))
            if len(text) > limit:
                found.append(
                    f"The {LABELS[name].lower()} is {len(text)} characters long; Tripo accepts at most {limit}"
                )
        if not str(values["prompt"]).strip():
            found.insert(0, "Enter a prompt: describe the object to generate")
    elif mode == "IMAGE":
        if not (images and images[0]):
            found.append("Choose an image: a file or a Blender image")
    elif mode == "MULTIVIEW":
        slots = list(images) + [False] * (len(VIEWS) - len(images))
        if not slots[0]:
            found.append("Multiview needs the front view: choose a file or a Blender image for Front")
        elif sum(bool(s) for s in slots) < 2:
            found.append("Multiview needs at least two views: the front plus left, back or right")
    else:
        found.append(f"Unknown mode {mode!r}; use one of {', '.join(MODES)}")
    return found


def _option_problems(
    mode: str, values: Mapping[str, Any], *, compress_supported: bool, blender_version: str
) -> list[str]:
    found: list[str] = []
    version = model_version(values["model_version"])
    textured = is_textured(values)
    refused = [LABELS[name] for name in refused_options(version.id) if values[name] != DEFAULTS[name]]
    if refused:
        found.append(
            f"{version.label} does not support {', '.join(refused)}: turn it off or choose another model version"
        )
    if values["generate_parts"] and (textured or values["quad"]):
        found.append("Generate Parts needs Texture, PBR and Quad Mesh turned off")
    if values["orientation"] == "align_image" and applies("orientation", mode, version.id) and not textured:
        found.append(f"Orientation 'Align to Image' {_TEXTURED_ONLY_HINT}")
    if values["auto_size"] and not textured:
        found.append(f"Auto Size {_TEXTURED_ONLY_HINT}")
    face_limit = int(values["face_limit"])
    if face_limit:
        low, high = face_limit_range(values)
        if face_limit < low or (high is not None and face_limit > high):
            bounds = f"{low:,}–{high:,}" if high is not None else f"at least {low:,}"
            context = (
                "with Smart Low Poly"
                if values["smart_low_poly"] and version.family != "P"
                else f"for model {version.label}{' with Quad Mesh' if values['quad'] else ''}"
            )
            found.append(f"Face limit {face_limit:,} is out of range {context}: {bounds} (0 = automatic)")
    if values["compress"] and not compress_supported:
        found.append(compress_problem(blender_version))
    return found


def compress_problem(blender: str) -> str:
    """Why Compress is refused: ``blender`` is this Blender's version with the probe's reason."""
    return f"Blender {blender} cannot open compressed (meshopt) GLBs; the result would be unusable"


def _explicit_problems(mode: str, values: Mapping[str, Any], explicit: Collection[str]) -> list[str]:
    """A script that sets an option the request cannot carry is told, not silently ignored."""
    found: list[str] = []
    version_id = values["model_version"]
    if (
        "texture_quality" in explicit
        and values["texture_quality"] != DEFAULTS["texture_quality"]
        and not is_textured(values)
    ):
        found.append(f"Texture Quality {_TEXTURED_ONLY_HINT}")
    for name in sorted(explicit):
        if (
            name not in DEFAULTS
            or applies(name, mode, version_id)
            or values[name] == DEFAULTS[name]
            or name in refused_options(version_id)
        ):  # the P series' refusals are reported as such
            continue
        if name == "geometry_quality":
            label = model_version(version_id).label
            found.append(f"Geometry Quality 'Detailed' needs a v3.x model version, not {label}")
        else:
            found.append(f"{LABELS[name]} is not available in {mode.lower()} mode")
    return found


def problems(
    mode: str,
    values: Mapping[str, Any],
    images: Sequence[bool] = (),
    *,
    explicit: Collection[str] = (),
    compress_supported: bool = True,
    blender_version: str = "",
) -> list[str]:
    """Everything that stops this request from being sent, most important first ([] = ready).

    ``images`` says which image slots are filled (one for image mode, [front, left, back, right]
    for multiview); only presence is checked here, files are checked on submit.
    ``explicit`` names options a script set on purpose. ``compress_supported`` is whether the
    running Blender can import meshopt GLBs (:func:`..blender.decoders.gltf_supports_meshopt`).
    """
    merged = _merged(values)
    return [
        *_input_problems(mode, merged, images),
        *_option_problems(mode, merged, compress_supported=compress_supported, blender_version=blender_version),
        *_explicit_problems(mode, merged, explicit),
    ]


def build_params(mode: str, values: Mapping[str, Any], images: Sequence[str | None] = ()) -> tuple[str, dict[str, Any]]:
    """``(kind, params)`` for :class:`JobSpec`: the client method and its keyword arguments.

    ``images`` are local paths (one for image mode, four slots for multiview, ``None`` for an
    empty view); without them the params still price correctly (:func:`estimate`).

    What is sent: the inputs, ``model_version``, ``texture``/``pbr`` (always: they decide the
    price, and PBR implies texture so ``texture`` is sent as true with PBR) and the texture
    quality of textured models. Everything else only when it differs from the default: paid
    add-ons (quad, smart low poly, generate parts) and ``compress`` are never sent as false,
    seeds of 0, face limit 0 and the default facing mean "let Tripo choose", and options that do
    not apply to the mode or version (the P series' refusals among them) are left out.
    """
    merged = _merged(values)
    kind = MODE_KINDS[mode]
    version_id = str(merged["model_version"])
    params: dict[str, Any] = {}
    if mode == "TEXT":
        params["prompt"] = merged["prompt"]
        if str(merged["negative_prompt"]).strip():
            params["negative_prompt"] = merged["negative_prompt"]
    elif mode == "IMAGE" and images:
        params["image"] = images[0]
    elif mode == "MULTIVIEW" and images:
        params["images"] = list(images) + [None] * (len(VIEWS) - len(images))
    textured = is_textured(merged)
    params.update(model_version=version_id, texture=textured, pbr=bool(merged["pbr"]))
    if textured:
        params["texture_quality"] = merged["texture_quality"]
    for name in (
        "geometry_quality",
        "face_limit",
        "quad",
        "smart_low_poly",
        "generate_parts",
        "auto_size",
        "orientation",
        "texture_alignment",
        "enable_image_autofix",
        "export_orientation",
        "export_uv",
        *_SEEDS,
        "compress",
    ):
        value = merged[name]
        if value != DEFAULTS[name] and applies(name, mode, version_id):
            params[name] = value
    return kind, params


def estimate(mode: str, values: Mapping[str, Any]) -> int | None:
    """Estimated credits for the form as it stands (``None``: the price is not published)."""
    return estimate_cost(*build_params(mode, values))


def cost_phrase(cost: int | None) -> str:
    """``≈ 30 credits``, ``free`` (a check, an import), or ``price unknown`` — never 0 for a price
    nobody published (:func:`unknown_price_reason` says why, where there is room for it)."""
    if cost is None:
        return "price unknown"
    return "free" if cost == 0 else f"≈ {cost} credits"


def unknown_price_reason(kind: str, params: Mapping[str, Any]) -> str:
    """Why the price of ``kind`` with ``params`` cannot be known before sending it, exactly.

    Why: "price unknown" alone reads like a bug, and the row later shows what was charged; the
    user deciding whether to click needs to know which choice has no published price (and how
    to get one: pick another model version or quality)."""
    version = str(params.get("model_version") or "")
    quality = str(getattr(params.get("texture_quality"), "value", params.get("texture_quality")) or "")
    if kind in MODE_KINDS.values() and version and versions.is_p_series(version) and not versions.is_p1(version):
        what = f"model {version.split('-')[0]}"
    elif kind in MODE_KINDS.values() and versions.is_p1(version):
        what = "P1 with the chosen options"
    elif quality and quality not in _FIELDS["texture_quality"].values:
        what = f"the {quality.title()} texture quality"
    elif version:
        what = f"model {version.split('-')[0]}"
    elif kind == "retarget_animation":
        return "choose at least one animation"
    else:
        what = "these options"
    return f"Tripo publishes no price for {what}; the row shows the charge when it is done"


def cost_text(kind: str, params: Mapping[str, Any]) -> str:
    """The full cost line of a dialog: the estimate, "free", or "price unknown: <exact reason>"."""
    cost = estimate_cost(kind, params)
    return f"price unknown: {unknown_price_reason(kind, params)}" if cost is None else cost_phrase(cost)


def generate_button_text(cost: int | None) -> str:
    """The Generate button's label: the price is part of the decision to click."""
    return f"Generate ({cost_phrase(cost)})"


_NAME_WORDS = 6
_NAME_CHARS = 40


def job_name(mode: str, prompt: str, image_names: Sequence[str | None] = ()) -> str:
    """A short, recognisable job name: the prompt's first words, or the first image's name.

    It becomes the job's title in the list and the imported collection's name, so it is cut at a
    word boundary and kept short.
    """
    if mode == "TEXT":
        name = ""
        for word in prompt.split()[:_NAME_WORDS]:
            candidate = f"{name} {word}".strip()
            if len(candidate) > _NAME_CHARS:
                break
            name = candidate
        return name or prompt.strip()[:_NAME_CHARS] or "Tripo model"
    for image_name in image_names:
        if image_name:
            stem = os.path.splitext(ntpath.basename(image_name))[0]  # ntpath splits on / and \\
            return stem[:_NAME_CHARS] or "Tripo model"
    return "Tripo model"


def edited_image_name(source: str | None, template: str | None) -> str:
    """An image-to-image result's name: its source's, then the change in brackets — "fox (T-pose)".

    ``source`` is the source image's name or file (None: a token or task id). A source that is
    itself a result ("fox (T-pose)" → Variants) keeps its stem, so names do not grow step by step.
    """
    stem = job_name("IMAGE", "", [strip_duplicate_suffix(source)]) if source else "Tripo image"
    if stem.endswith(")") and " (" in stem:
        stem = stem[: stem.rindex(" (")]
    choice = routes.IMAGE_TO_IMAGE.field("template").choice(template) if template else None
    return f"{stem} ({choice.name if choice is not None else 'edited'})"


#: "Image first": the job that makes what the model is then made from, per form mode.
IMAGE_FIRST_KINDS: Mapping[str, str] = {"TEXT": TEXT_TO_IMAGE.name, "MULTIVIEW": IMAGE_TO_MULTIVIEW.name}


def model_mode(mode: str, image_first: bool) -> str:
    """The mode whose options the model takes: a model made from a concept image is an image → model
    request (orientation, texture alignment, auto-fix apply), whatever the form's mode says."""
    return "IMAGE" if mode == "TEXT" and image_first else mode


def image_first_problems(mode: str, values: Mapping[str, Any], has_image: bool = False) -> list[str]:
    """What stops the image-first step (concept image, four views) from being sent ([] = ready)."""
    if mode == "TEXT":
        return _input_problems("TEXT", _merged(values), ())
    if mode == "MULTIVIEW":
        return [] if has_image else ["Choose the image to turn into four views: a file or a Blender image"]
    return [f"Image first is for text and multiview modes, not {mode.lower()}"]


def image_first_params(mode: str, values: Mapping[str, Any], image: str | None = None) -> tuple[str, dict[str, Any]]:
    """``(kind, params)`` of the image-first step: the prompt (text) or the one image (multiview;
    a local path the worker uploads, or a task id)."""
    kind = IMAGE_FIRST_KINDS[mode]
    if mode == "MULTIVIEW":
        return kind, {"image": image}
    merged = _merged(values)
    params: dict[str, Any] = {"prompt": merged["prompt"]}
    if str(merged["negative_prompt"]).strip():
        params["negative_prompt"] = merged["negative_prompt"]
    return kind, params


def params_from_task(mode: str, values: Mapping[str, Any], task_id: str) -> tuple[str, dict[str, Any]]:
    """``(kind, params)`` of the model made from an image-first task: image → model with the
    concept image's task id as its image, or multiview → model with the four views' task id
    (the client sends ``inputs: [{"task_id": …}]``). Nothing is uploaded again."""
    if mode == "TEXT":
        return build_params("IMAGE", values, [task_id])
    kind, params = build_params("MULTIVIEW", values)
    params["images"] = task_id
    return kind, params


def form_from_params(kind: str, params: Mapping[str, Any]) -> tuple[str, dict[str, Any], list[Any]]:
    """``(mode, values, images)``: the form that sends ``kind`` with ``params`` again — the inverse of
    :func:`build_params`, for "Open Settings in the Panel" of an asset.

    Options the request did not send take their defaults (:func:`build_params` leaves a default
    out); seeds are the ones it sent. ``images`` are the request's image inputs in slot order
    (local paths, or references such as a concept image's task id that the caller decides about).
    Raises ValueError for a kind the form does not make.
    """
    mode = next((m for m, k in MODE_KINDS.items() if k == kind), None)
    if mode is None:
        raise ValueError(f"the generate form does not make {kind} requests")
    values = {**DEFAULTS, "mode": mode}
    for name in DEFAULTS:
        value = params.get(name)
        if name != "mode" and value is not None:
            values[name] = value
    images: list[Any] = []
    if mode == "IMAGE":
        images = [params.get("image")]
    elif mode == "MULTIVIEW":
        given = params.get("images")
        images = list(given) if isinstance(given, (list, tuple)) else [given]
    return mode, values, images
