"""The one request builder over the route records: routes, exact bodies, and what is refused
before anything is sent.

The expected bodies are the ones the official SDK 1.0.0's own tests pin (its sdist's
``tests/test_client.py``), so our wire format matches the reference implementation field for
field; ``test_sdk_parity.py`` then checks the same on the emulator for every method.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tripo_blender.client import Animation, RigSpec, RigType, TripoValidationError
from tripo_blender.client import payloads as p
from tripo_blender.client import routes as r
from tripo_blender.client.schema import Route, build

TASK = "11111111-2222-3333-4444-555555555555"


def req(route: Route, **values: Any) -> p.Request:
    return build(route, values)


def t2m(prompt: Any = "a cat", **values: Any) -> p.Request:
    return req(r.TEXT_TO_MODEL, prompt=prompt, **values)


def test_every_route_is_an_apiv3_route() -> None:
    assert all(path.startswith("/v3/") for path in r.PATHS.values())
    assert r.PATHS["highpoly_to_lowpoly"] == "/v3/mesh/decimate"
    assert r.PATHS["animate_prerigcheck"] == "/v3/animations/rig-check"
    assert r.PATHS["image_to_depth"] == "/v3/generation/image-to-depth"


def test_encode_body_is_compact_utf8_and_refuses_nan() -> None:
    assert (
        p.encode_body({"prompt": "chaise à bascule", "face_limit": 5})
        == '{"prompt":"chaise à bascule","face_limit":5}'.encode()
    )
    with pytest.raises(ValueError, match="JSON"):
        p.encode_body({"x": float("nan")})


# --------------------------------------------------------------------------- generation


def test_text_to_model_sends_the_model_and_only_what_differs_from_the_defaults() -> None:
    request = t2m()
    assert request.route == "/v3/generation/text-to-model"
    assert request.body == {"prompt": "a cat", "model": "v2.5-20250123"}


def test_text_to_model_with_every_option() -> None:
    body = t2m(
        negative_prompt="blur",
        image_seed=1,
        model_version="v3.1-20260211",
        face_limit=1000,
        texture=False,
        pbr=True,
        model_seed=2,
        texture_seed=3,
        texture_quality="detailed",
        auto_size=True,
        quad=True,
        compress=True,
        generate_parts=True,
        smart_low_poly=False,
        export_orientation="-y",
    ).body
    assert body == {
        "prompt": "a cat",
        "model": "v3.1-20260211",
        "negative_prompt": "blur",
        "face_limit": 1000,
        "texture": False,
        "image_seed": 1,
        "model_seed": 2,
        "texture_seed": 3,
        "texture_quality": "detailed",
        "auto_size": True,
        "quad": True,
        "generate_parts": True,
        "compress": "geometry",
        "export_orientation": "-y",
    }


def test_defaults_passed_explicitly_are_not_sent() -> None:
    assert t2m(
        texture=True,
        pbr=True,
        texture_quality="standard",
        geometry_quality="standard",
        auto_size=False,
        quad=False,
        compress=False,
        export_uv=True,
    ).body == {"prompt": "a cat", "model": "v2.5-20250123"}


def test_none_version_means_the_clients_default_because_apiv3_requires_one() -> None:
    assert t2m(model_version=None).body["model"] == "v2.5-20250123"


def test_generation_styles_are_refused() -> None:
    with pytest.raises(ValueError, match="Generation styles no longer exist"):
        t2m(style="object:clay")


@pytest.mark.parametrize("option", ["quad", "smart_low_poly", "generate_parts"])
def test_p1_refuses_paid_options_because_a_source_says_so(option: str) -> None:
    with pytest.raises(ValueError, match=f"{option} is not supported by model_version 'P1-20260311'.*P1 returns 400"):
        t2m(model_version="P1-20260311", **{option: True})


def test_p1_refuses_detailed_geometry_and_sends_none_of_the_flags() -> None:
    with pytest.raises(ValueError, match="geometry_quality='detailed' is not supported"):
        t2m(model_version="P1-20260311", geometry_quality="detailed")
    assert t2m(model_version="P1-20260311").body == {"prompt": "a cat", "model": "P1-20260311"}


def test_p2_takes_quad_and_sends_what_no_source_refuses_saying_who_said_what() -> None:
    """S3/S4: quad is P2's (JS SDK: "accepted only by P2 within the P series"); nobody says what P2
    does with smart_low_poly, generate_parts or geometry_quality, so they are sent and a refusal
    (free, 1004) will say which source said what."""
    request = t2m(model_version="P2-20260801", quad=True, smart_low_poly=True, geometry_quality="detailed")
    assert request.body == {
        "prompt": "a cat",
        "model": "P2-20260801",
        "quad": True,
        "smart_low_poly": True,
        "geometry_quality": "detailed",
    }
    assert [name for name, _ in request.disputed] == ["smart_low_poly", "geometry_quality"]
    said, _ = p.disputed_refusal(request.disputed)
    assert "P1 rejects it and say nothing of P2" in said
    assert t2m(model_version="v3.1-20260211", smart_low_poly=True).disputed == (), "disputed on P2 only"


@pytest.mark.parametrize(
    ("values", "bounds"),
    [
        ({"model_version": "P1-20260311", "face_limit": 30}, "48–20000"),
        ({"model_version": "v3.0-20250812", "face_limit": 1_200_000}, "1–1000000"),
        ({"quad": True, "face_limit": 200_000}, "1–150000"),
        ({"smart_low_poly": True, "quad": True, "face_limit": 15_000}, "500–10000"),
    ],
)
def test_face_limits_are_the_records(values: dict[str, Any], bounds: str) -> None:
    with pytest.raises(ValueError, match=f"face_limit .* out of range .*: {bounds}"):
        t2m(**values)


@pytest.mark.parametrize(
    ("prompt", "message"),
    [("", "empty"), ("   ", "empty"), ("x" * 1025, "1025 characters"), (None, "must be a string")],
)
def test_bad_prompts(prompt: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        t2m(prompt)


@pytest.mark.parametrize("seed", [-1, 2**31, True, 1.5])
def test_seeds_are_checked(seed: object) -> None:
    with pytest.raises(ValueError, match="model_seed"):
        t2m(model_seed=seed)


def test_unknown_and_missing_arguments_are_type_errors_as_a_call_would_raise() -> None:
    with pytest.raises(TypeError, match="text_to_model\\(\\) got an unexpected keyword argument 'colour'"):
        t2m(colour="red")
    with pytest.raises(TypeError, match="missing required argument: 'prompt'"):
        req(r.TEXT_TO_MODEL)


def test_image_to_model_bodies() -> None:
    assert req(r.IMAGE_TO_MODEL, image="https://x/a.png").body == {"input": "https://x/a.png", "model": "v2.5-20250123"}
    body = req(
        r.IMAGE_TO_MODEL,
        image=TASK,
        texture_alignment="geometry",
        orientation="align_image",
        model_version="P2-20260801",
        enable_image_autofix=True,
    ).body
    assert body == {
        "input": TASK,
        "model": "P2-20260801",
        "texture_alignment": "geometry",
        "orientation": "align_image",
        "enable_image_autofix": True,
    }
    assert req(r.IMAGE_TO_MODEL, image="https://x/a.png").route == "/v3/generation/image-to-model"


def test_multiview_slots_and_task_reuse() -> None:
    request = req(
        r.MULTIVIEW_TO_MODEL, images=["file_front", None, "https://x/back.png"], model_version="v3.0-20250812"
    )
    assert request.route == "/v3/generation/multiview-to-model"
    assert request.body == {"inputs": ["file_front", None, "https://x/back.png", None], "model": "v3.0-20250812"}
    assert req(r.MULTIVIEW_TO_MODEL, images=TASK).body == {"inputs": [{"task_id": TASK}], "model": "v2.5-20250123"}
    with pytest.raises(ValueError, match="front view"):
        req(r.MULTIVIEW_TO_MODEL, images=[None, "file_left"])
    with pytest.raises(ValueError, match="at least 2 views"):
        req(r.MULTIVIEW_TO_MODEL, images=["file_front"])


def test_an_empty_multiview_slot_is_the_python_sdks_null_and_says_what_the_others_send() -> None:
    """S6: Python sends null, JS and Go "", ComfyUI only the views given; unsettled, so the Python
    SDK's form (its tests pin it) goes, and a refusal says what the others send."""
    gap = req(r.MULTIVIEW_TO_MODEL, images=["file_f", None, "file_b", "file_r"])
    said, _ = p.disputed_refusal(gap.disputed)
    assert gap.body["inputs"][1] is None and 'JavaScript and Go SDKs send ""' in said
    assert req(r.MULTIVIEW_TO_MODEL, images=["file_f", "file_l", "file_b", "file_r"]).disputed == ()


