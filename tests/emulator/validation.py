"""POST /task validation, in the order of wire protocol §7.3, with the real error codes.

Why an explicit order: a client's error handling is only tested honestly if the emulator
reports the *first* problem the real service would report (bad JSON before unknown type before
missing fields before model version before source task before files); concurrency (2000) and
credits (2010) come last and live in :meth:`.state.Store.create_task`.

Unknown extra fields are tolerated (the service ignores them) — notably the SDK v0.3.0's
top-level ``text_prompt``/``image_prompt`` on ``texture_model``: only ``texture_prompt`` counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError
from .formats import IMAGE_KINDS, MODEL_KINDS
from .outputs import MODEL_TYPES
from .state import Account, Store, StoredFile, TaskRecord

Check = Callable[[Any], bool]
Rule = Callable[[dict[str, Any]], str | None]

MAX_PROMPT = 1024
#: The docs say 255 for negative_prompt, the schemas 1024; the emulator accepts the larger.
MAX_NEGATIVE_PROMPT = 1024
MAX_RETARGET_ANIMATIONS = 5
PRESET = re.compile(r"^preset:[a-z0-9_]+(:[a-z0-9_]+)?$")


# --------------------------------------------------------------------------- field checks


def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _int(low: int | None = None, high: int | None = None) -> Check:
    def check(value: Any) -> bool:
        return (isinstance(value, int) and not isinstance(value, bool)
                and (low is None or value >= low) and (high is None or value <= high))
    return check


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(max_len: int, allow_empty: bool = False) -> Check:
    def check(value: Any) -> bool:
        return isinstance(value, str) and (allow_empty or value.strip() != "") and len(value) <= max_len
    return check


def _enum(*allowed: str) -> Check:
    return lambda value: value in allowed


def _nullable(check: Check) -> Check:
    """For fields the SDK sends as JSON null (``spec: null`` in animate_rig)."""
    return lambda value: value is None or check(value)


def _str_list(max_items: int | None = None) -> Check:
    def check(value: Any) -> bool:
        return (isinstance(value, list) and all(isinstance(v, str) for v in value)
                and (max_items is None or len(value) <= max_items))
    return check


def is_file_object(value: Any, allow_empty: bool = False) -> bool:
    """Exactly one of ``file_token`` / ``url`` (http(s), not fetched) / ``object{bucket,key}``."""
    if not isinstance(value, dict):
        return False
    if not value:
        return allow_empty
    if "type" in value and not isinstance(value["type"], str):
        return False
    present = [k for k in ("file_token", "url", "object") if k in value]
    if len(present) != 1:
        return False
    ref = value[present[0]]
    if present[0] == "file_token":
        return isinstance(ref, str) and ref != ""
    if present[0] == "url":
        return isinstance(ref, str) and ref.startswith(("http://", "https://"))
    return isinstance(ref, dict) and isinstance(ref.get("bucket"), str) and isinstance(ref.get("key"), str)


def _file(value: Any) -> bool:
    return is_file_object(value)


def _multiview(value: Any) -> bool:
    """4 slots [front, left, back, right]; ``{}`` for a missing view; front and >= 2 views present."""
    if not isinstance(value, list) or len(value) != 4:
        return False
    if not all(is_file_object(v, allow_empty=True) for v in value):
        return False
    return bool(value[0]) and sum(1 for v in value if v) >= 2


def _files_list(value: Any) -> bool:
    return isinstance(value, list) and 0 < len(value) <= 10 and all(is_file_object(v) for v in value)


def _texture_prompt(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    checks: dict[str, Check] = {"text": _text(MAX_PROMPT), "image": _file, "images": _multiview, "style_image": _file}
    if any(k in value and not check(value[k]) for k, check in checks.items()):
        return False
    return sum(1 for k in ("text", "image", "images") if k in value) <= 1


def _preset(value: Any) -> bool:
    return isinstance(value, str) and PRESET.match(value) is not None


def _presets(value: Any) -> bool:
    return (isinstance(value, list) and 0 < len(value) <= MAX_RETARGET_ANIMATIONS
            and all(_preset(v) for v in value))


def _view_prompts(value: Any) -> bool:
    views = ("front", "left", "back", "right")
    return isinstance(value, list) and len(value) > 0 and all(
        isinstance(p, dict) and p.get("view") in views and _text(MAX_PROMPT)(p.get("prompt")) for p in value)


# --------------------------------------------------------------------------- rules needing several fields


_P1_FORBIDDEN = ("quad", "smart_low_poly", "generate_parts", "geometry_quality")


def _generation_rules(body: dict[str, Any]) -> str | None:
    untextured = body.get("texture") is False and body.get("pbr") is False
    if str(body.get("model_version", "")).startswith("P1-"):
        sent = [f for f in _P1_FORBIDDEN if f in body]
        if sent:
            return f"P1 models do not accept {', '.join(sent)}"
    if body.get("generate_parts") is True and not (untextured and body.get("quad") is not True):
        return "generate_parts needs texture=false, pbr=false and quad=false"
    if untextured and body.get("texture_quality") == "standard":
        return "texture_quality=standard cannot be combined with texture=false and pbr=false"
    return None


def _retarget_rules(body: dict[str, Any]) -> str | None:
    if ("animation" in body) == ("animations" in body):
        return "send exactly one of animation / animations"
    return None


def _lowpoly_rules(body: dict[str, Any]) -> str | None:
    if body.get("quad") is True and isinstance(body.get("face_limit"), int) and body["face_limit"] > 10000:
        return "face_limit must be <= 10000 with quad"
    return None


def _import_rules(body: dict[str, Any]) -> str | None:
    return None if "object" in body.get("file", {}) else "import_model takes a file.object (STS upload) only"


# --------------------------------------------------------------------------- per-type specs


@dataclass(frozen=True)
class Versions:
    allowed: frozenset[str]
    deprecated: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Spec:
    """How to validate one task type."""

    required: tuple[str, ...] = ()
    fields: Mapping[str, Check] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    versions: Versions | None = None
    source_field: str | None = None
    source_types: frozenset[str] = frozenset()
    wrong_source: int = 2006
    source_rule: Callable[[TaskRecord], int | None] | None = None


_GEN_VERSIONS = frozenset({"P1-20260311", "v3.1-20260211", "v3.0-20250812", "v2.5-20250123",
                           "v2.0-20240919", "Turbo-v1.0-20250506", "v1.4-20240625"})
_GEN_DEPRECATED = frozenset({"v1.3-20240522"})

_GENERATION_FIELDS: dict[str, Check] = {
    "model_version": _text(64), "face_limit": _int(1, 2_000_000), "texture": _bool, "pbr": _bool,
    "model_seed": _int(0), "texture_seed": _int(0), "image_seed": _int(0),
    "texture_quality": _enum("standard", "detailed", "extreme"), "geometry_quality": _enum("standard", "detailed"),
    "style": _text(64), "auto_size": _bool, "quad": _bool, "compress": _enum("geometry"),
    "smart_low_poly": _bool, "generate_parts": _bool, "export_uv": _bool,
}
_IMAGE_INPUT_FIELDS: dict[str, Check] = {
    **_GENERATION_FIELDS, "texture_alignment": _enum("original_image", "geometry"),
    "orientation": _enum("default", "align_image"), "enable_image_autofix": _bool,
}
_SOURCE = {"original_model_task_id": _text(64)}
_EDITABLE = frozenset({"text_to_model", "image_to_model", "multiview_to_model", "texture_model",
                       "refine_model", "import_model"})
_OUT_FORMAT = _enum("glb", "fbx")


def _texture_source_rule(source: TaskRecord) -> int | None:
    """texture_model needs a Turbo or >= v2.0 model; v1.x drafts are not supported."""
    return 2006 if str(source.input.get("model_version", "")).startswith("v1.") else None


def _refine_source_rule(source: TaskRecord) -> int | None:
    """refine_model only works on v1.x drafts (>= v2.0 is unsupported, so 2006 in practice)."""
    return None if str(source.input.get("model_version", "")).startswith("v1.") else 2006


def _retarget_source_rule(source: TaskRecord) -> int | None:
    """A mixamo-spec rig cannot be retargeted."""
    return 2006 if source.input.get("spec") == "mixamo" else None


SPECS: dict[str, Spec] = {
    "text_to_model": Spec(
        required=("prompt",),
        fields={**_GENERATION_FIELDS, "prompt": _text(MAX_PROMPT), "negative_prompt": _text(MAX_NEGATIVE_PROMPT, True)},
        rules=(_generation_rules,), versions=Versions(_GEN_VERSIONS, _GEN_DEPRECATED)),
    "image_to_model": Spec(
        required=("file",), fields={**_IMAGE_INPUT_FIELDS, "file": _file},
        rules=(_generation_rules,), versions=Versions(_GEN_VERSIONS, _GEN_DEPRECATED)),
    "multiview_to_model": Spec(
        required=("files",), fields={**_IMAGE_INPUT_FIELDS, "files": _multiview, "orthographic_projection": _bool},
        rules=(_generation_rules,),
        versions=Versions(_GEN_VERSIONS - {"Turbo-v1.0-20250506", "v1.4-20240625"}, _GEN_DEPRECATED)),
    "refine_model": Spec(
        required=("draft_model_task_id",), fields={"draft_model_task_id": _text(64)},
        source_field="draft_model_task_id",
        source_types=frozenset({"text_to_model", "image_to_model", "multiview_to_model"}),
        source_rule=_refine_source_rule),
    "texture_model": Spec(
        required=("original_model_task_id",),
        fields={**_SOURCE, "texture_prompt": _texture_prompt, "texture": _bool, "pbr": _bool,
                "texture_quality": _enum("standard", "detailed", "extreme"),
                "texture_alignment": _enum("original_image", "geometry"), "texture_seed": _int(0),
                "part_names": _str_list(), "compress": _enum("geometry"), "bake": _bool, "model_version": _text(64)},
        versions=Versions(frozenset({"v2.5-20250123", "v3.0-20250812"}), frozenset({"v2.0-20240919"})),
        source_field="original_model_task_id",
        source_types=frozenset({"text_to_model", "image_to_model", "multiview_to_model", "texture_model",
                                "import_model"}),
        source_rule=_texture_source_rule),
    "animate_prerigcheck": Spec(
        required=("original_model_task_id",), fields=_SOURCE,
        source_field="original_model_task_id", source_types=MODEL_TYPES, wrong_source=2011),
    "animate_rig": Spec(
        required=("original_model_task_id",),
        fields={**_SOURCE, "out_format": _OUT_FORMAT,
                "rig_type": _nullable(_enum("biped", "quadruped", "hexapod", "octopod", "avian", "serpentine",
                                            "aquatic")),
                "topology": _nullable(_enum("bip", "quad")), "spec": _nullable(_enum("tripo", "mixamo")),
                "model_version": _text(64)},
        versions=Versions(frozenset({"v1.0-20240301", "v2.5-20260210", "v2.0-20250506"})),
        source_field="original_model_task_id", source_types=MODEL_TYPES),
    "animate_retarget": Spec(
        required=("original_model_task_id",),
        fields={**_SOURCE, "animation": _preset, "animations": _presets, "out_format": _OUT_FORMAT,
                "bake_animation": _bool, "export_with_geometry": _bool, "animate_in_place": _bool},
        rules=(_retarget_rules,),
        source_field="original_model_task_id", source_types=frozenset({"animate_rig"}), wrong_source=2012,
        source_rule=_retarget_source_rule),
    "stylize_model": Spec(
        required=("original_model_task_id", "style"),
        fields={**_SOURCE, "style": _enum("lego", "voxel", "voronoi", "minecraft", "keyring", "fridge_magnet",
                                          "keycap"),
                "block_size": _int(32, 128)},
        source_field="original_model_task_id",
        source_types=_EDITABLE | {"animate_rig", "animate_retarget"}),
    "convert_model": Spec(
        required=("original_model_task_id", "format"),
        fields={**_SOURCE, "format": _enum("GLTF", "USDZ", "FBX", "OBJ", "STL", "3MF"),
                "quad": _bool, "force_symmetry": _bool, "face_limit": _int(1), "flatten_bottom": _bool,
                "flatten_bottom_threshold": _number, "texture_size": _int(1, 8192),
                "texture_format": _enum("BMP", "DPX", "HDR", "JPEG", "OPEN_EXR", "PNG", "TARGA", "TIFF", "WEBP"),
                "pivot_to_center_bottom": _bool, "scale_factor": _number, "with_animation": _bool,
                "pack_uv": _bool, "bake": _bool, "part_names": _str_list(), "animate_in_place": _bool,
                "export_vertex_colors": _bool, "export_orientation": _enum("+x", "-x", "+y", "-y"),
                "fbx_preset": _enum("blender", "mixamo", "3dsmax")},
        source_field="original_model_task_id",
        source_types=_EDITABLE | {"animate_rig", "animate_retarget", "convert_model"}),
    "mesh_segmentation": Spec(
        required=("original_model_task_id",), fields={**_SOURCE, "model_version": _text(64)},
        versions=Versions(frozenset({"v1.0-20250506"})),
        source_field="original_model_task_id", source_types=_EDITABLE | {"highpoly_to_lowpoly"}),
    "mesh_completion": Spec(
        required=("original_model_task_id",),
        fields={**_SOURCE, "model_version": _text(64), "part_names": _str_list()},
        versions=Versions(frozenset({"v1.0-20250506", "P-v2.0-20251225"})),
        source_field="original_model_task_id", source_types=frozenset({"mesh_segmentation"})),
    "highpoly_to_lowpoly": Spec(
        required=("original_model_task_id",),
        fields={**_SOURCE, "model_version": _text(64), "quad": _bool, "bake": _bool,
                "face_limit": _int(500, 20000), "part_names": _str_list()},
        rules=(_lowpoly_rules,),
        versions=Versions(frozenset({"P-v2.0-20251225", "P-v1.0-20250506", "P-v2.0-20251226"})),
        source_field="original_model_task_id",
        source_types=_EDITABLE | {"mesh_segmentation", "mesh_completion"}),
    "import_model": Spec(required=("file",), fields={"file": _file}, rules=(_import_rules,)),
    "text_to_image": Spec(
        required=("prompt",),
        fields={"prompt": _text(MAX_PROMPT), "negative_prompt": _text(MAX_NEGATIVE_PROMPT, True)}),
    "generate_image": Spec(
        required=("prompt",),
        fields={"prompt": _text(MAX_PROMPT), "model_version": _text(64), "file": _file, "files": _files_list,
                "template": _text(64), "t_pose": _bool, "sketch_to_render": _bool}),
    "generate_multiview_image": Spec(required=("file",), fields={"file": _file}),
    "edit_multiview_image": Spec(
        required=("original_task_id", "prompts"),
        fields={"original_task_id": _text(64), "prompts": _view_prompts},
        source_field="original_task_id",
        source_types=frozenset({"generate_multiview_image", "edit_multiview_image"})),
}
DEPRECATED_TYPES = frozenset({"animate_model"})


# --------------------------------------------------------------------------- the validator


@dataclass(frozen=True)
class Validated:
    """A request that passed steps 1-8: its body, source task and resolved uploaded inputs."""

    body: dict[str, Any]
    source: TaskRecord | None
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


def validate(raw: bytes, account: Account, store: Store) -> Validated:
    """Steps 1-8 of §7.3; raises :class:`ApiError` with the first failing step's code."""
    body = parse_body(raw)
    task_type = body.get("type")
    if task_type in DEPRECATED_TYPES:
        raise ApiError(2016, str(task_type))
    if not isinstance(task_type, str) or task_type not in SPECS:
        raise ApiError(2002, repr(task_type))
    if task_type == "refine_model" and "draft_model_task_id" not in body and "rough_model_task_id" in body:
        body = {**body, "draft_model_task_id": body["rough_model_task_id"]}  # deprecated alias
    spec = SPECS[task_type]
    _check_fields(body, spec)
    _check_version(body, spec)
    source = _check_source(body, spec, account, store)
    files = _resolve_files(body, account, store)
    return Validated(body, source, files)


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


