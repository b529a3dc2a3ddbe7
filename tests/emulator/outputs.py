"""Which files each task type returns (docs/apiv3.md#outputs), built from real assets.

Why real files: the add-on downloads and imports whatever the API returns, so the emulator
serves genuine GLB/FBX/OBJ/STL/ZIP bytes that match the request (textured vs. base model,
rigged, retargeted with animations named after the presets, segmented into named parts,
converted to the asked format, the uploaded file itself for an import). Assets come from
``tests/assets`` (see its LICENSES.md); the rest is generated. Everything is cached: bytes are
immutable and shared between tasks.

apiv3 collapses every model output into one ``model_url`` (its extension says the format);
model generation and texturing add a ``rendered_image_url``; multiview images come both nested
under ``generate_multiview_image`` and as the four top-level ``*_view_url`` keys. A retarget of
an ``animations`` list may instead answer ``model_urls``, one file per animation in request order
(Tripo's JS/Go/Rust SDKs; docs/sources.md#retarget-outputs): :data:`RETARGET_FILES` are the shapes served.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import archives, fbx, glb, images, splat
from .formats import content_type
from .state import StoredFile, TaskRecord

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
#: A Draco-compressed GLB (``KHR_draco_mesh_compression`` required): what Tripo returns for image,
#: multiview and segmentation tasks, and what Blenders without the decoder cannot open.
DRACO_ASSET = "sphere.draco.glb"


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


OutputValue = Asset | dict[str, Asset] | list[Asset] | bool | str
Outputs = dict[str, OutputValue]

#: How a retarget of an ``animations`` list (even of one) answers: ``model_url`` (one file with
#: every animation, the Python SDK's reading), ``model_urls`` (one file per animation, no
#: ``model_url``) or ``both`` (``model_urls`` plus a ``model_url`` file bundling every animation,
#: so a client that fetched both would land each animation twice). ``animation`` (one, not a
#: list) always answers ``model_url``.
RETARGET_FILES = ("model_url", "model_urls", "both")


@dataclass(frozen=True)
class Context:
    """What an output builder may look at: the request, its source task, resolved uploads, knobs."""

    task_id: str
    task_type: str
    body: dict[str, Any]  # with original_model_task_id read as input
    source: TaskRecord | None
    files: tuple[StoredFile, ...]
    hints: str
    riggable: bool | None
    rig_type: str | None
    retarget_files: str = "model_url"  # one of RETARGET_FILES
    compression: str | None = None  # "draco": model GLBs come Draco-compressed (Store.glb_compression)
    splat_format: str = "ply"  # one of splat.FORMATS: what an image-to-splat task returns
    edit_views: str = "all"  # variants.EDIT_MULTIVIEW_SHAPES: every view of an edit, or only the edited ones

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
_picture = cache(images.png)
_obj_bundle = cache(lambda: archives.obj_bundle(ASSETS_DIR / "obj_cow"))
_usdz = cache(archives.usdz)
_three_mf = cache(archives.three_mf)
_splat = cache(splat.make)


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


def _with_render(ctx: Context, model: Asset) -> Outputs:
    return {"model_url": model, "rendered_image_url": Asset(ctx.name("rendered_image", "png"), _picture())}


def _image(ctx: Context, stem: str, tint: tuple[int, int, int] = (90, 140, 220)) -> Asset:
    return Asset(ctx.name(stem, "png"), _picture(256, 256, tint))


# --------------------------------------------------------------------------- per task type


def _generation(ctx: Context) -> Outputs:
    body = ctx.body
    if body.get("pbr", True) is not False:
        stem, data = "tripo_pbr_model", asset_bytes("portal.glb")
    elif body.get("texture", True) is not False:
        stem, data = "tripo_model", asset_bytes("portal.glb")
    else:
        stem, data = "tripo_base_model", _cube()
    if body.get("quad") is True:  # quad topology comes as FBX
        return _with_render(ctx, Asset(ctx.name(stem, "fbx"), _static_fbx()))
    if body.get("generate_parts") is True:
        data = _segmented()
    if body.get("compress") == "geometry":  # Tripo's compress: a meshopt-compressed GLB (gltfpack -c)
        data = asset_bytes("Fox.meshopt.glb")
    elif ctx.compression == "draco":
        data = asset_bytes(DRACO_ASSET)
    return _with_render(ctx, Asset(ctx.name(stem, "glb"), data))


def _texture(ctx: Context) -> Outputs:
    stem = "tripo_pbr_model" if ctx.body.get("pbr", True) is not False else "tripo_model"
    return _with_render(ctx, Asset(ctx.name(stem, "glb"), asset_bytes("portal.glb")))


def _import(ctx: Context) -> Outputs:
    uploaded = ctx.files[0] if ctx.files else None
    if uploaded is None or not uploaded.data or not uploaded.kind:  # a URL: the emulator never fetches it
        return {"model_url": Asset(ctx.name("tripo_import", "glb"), asset_bytes("portal.glb"))}
    return {"model_url": Asset(ctx.name("tripo_import", uploaded.kind), uploaded.data)}


def _rig_check(ctx: Context) -> Outputs:
    riggable = ctx.riggable if ctx.riggable is not None else not re.search(r"\brocks?\b|\bstones?\b", ctx.hints)
    rig_type = (ctx.rig_type or _guess_rig_type(ctx.hints)) if riggable else "others"
    # sources disagree on the key (rig_type vs topology, docs/sources.md#rig-check-skeleton): send both
    return {"riggable": riggable, "rig_type": rig_type, "topology": rig_type}


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
        return {"model_url": Asset(ctx.name("tripo_rig", "fbx"), _skeleton_takes(()))}
    return {"model_url": Asset(ctx.name("tripo_rig", "glb"), _rigged_glb())}


def _retarget(ctx: Context) -> Outputs:
    """One model with every requested animation (named after its preset), whatever their number;
    or, for an ``animations`` list as :attr:`Context.retarget_files` says, one file per animation."""
    names = tuple(animation_name(p) for p in requested_presets(ctx.body))
    every = _retarget_file(ctx, "tripo_retarget", names)
    if ctx.retarget_files == "model_url" or not isinstance(ctx.body.get("animations"), list):
        return {"model_url": every}
    per_animation = [_retarget_file(ctx, f"tripo_retarget_{name}", (name,)) for name in names]
    return {"model_urls": per_animation, **({"model_url": every} if ctx.retarget_files == "both" else {})}


def _retarget_file(ctx: Context, stem: str, names: tuple[str, ...]) -> Asset:
    if ctx.body.get("out_format") == "fbx":
        return Asset(ctx.name(stem, "fbx"), _skeleton_takes(names))
    return Asset(ctx.name(stem, "glb"), _retarget_glb(names))


def _model_asset(task: TaskRecord | None) -> Asset | None:
    """A task's model file (the first of several)."""
    value = task.outputs.get("model_url") or task.outputs.get("model_urls") if task is not None else None
    value = value[0] if isinstance(value, list) and value else value
    return value if isinstance(value, Asset) else None


