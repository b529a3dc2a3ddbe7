"""The pure request builders: routes, exact bodies, and what is refused before anything is sent.

The expected bodies are the ones the official SDK 1.0.0's own tests pin (its sdist's
``tests/test_client.py``), so our wire format matches the reference implementation field for
field; ``test_sdk_parity.py`` then checks the same on the emulator for every method.
"""

from __future__ import annotations

import json

import pytest

from tripo_blender.client import Animation, RigSpec, RigType, TripoValidationError
from tripo_blender.client import payloads as p
from tripo_blender.client.payloads import GenerationOptions

TASK = "11111111-2222-3333-4444-555555555555"


def test_every_route_is_an_apiv3_route() -> None:
    assert all(route.startswith("/v3/") for route in p.ROUTES.values())
    assert p.ROUTES["highpoly_to_lowpoly"] == "/v3/mesh/decimate"
    assert p.ROUTES["animate_prerigcheck"] == "/v3/animations/rig-check"


def test_encode_body_is_compact_utf8_and_refuses_nan() -> None:
    assert p.encode_body({"prompt": "chaise à bascule", "face_limit": 5}) == \
        '{"prompt":"chaise à bascule","face_limit":5}'.encode()
    with pytest.raises(ValueError, match="JSON"):
        p.encode_body({"x": float("nan")})


# --------------------------------------------------------------------------- generation


def test_text_to_model_sends_the_model_and_only_what_differs_from_the_defaults() -> None:
    request = p.text_to_model_request("a cat")
    assert request.route == "/v3/generation/text-to-model"
    assert request.body == {"prompt": "a cat", "model": "v2.5-20250123"}


def test_text_to_model_with_every_option() -> None:
    options = GenerationOptions(model_version="v3.1-20260211", face_limit=1000, texture=False, pbr=True,
                                model_seed=2, texture_seed=3, texture_quality="detailed", auto_size=True, quad=True,
                                compress=True, generate_parts=True, smart_low_poly=False, export_orientation="-y")
    body = p.text_to_model_request("a cat", "blur", 1, None, options).body
    assert body == {
        "prompt": "a cat", "model": "v3.1-20260211", "negative_prompt": "blur", "face_limit": 1000,
        "texture": False, "image_seed": 1, "model_seed": 2, "texture_seed": 3, "texture_quality": "detailed",
        "auto_size": True, "quad": True, "generate_parts": True, "compress": "geometry", "export_orientation": "-y",
    }


def test_defaults_passed_explicitly_are_not_sent() -> None:
    options = GenerationOptions(texture=True, pbr=True, texture_quality="standard", geometry_quality="standard",
                                auto_size=False, quad=False, compress=False, export_uv=True)
    assert p.text_to_model_request("a cat", options=options).body == {"prompt": "a cat", "model": "v2.5-20250123"}


def test_none_version_means_the_clients_default_because_apiv3_requires_one() -> None:
    assert p.text_to_model_request("a cat", options=GenerationOptions(model_version=None)).body["model"] == "v2.5-20250123"


def test_generation_styles_are_refused() -> None:
    with pytest.raises(ValueError, match="style is not available"):
        p.text_to_model_request("a cat", style="object:clay")


@pytest.mark.parametrize("version", ["P1-20260311", "P2-20260801"])
@pytest.mark.parametrize("option", ["quad", "smart_low_poly", "generate_parts"])
def test_p_series_refuses_paid_options(version: str, option: str) -> None:
    with pytest.raises(ValueError, match="P-series"):
        p.text_to_model_request("a cat", options=GenerationOptions(model_version=version, **{option: True}))


def test_p_series_refuses_detailed_geometry_and_sends_none_of_the_flags() -> None:
    with pytest.raises(ValueError, match="geometry_quality"):
        p.text_to_model_request("a cat", options=GenerationOptions(model_version="P1-20260311",
                                                                   geometry_quality="detailed"))
    body = p.text_to_model_request("a cat", options=GenerationOptions(model_version="P1-20260311")).body
    assert body == {"prompt": "a cat", "model": "P1-20260311"}


@pytest.mark.parametrize(("prompt", "message"), [("", "empty"), ("   ", "empty"), ("x" * 1025, "1025 characters"),
                                                 (None, "must be a string")])
