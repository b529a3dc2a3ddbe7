"""Creation-body validation: real codes and HTTP statuses, in the order of docs/apiv3.md#validation-order.

Steps: JSON (1003) -> ``model`` (1004) -> required fields, field values, multi-field rules (1004)
-> input strings and file tokens (1004) -> referenced tasks: exist (2001), type (2006/2011/2012),
succeeded (2007) -> concurrency (429/2000) -> credits (403/2010). Where two steps share a code,
the case also names a word of the message, which proves which step answered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.emulator import Emulator

from .helpers import (
    CAT,
    COMPLETE,
    CONVERT,
    DECIMATE,
    DEPTH,
    EDIT_MV,
    FOX,
    I2I,
    I2M,
    I2MV,
    IMAGE_URL,
    IMPORT,
    JPEG,
    MV2M,
    RETARGET,
    RIG,
    RIG_CHECK,
    SEGMENT,
    SPLAT,
    T2I,
    T2M,
    TEXTURE,
    UV,
    V25,
    Caller,
    error_of,
    message_of,
)

Sources = dict[str, str]
UNKNOWN_TASK = "00000000-0000-4000-8000-000000000000"


def _presigned(api: Caller, data: bytes | None, fmt: str = "png") -> str:
    slot = api.presign(fmt)
    if data is not None:
        assert requests.put(slot["presigned_url"], data=data, timeout=10).status_code == 200
    return str(slot["file_token"])


@pytest.fixture
def s(emulator: Emulator, api: Caller) -> Sources:
    """Tasks and uploads to build on (all successful unless named queued/forgotten)."""
    model = api.model()
    made: Sources = {
        "model": model,
        "rig": api.create(RIG, {"input": model}),
        "mixamo_rig": api.create(RIG, {"input": model, "spec": "mixamo"}),
        "check": api.create(RIG_CHECK, {"input": model}),
        "segments": api.create(SEGMENT, {"input": model}),
        "views": api.create(I2MV, {"input": IMAGE_URL}),
        "image": api.create(T2I, {"prompt": "a fox"}),
        "v14_model": api.create(T2M, {"prompt": "a draft", "model": "v1.4-20240625"}),
        "forgotten": api.model("an old one"),
        "image_token": api.token(JPEG),
        "model_token": api.token(FOX, "Fox.glb"),
        "not_put_token": _presigned(api, None),
        "empty_token": _presigned(api, b""),
        "odd_token": _presigned(api, b"GIF89a not an accepted kind"),
    }
    emulator.forget_task(made["forgotten"])
    emulator.set_timing(queue_seconds=1000)
    made["queued_model"] = api.model("slow")
    made["queued_rig"] = api.create(RIG, {"input": model})
    made["queued_image"] = api.create(T2I, {"prompt": "slow"})
    emulator.set_timing(queue_seconds=0)
    return made


def _t2m(**fields: Any) -> dict[str, Any]:
    return {**CAT, **fields}


Case = tuple[str, str, Callable[[Sources], Any], int, int, str]

CASES: list[Case] = [
    # 1. the body is a JSON object
    ("not json", T2M, lambda s: b"{nope", 400, 1003, ""),
    ("json array", T2M, lambda s: b"[1, 2]", 400, 1003, ""),
    # 2. model: required on generation routes, on the route's allow-list
    ("t2m without model", T2M, lambda s: {"prompt": "a cat"}, 400, 1004, "model"),
    ("v2 model_version is not model", T2M, lambda s: {"prompt": "a cat", "model_version": V25}, 400, 1004, "model"),
    ("i2m without model", I2M, lambda s: {"input": IMAGE_URL}, 400, 1004, "model"),
    ("retired v2.0", T2M, lambda s: _t2m(model="v2.0-20240919"), 400, 1004, "model"),
    ("retired turbo", T2M, lambda s: _t2m(model="Turbo-v1.0-20250506"), 400, 1004, "model"),
    ("model not a string", T2M, lambda s: _t2m(model=2.5), 400, 1004, "model"),
    (
        "multiview v1.4",
        MV2M,
        lambda s: {"inputs": [IMAGE_URL, IMAGE_URL, None, None], "model": "v1.4-20240625"},
        400,
        1004,
        "model",
    ),
    ("texture v2.0", TEXTURE, lambda s: {"input": s["model"], "model": "v2.0-20240919"}, 400, 1004, "model"),
    (
        "rig v2.0 (the SDK rewrites it)",
        RIG,
        lambda s: {"input": s["model"], "model": "v2.0-20250506"},
        400,
        1004,
        "model",
    ),
    (
        "decimate P-v2.0 (the SDK rewrites it)",
        DECIMATE,
        lambda s: {"input": s["model"], "model": "P-v2.0-20251225"},
        400,
        1004,
        "model",
    ),
    ("segment v3", SEGMENT, lambda s: {"input": s["model"], "model": "v3.0"}, 400, 1004, "model"),
    ("t2i v2 name gpt_4o", T2I, lambda s: {"prompt": "a", "model": "gpt_4o"}, 400, 1004, "model"),
    ("t2i 3D version", T2I, lambda s: {"prompt": "a", "model": V25}, 400, 1004, "model"),
    ("i2i seedream_v4", I2I, lambda s: {"input": IMAGE_URL, "prompt": "a", "model": "seedream_v4"}, 400, 1004, "model"),
    ("model before required fields", T2M, lambda s: {"model": "v9"}, 400, 1004, "model"),
    # 3a. required fields
    ("missing prompt", T2M, lambda s: {"model": V25}, 400, 1004, "missing prompt"),
    ("null prompt", T2M, lambda s: _t2m(prompt=None), 400, 1004, "missing prompt"),
    ("i2m missing input", I2M, lambda s: {"model": V25}, 400, 1004, "missing input"),
    ("mv missing inputs", MV2M, lambda s: {"model": V25}, 400, 1004, "missing inputs"),
    ("texture missing input", TEXTURE, lambda s: {}, 400, 1004, "missing input"),
    ("convert missing format", CONVERT, lambda s: {"input": s["model"]}, 400, 1004, "missing format"),
    ("edit missing prompts", EDIT_MV, lambda s: {"input": s["views"]}, 400, 1004, "missing prompts"),
    ("required before values", T2M, lambda s: {"model": V25, "texture": "yes"}, 400, 1004, "missing prompt"),
    # 3b. field values
    ("empty prompt", T2M, lambda s: _t2m(prompt=""), 400, 1004, "invalid prompt"),
    ("blank prompt", T2M, lambda s: _t2m(prompt="   "), 400, 1004, "invalid prompt"),
    ("prompt too long", T2M, lambda s: _t2m(prompt="x" * 1025), 400, 1004, "invalid prompt"),
    ("negative prompt too long", T2M, lambda s: _t2m(negative_prompt="x" * 256), 400, 1004, "negative_prompt"),
    ("texture not bool", T2M, lambda s: _t2m(texture="yes"), 400, 1004, "invalid texture"),
    ("face_limit zero", T2M, lambda s: _t2m(face_limit=0), 400, 1004, "face_limit"),
    ("bad texture_quality", T2M, lambda s: _t2m(texture_quality="ultra"), 400, 1004, "texture_quality"),
    ("compress as bool", T2M, lambda s: _t2m(compress=True), 400, 1004, "compress"),
    (
        "v2 file object as input",
        I2M,
        lambda s: {"input": {"type": "jpg", "url": IMAGE_URL}, "model": V25},
        400,
        1004,
        "invalid input",
    ),
    (
        "v2 files list",
        MV2M,
        lambda s: {"inputs": [{"type": "jpg", "url": IMAGE_URL}, {}, {}, {}], "model": V25},
        400,
        1004,
        "inputs",
    ),
    ("multiview 3 slots", MV2M, lambda s: {"inputs": [IMAGE_URL, IMAGE_URL, None], "model": V25}, 400, 1004, "inputs"),
    (
        "multiview no front",
        MV2M,
        lambda s: {"inputs": [None, IMAGE_URL, IMAGE_URL, None], "model": V25},
        400,
        1004,
        "inputs",
    ),
    (
        "multiview one view",
        MV2M,
        lambda s: {"inputs": [IMAGE_URL, None, None, None], "model": V25},
        400,
        1004,
        "inputs",
    ),
    ("t2i bad output_format", T2I, lambda s: {"prompt": "a", "output_format": "gif"}, 400, 1004, "output_format"),
    ("i2i unknown template", I2I, lambda s: {"input": IMAGE_URL, "template": "anime"}, 400, 1004, "template"),
    (
        "edit duplicate views",
        EDIT_MV,
        lambda s: {
            "input": s["views"],
            "prompts": [{"view": "front", "prompt": "a"}, {"view": "front", "prompt": "b"}],
        },
        400,
        1004,
        "prompts",
    ),
    (
        "edit unknown view",
        EDIT_MV,
        lambda s: {"input": s["views"], "prompts": [{"view": "top", "prompt": "a"}]},
        400,
        1004,
        "prompts",
    ),
    ("depth resolution", DEPTH, lambda s: {"input": IMAGE_URL, "process_res": 100}, 400, 1004, "process_res"),
    ("depth kind", DEPTH, lambda s: {"input": IMAGE_URL, "kind": "rgb"}, 400, 1004, "kind"),
    (
        "texture_prompt text+image",
        TEXTURE,
        lambda s: {"input": s["model"], "texture_prompt": {"text": "red", "image": IMAGE_URL}},
        400,
        1004,
        "texture_prompt",
    ),
    ("convert bad format", CONVERT, lambda s: {"input": s["model"], "format": "DAE"}, 400, 1004, "format"),
    (
        "convert zero scale",
        CONVERT,
        lambda s: {"input": s["model"], "format": "FBX", "scale_factor": 0},
        400,
        1004,
        "scale_factor",
    ),
    ("rig bad out_format", RIG, lambda s: {"input": s["model"], "out_format": "obj"}, 400, 1004, "out_format"),
    (
        "rig bad rig_type",
        RIG,
        lambda s: {"input": s["model"], "model": "v2.5-20260210", "rig_type": "dragon"},
        400,
        1004,
        "rig_type",
    ),
    (
        "retarget six",
        RETARGET,
        lambda s: {"input": s["rig"], "animations": ["preset:walk"] * 6},
        400,
        1004,
        "animations",
    ),
    ("retarget not a preset", RETARGET, lambda s: {"input": s["rig"], "animation": "walk"}, 400, 1004, "animation"),
    ("decimate too few faces", DECIMATE, lambda s: {"input": s["model"], "face_limit": 400}, 400, 1004, "face_limit"),
    (
        "complete bad mode",
        COMPLETE,
        lambda s: {"input": s["segments"], "completion_mode": "magic"},
        400,
        1004,
        "completion_mode",
    ),
    ("values before rules", T2M, lambda s: _t2m(model="P1-20260311", quad="no"), 400, 1004, "invalid quad"),
    # 3c. rules over several fields
    ("P1 with quad=false", T2M, lambda s: _t2m(model="P1-20260311", quad=False), 400, 1004, "P-series"),
    (
        "P1 with geometry_quality",
        I2M,
        lambda s: {"input": IMAGE_URL, "model": "P1-20260311", "geometry_quality": "standard"},
        400,
        1004,
        "P-series",
    ),
    ("P2 with smart_low_poly", T2M, lambda s: _t2m(model="P2-20260801", smart_low_poly=False), 400, 1004, "P-series"),
    ("generate_parts while textured", T2M, lambda s: _t2m(generate_parts=True), 400, 1004, "generate_parts"),
    (
        "generate_parts with quad",
        T2M,
        lambda s: _t2m(generate_parts=True, texture=False, pbr=False, quad=True),
        400,
        1004,
        "generate_parts",
    ),
    (
        "untextured standard quality",
        T2M,
        lambda s: _t2m(texture=False, pbr=False, texture_quality="standard"),
        400,
        1004,
        "texture_quality",
    ),
    ("face_limit over the v2.5 cap", T2M, lambda s: _t2m(face_limit=500_001), 400, 1004, "face_limit"),
    ("face_limit under the P1 floor", T2M, lambda s: _t2m(model="P1-20260311", face_limit=47), 400, 1004, "face_limit"),
    (
        "face_limit over the quad cap",
        T2M,
        lambda s: _t2m(model="v3.1-20260211", quad=True, face_limit=200_000),
        400,
        1004,
        "face_limit",
    ),
    ("t2i aspect_ratio on seedream", T2I, lambda s: {"prompt": "a", "aspect_ratio": "16:9"}, 400, 1004, "aspect_ratio"),
    ("i2i without any image", I2I, lambda s: {"prompt": "a"}, 400, 1004, "input"),
    ("i2i without prompt or template", I2I, lambda s: {"input": IMAGE_URL}, 400, 1004, "prompt"),
    (
        "i2i five images for seedream",
        I2I,
        lambda s: {"input": IMAGE_URL, "inputs": [IMAGE_URL] * 4, "prompt": "a"},
        400,
        1004,
        "at most 4",
    ),
    (
        "texture fast without v3.5",
        TEXTURE,
        lambda s: {"input": s["model"], "texture_quality": "fast"},
        400,
        1004,
        "fast",
    ),
    (
        "texture delight without v3.5",
        TEXTURE,
        lambda s: {"input": s["model"], "model": V25, "delight": True},
        400,
        1004,
        "delight",
    ),
    (
        "convert force_symmetry without quad",
        CONVERT,
        lambda s: {"input": s["model"], "format": "FBX", "force_symmetry": True},
        400,
        1004,
        "quad",
    ),
    ("rig vrm on v1.0", RIG, lambda s: {"input": s["model"], "spec": "vrm"}, 400, 1004, "spec"),
    ("rig quadruped on v1.0", RIG, lambda s: {"input": s["model"], "rig_type": "quadruped"}, 400, 1004, "biped"),
    (
        "retarget both keys",
        RETARGET,
        lambda s: {"input": s["rig"], "animation": "preset:walk", "animations": ["preset:run"]},
        400,
        1004,
        "exactly one",
    ),
    ("retarget neither key", RETARGET, lambda s: {"input": s["rig"]}, 400, 1004, "exactly one"),
    (
        "segment v2.0 options on v1.0",
        SEGMENT,
        lambda s: {"input": s["model"], "segmentation_granularity": "detailed"},
        400,
        1004,
        "v2.0-20260430",
    ),
    (
        "decimate quad above 10000",
        DECIMATE,
        lambda s: {"input": s["model"], "quad": True, "face_limit": 15000},
        400,
        1004,
        "quad",
    ),
    (
        "decimate smart_uv on v2.0",
        DECIMATE,
        lambda s: {"input": s["model"], "model": "v2.0", "smart_uv": True},
        400,
        1004,
        "smart_uv",
    ),
    ("rules before inputs", TEXTURE, lambda s: {"input": "data:,x", "texture_quality": "fast"}, 400, 1004, "fast"),
    # 4. input strings and file tokens
    ("data: URI", I2M, lambda s: {"input": "data:image/png;base64,AAAA", "model": V25}, 400, 1004, "data:"),
    ("ftp URL", I2M, lambda s: {"input": "ftp://example.com/a.png", "model": V25}, 400, 1004, "URL"),
    ("local path", I2M, lambda s: {"input": "/home/me/a.png", "model": V25}, 400, 1004, "URL"),
    ("task_ prefixed id", RIG, lambda s: {"input": f"task_{s['model']}"}, 400, 1004, "task id"),
    ("unknown file_token", I2M, lambda s: {"input": "file_nope", "model": V25}, 400, 1004, "file_token"),
    ("token not PUT yet", I2M, lambda s: {"input": s["not_put_token"], "model": V25}, 400, 1004, "file_token"),
    ("empty upload", I2M, lambda s: {"input": s["empty_token"], "model": V25}, 400, 1004, "empty"),
    ("unrecognised upload", I2M, lambda s: {"input": s["odd_token"], "model": V25}, 400, 1004, "unrecognised"),
    (
        "model where an image belongs",
        I2M,
        lambda s: {"input": s["model_token"], "model": V25},
        400,
        1004,
        "must be an image",
    ),
    ("image where a model belongs", IMPORT, lambda s: {"input": s["image_token"]}, 400, 1004, "model"),
    ("image token to texture", TEXTURE, lambda s: {"input": s["image_token"]}, 400, 1004, "must be a model"),
    ("import of a task", IMPORT, lambda s: {"input": s["model"]}, 400, 1004, "model file or URL"),
    (
        "retarget a URL",
        RETARGET,
        lambda s: {"input": "https://x/rig.glb", "animation": "preset:walk"},
        400,
        1004,
        "rig task id",
    ),
    (
        "retarget a file",
        RETARGET,
        lambda s: {"input": s["model_token"], "animation": "preset:walk"},
        400,
        1004,
        "rig task id",
    ),
    ("complete a URL", COMPLETE, lambda s: {"input": "https://x/parts.glb"}, 400, 1004, "segmentation"),
    (
        "edit a URL",
        EDIT_MV,
        lambda s: {"input": IMAGE_URL, "prompts": [{"view": "front", "prompt": "a"}]},
        400,
        1004,
        "multiview",
    ),
    (
        "multiview slot data:",
        MV2M,
        lambda s: {"inputs": [IMAGE_URL, "data:,x", None, None], "model": V25},
        400,
        1004,
        "inputs[1]",
    ),
    (
        "texture_prompt.image unknown",
        TEXTURE,
        lambda s: {"input": s["model"], "texture_prompt": {"image": "file_nope"}},
        400,
        1004,
        "texture_prompt.image",
    ),
    (
        "ref_image a model",
        SEGMENT,
        lambda s: {"input": s["model"], "model": "v2.0-20260430", "ref_image": s["model_token"]},
        400,
        1004,
        "ref_image",
    ),
    ("style_image unknown", T2M, lambda s: _t2m(style_image="file_nope"), 400, 1004, "style_image"),
    (
        "files before tasks",
        TEXTURE,
        lambda s: {"input": UNKNOWN_TASK, "texture_prompt": {"image": "file_nope"}},
        400,
        1004,
        "texture_prompt.image",
    ),
    # 5a. referenced tasks exist for this key and are retained
    ("unknown task", RIG, lambda s: {"input": UNKNOWN_TASK}, 404, 2001, ""),
    ("forgotten task", RIG, lambda s: {"input": s["forgotten"]}, 404, 2001, ""),
    ("unknown multiview task", MV2M, lambda s: {"inputs": [{"task_id": UNKNOWN_TASK}], "model": V25}, 404, 2001, ""),
    ("unknown task via alias", TEXTURE, lambda s: {"original_model_task_id": UNKNOWN_TASK}, 404, 2001, ""),
    # 5b. of a type the route builds on
    ("texture on a rig", TEXTURE, lambda s: {"input": s["rig"]}, 400, 2006, ""),
    ("texture on a v1.4 model", TEXTURE, lambda s: {"input": s["v14_model"]}, 400, 2006, ""),
    ("complete on a model", COMPLETE, lambda s: {"input": s["model"]}, 400, 2006, ""),
    ("i2m on a model task", I2M, lambda s: {"input": s["model"], "model": V25}, 400, 2006, ""),
    (
        "multiview reuse of a model task",
        MV2M,
        lambda s: {"inputs": [{"task_id": s["model"]}], "model": V25},
        400,
        2006,
        "",
    ),
    (
        "edit of an image task",
        EDIT_MV,
        lambda s: {"input": s["image"], "prompts": [{"view": "back", "prompt": "a"}]},
        400,
        2006,
        "",
    ),
    (
        "retarget a mixamo v1.0 rig",
        RETARGET,
        lambda s: {"input": s["mixamo_rig"], "animation": "preset:walk"},
        400,
        2006,
        "",
    ),
    ("retarget on a model", RETARGET, lambda s: {"input": s["model"], "animation": "preset:walk"}, 400, 2012, ""),
    ("rig-check on a rig-check", RIG_CHECK, lambda s: {"input": s["check"]}, 400, 2011, ""),
    ("rig-check on an image", RIG_CHECK, lambda s: {"input": s["image"]}, 400, 2011, ""),
    ("type before status", TEXTURE, lambda s: {"input": s["queued_rig"]}, 400, 2006, ""),
    # 5c. finished successfully
    ("rig a queued model", RIG, lambda s: {"input": s["queued_model"]}, 400, 2007, ""),
    (
        "retarget a queued rig",
        RETARGET,
        lambda s: {"input": s["queued_rig"], "animation": "preset:walk"},
        400,
        2007,
        "",
    ),
    (
        "a queued image in a texture prompt",
        TEXTURE,
        lambda s: {"input": s["model"], "texture_prompt": {"image": s["queued_image"]}},
        400,
        2007,
        "",
    ),
]


@pytest.mark.parametrize(("path", "body", "status", "code", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rejections(
    emulator: Emulator,
    api: Caller,
    s: Sources,
    path: str,
    body: Callable[[Sources], Any],
    status: int,
    code: int,
    words: str,
) -> None:
    before, balance_before = set(emulator.tasks), emulator.balance_of()
    payload = body(s)
    if isinstance(payload, bytes):
        response = api.post(path, data=payload, headers={"Content-Type": "application/json"})
    else:
        response = api.post(path, json=payload)
    assert error_of(response) == (status, code)
    assert words in message_of(response)
    assert set(emulator.tasks) == before  # nothing created, nothing billed
    assert emulator.balance_of() == balance_before


ACCEPTED: list[tuple[str, str, Callable[[Sources], dict[str, Any]]]] = [
    # the exact bodies the official SDK 1.0.0 and ComfyUI-Tripo send (its tests pin them)
    ("sdk t2m", T2M, lambda s: CAT),
    (
        "comfyui t2m with an empty negative prompt",
        T2M,
        lambda s: {
            "prompt": "a wooden chair",
            "model": "v3.1-20260211",
            "negative_prompt": "",
            "image_seed": 42,
            "model_seed": 42,
            "texture_seed": 42,
        },
    ),
    ("sdk i2m url", I2M, lambda s: {"input": IMAGE_URL, "model": V25}),
    (
        "sdk i2m of an image task on P2",
        I2M,
        lambda s: {
            "input": s["image"],
            "model": "P2-20260801",
            "enable_image_autofix": True,
            "orientation": "align_image",
            "texture_alignment": "geometry",
        },
    ),
    (
        "sdk multiview with gaps",
        MV2M,
        lambda s: {"inputs": [s["image_token"], None, IMAGE_URL, None], "model": "v3.0-20250812"},
    ),
    ("sdk multiview task reuse", MV2M, lambda s: {"inputs": [{"task_id": s["views"]}], "model": V25}),
    ("sdk t2i", T2I, lambda s: {"prompt": "a cat", "model": "seedream_v4", "size": "1024x1024"}),
    ("t2i banana with aspect_ratio", T2I, lambda s: {"prompt": "a cat", "model": "banana", "aspect_ratio": "16:9"}),
    (
        "sdk i2i",
        I2I,
        lambda s: {
            "input": IMAGE_URL,
            "inputs": [s["image_token"]],
            "prompt": "red",
            "model": "seedream_v5",
            "t_pose": True,
        },
    ),
    ("i2i template without prompt", I2I, lambda s: {"input": s["image"], "template": "t_pose"}),
    ("sdk image-to-multiview", I2MV, lambda s: {"input": s["image_token"]}),
    (
        "sdk edit-multiview",
        EDIT_MV,
        lambda s: {"input": s["views"], "prompts": [{"view": "front", "prompt": "red shirt"}]},
    ),
    ("sdk splat", SPLAT, lambda s: {"input": IMAGE_URL, "model_seed": 7}),
    ("sdk depth", DEPTH, lambda s: {"input": IMAGE_URL, "kind": "color", "process_res": 504}),
    ("sdk texture", TEXTURE, lambda s: {"input": s["model"], "model": V25}),
    (
        "sdk texture v3.5",
        TEXTURE,
        lambda s: {
            "input": s["model"],
            "model": "v3.5-20260815",
            "pbr": False,
            "texture_seed": 42,
            "texture_quality": "fast",
            "texture_alignment": "geometry",
            "part_names": ["a", "b"],
            "bake": False,
            "compress": "geometry",
            "texture_prompt": {"text": "wood"},
            "delight": True,
        },
    ),
    (
        "texture with image and style image",
        TEXTURE,
        lambda s: {"input": s["model"], "texture_prompt": {"image": s["image_token"], "style_image": IMAGE_URL}},
    ),
    ("texture of an uploaded model", TEXTURE, lambda s: {"input": s["model_token"]}),
    ("texture of a model URL", TEXTURE, lambda s: {"input": "https://example.com/m.glb"}),
    ("v2-style alias", TEXTURE, lambda s: {"original_model_task_id": s["model"], "model": V25, "texture_seed": 42}),
    (
        "sdk convert fbx",
        CONVERT,
        lambda s: {"input": s["model"], "format": "FBX", "texture_format": "PNG", "fbx_preset": "mixamo"},
    ),
    (
        "sdk convert obj",
        CONVERT,
        lambda s: {"input": s["model"], "format": "OBJ", "face_limit": 5000, "with_animation": False},
    ),
    ("convert format in lower case", CONVERT, lambda s: {"input": s["model"], "format": "stl"}),
    ("sdk import token", IMPORT, lambda s: {"input": s["model_token"]}),
    ("sdk import url", IMPORT, lambda s: {"input": "https://example.com/m.glb"}),
    ("sdk rig-check", RIG_CHECK, lambda s: {"input": s["model"]}),
    ("rig-check of an uploaded model", RIG_CHECK, lambda s: {"input": s["model_token"]}),
    ("sdk rig", RIG, lambda s: {"input": s["model"], "model": "v1.0-20240301"}),
    (
        "sdk rig v2.5",
        RIG,
        lambda s: {
            "input": s["model"],
            "model": "v2.5-20260210",
            "out_format": "fbx",
            "rig_type": "quadruped",
            "spec": "mixamo",
        },
    ),
    (
        "sdk rig v3.0",
        RIG,
        lambda s: {
            "input": s["model"],
            "model": "v3.0-20260909",
            "rig_type": "others",
            "spec": "vrm",
            "no_weights_list": ["hair"],
        },
    ),
    ("sdk create_task rig (v2 names)", RIG, lambda s: {"original_model_task_id": s["model"]}),
    ("sdk retarget", RETARGET, lambda s: {"input": s["rig"], "animation": "preset:walk"}),
    (
        "sdk retarget list",
        RETARGET,
        lambda s: {
            "input": s["rig"],
            "animations": ["preset:run", "preset:jump"],
            "out_format": "fbx",
            "export_with_geometry": True,
        },
    ),
    (
        "retarget other rig types",
        RETARGET,
        lambda s: {
            "input": s["rig"],
            "animations": ["preset:quadruped:walk", "preset:serpentine:march", "preset:biped:wave"],
        },
    ),
    ("sdk segment", SEGMENT, lambda s: {"input": s["model"], "model": "v1.0-20250506"}),
    (
        "sdk segment v2.0",
        SEGMENT,
        lambda s: {
            "input": s["model"],
            "model": "v2.0-20260430",
            "segmentation_granularity": "detailed",
            "ref_image": s["image_token"],
            "split_by_connectivity": False,
        },
    ),
    (
        "sdk complete",
        COMPLETE,
        lambda s: {
            "input": s["segments"],
            "model": "v1.0-20250506",
            "part_names": ["arm"],
            "completion_mode": "quick_cap",
        },
    ),
    ("sdk decimate", DECIMATE, lambda s: {"input": s["model"], "model": "v2.0", "face_limit": 10000}),
    (
        "sdk decimate v3.0",
        DECIMATE,
        lambda s: {"input": s["model"], "model": "v3.0", "smart_uv": True, "quad": True, "bake": False},
    ),
    ("sdk decimate without model", DECIMATE, lambda s: {"input": s["model"]}),
    ("sdk uv", UV, lambda s: {"input": s["model"], "export_orientation": "+y"}),
    ("prompt of 1024 chars", T2M, lambda s: _t2m(prompt="x" * 1024)),
    ("untextured without quality", T2M, lambda s: _t2m(texture=False, pbr=False)),
    ("parts untextured", T2M, lambda s: _t2m(texture=False, pbr=False, generate_parts=True)),
    ("P1 plain", T2M, lambda s: _t2m(model="P1-20260311", face_limit=20000)),
    ("P2 with quad (JS SDK: P2 takes it)", T2M, lambda s: _t2m(model="P2-20260801", quad=True)),
    ("convert to GLB (JS, Go, Rust enums)", CONVERT, lambda s: {"input": s["model"], "format": "GLB"}),
    (
        "convert bake_scale (ComfyUI)",
        CONVERT,
        lambda s: {"input": s["model"], "format": "FBX", "fbx_preset": "bake_scale"},
    ),
    ("v3.1 with a million faces", T2M, lambda s: _t2m(model="v3.1-20260211", face_limit=1_500_000)),
    ("style image token", T2M, lambda s: _t2m(style_image=s["image_token"])),
    ("unknown extra fields are forwarded", T2M, lambda s: _t2m(some_future_flag=True, export_orientation="-y")),
]


@pytest.mark.parametrize(("path", "body"), [c[1:] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_accepted(api: Caller, s: Sources, path: str, body: Callable[[Sources], dict[str, Any]]) -> None:
    sent = body(s)
    task = api.finished(path, sent)
    assert task["status"] == "success"
    assert task["input"] == sent  # echoed as sent, v2 alias included


def test_concurrency_is_checked_before_credits_and_after_validation(emulator: Emulator) -> None:
    emulator.concurrency_limit = 0
    emulator.add_key("tsk_poor", balance=0)
    poor = Caller(emulator, "tsk_poor")
    try:
        assert error_of(poor.post(T2M, json={"prompt": "a cat"})) == (400, 1004)  # validation first
        assert error_of(poor.post(T2M, json=CAT)) == (429, 2000)
        emulator.concurrency_limit = 10
        assert error_of(poor.post(T2M, json=CAT)) == (403, 2010)
        assert poor.post(RIG_CHECK, json={"input": IMAGE_URL}).status_code == 200  # free: a balance of 0 is enough
    finally:
        poor.close()
    assert emulator.balance_of("tsk_poor") == (0.0, 0.0)
