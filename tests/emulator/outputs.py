"""Which files each task type returns (wire protocol §5.3), built from real assets.

Why real files: the add-on downloads and imports whatever the API returns, so the emulator
serves genuine GLB/FBX/OBJ/STL/ZIP bytes that match the request (textured vs. base model,
rigged, retargeted with animations named after the presets, segmented into named parts,
converted to the asked format). Assets come from ``tests/assets`` (see its LICENSES.md);
the rest is generated. Everything is cached: bytes are immutable and shared between tasks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import archives, fbx, glb, images, schem
from .formats import content_type
from .state import StoredFile, TaskRecord

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"

#: Every task type whose output includes a 3D model (valid sources for rigging etc.).
MODEL_TYPES = frozenset({
    "text_to_model", "image_to_model", "multiview_to_model", "refine_model", "texture_model",
    "import_model", "stylize_model", "convert_model", "mesh_segmentation", "mesh_completion",
    "highpoly_to_lowpoly", "animate_rig", "animate_retarget",
})
RIG_TYPES = ("biped", "quadruped", "hexapod", "octopod", "avian", "serpentine", "aquatic", "others")
DEFAULT_GENERATION_VERSION = "v2.5-20250123"


@dataclass(frozen=True)
class Asset:
    """One downloadable output file; served by the CDN under ``filename``."""

    filename: str
    data: bytes

    @property
    def ext(self) -> str:
        return self.filename.rsplit(".", 1)[-1].lower()

    @property
    def content_type(self) -> str:
        return content_type(self.filename)


OutputValue = Asset | dict[str, Asset] | bool | str
Outputs = dict[str, OutputValue]


@dataclass(frozen=True)
class Context:
    """What an output builder may look at: the request, its source task, resolved inputs, knobs."""

    task_id: str
    body: dict[str, Any]
    source: TaskRecord | None
    files: tuple[StoredFile, ...]
    hints: str
    riggable: bool | None
    rig_type: str | None

    def name(self, stem: str, ext: str) -> str:
        return f"{stem}_{self.task_id}.{ext}"


# --------------------------------------------------------------------------- cached bytes


@cache
def asset_bytes(relative: str) -> bytes:
    """A file from ``tests/assets``."""
    return (ASSETS_DIR / relative).read_bytes()


@cache
def _rigged_glb() -> bytes:
    return glb.without_animations(asset_bytes("Fox.glb"))


@cache
def _skeleton_takes(names: tuple[str, ...]) -> bytes:
    return fbx.keep_takes(asset_bytes("Skeleton.fbx"), list(names))


@cache
def _static_fbx() -> bytes:
    return fbx.static_meshes(asset_bytes("Skeleton.fbx"))


@cache
def _retarget_glb(names: tuple[str, ...]) -> bytes:
    return glb.with_animations(asset_bytes("Fox.glb"), [(n, _fox_clip_for(n)) for n in names])


_cube = cache(glb.cube)
_segmented = cache(glb.segmented)
_thumbnail = cache(images.png)
_obj_bundle = cache(lambda: archives.obj_bundle(ASSETS_DIR / "obj_cow"))
_usdz = cache(archives.usdz)
_three_mf = cache(archives.three_mf)
_schematic = cache(schem.schematic)


# --------------------------------------------------------------------------- helpers


def animation_name(preset: str) -> str:
    """The animation name for a preset: ``preset:walk`` -> ``walk``, ``preset:quadruped:walk`` -> ``quadruped_walk``."""
    return preset.removeprefix("preset:").replace(":", "_")


def requested_presets(body: dict[str, Any]) -> list[str]:
    """Retarget presets in request order (``animation`` or ``animations``), duplicates removed."""
    animations = body.get("animations")
    presets: list[Any] = animations if isinstance(animations, list) else [body.get("animation")]
    return list(dict.fromkeys(str(p) for p in presets if p))


def _fox_clip_for(name: str) -> str:
    """Which of Fox's clips (Survey/Walk/Run) stands in for a preset."""
    if re.search(r"run|jump|fall|dive|slash|shoot", name):
        return "Run"
    if re.search(r"walk|march|climb|turn", name):
        return "Walk"
    return "Survey"


def _chain(task: TaskRecord | None) -> list[TaskRecord]:
    found = []
    while task is not None:
        found.append(task)
        task = task.source
    return found


def _model_asset(outputs: Any) -> Asset | None:
    """The first downloadable 3D model among a task's outputs (pbr_model -> model -> base_model)."""
    for key in ("pbr_model", "model", "base_model"):
        value = outputs.get(key)
        if isinstance(value, Asset):
            return value
    return None