def _check_version(body: dict[str, Any], spec: Spec) -> None:
    version = body.get("model_version")
    if spec.versions is None or version is None:
        return
    if version in spec.versions.deprecated:
        raise ApiError(2015, str(version))
    if version not in spec.versions.allowed:
        raise ApiError(2017, str(version))


def _check_source(body: dict[str, Any], spec: Spec, account: Account, store: Store) -> TaskRecord | None:
    if spec.source_field is None:
        return None
    source = store.owned_task(account.key, body[spec.source_field])
    if source.type not in spec.source_types:
        raise ApiError(spec.wrong_source, f"source task type {source.type}")
    if spec.source_rule is not None:
        code = spec.source_rule(source)
        if code is not None:
            raise ApiError(code, f"source task {source.task_id}")
    status = store.phase(source).status
    if status != "success":
        raise ApiError(2007, f"source task is {status}")
    return source


def _file_objects(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every non-empty file object of a body: file, files[], texture_prompt.{image,images[],style_image}."""
    found: list[Any] = [body.get("file"), *(body.get("files") or [])]
    prompt = body.get("texture_prompt")
    if isinstance(prompt, dict):
        found += [prompt.get("image"), *(prompt.get("images") or []), prompt.get("style_image")]
    return [f for f in found if isinstance(f, dict) and f]


def _resolve_files(body: dict[str, Any], account: Account, store: Store) -> tuple[StoredFile, ...]:
    """Step 8: tokens/objects must exist for this key (2019), be non-empty (2003) and of the right kind (2004)."""
    wanted = MODEL_KINDS if body["type"] == "import_model" else IMAGE_KINDS
    resolved: list[StoredFile] = []
    for obj in _file_objects(body):
        if "url" in obj:
            continue  # accepted as is: the emulator never fetches anything
        if "file_token" in obj:
            stored = store.upload(account.key, obj["file_token"])
        else:
            stored = account.objects.get((obj["object"]["bucket"], obj["object"]["key"]))
        if stored is None or stored.data is None:
            raise ApiError(2019, "file not found")
        if not stored.data:
            raise ApiError(2003)
        if stored.kind not in wanted:
            raise ApiError(2004, f"{stored.kind or 'unknown'} file")
        resolved.append(stored)
    return tuple(resolved)