def _convert(ctx: Context) -> Outputs:
    fmt = str(ctx.body.get("format", "")).upper()
    base = next((t for t in _chain(ctx.source) if t.type != "convert_model"), None)
    stem = "tripo_convert"
    if fmt == "FBX":
        return {"model_url": Asset(ctx.name(stem, "fbx"), _fbx_of(base, ctx.body.get("with_animation", True)))}
    if fmt in ("GLTF", "GLB"):  # GLB: Tripo's JS, Go and Rust SDKs list it
        source_glb = _model_asset(base)
        data = source_glb.data if source_glb is not None and source_glb.ext == "glb" else asset_bytes("portal.glb")
        return {"model_url": Asset(ctx.name(stem, "glb"), data)}
    makers: dict[str, tuple[str, Callable[[], bytes]]] = {
        "OBJ": ("zip", _obj_bundle),
        "STL": ("stl", lambda: asset_bytes("Wuson.stl")),
        "USDZ": ("usdz", _usdz),
        "3MF": ("3mf", _three_mf),
    }
    ext, make = makers[fmt]
    return {"model_url": Asset(ctx.name(stem, ext), make())}


def _fbx_of(base: TaskRecord | None, with_animation: Any) -> bytes:
    """FBX for a conversion: animated takes for a retarget source, the bare rig for a rig, else a static mesh."""
    if base is not None and base.type == "animate_retarget" and with_animation is not False:
        return _skeleton_takes(tuple(animation_name(p) for p in requested_presets(base.input)))
    if base is not None and base.type in ("animate_rig", "animate_retarget"):
        return _skeleton_takes(())
    return _static_fbx()


def _segmentation(ctx: Context) -> Outputs:
    stem = "tripo_completion" if ctx.task_type == "mesh_completion" else "tripo_segmentation"
    data = asset_bytes(DRACO_ASSET) if ctx.compression == "draco" else _segmented()
    return {"model_url": Asset(ctx.name(stem, "glb"), data)}


def _decimate(ctx: Context) -> Outputs:
    if ctx.body.get("quad") is True:
        return {"model_url": Asset(ctx.name("tripo_lowpoly", "fbx"), _static_fbx())}
    return {"model_url": Asset(ctx.name("tripo_lowpoly", "glb"), asset_bytes("portal.glb"))}