def test_bad_prompts(prompt: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        p.text_to_model_request(prompt)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [-1, 2**31, True, 1.5])
def test_seeds_are_checked(seed: object) -> None:
    with pytest.raises(ValueError, match="model_seed"):
        p.text_to_model_request("a cat", options=GenerationOptions(model_seed=seed))  # type: ignore[arg-type]


def test_image_to_model_bodies() -> None:
    assert p.image_to_model_request("https://x/a.png").body == {"input": "https://x/a.png", "model": "v2.5-20250123"}
    body = p.image_to_model_request(TASK, "geometry", None, "align_image", GenerationOptions(model_version="P2-20260801"),
                                    enable_image_autofix=True).body
    assert body == {"input": TASK, "model": "P2-20260801", "texture_alignment": "geometry",
                    "orientation": "align_image", "enable_image_autofix": True}
    assert p.image_to_model_request("https://x/a.png").route == "/v3/generation/image-to-model"


def test_multiview_slots_and_task_reuse() -> None:
    request = p.multiview_to_model_request(["file_front", None, "https://x/back.png"],
                                           options=GenerationOptions(model_version="v3.0-20250812"))
    assert request.route == "/v3/generation/multiview-to-model"
    assert request.body == {"inputs": ["file_front", None, "https://x/back.png", None], "model": "v3.0-20250812"}
    assert p.multiview_to_model_request(TASK).body == {"inputs": [{"task_id": TASK}], "model": "v2.5-20250123"}
    with pytest.raises(ValueError, match="front view"):
        p.multiview_to_model_request([None, "file_left"])
    with pytest.raises(ValueError, match="at least 2 views"):
        p.multiview_to_model_request(["file_front"])


def test_text_to_image_and_multiview_images() -> None:
    request = p.text_to_image_request("a cat", model="seedream_v4", size="1024x1024")
    assert (request.route, request.body) == ("/v3/generation/text-to-image",
                                             {"prompt": "a cat", "model": "seedream_v4", "size": "1024x1024"})
    assert len(p.text_to_image_request("x" * 1800).body["prompt"]) == 1800
    request = p.image_to_multiview_request("https://x/a.png")
    assert (request.route, request.body) == ("/v3/generation/image-to-multiview", {"input": "https://x/a.png"})


# --------------------------------------------------------------------------- post-processing


def test_texture_model_bodies() -> None:
    request = p.texture_model_request(TASK)
    assert (request.route, request.body) == ("/v3/models/texture", {"input": TASK, "model": "v2.5-20250123"})
    body = p.texture_model_request(TASK, True, False, None, 42, "fast", "geometry", ["a", "b"], True, False, None,
                                   "file_uploaded", "https://x/style.png", "v3.5-20260815", delight=True).body
    assert body == {
        "input": TASK, "model": "v3.5-20260815", "pbr": False, "texture_seed": 42, "texture_quality": "fast",
        "texture_alignment": "geometry", "part_names": ["a", "b"], "bake": False, "compress": "geometry",
        "texture_prompt": {"image": "file_uploaded", "style_image": "https://x/style.png"}, "delight": True,
    }
    assert p.texture_model_request(TASK, text_prompt="wood").body["texture_prompt"] == {"text": "wood"}


def test_texture_v35_options_need_v35_and_prompts_are_exclusive() -> None:
    """The official SDK would send a text *and* an image prompt; apiv3 takes one of them, so the
    client refuses before anything is sent (or paid)."""
    with pytest.raises(ValueError, match="fast"):
        p.texture_model_request(TASK, texture_quality="fast")
    with pytest.raises(ValueError, match="delight"):
        p.texture_model_request(TASK, model_version="v3.0-20250812", delight=True)
    with pytest.raises(ValueError, match="not both"):
        p.texture_model_request(TASK, text_prompt="wood", image_prompt="file_x")


