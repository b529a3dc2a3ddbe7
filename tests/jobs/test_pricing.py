"""estimate_cost against Tripo's apiv3 prices (docs/apiv3.md#prices)."""

from __future__ import annotations

import pytest

from tripo_blender.jobs import KINDS, estimate_cost

P1 = "P1-20260311"


@pytest.mark.parametrize(
    ("kind", "params", "credits"),
    [
        # generation, H2/H3 versions: textured is the API default (texture and pbr default true)
        ("text_to_model", {"prompt": "a cat"}, 20),
        ("text_to_model", {"prompt": "a cat", "texture": False, "pbr": False}, 10),
        ("text_to_model", {"prompt": "a cat", "texture": False}, 20),  # pbr=true forces texture
        ("text_to_model", {"prompt": "a cat", "texture_quality": "detailed"}, 30),
        ("text_to_model", {"prompt": "a cat", "texture": False, "pbr": False, "texture_quality": "detailed"}, 10),
        ("text_to_model", {"prompt": "a cat", "quad": True}, 25),
        ("text_to_model", {"prompt": "a cat", "smart_low_poly": True}, 30),
        ("text_to_model", {"prompt": "a cat", "texture": False, "pbr": False, "generate_parts": True}, 30),
        ("text_to_model", {"prompt": "a cat", "geometry_quality": "detailed", "model_version": "v3.0-20250812"}, 40),
        ("text_to_model", {"prompt": "a cat", "quad": True, "smart_low_poly": True, "texture_quality": "detailed"}, 45),
        ("image_to_model", {"image": "x.png"}, 30),
        ("image_to_model", {"image": "x.png", "texture": False, "pbr": False}, 20),
        ("multiview_to_model", {"images": ["a.png", None, "b.png", None]}, 30),
        ("multiview_to_model", {"images": ["a.png"], "texture": False, "pbr": False, "quad": True}, 25),
        # P1
        ("text_to_model", {"prompt": "a cat", "model_version": P1}, 40),
        ("text_to_model", {"prompt": "a cat", "model_version": P1, "texture": False, "pbr": False}, 30),
        ("image_to_model", {"image": "x.png", "model_version": P1}, 50),
        ("multiview_to_model", {"images": ["a.png"], "model_version": P1, "texture": False, "pbr": False}, 40),
        # post-processes
        ("texture_model", {"original_model_task_id": "t"}, 10),
        ("texture_model", {"original_model_task_id": "t", "texture_quality": "detailed"}, 20),
        ("rig_model", {"original_model_task_id": "t"}, 25),
        ("retarget_animation", {"original_model_task_id": "t", "animation": "preset:walk"}, 10),
        (
            "retarget_animation",
            {"original_model_task_id": "t", "animation": ["preset:walk", "preset:run", "preset:jump"]},
            30,
        ),
        ("check_riggable", {"original_model_task_id": "t"}, 0),
        ("mesh_segmentation", {"original_model_task_id": "t"}, 40),
        ("mesh_completion", {"original_model_task_id": "t"}, 50),
        ("smart_lowpoly", {"original_model_task_id": "t"}, 30),
        ("convert_model", {"original_model_task_id": "t", "format": "FBX"}, 5),
        ("convert_model", {"original_model_task_id": "t", "format": "FBX", "quad": False}, 5),
        ("convert_model", {"original_model_task_id": "t", "format": "FBX", "quad": True}, 10),
        ("convert_model", {"original_model_task_id": "t", "format": "OBJ", "face_limit": 5000}, 10),
        ("convert_model", {"original_model_task_id": "t", "format": "USDZ", "scale_factor": 2.0}, 10),
        ("convert_model", {"original_model_task_id": "t", "format": "FBX", "face_limit": None}, 5),
        ("convert_model", {"original_model_task_id": "t", "format": "FBX", "with_animation": True}, 5),
        ("convert_model", {"original_model_task_id": "t", "format": "FBX", "with_animation": False}, 10),
        ("convert_model", {"original_model_task_id": "t", "format": "FBX", "fbx_preset": "mixamo"}, 10),
        # extreme textures (+20) and the texture versions with a price
        ("text_to_model", {"prompt": "a cat", "texture_quality": "extreme"}, 40),
        ("texture_model", {"original_model_task_id": "t", "texture_quality": "extreme"}, 30),
        ("texture_model", {"original_model_task_id": "t", "model_version": "v3.0-20250812"}, 10),
        ("rig_model", {"original_model_task_id": "t", "model_version": "v2.5-20260210", "rig_type": "quadruped"}, 25),
        ("import_task", {}, 0),
    ],
)
def test_published_prices(kind: str, params: dict, credits: int) -> None:
    assert estimate_cost(kind, params) == credits


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("stylize_model", {"original_model_task_id": "t", "style": "lego"}),  # retired
        ("refine_model", {"draft_model_task_id": "t"}),  # retired
        ("no_such_method", {}),
        # versions and options no source gives a figure for
        ("text_to_model", {"prompt": "a cat", "model_version": P1, "texture_quality": "detailed"}),
        ("text_to_model", {"prompt": "a cat", "model_version": "P2-20260801"}),
        ("texture_model", {"original_model_task_id": "t", "model_version": "v3.5-20260815"}),
        ("rig_model", {"original_model_task_id": "t", "model_version": "v3.0-20260909"}),
        # a convert the client would refuse has no price
        ("convert_model", {"original_model_task_id": "t", "format": "BLEND"}),
        # a retarget without any animation is invalid: no price rather than "free"
        ("retarget_animation", {"original_model_task_id": "t", "animation": []}),
    ],
)
def test_unknown_price_is_none_not_zero(kind: str, params: dict) -> None:
    assert estimate_cost(kind, params) is None


def test_every_job_kind_has_an_answer_without_raising() -> None:
    for kind in KINDS:
        result = estimate_cost(
            kind, {"original_model_task_id": "t", "prompt": "p", "format": "GLTF", "animation": "preset:idle"}
        )
        assert result is None or (isinstance(result, int) and result >= 0)


def test_enum_values_are_priced_like_their_strings() -> None:
    from tripo_blender.client import Animation

    assert estimate_cost("retarget_animation", {"animation": [Animation.WALK, Animation.RUN]}) == 20