def _with_thumbnail(key: str, asset: Asset) -> Outputs:
    return {key: asset, "rendered_image": Asset("rendered_image.png", _thumbnail())}


def _textured_key(body: dict[str, Any]) -> str:
    """``pbr_model`` unless pbr=false; then ``model`` when textured, else ``base_model``."""
    if body.get("pbr", True) is not False:
        return "pbr_model"
    return "model" if body.get("texture", True) is not False else "base_model"


# --------------------------------------------------------------------------- per task type


def _generation(ctx: Context) -> Outputs:
    body = ctx.body
    version = str(body.get("model_version", DEFAULT_GENERATION_VERSION))
    key = _textured_key(body)
    stem = f"tripo_{key}"
    if version.startswith("v1."):  # v1.x drafts came back as `model` named tripo_draft_*
        key, stem = "model", "tripo_draft"
    if body.get("quad") is True:
        return _with_thumbnail(key, Asset(ctx.name(stem, "fbx"), _static_fbx()))
    if body.get("generate_parts") is True:
        data = _segmented()
    else:
        data = asset_bytes("portal.glb") if key != "base_model" else _cube()
    return _with_thumbnail(key, Asset(ctx.name(stem, "glb"), data))


def _texture(ctx: Context) -> Outputs:
    key = "pbr_model" if ctx.body.get("pbr", True) is not False else "model"
    return _with_thumbnail(key, Asset(ctx.name(f"tripo_{key}", "glb"), asset_bytes("portal.glb")))


def _refine(ctx: Context) -> Outputs:
    return _with_thumbnail("model", Asset(ctx.name("tripo_refine", "glb"), asset_bytes("portal.glb")))


def _import(ctx: Context) -> Outputs:
    uploaded = ctx.files[0] if ctx.files else None
    data = uploaded.data if uploaded is not None and uploaded.data else asset_bytes("portal.glb")
    ext = uploaded.kind if uploaded is not None and uploaded.kind else "glb"
    return {"model": Asset(ctx.name("tripo_import", ext), data)}


def _prerigcheck(ctx: Context) -> Outputs:
    riggable = ctx.riggable if ctx.riggable is not None else not re.search(r"\brocks?\b|\bstones?\b", ctx.hints)
    if not riggable:
        return {"riggable": False, "rig_type": "others"}
    return {"riggable": True, "rig_type": ctx.rig_type or _guess_rig_type(ctx.hints)}


def _guess_rig_type(hints: str) -> str:
    for pattern, rig_type in (
        (r"fox|dog|cat|horse|wolf|cow|quadruped", "quadruped"),
        (r"bird|eagle|owl|avian", "avian"),
        (r"snake|serpent|worm", "serpentine"),
        (r"fish|shark|whale|dolphin", "aquatic"),
        (r"spider|octopus", "octopod"),
        (r"insect|ant|beetle", "hexapod"),
    ):
        if re.search(pattern, hints):
            return rig_type
    return "biped"


def _rig(ctx: Context) -> Outputs:
    if ctx.body.get("out_format") == "fbx":
        return {"model": Asset(ctx.name("tripo_rig", "fbx"), _skeleton_takes(()))}
    return {"model": Asset(ctx.name("tripo_rig", "glb"), _rigged_glb())}


def _retarget(ctx: Context) -> Outputs:
    names = tuple(animation_name(p) for p in requested_presets(ctx.body))
    if ctx.body.get("out_format") == "fbx":
        return {"model": Asset(ctx.name("tripo_retarget", "fbx"), _skeleton_takes(names))}
    return {"model": Asset(ctx.name("tripo_retarget", "glb"), _retarget_glb(names))}


def _stylize(ctx: Context) -> Outputs:
    if ctx.body.get("style") == "minecraft":
        return {"model": Asset(ctx.name("tripo_stylize", "schem"), _schematic())}
    return {"model": Asset(ctx.name("tripo_stylize", "glb"), _cube("stylized_model"))}