def test_text_to_image_and_multiview_images() -> None:
    request = req(r.TEXT_TO_IMAGE, prompt="a cat", model="seedream_v4", size="1024x1024")
    assert (request.route, request.body) == (
        "/v3/generation/text-to-image",
        {"prompt": "a cat", "model": "seedream_v4", "size": "1024x1024"},
    )
    assert len(req(r.TEXT_TO_IMAGE, prompt="x" * 1800).body["prompt"]) == 1800
    request = req(r.IMAGE_TO_MULTIVIEW, image="https://x/a.png")
    assert (request.route, request.body) == ("/v3/generation/image-to-multiview", {"input": "https://x/a.png"})


def test_image_to_splat_body() -> None:
    """``input``, and ``model_seed`` only when given (the SDK 1.0.0's body)."""
    request = req(r.IMAGE_TO_SPLAT, image="file_abc")
    assert (request.route, request.body) == ("/v3/generation/image-to-splat", {"input": "file_abc"})
    assert req(r.IMAGE_TO_SPLAT, image="https://x/a.png", model_seed=7).body == {
        "input": "https://x/a.png",
        "model_seed": 7,
    }
    with pytest.raises(ValueError, match="model_seed"):
        req(r.IMAGE_TO_SPLAT, image="file_abc", model_seed=-1)