def _uv(ctx: Context) -> Outputs:
    return {
        "model_url": Asset(ctx.name("tripo_uv", "glb"), asset_bytes("portal.glb")),
        "uv_render_url": _image(ctx, "tripo_uv_render", (230, 230, 230)),
    }


def _generated_image(ctx: Context) -> Outputs:
    return {"generated_image_url": _image(ctx, "tripo_image")}


_VIEW_TINTS = {"front": (200, 90, 90), "left": (90, 200, 90), "back": (90, 90, 200), "right": (200, 200, 90)}


def _multiview_images(ctx: Context) -> Outputs:
    views = {f"{view}_view_url": _image(ctx, f"tripo_{view}_view", tint) for view, tint in _VIEW_TINTS.items()}
    return {"generate_multiview_image": views, **views}


#: The colour of a view an edit changed: each view its own, none of the views' tints.
_EDITED_TINTS = {"front": (250, 40, 140), "left": (40, 250, 200), "back": (140, 40, 250), "right": (250, 140, 40)}


def _edited_views(ctx: Context) -> Outputs:
    """An edit's views: the prompted ones in a colour of their own, the others as the source task
    had them — all four, or (``edit_views == "edited"``) only the edited ones."""
    prompted = {p.get("view") for p in ctx.body.get("prompts", ()) if isinstance(p, dict)}
    source = ctx.source.outputs if ctx.source is not None else {}
    views: dict[str, Asset] = {}
    for view, tint in _VIEW_TINTS.items():
        key = f"{view}_view_url"
        if view in prompted:
            views[key] = _image(ctx, f"tripo_{view}_view_edited", _EDITED_TINTS[view])
        elif ctx.edit_views == "all":
            kept = source.get(key)
            views[key] = kept if isinstance(kept, Asset) else _image(ctx, f"tripo_{view}_view", tint)
    return {"generate_multiview_image": views, **views}


def _splat_output(ctx: Context) -> Outputs:
    ext, data = _splat(ctx.splat_format)
    return {"splat_url": Asset(ctx.name("tripo_splat", ext), data)}


def _depth(ctx: Context) -> Outputs:
    tint = (255, 160, 60) if ctx.body.get("kind") == "color" else (200, 200, 200)
    return {"depth_image_url": _image(ctx, "tripo_depth", tint)}


BUILDERS: dict[str, Callable[[Context], Outputs]] = {
    "text_to_model": _generation,
    "image_to_model": _generation,
    "multiview_to_model": _generation,
    "texture_model": _texture,
    "import_model": _import,
    "animate_prerigcheck": _rig_check,
    "animate_rig": _rig,
    "animate_retarget": _retarget,
    "convert_model": _convert,
    "mesh_segmentation": _segmentation,
    "smart_segment": _segmentation,
    "mesh_completion": _segmentation,
    "highpoly_to_lowpoly": _decimate,
    "mesh_uv": _uv,
    "text_to_image": _generated_image,
    "generate_image": _generated_image,
    "generate_multiview_image": _multiview_images,
    "edit_multiview_image": _edited_views,
    "image_to_splat": _splat_output,
    "image_to_depth": _depth,
}


def build(ctx: Context) -> Outputs:
    """The ``output`` of a successful task of ``ctx.task_type`` (assets not yet signed)."""
    return BUILDERS[ctx.task_type](ctx)


def hints_for(body: dict[str, Any], files: tuple[StoredFile, ...], sources: tuple[TaskRecord, ...]) -> str:
    """Lower-case text describing what the task is about: prompts, URLs and file names, sources included."""
    parts: list[str] = [source.hints for source in sources]
    texture_prompt = body.get("texture_prompt")
    for text in (body.get("prompt"), texture_prompt.get("text") if isinstance(texture_prompt, dict) else None):
        if isinstance(text, str):
            parts.append(text)
    parts += [f.name for f in files]
    parts += _urls(body)
    return " ".join(parts).lower()


def _urls(value: Any) -> list[str]:
    """Every http(s) input string inside a request body (inputs may be nested)."""
    if isinstance(value, str):
        return [value] if value.startswith(("http://", "https://")) else []
    if isinstance(value, dict):
        return [u for v in value.values() for u in _urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in _urls(v)]
    return []


def assets_of(outputs: Outputs) -> dict[str, Asset]:
    """Every downloadable file of a task by file name (what the CDN can serve for it)."""
    found: dict[str, Asset] = {}
    for value in outputs.values():
        for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]:
            if isinstance(item, Asset):
                found[item.filename] = item
    return found