def _convert(ctx: Context) -> Outputs:
    fmt = str(ctx.body.get("format", "")).upper()
    base = next((t for t in _chain(ctx.source) if t.type != "convert_model"), None)
    stem = "tripo_convert"
    if fmt == "FBX":
        return {"model": Asset(ctx.name(stem, "fbx"), _fbx_of(base, ctx.body.get("with_animation", True)))}
    if fmt == "GLTF":
        source_glb = _model_asset(base.outputs) if base is not None else None
        data = source_glb.data if source_glb is not None and source_glb.ext == "glb" else asset_bytes("portal.glb")
        return {"model": Asset(ctx.name(stem, "glb"), data)}
    makers: dict[str, tuple[str, Callable[[], bytes]]] = {
        "OBJ": ("zip", _obj_bundle),
        "STL": ("stl", lambda: asset_bytes("Wuson.stl")),
        "USDZ": ("usdz", _usdz),
        "3MF": ("3mf", _three_mf),
    }
    ext, make = makers[fmt]
    return {"model": Asset(ctx.name(stem, ext), make())}


def _fbx_of(base: TaskRecord | None, with_animation: Any) -> bytes:
    """FBX for a conversion: animated takes for a retarget source, the bare rig for a rig, else a static mesh."""
    if base is not None and base.type == "animate_retarget" and with_animation is not False:
        return _skeleton_takes(tuple(animation_name(p) for p in requested_presets(base.input)))
    if base is not None and base.type in ("animate_rig", "animate_retarget"):
        return _skeleton_takes(())
    return _static_fbx()


def _segmentation(ctx: Context) -> Outputs:
    stem = "tripo_segmentation" if ctx.body["type"] == "mesh_segmentation" else "tripo_completion"
    return {"model": Asset(ctx.name(stem, "glb"), _segmented())}


def _lowpoly(ctx: Context) -> Outputs:
    if ctx.body.get("quad") is True:
        return {"model": Asset(ctx.name("tripo_lowpoly", "fbx"), _static_fbx())}
    return {"model": Asset(ctx.name("tripo_lowpoly", "glb"), asset_bytes("portal.glb"))}


def _image(ctx: Context) -> Outputs:
    return {"generated_image": Asset(ctx.name("tripo_image", "png"), _thumbnail(256, 256))}


_VIEW_TINTS = {"front": (200, 90, 90), "left": (90, 200, 90), "back": (90, 90, 200), "right": (200, 200, 90)}


def _multiview_images(ctx: Context) -> Outputs:
    views = {f"{view}_view_url": Asset(ctx.name(f"tripo_{view}_view", "png"), _thumbnail(256, 256, tint))
             for view, tint in _VIEW_TINTS.items()}
    return {"generate_multiview_image": views}


BUILDERS: dict[str, Callable[[Context], Outputs]] = {
    "text_to_model": _generation,
    "image_to_model": _generation,
    "multiview_to_model": _generation,
    "refine_model": _refine,
    "texture_model": _texture,
    "import_model": _import,
    "animate_prerigcheck": _prerigcheck,
    "animate_rig": _rig,
    "animate_retarget": _retarget,
    "stylize_model": _stylize,
    "convert_model": _convert,
    "mesh_segmentation": _segmentation,
    "mesh_completion": _segmentation,
    "highpoly_to_lowpoly": _lowpoly,
    "text_to_image": _image,
    "generate_image": _image,
    "generate_multiview_image": _multiview_images,
    "edit_multiview_image": _multiview_images,
}


def build(ctx: Context) -> Outputs:
    """The ``output`` of a successful task of ``ctx.body["type"]`` (assets not yet signed)."""
    return BUILDERS[ctx.body["type"]](ctx)


def hints_for(body: dict[str, Any], files: tuple[StoredFile, ...], source: TaskRecord | None) -> str:
    """Lower-case text describing what the task is about: prompts, URLs and file names, source chain included."""
    parts: list[str] = [source.hints] if source is not None else []
    texture_prompt = body.get("texture_prompt")
    for text in (body.get("prompt"), texture_prompt.get("text") if isinstance(texture_prompt, dict) else None):
        if isinstance(text, str):
            parts.append(text)
    parts += [f.filename for f in files]
    parts += _urls(body)
    return " ".join(parts).lower()


def _urls(value: Any) -> list[str]:
    """Every ``url`` string inside a request body (file objects may be nested)."""
    if isinstance(value, dict):
        own = [value["url"]] if isinstance(value.get("url"), str) else []
        return own + [u for v in value.values() for u in _urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in _urls(v)]
    return []


def assets_of(outputs: Outputs) -> dict[str, Asset]:
    """Every downloadable file of a task by file name (what the CDN can serve for it)."""
    found: dict[str, Asset] = {}
    for value in outputs.values():
        for item in value.values() if isinstance(value, dict) else [value]:
            if isinstance(item, Asset):
                found[item.filename] = item
    return found