@pytest.mark.parametrize(
    ("values", "refusal"),
    [
        ({"aspect_ratio": "16:9"}, "aspect_ratio='16:9' needs a banana model"),  # Tripo's default, seedream_v4
        ({"model": "chat_image_2", "aspect_ratio": "16:9"}, "needs a banana model"),
        ({"model": "banana", "quality": "high"}, "quality='high' needs chat_image_2 or a chat_image_2.5 model"),
        (
            {"model": "chat_image_2", "background": "transparent"},
            "background='transparent' needs a chat_image_2.5 model",
        ),
        ({"model": "chat_image_1.5"}, "retired by Tripo on 2026-12-01"),
    ],
)
def test_each_image_model_takes_only_its_own_parameters(values: dict[str, Any], refusal: str) -> None:
    """S11: the JS SDK says the other models reject them: refused before sending (nothing is charged
    either way, but the artist learns which model takes what)."""
    with pytest.raises(ValueError, match=refusal):
        req(r.TEXT_TO_IMAGE, prompt="a fox", **values)
    assert req(r.TEXT_TO_IMAGE, prompt="a", model="banana_pro", aspect_ratio="16:9").body["aspect_ratio"] == "16:9"
    body = req(r.TEXT_TO_IMAGE, prompt="a", model="chat_image_2.5_sunburst", quality="high", background="white").body
    assert (body["quality"], body["background"]) == ("high", "white")


def test_image_to_depth() -> None:
    request = req(r.IMAGE_TO_DEPTH, image="file_x")
    assert (request.route, request.body) == ("/v3/generation/image-to-depth", {"input": "file_x"})
    assert req(r.IMAGE_TO_DEPTH, image="file_x", kind="color", process_res=1024).body == {
        "input": "file_x",
        "kind": "color",
        "process_res": 1024,
    }
    with pytest.raises(ValueError, match="process_res must be at most 2016"):
        req(r.IMAGE_TO_DEPTH, image="file_x", process_res=4096)


def test_image_to_image_from_the_record() -> None:
    """R5: the template is sent, a prompt is optional with one, the image goes as ``input`` (a task
    id as it is: Tripo reuses its output) and more references as ``inputs``."""
    request = req(r.IMAGE_TO_IMAGE, image=TASK, template="t_pose")
    assert (request.route, request.body) == ("/v3/generation/image-to-image", {"input": TASK, "template": "t_pose"})
    # the SDK's own pinned body (its test_client.py:185-187), but t_pose as the template it is today
    assert req(
        r.IMAGE_TO_IMAGE, image="https://x/a.png", images=["file_b"], prompt="red", model="seedream_v5"
    ).body == {"input": "https://x/a.png", "inputs": ["file_b"], "prompt": "red", "model": "seedream_v5"}
    with pytest.raises(ValueError, match="prompt is required unless a template is given"):
        req(r.IMAGE_TO_IMAGE, image=TASK)
    with pytest.raises(ValueError, match="image or images is required"):
        req(r.IMAGE_TO_IMAGE, template="variants")
    with pytest.raises(ValueError, match="template must be one of t_pose, variants"):
        req(r.IMAGE_TO_IMAGE, image=TASK, template="tpose")
    with pytest.raises(ValueError, match="seedream_v5 takes at most 4 reference images; 5 were given"):
        req(r.IMAGE_TO_IMAGE, image=TASK, images=["file_a"] * 4, prompt="red")
    assert (
        len(req(r.IMAGE_TO_IMAGE, image=TASK, images=["file_a"] * 9, prompt="red", model="banana").body["inputs"]) == 9
    )
    with pytest.raises(ValueError, match="retired by Tripo on 2026-12-01"):
        req(r.IMAGE_TO_IMAGE, image=TASK, template="figure", model="chat_image_1.5")


