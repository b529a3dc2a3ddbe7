"""The price list (docs/apiv3.md#prices) and what is actually charged on the wire."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator import Emulator
from tests.emulator.pricing import ASSUMED, charge, price
from tests.emulator.routes import CREATION_ROUTES

from .helpers import CAT, CONVERT, IMAGE_URL, RETARGET, RIG, T2M, Caller

P1 = "P1-20260311"


@pytest.mark.parametrize(
    ("task_type", "body", "credits"),
    [
        ("text_to_model", {}, 20),
        ("text_to_model", {"texture": False, "pbr": False}, 10),
        ("text_to_model", {"texture": False}, 20),  # pbr=true forces texture
        ("text_to_model", {"model": P1}, 40),
        ("text_to_model", {"model": P1, "texture": False, "pbr": False}, 30),
        ("text_to_model", {"model": "P2-20260801"}, 40),  # priced like P1 (assumption)
        ("text_to_model", {"model": P1, "texture_quality": "detailed"}, 40),  # P series: flat
        ("image_to_model", {"texture_quality": "detailed", "quad": True, "smart_low_poly": True}, 30 + 10 + 5 + 10),
        ("image_to_model", {"texture_quality": "extreme", "geometry_quality": "detailed"}, 30 + 20 + 20),
        ("image_to_model", {"model": P1}, 50),
        ("multiview_to_model", {"texture": False, "pbr": False, "generate_parts": True}, 40),
        ("multiview_to_model", {"texture": False, "pbr": False, "texture_quality": "detailed"}, 20),  # untextured
        ("texture_model", {}, 10),
        ("texture_model", {"texture_quality": "detailed"}, 20),
        ("texture_model", {"texture_quality": "extreme"}, 30),
        ("animate_prerigcheck", {}, 0),
        ("animate_rig", {}, 25),
        ("animate_retarget", {"animation": "preset:walk"}, 10),
        ("animate_retarget", {"animations": ["preset:walk", "preset:run", "preset:idle"]}, 30),
        ("convert_model", {"input": "x", "format": "OBJ"}, 5),
        ("convert_model", {"original_model_task_id": "x", "format": "OBJ"}, 5),
        ("convert_model", {"input": "x", "format": "OBJ", "face_limit": 10000}, 10),
        ("convert_model", {"input": "x", "format": "FBX", "with_animation": False}, 10),
        ("mesh_segmentation", {}, 40),
        ("mesh_completion", {}, 50),
        ("highpoly_to_lowpoly", {}, 30),
        ("text_to_image", {}, 5),
        ("generate_multiview_image", {}, 10),
        ("edit_multiview_image", {"prompts": [{"view": "front", "prompt": "a"}, {"view": "back", "prompt": "b"}]}, 10),
        ("image_to_splat", {}, 30),
        ("import_model", {}, None),
        ("image_to_depth", {}, None),
        ("mesh_uv", {}, None),
        ("generate_image", {}, None),
        ("smart_segment", {}, None),
    ],
)
def test_price_list(task_type: str, body: dict[str, Any], credits: int | None) -> None:
    assert price(task_type, body) == credits


def test_every_type_has_a_charge() -> None:
    for task_type in CREATION_ROUTES.values():
        assert charge(task_type, {}) >= 0
    assert set(ASSUMED) <= set(CREATION_ROUTES.values())
    assert charge("import_model", {}) == 0


def test_the_wire_charges_the_list(emulator: Emulator, api: Caller) -> None:
    model = api.create(T2M, CAT)
    rig = api.create(RIG, {"input": model})
    retarget = api.finished(RETARGET, {"input": rig, "animations": ["preset:walk", "preset:run"]})
    plain = api.finished(CONVERT, {"input": model, "format": "STL"})
    complex_ = api.finished(CONVERT, {"input": model, "format": "STL", "scale_factor": 2.0})
    assert (retarget["credits_consumed"], plain["credits_consumed"], complex_["credits_consumed"]) == (20, 5, 10)
    assert api.task(rig)["credits_consumed"] == 25
    assert emulator.balance_of() == (10_000.0 - 20 - 25 - 20 - 5 - 10, 0.0)


def test_failed_and_cancelled_tasks_cost_nothing(emulator: Emulator, api: Caller) -> None:
    emulator.set_outcome("failed", error_code=2008)
    emulator.set_outcome("cancelled")
    first = api.finished("/v3/generation/image-to-model", {"input": IMAGE_URL, "model": P1})
    second = api.finished(T2M, CAT)
    assert (first["credits_consumed"], second["credits_consumed"]) == (0, 0)
    assert emulator.balance_of() == (10_000.0, 0.0)