def test_convert_sends_only_options_that_differ() -> None:
    request = p.convert_model_request(TASK, "fbx", face_limit=-1, texture_format="PNG", with_animation=True,
                                      fbx_preset="mixamo", export_orientation="+x")
    assert (request.route, request.body) == ("/v3/models/convert", {"input": TASK, "format": "FBX",
                                                                    "texture_format": "PNG", "fbx_preset": "mixamo"})
    assert p.convert_model_request(TASK, "OBJ", face_limit=5000, with_animation=False).body == \
        {"input": TASK, "format": "OBJ", "face_limit": 5000, "with_animation": False}
    assert p.convert_model_request(TASK, "USDZ", scale_factor=2.0, animate_in_place=True).body == \
        {"input": TASK, "format": "USDZ", "scale_factor": 2.0, "animate_in_place": True}
    with pytest.raises(ValueError, match="format must be one of"):
        p.convert_model_request(TASK, "BLEND")


def test_import_and_rig_check() -> None:
    assert p.import_model_request("file_abc") == p.Request("/v3/models/import", {"input": "file_abc"})
    assert p.check_riggable_request(TASK) == p.Request("/v3/animations/rig-check", {"input": TASK})


def test_rig_model_bodies_and_legacy_version() -> None:
    assert p.rig_model_request(TASK).body == {"input": TASK, "model": "v1.0-20240301"}
    # the caller asked for the retired v2.0: sent as v2.5, as the SDK (and v2 itself) did
    body = p.rig_model_request(TASK, "fbx", "quadruped", "mixamo", "v2.0-20250506").body
    assert body == {"input": TASK, "model": "v2.5-20260210", "out_format": "fbx", "rig_type": "quadruped",
                    "spec": "mixamo"}
    body = p.rig_model_request(TASK, "glb", RigType.OTHERS, RigSpec.VRM, "v3.0-20260909").body
    assert body == {"input": TASK, "model": "v3.0-20260909", "rig_type": "others", "spec": "vrm"}
    assert p.rig_model_request(TASK, rig_type="biped", spec="tripo").body == {"input": TASK, "model": "v1.0-20240301"}


@pytest.mark.parametrize(("rig_type", "spec"), [("quadruped", None), (None, "unity"), (None, "vrm")])
def test_rig_v10_rigs_bipeds_with_the_classic_specs_only(rig_type: str | None, spec: str | None) -> None:
    with pytest.raises(ValueError, match="bipeds only"):
        p.rig_model_request(TASK, rig_type=rig_type, spec=spec)


def test_retarget_bodies() -> None:
    request = p.retarget_animation_request(TASK, "preset:walk", "glb", None, False)
    assert (request.route, request.body) == ("/v3/animations/retarget", {"input": TASK, "animation": "preset:walk"})
    assert request.disputed == ()
    body = p.retarget_animation_request(TASK, [Animation.RUN, "preset:jump"], "fbx", export_with_geometry=True).body
    assert body == {"input": TASK, "animations": ["preset:run", "preset:jump"], "out_format": "fbx",
                    "export_with_geometry": True}
    assert p.retarget_animation_request(TASK, "preset:idle", animate_in_place=True).body == \
        {"input": TASK, "animation": "preset:idle", "animate_in_place": True}


@pytest.mark.parametrize("bake", [True, False])
def test_bake_animation_is_sent_when_set_and_named_as_disputed(bake: bool) -> None:
    """S8: the JS/Go/Rust SDKs send it, the Python SDK drops it: the service decides (a refusal is free)."""
    request = p.retarget_animation_request(TASK, ["preset:idle"], bake_animation=bake)
    assert request.body == {"input": TASK, "animations": ["preset:idle"], "bake_animation": bake}
    assert request.disputed == ("bake_animation",)
    said, suggestion = p.disputed_refusal(request.disputed)
    assert "JavaScript, Go and Rust SDKs" in said and "Python SDK 1.0.0" in said
    assert "without bake_animation" in suggestion