def test_edit_multiview_from_the_record() -> None:
    """R8: the views task as ``input``, a prompt per view as ``[{view, prompt}]`` in view order (a
    dict or the SDKs' list), empty prompts left out; refused before sending otherwise."""
    request = req(r.EDIT_MULTIVIEW, input=TASK, prompts={"back": "a red cape", "front": "a red scarf", "left": ""})
    assert (request.route, request.body) == (
        "/v3/generation/edit-multiview",
        {
            "input": TASK,
            "prompts": [{"view": "front", "prompt": "a red scarf"}, {"view": "back", "prompt": "a red cape"}],
        },
    )
    assert req(r.EDIT_MULTIVIEW, input=TASK, prompts=[{"view": "right", "prompt": "no hat"}]).body["prompts"] == [
        {"view": "right", "prompt": "no hat"}
    ], "the SDKs' form, as it is"
    with pytest.raises(
        ValueError,
        match=r"prompts has no prompt: say what to change in at least one view "
        r"\(front, left, back, right\)",
    ):
        req(r.EDIT_MULTIVIEW, input=TASK, prompts={"front": "", "back": "  "})
    with pytest.raises(ValueError, match="prompts names an unknown view 'top': the views are front, left, back, right"):
        req(r.EDIT_MULTIVIEW, input=TASK, prompts={"top": "a hat"})
    with pytest.raises(ValueError, match="prompts gives the front view twice"):
        req(r.EDIT_MULTIVIEW, input=TASK, prompts=[{"view": "front", "prompt": "a"}, {"view": "front", "prompt": "b"}])
    with pytest.raises(TypeError, match="missing required argument: 'prompts'"):
        req(r.EDIT_MULTIVIEW, input=TASK)


# --------------------------------------------------------------------------- post-processing


def test_smart_segment_from_the_record() -> None:
    """Smart segment (docs/apiv3.md#post-processes): ``seg_type`` says which input ``input`` is; a model needs its
    transform (16 numbers); granularity is coarse, medium or fine."""
    identity = list(r.IDENTITY_TRANSFORM)
    request = req(r.SMART_SEGMENT, original_model_task_id=TASK, seg_type="model", transform=identity, hint="arms")
    assert (request.route, request.body) == (
        "/v3/mesh/smartsegment",
        {"input": TASK, "seg_type": "model", "hint": "arms", "transform": identity},
    )
    assert req(r.SMART_SEGMENT, image="file_x", seg_type="image", granularity="fine").body == {
        "input": "file_x",
        "seg_type": "image",
        "granularity": "fine",
    }
    for values, refusal in (
        ({"seg_type": "model", "transform": identity}, "a model .* or an image"),
        ({"image": "file_x", "original_model_task_id": TASK, "seg_type": "image"}, "not both"),
        ({"image": "file_x", "seg_type": "model"}, "seg_type must be 'image'"),
        ({"original_model_task_id": TASK, "seg_type": "model"}, "transform .* is required"),
        ({"original_model_task_id": TASK, "seg_type": "model", "transform": [1.0] * 15}, "16 finite numbers"),
        (
            {"image": "file_x", "seg_type": "image", "granularity": "detailed"},
            "granularity must be one of coarse, medium, fine",
        ),
    ):
        with pytest.raises(ValueError, match=refusal):
            req(r.SMART_SEGMENT, **values)


