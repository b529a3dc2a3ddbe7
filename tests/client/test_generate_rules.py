"""The generate form's rules without Blender: problems and their messages, request building,
costs, job names (:mod:`tripo_blender.rules.generate`).

Why here and not in ``tests/blender``: the rules are plain Python, shared by the panel, its
button's ``poll``, the ``tripo.generate`` operator and the console; testing them in the client
step runs them in seconds on every change. How Blender draws and polls them is tested in
``tests/blender/test_generate_form.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tripo_blender.client import versions
from tripo_blender.jobs import estimate_cost
from tripo_blender.rules import generate as gf

BASE = {"prompt": "a cat"}


@pytest.mark.parametrize(
    ("mode", "values", "images", "expected"),
    [
        ("TEXT", {"prompt": ""}, (), "Enter a prompt: describe the object to generate"),
        ("TEXT", {"prompt": "   \n"}, (), "Enter a prompt: describe the object to generate"),
        ("TEXT", {"prompt": "x" * 1025}, (), "The prompt is 1025 characters long; Tripo accepts at most 1024"),
        ("TEXT", {**BASE, "negative_prompt": "n" * 1100}, (), "The negative prompt is 1100 characters long"),
        ("IMAGE", {}, (False,), "Choose an image: a file or a Blender image"),
        ("MULTIVIEW", {}, (False, True, True, False), "Multiview needs the front view"),
        ("MULTIVIEW", {}, (True, False, False, False), "Multiview needs at least two views"),
        (
            "TEXT",
            {**BASE, "model_version": "P1-20260311", "quad": True},
            (),
            "P1 does not support Quad Mesh: turn it off or choose another model version",
        ),
        (
            "TEXT",
            {
                **BASE,
                "model_version": "P1-20260311",
                "smart_low_poly": True,
                "generate_parts": True,
                "texture": False,
                "pbr": False,
            },
            (),
            "P1 does not support Smart Low Poly, Generate Parts",
        ),
        ("TEXT", {**BASE, "generate_parts": True}, (), "Generate Parts needs Texture, PBR and Quad Mesh turned off"),
        (
            "TEXT",
            {**BASE, "generate_parts": True, "texture": False, "pbr": False, "quad": True},
            (),
            "Generate Parts needs Texture, PBR and Quad Mesh turned off",
        ),
        (
            "IMAGE",
            {"orientation": "align_image", "texture": False, "pbr": False},
            (True,),
            "Orientation 'Align to Image' needs a textured model",
        ),
        ("TEXT", {**BASE, "auto_size": True, "texture": False, "pbr": False}, (), "Auto Size needs a textured model"),
        (
            "TEXT",
            {**BASE, "model_version": "P1-20260311", "face_limit": 30},
            (),
            "Face limit 30 is out of range for model P1: 48–20,000",
        ),
        (
            "TEXT",
            {**BASE, "model_version": "P2-20260801", "face_limit": 30_000},
            (),
            "Face limit 30,000 is out of range for model P2: 48–20,000",
        ),
        (
            "TEXT",
            {**BASE, "model_version": "v3.0-20250812", "face_limit": 1_200_000},
            (),
            "Face limit 1,200,000 is out of range for model v3.0: 1–1,000,000",
        ),
        (
            "TEXT",
            {**BASE, "model_version": "v3.1-20260211", "face_limit": 1_600_000},
            (),
            "Face limit 1,600,000 is out of range for model v3.1: 1–1,500,000",
        ),
        (
            "TEXT",
            {**BASE, "quad": True, "face_limit": 200_000},
            (),
            "Face limit 200,000 is out of range for model v2.5 with Quad Mesh: 1–150,000",
        ),
        (
            "TEXT",
            {**BASE, "smart_low_poly": True, "face_limit": 50_000},
            (),
            "Face limit 50,000 is out of range with Smart Low Poly: 1,000–20,000",
        ),
        (
            "TEXT",
            {**BASE, "smart_low_poly": True, "quad": True, "face_limit": 15_000},
            (),
            "Face limit 15,000 is out of range with Smart Low Poly: 500–10,000",
        ),
        ("TEXT", {**BASE, "face_limit": 600_000}, (), "Face limit 600,000 is out of range for model v2.5: 1–500,000"),
    ],
)
def test_each_invalid_combination_has_a_reason(
    mode: str, values: dict[str, Any], images: tuple[bool, ...], expected: str
) -> None:
    found = gf.problems(mode, values, images)
    assert found and found[0].startswith(expected), found


@pytest.mark.parametrize(
    ("mode", "values", "images"),
    [
        ("TEXT", BASE, ()),
        ("TEXT", {"prompt": "x" * 1024}, ()),
        ("IMAGE", {"orientation": "align_image", "texture": False, "pbr": True}, (True,)),
        ("MULTIVIEW", {"model_version": "P1-20260311"}, (True, False, False, True)),
        ("MULTIVIEW", {"model_version": "P2-20260801", "face_limit": 20_000}, (True, True)),
        ("TEXT", {**BASE, "generate_parts": True, "texture": False, "pbr": False}, ()),
        ("TEXT", {**BASE, "model_version": "v3.1-20260211", "face_limit": 1_500_000}, ()),
        ("IMAGE", {"enable_image_autofix": True, "export_orientation": "-y", "export_uv": False}, (True,)),
        ("TEXT", {**BASE, "smart_low_poly": True, "quad": True, "face_limit": 500}, ()),
        # P2: quad is P2's (Tripo's JS SDK); nobody says it refuses the others, so they are offered and sent
        ("IMAGE", {"model_version": "P2-20260801", "quad": True}, (True,)),
        ("TEXT", {**BASE, "model_version": "P2-20260801", "geometry_quality": "detailed", "smart_low_poly": True}, ()),
    ],
)
def test_valid_combinations_have_no_problem(mode: str, values: dict[str, Any], images: tuple[bool, ...]) -> None:
    assert gf.problems(mode, values, images) == []


def test_compress_is_refused_when_this_blender_cannot_open_the_result() -> None:
    values = {**BASE, "compress": True}
    assert gf.problems("TEXT", values, compress_supported=False, blender_version="4.2.23 LTS") == [
        "Blender 4.2.23 LTS cannot open compressed (meshopt) GLBs; the result would be unusable"
    ]
    assert gf.problems("TEXT", values, compress_supported=True) == []


def test_the_versions_are_the_clients_own() -> None:
    assert [v.id for v in gf.MODEL_VERSIONS] == list(versions.GENERATION)
    assert [v.label for v in gf.MODEL_VERSIONS] == ["v3.1", "v3.0", "v2.5", "P1", "P2"]
    assert gf.DEFAULTS["model_version"] == "v2.5-20250123"
    assert [v.id for v in gf.MODEL_VERSIONS if v.family == "P"] == ["P1-20260311", "P2-20260801"]
    assert gf.NEWEST_VERSION == "v3.1-20260211", "the panel starts on the newest model (a script on the SDK's)"
    assert "style" not in gf.DEFAULTS


def test_a_script_is_told_about_options_its_mode_cannot_carry() -> None:
    found = gf.problems("MULTIVIEW", {"enable_image_autofix": True}, (True, True), explicit={"enable_image_autofix"})
    assert found == ["Auto-fix Image is not available in multiview mode"]
    found = gf.problems("TEXT", {**BASE, "geometry_quality": "detailed"}, explicit={"geometry_quality"})
    assert found == ["Geometry Quality 'Detailed' needs a v3.x model version, not v2.5"]
    found = gf.problems(
        "TEXT",
        {**BASE, "texture": False, "pbr": False, "texture_quality": "detailed"},
        explicit={"texture", "pbr", "texture_quality"},
    )
    assert found == ["Texture Quality needs a textured model (turn on Texture or PBR)"]
    found = gf.problems(
        "TEXT",
        {**BASE, "model_version": "v3.1-20260211", "geometry_quality": "detailed"},
        explicit={"geometry_quality"},
    )
    assert found == []
    # the same leftovers in the panel's form are simply not sent
    assert gf.problems("MULTIVIEW", {"enable_image_autofix": True}, (True, True)) == []
    assert gf.problems("TEXT", {**BASE, "texture": False, "pbr": False, "texture_quality": "detailed"}) == []


def test_text_request_sends_inputs_version_and_texture_flags_only() -> None:
    assert gf.build_params("TEXT", BASE) == (
        "text_to_model",
        {
            "prompt": "a cat",
            "model_version": "v2.5-20250123",
            "texture": True,
            "pbr": True,
            "texture_quality": "standard",
        },
    )


def test_changed_options_are_sent_and_pbr_implies_texture() -> None:
    kind, params = gf.build_params(
        "TEXT",
        {
            **BASE,
            "negative_prompt": "blurry",
            "texture": False,
            "pbr": True,
            "face_limit": 8000,
            "quad": True,
            "auto_size": True,
            "image_seed": 3,
            "model_seed": 4,
            "texture_seed": 0,
            "export_orientation": "+y",
            "export_uv": False,
            "orientation": "align_image",
            "texture_alignment": "geometry",
            "enable_image_autofix": True,
            "compress": True,
        },
    )
    assert kind == "text_to_model"
    assert params == {
        "prompt": "a cat",
        "negative_prompt": "blurry",
        "model_version": "v2.5-20250123",
        "texture": True,
        "pbr": True,
        "texture_quality": "standard",
        "face_limit": 8000,
        "quad": True,
        "auto_size": True,
        "export_orientation": "+y",
        "export_uv": False,
        "image_seed": 3,
        "model_seed": 4,
        "compress": True,
    }


def test_untextured_request_leaves_texture_quality_out() -> None:
    _, params = gf.build_params(
        "TEXT", {**BASE, "texture": False, "pbr": False, "texture_quality": "detailed", "generate_parts": True}
    )
    assert params == {
        "prompt": "a cat",
        "model_version": "v2.5-20250123",
        "texture": False,
        "pbr": False,
        "generate_parts": True,
    }


def test_image_and_multiview_requests_carry_their_own_options() -> None:
    kind, params = gf.build_params(
        "IMAGE",
        {
            "negative_prompt": "ignored",
            "image_seed": 9,
            "orientation": "align_image",
            "texture_alignment": "geometry",
            "enable_image_autofix": True,
        },
        ["/tmp/a.png"],
    )
    assert kind == "image_to_model"
    assert params == {
        "image": "/tmp/a.png",
        "model_version": "v2.5-20250123",
        "texture": True,
        "pbr": True,
        "texture_quality": "standard",
        "orientation": "align_image",
        "texture_alignment": "geometry",
        "enable_image_autofix": True,
    }
    kind, params = gf.build_params("MULTIVIEW", {"enable_image_autofix": True}, ["/f.png", None, "/b.png"])
    assert kind == "multiview_to_model"
    assert params["images"] == ["/f.png", None, "/b.png", None]
    assert "enable_image_autofix" not in params


def test_geometry_quality_is_sent_only_for_v3() -> None:
    _, v2 = gf.build_params("TEXT", {**BASE, "geometry_quality": "detailed"})
    assert "geometry_quality" not in v2
    _, v3 = gf.build_params("TEXT", {**BASE, "geometry_quality": "detailed", "model_version": "v3.1-20260211"})
    assert v3["geometry_quality"] == "detailed"


P1_REFUSED = {"quad", "smart_low_poly", "generate_parts", "geometry_quality"}


def test_p1_never_sends_what_it_refuses() -> None:
    """Even as false: the service rejects the keys themselves (Tripo's API docs, JS SDK: 400)."""
    _, params = gf.build_params(
        "TEXT",
        {
            **BASE,
            "model_version": "P1-20260311",
            "quad": True,
            "smart_low_poly": False,
            "generate_parts": False,
            "geometry_quality": "detailed",
        },
    )
    assert not P1_REFUSED & set(params)
    assert set(gf.refused_options("P1-20260311")) == P1_REFUSED


def test_p2_offers_quad_and_what_no_source_refuses_and_says_which_are_disputed() -> None:
    """P2 takes quad (JS SDK); smart low poly, parts and detailed geometry are not refused by
    guesswork: sent, and the panel can say Tripo's sources disagree on them."""
    assert gf.refused_options("P2-20260801") == ()
    assert set(gf.disputed_options("P2-20260801")) == P1_REFUSED - {"quad"}
    assert gf.disputed_options("v3.1-20260211") == ()
    _, params = gf.build_params(
        "TEXT",
        {**BASE, "model_version": "P2-20260801", "quad": True, "smart_low_poly": True, "geometry_quality": "detailed"},
    )
    assert (params["quad"], params["smart_low_poly"], params["geometry_quality"]) == (True, True, "detailed")


@pytest.mark.parametrize(
    ("mode", "values", "label"),
    [
        ("TEXT", BASE, "Generate (≈ 20 credits)"),
        ("TEXT", {**BASE, "texture": False, "pbr": False}, "Generate (≈ 10 credits)"),
        ("TEXT", {**BASE, "texture": False, "pbr": True}, "Generate (≈ 20 credits)"),
        ("IMAGE", {"texture_quality": "detailed"}, "Generate (≈ 40 credits)"),
        ("MULTIVIEW", {"quad": True, "smart_low_poly": True}, "Generate (≈ 45 credits)"),
        ("TEXT", {**BASE, "model_version": "P1-20260311"}, "Generate (≈ 40 credits)"),
        ("TEXT", {**BASE, "model_version": "P2-20260801"}, "Generate (price unknown)"),
        ("TEXT", {**BASE, "model_version": "v3.1-20260211", "geometry_quality": "detailed"}, "Generate (≈ 40 credits)"),
        ("IMAGE", {"model_version": "P1-20260311", "texture": False, "pbr": False}, "Generate (≈ 40 credits)"),
        ("TEXT", {**BASE, "texture": False, "pbr": False, "generate_parts": True}, "Generate (≈ 30 credits)"),
        ("TEXT", {**BASE, "texture_quality": "extreme"}, "Generate (≈ 40 credits)"),
    ],
)
def test_cost_label(mode: str, values: dict[str, Any], label: str) -> None:
    assert gf.generate_button_text(gf.estimate(mode, values)) == label


@pytest.mark.parametrize(
    ("kind", "params", "text"),
    [
        (
            "text_to_model",
            {"model_version": "P2-20260801"},
            "price unknown: Tripo publishes no price for model P2; the row shows the charge when it is done",
        ),
        (
            "texture_model",
            {"texture_quality": "fast"},
            "price unknown: Tripo publishes no price for the Fast texture quality; "
            "the row shows the charge when it is done",
        ),
        (
            "rig_model",
            {"model_version": "v3.0-20260909"},
            "price unknown: Tripo publishes no price for model v3.0; the row shows the charge when it is done",
        ),
        ("check_riggable", {}, "free"),
        ("import_task", {}, "free"),
        ("mesh_segmentation", {}, "≈ 40 credits"),
    ],
)
def test_cost_text_says_free_or_the_exact_reason(kind: str, params: dict[str, Any], text: str) -> None:
    assert gf.cost_text(kind, params) == text


@pytest.mark.parametrize(
    ("mode", "prompt", "images", "name"),
    [
        ("TEXT", "a small cat statue with a long tail and green eyes", (), "a small cat statue with a"),
        ("TEXT", "  robot\n\nhead ", (), "robot head"),
        ("TEXT", "x" * 60, (), "x" * 40),
        ("IMAGE", "", ("/some/dir/rocket.jpg",), "rocket"),
        ("IMAGE", "", ("C:\\pics\\shoe.webp",), "shoe"),
        ("MULTIVIEW", "", ("Front Render", None), "Front Render"),
    ],
)
def test_job_name(mode: str, prompt: str, images: tuple[str | None, ...], name: str) -> None:
    assert gf.job_name(mode, prompt, images) == name


def test_model_from_an_image_first_task_is_an_image_or_multiview_request_with_the_form_options() -> None:
    values = {"texture_quality": "detailed", "orientation": "align_image", "prompt": "ignored for the model"}
    assert gf.model_mode("TEXT", True) == "IMAGE" and gf.model_mode("TEXT", False) == "TEXT"
    kind, params = gf.params_from_task("TEXT", values, "11111111-2222-3333-4444-555555555555")
    assert kind == "image_to_model" and params["image"] == "11111111-2222-3333-4444-555555555555"
    assert params["orientation"] == "align_image" and "prompt" not in params
    kind, params = gf.params_from_task("MULTIVIEW", values, "11111111-2222-3333-4444-555555555555")
    assert kind == "multiview_to_model" and params["images"] == "11111111-2222-3333-4444-555555555555"
    assert estimate_cost(kind, params) == 40  # textured 30 + detailed 10
    assert gf.image_first_params("TEXT", {"prompt": "a fox", "negative_prompt": " "}) == (
        "text_to_image",
        {"prompt": "a fox"},
    )
    assert gf.image_first_problems("TEXT", {"prompt": ""}) == ["Enter a prompt: describe the object to generate"]
    assert gf.image_first_problems("MULTIVIEW", {}, has_image=False)