@pytest.mark.parametrize(("animations", "message"), [
    ([], "empty list"), (["preset:walk"] * 2, "duplicates"), ([f"preset:a{i}" for i in range(6)], "at most 5"),
    (["walk"], "preset name"), ("preset:moon walk", "preset name"),
])
def test_retarget_refuses_bad_animation_lists(animations: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        p.retarget_animation_request(TASK, animations)  # type: ignore[arg-type]


def test_segmentation_and_completion_bodies() -> None:
    request = p.mesh_segmentation_request(TASK)
    assert (request.route, request.body) == ("/v3/mesh/segment", {"input": TASK, "model": "v1.0-20250506"})
    body = p.mesh_segmentation_request(TASK, "v2.0-20260430", "detailed", "file_uploaded", False).body
    assert body == {"input": TASK, "model": "v2.0-20260430", "segmentation_granularity": "detailed",
                    "ref_image": "file_uploaded", "split_by_connectivity": False}
    with pytest.raises(ValueError, match="v2.0-20260430"):
        p.mesh_segmentation_request(TASK, segmentation_granularity="simple")
    request = p.mesh_completion_request(TASK)
    assert (request.route, request.body) == ("/v3/mesh/complete", {"input": TASK, "model": "v1.0-20250506"})
    assert p.mesh_completion_request(TASK, part_names=["arm"], completion_mode="quick_cap").body == \
        {"input": TASK, "model": "v1.0-20250506", "part_names": ["arm"], "completion_mode": "quick_cap"}


def test_smart_lowpoly_bodies_and_legacy_versions() -> None:
    request = p.smart_lowpoly_request(TASK)
    assert (request.route, request.body) == ("/v3/mesh/decimate", {"input": TASK})
    assert p.smart_lowpoly_request(TASK, "P-v2.0-20251225", False, None, 10000, True).body == \
        {"input": TASK, "model": "v2.0", "face_limit": 10000}
    for legacy, sent in (("P-v2.0-20251226", "v2.0"), ("P-v3.0-20260909", "v3.0"), ("P-v1.0-20250506", "v1.0")):
        assert p.smart_lowpoly_request(TASK, legacy).body["model"] == sent
    assert p.smart_lowpoly_request(TASK, "v3.0", True, smart_uv=True, bake=False).body == \
        {"input": TASK, "model": "v3.0", "quad": True, "bake": False, "smart_uv": True}
    with pytest.raises(ValueError, match="smart_uv"):
        p.smart_lowpoly_request(TASK, "v2.0", smart_uv=True)


def test_mesh_uv() -> None:
    request = p.mesh_uv_request(TASK, export_orientation="+y")
    assert (request.route, request.body) == ("/v3/mesh/uv", {"input": TASK, "export_orientation": "+y"})


# --------------------------------------------------------------------------- raw and retired


def test_create_task_routes_a_v2_style_body_by_type() -> None:
    request = p.create_task_request({"type": "animate_rig", "original_model_task_id": TASK})
    assert (request.route, request.body) == ("/v3/animations/rig", {"original_model_task_id": TASK})


@pytest.mark.parametrize("task_type", ["refine_model", "stylize_model"])
def test_retired_types_are_refused_with_the_reason(task_type: str) -> None:
    with pytest.raises(TripoValidationError, match="retired") as info:
        p.create_task_request({"type": task_type, "original_model_task_id": TASK})
    assert isinstance(info.value, ValueError) and "No request was sent" in str(info.value)


def test_unknown_types_are_refused() -> None:
    with pytest.raises(TripoValidationError, match="no task type 'text_to_motion'"):
        p.create_task_request({"type": "text_to_motion"})
    with pytest.raises(ValueError, match="'type'"):
        p.create_task_request({"prompt": "x"})


def test_list_tasks_takes_one_to_a_hundred_ids() -> None:
    assert p.list_tasks_body([TASK, "b"]) == {"task_ids": [TASK, "b"]}
    with pytest.raises(ValueError, match="empty"):
        p.list_tasks_body([])
    with pytest.raises(ValueError, match="at most 100"):
        p.list_tasks_body([f"t{i}" for i in range(101)])
    with pytest.raises(ValueError, match="task id"):
        p.list_tasks_body(["../etc"])


def test_no_body_ever_carries_a_json_null_except_an_empty_view() -> None:
    bodies = [p.text_to_model_request("a", None, None, None).body, p.rig_model_request(TASK, None, None, None).body,
              p.retarget_animation_request(TASK, "preset:run", None, None, None).body,
              p.convert_model_request(TASK, "FBX", *([None] * 12)).body]
    assert all("null" not in json.dumps(body) for body in bodies)