def test_texture_model_bodies() -> None:
    request = req(r.TEXTURE, original_model_task_id=TASK)
    assert (request.route, request.body) == ("/v3/models/texture", {"input": TASK, "model": "v2.5-20250123"})
    body = req(
        r.TEXTURE,
        original_model_task_id=TASK,
        texture=True,
        pbr=False,
        texture_seed=42,
        texture_quality="fast",
        texture_alignment="geometry",
        part_names=["a", "b"],
        compress=True,
        bake=False,
        image_prompt="file_uploaded",
        style_image="https://x/style.png",
        model_version="v3.5-20260815",
        delight=True,
    ).body
    assert body == {
        "input": TASK,
        "model": "v3.5-20260815",
        "pbr": False,
        "texture_seed": 42,
        "texture_quality": "fast",
        "texture_alignment": "geometry",
        "part_names": ["a", "b"],
        "bake": False,
        "compress": "geometry",
        "texture_prompt": {"image": "file_uploaded", "style_image": "https://x/style.png"},
        "delight": True,
    }
    assert req(r.TEXTURE, original_model_task_id=TASK, text_prompt="wood").body["texture_prompt"] == {"text": "wood"}


def test_texture_v35_options_need_v35_and_prompts_are_exclusive() -> None:
    """The official SDK would send a text *and* an image prompt; apiv3 takes one of them, so the
    client refuses before anything is sent (or paid)."""
    with pytest.raises(ValueError, match="texture_quality='fast' needs model_version='v3.5-20260815'"):
        req(r.TEXTURE, original_model_task_id=TASK, texture_quality="fast")
    with pytest.raises(ValueError, match="delight needs"):
        req(r.TEXTURE, original_model_task_id=TASK, model_version="v3.0-20250812", delight=True)
    with pytest.raises(ValueError, match="not both"):
        req(r.TEXTURE, original_model_task_id=TASK, text_prompt="wood", image_prompt="file_x")


def test_convert_sends_only_options_that_differ() -> None:
    request = req(
        r.CONVERT,
        original_model_task_id=TASK,
        format="fbx",
        face_limit=-1,
        texture_format="PNG",
        with_animation=True,
        fbx_preset="mixamo",
        export_orientation="+x",
    )
    assert (request.route, request.body) == (
        "/v3/models/convert",
        {"input": TASK, "format": "FBX", "texture_format": "PNG", "fbx_preset": "mixamo"},
    )
    assert req(r.CONVERT, original_model_task_id=TASK, format="OBJ", face_limit=5000, with_animation=False).body == {
        "input": TASK,
        "format": "OBJ",
        "face_limit": 5000,
        "with_animation": False,
    }
    assert req(r.CONVERT, original_model_task_id=TASK, format="USDZ", scale_factor=2.0, animate_in_place=True).body == {
        "input": TASK,
        "format": "USDZ",
        "scale_factor": 2.0,
        "animate_in_place": True,
    }
    with pytest.raises(ValueError, match="format must be one of"):
        req(r.CONVERT, original_model_task_id=TASK, format="BLEND")


def test_convert_offers_glb_and_bake_scale_saying_who_said_what() -> None:
    """S7: GLB is in the JS/Go/Rust enums, bake_scale in ComfyUI's node (the docs say v3 dropped
    it): sent, and a refusal says so."""
    request = req(r.CONVERT, original_model_task_id=TASK, format="glb", fbx_preset="bake_scale")
    assert request.body == {"input": TASK, "format": "GLB", "fbx_preset": "bake_scale"}
    said, suggestion = p.disputed_refusal(request.disputed)
    assert "JavaScript, Go and Rust SDKs list GLB" in said and "ComfyUI" in said
    assert suggestion.startswith("Send it again without format, fbx_preset")
    assert req(r.CONVERT, original_model_task_id=TASK, format="FBX", fbx_preset="mixamo").disputed == ()


def test_import_and_rig_check() -> None:
    assert req(r.IMPORT, file="file_abc") == p.Request("/v3/models/import", {"input": "file_abc"})
    assert req(r.RIG_CHECK, original_model_task_id=TASK) == p.Request("/v3/animations/rig-check", {"input": TASK})


def test_rig_model_bodies_and_legacy_version() -> None:
    assert req(r.RIG, original_model_task_id=TASK).body == {"input": TASK, "model": "v1.0-20240301"}
    # the caller asked for the retired v2.0: sent as v2.5, as the SDK (and v2 itself) did
    body = req(
        r.RIG,
        original_model_task_id=TASK,
        out_format="fbx",
        rig_type="quadruped",
        spec="mixamo",
        model_version="v2.0-20250506",
    ).body
    assert body == {
        "input": TASK,
        "model": "v2.5-20260210",
        "out_format": "fbx",
        "rig_type": "quadruped",
        "spec": "mixamo",
    }
    body = req(
        r.RIG, original_model_task_id=TASK, rig_type=RigType.OTHERS, spec=RigSpec.VRM, model_version="v3.0-20260909"
    ).body
    assert body == {"input": TASK, "model": "v3.0-20260909", "rig_type": "others", "spec": "vrm"}
    assert req(r.RIG, original_model_task_id=TASK, rig_type="biped", spec="tripo").body == {
        "input": TASK,
        "model": "v1.0-20240301",
    }


@pytest.mark.parametrize(("rig_type", "spec"), [("quadruped", None), (None, "unity"), (None, "vrm")])
def test_rig_v10_rigs_bipeds_with_the_classic_specs_only(rig_type: str | None, spec: str | None) -> None:
    with pytest.raises(ValueError, match="bipeds only"):
        req(r.RIG, original_model_task_id=TASK, rig_type=rig_type, spec=spec)


def test_retarget_bodies() -> None:
    request = req(
        r.RETARGET, original_model_task_id=TASK, animation="preset:walk", out_format="glb", export_with_geometry=False
    )
    assert (request.route, request.body) == ("/v3/animations/retarget", {"input": TASK, "animation": "preset:walk"})
    assert request.disputed == ()
    body = req(
        r.RETARGET,
        original_model_task_id=TASK,
        animation=[Animation.RUN, "preset:jump"],
        out_format="fbx",
        export_with_geometry=True,
    ).body
    assert body == {
        "input": TASK,
        "animations": ["preset:run", "preset:jump"],
        "out_format": "fbx",
        "export_with_geometry": True,
    }
    assert req(r.RETARGET, original_model_task_id=TASK, animation="preset:idle", animate_in_place=True).body == {
        "input": TASK,
        "animation": "preset:idle",
        "animate_in_place": True,
    }


@pytest.mark.parametrize("bake", [True, False])
def test_bake_animation_is_sent_when_set_and_named_as_disputed(bake: bool) -> None:
    """S8: the JS/Go/Rust SDKs send it, the Python SDK drops it: the service decides (a refusal is free)."""
    request = req(r.RETARGET, original_model_task_id=TASK, animation=["preset:idle"], bake_animation=bake)
    assert request.body == {"input": TASK, "animations": ["preset:idle"], "bake_animation": bake}
    assert [name for name, _ in request.disputed] == ["bake_animation"]
    said, suggestion = p.disputed_refusal(request.disputed)
    assert "JavaScript, Go and Rust SDKs" in said and "Python SDK 1.0.0" in said
    assert "without bake_animation" in suggestion


@pytest.mark.parametrize(
    ("animations", "message"),
    [
        ([], "empty list"),
        (["preset:walk"] * 2, "duplicates"),
        ([f"preset:a{i}" for i in range(6)], "at most 5"),
        (["walk"], "preset name"),
        ("preset:moon walk", "preset name"),
    ],
)
def test_retarget_refuses_bad_animation_lists(animations: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        req(r.RETARGET, original_model_task_id=TASK, animation=animations)


def test_segmentation_and_completion_bodies() -> None:
    request = req(r.SEGMENT, original_model_task_id=TASK)
    assert (request.route, request.body) == ("/v3/mesh/segment", {"input": TASK, "model": "v1.0-20250506"})
    body = req(
        r.SEGMENT,
        original_model_task_id=TASK,
        model_version="v2.0-20260430",
        segmentation_granularity="detailed",
        ref_image="file_uploaded",
        split_by_connectivity=False,
    ).body
    assert body == {
        "input": TASK,
        "model": "v2.0-20260430",
        "segmentation_granularity": "detailed",
        "ref_image": "file_uploaded",
        "split_by_connectivity": False,
    }
    with pytest.raises(ValueError, match="v2.0-20260430"):
        req(r.SEGMENT, original_model_task_id=TASK, segmentation_granularity="simple")
    request = req(r.COMPLETE, original_model_task_id=TASK)
    assert (request.route, request.body) == ("/v3/mesh/complete", {"input": TASK, "model": "v1.0-20250506"})
    assert req(r.COMPLETE, original_model_task_id=TASK, part_names=["arm"], completion_mode="quick_cap").body == {
        "input": TASK,
        "model": "v1.0-20250506",
        "part_names": ["arm"],
        "completion_mode": "quick_cap",
    }


def test_smart_lowpoly_bodies_and_legacy_versions() -> None:
    request = req(r.DECIMATE, original_model_task_id=TASK)
    assert (request.route, request.body) == ("/v3/mesh/decimate", {"input": TASK})
    assert req(
        r.DECIMATE,
        original_model_task_id=TASK,
        model_version="P-v2.0-20251225",
        quad=False,
        face_limit=10000,
        bake=True,
    ).body == {"input": TASK, "model": "v2.0", "face_limit": 10000}
    for legacy, sent in (("P-v2.0-20251226", "v2.0"), ("P-v3.0-20260909", "v3.0"), ("P-v1.0-20250506", "v1.0")):
        assert req(r.DECIMATE, original_model_task_id=TASK, model_version=legacy).body["model"] == sent
    assert req(
        r.DECIMATE, original_model_task_id=TASK, model_version="v3.0", quad=True, smart_uv=True, bake=False
    ).body == {"input": TASK, "model": "v3.0", "quad": True, "bake": False, "smart_uv": True}
    with pytest.raises(ValueError, match="smart_uv"):
        req(r.DECIMATE, original_model_task_id=TASK, model_version="v2.0", smart_uv=True)
    with pytest.raises(ValueError, match="face_limit must be at most 10,000 with quad"):
        req(r.DECIMATE, original_model_task_id=TASK, quad=True, face_limit=15000)
    below = req(r.DECIMATE, original_model_task_id=TASK, face_limit=600)
    assert [name for name, _ in below.disputed] == ["face_limit"], "500–999: the docs and the schema disagree"


def test_mesh_uv() -> None:
    request = req(r.MESH_UV, original_model_task_id=TASK, export_orientation="+y")
    assert (request.route, request.body) == ("/v3/mesh/uv", {"input": TASK, "export_orientation": "+y"})


# --------------------------------------------------------------------------- raw and retired


def test_create_task_routes_a_v2_style_body_by_type() -> None:
    request = r.create_task_request({"type": "animate_rig", "original_model_task_id": TASK})
    assert (request.route, request.body) == ("/v3/animations/rig", {"original_model_task_id": TASK})


@pytest.mark.parametrize("task_type", ["refine_model", "stylize_model"])
def test_retired_types_are_refused_with_the_reason(task_type: str) -> None:
    with pytest.raises(TripoValidationError, match="retired") as info:
        r.create_task_request({"type": task_type, "original_model_task_id": TASK})
    assert isinstance(info.value, ValueError) and "No request was sent" in str(info.value)


def test_unknown_types_are_refused() -> None:
    with pytest.raises(TripoValidationError, match="no task type 'text_to_motion'"):
        r.create_task_request({"type": "text_to_motion"})
    with pytest.raises(ValueError, match="'type'"):
        r.create_task_request({"prompt": "x"})


def test_list_tasks_takes_one_to_a_hundred_ids() -> None:
    assert p.list_tasks_body([TASK, "b"]) == {"task_ids": [TASK, "b"]}
    with pytest.raises(ValueError, match="empty"):
        p.list_tasks_body([])
    with pytest.raises(ValueError, match="at most 100"):
        p.list_tasks_body([f"t{i}" for i in range(101)])
    with pytest.raises(ValueError, match="task id"):
        p.list_tasks_body(["../etc"])


def test_no_body_ever_carries_a_json_null_except_an_empty_view() -> None:
    nothing: dict[str, Any] = {"negative_prompt": None, "image_seed": None, "style": None}
    bodies = [
        t2m(**nothing).body,
        req(r.RIG, original_model_task_id=TASK, out_format=None, rig_type=None, spec=None).body,
        req(
            r.RETARGET,
            original_model_task_id=TASK,
            animation="preset:run",
            out_format=None,
            bake_animation=None,
            export_with_geometry=None,
        ).body,
        req(
            r.CONVERT,
            original_model_task_id=TASK,
            format="FBX",
            **{f.name: None for f in r.CONVERT.fields if f.name not in ("original_model_task_id", "format")},
        ).body,
    ]
    assert all("null" not in json.dumps(body) for body in bodies)
