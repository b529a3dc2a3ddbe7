"""Request bodies, byte for byte, as the server expects them (wire notes §4), and argument checks.

Each expected body is written out literally so a change in what goes over the wire shows up here.
"""

from __future__ import annotations

import pytest

from tripo_blender.client import Animation, ModelStyle, PostStyle, RigSpec, RigType
from tripo_blender.client import payloads as p

TID = "1ec04ced-4b87-44f6-a296-beee80777941"
TOKEN = "ce85f375-3ccc-440b-b847-571588872ec2"
URL_FILE = {"type": "png", "url": "https://example.com/a.png"}
TOKEN_FILE = {"type": "jpg", "file_token": TOKEN}


def wire(body: dict) -> bytes:
    return p.encode_body(body)


# --------------------------------------------------------------------------- generation


def test_text_to_model_minimal_sends_seed_defaults_but_no_paid_flags() -> None:
    assert wire(p.text_to_model_body("a cat")) == (
        b'{"type":"text_to_model","prompt":"a cat","model_version":"v2.5-20250123","texture":true,'
        b'"pbr":true,"texture_quality":"standard","auto_size":false}'
    )


def test_text_to_model_all_options() -> None:
    body = p.text_to_model_body(
        "a cat", negative_prompt="blurry", image_seed=1, style=ModelStyle.OBJECT_CLAY,
        options=p.GenerationOptions(
            model_version="v3.0-20250812", face_limit=5000, texture=True, pbr=False, model_seed=2, texture_seed=3,
            texture_quality="detailed", auto_size=True, quad=True, compress=True, generate_parts=True,
            smart_low_poly=True,
        ),
    )
    assert wire(body) == (
        b'{"type":"text_to_model","prompt":"a cat","negative_prompt":"blurry","model_version":"v3.0-20250812",'
        b'"face_limit":5000,"texture":true,"pbr":false,"image_seed":1,"model_seed":2,"texture_seed":3,'
        b'"texture_quality":"detailed","style":"object:clay","auto_size":true,"quad":true,"compress":"geometry",'
        b'"generate_parts":true,"smart_low_poly":true}'
    )


def test_text_to_model_unicode_prompt_is_utf8_not_escaped() -> None:
    assert wire(p.text_to_model_body("一只猫", options=p.GenerationOptions(model_version=None, texture=None, pbr=None))) == (
        '{"type":"text_to_model","prompt":"一只猫","texture_quality":"standard","auto_size":false}'.encode()
    )


def test_standard_quality_left_out_when_untextured() -> None:
    # the server rejects texture_quality=standard with texture=false and pbr=false
    body = p.text_to_model_body("a cat", options=p.GenerationOptions(texture=False, pbr=False))
    assert "texture_quality" not in body
    assert body["texture"] is False and body["pbr"] is False
    assert p.text_to_model_body("a cat", options=p.GenerationOptions(texture=False, pbr=False, texture_quality="detailed"))["texture_quality"] == "detailed"


def test_p1_never_sends_quad_lowpoly_parts() -> None:
    body = p.text_to_model_body("a cat", options=p.GenerationOptions(model_version="P1-20260311"))
    assert wire(body) == (
        b'{"type":"text_to_model","prompt":"a cat","model_version":"P1-20260311","texture":true,"pbr":true,'
        b'"texture_quality":"standard","auto_size":false}'
    )
    for flag in ("quad", "smart_low_poly", "generate_parts"):
        with pytest.raises(ValueError, match=f"{flag}=True is not supported by the P1"):
            p.text_to_model_body("a cat", options=p.GenerationOptions(model_version="P1-20260311", **{flag: True}))


@pytest.mark.parametrize(
    ("prompt", "message"),
    [("", "prompt is empty"), ("   ", "prompt is empty"), ("x" * 1025, "1025 characters long; Tripo accepts at most 1024"), (None, "must be a string")],
)
def test_prompt_validation(prompt: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        p.text_to_model_body(prompt)  # type: ignore[arg-type]


def test_prompt_at_limit_is_accepted() -> None:
    assert len(p.text_to_model_body("x" * 1024)["prompt"]) == 1024


def test_negative_prompt_validation() -> None:
    with pytest.raises(ValueError, match="negative_prompt is 1025 characters"):
        p.text_to_model_body("cat", negative_prompt="n" * 1025)
    assert "negative_prompt" not in p.text_to_model_body("cat", negative_prompt="")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"face_limit": 0}, "face_limit must be at least 1"),
        ({"face_limit": 10.5}, "face_limit must be an integer"),
        ({"face_limit": True}, "face_limit must be an integer"),
        ({"texture_quality": "ultra"}, "texture_quality must be one of"),
        ({"style": "cubist"}, "style must be one of"),
        ({"texture": "yes"}, "texture must be True or False"),
        ({"model_seed": -1}, "model_seed must be at least 0"),
        ({"model_version": ""}, "model_version must be a non-empty string"),
        ({"compress": 1}, "compress must be True or False"),
    ],
)
def test_generation_option_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        style = kwargs.pop("style", None)  # the one text-specific option in the table
        p.text_to_model_body("cat", style=style, options=p.GenerationOptions(**kwargs))


def test_style_accepts_plain_string_value() -> None:
    assert p.text_to_model_body("cat", style="gold")["style"] == "gold"


def test_image_to_model_body() -> None:
    assert wire(p.image_to_model_body(URL_FILE)) == (
        b'{"type":"image_to_model","file":{"type":"png","url":"https://example.com/a.png"},'
        b'"model_version":"v2.5-20250123","texture":true,"pbr":true,"texture_quality":"standard",'
        b'"texture_alignment":"original_image","auto_size":false,"orientation":"default"}'
    )
    with pytest.raises(ValueError, match="orientation must be one of"):
        p.image_to_model_body(URL_FILE, orientation="sideways")
    with pytest.raises(ValueError, match="texture_alignment must be one of"):
        p.image_to_model_body(URL_FILE, texture_alignment="uv")


def test_multiview_body_has_four_slots_in_front_left_back_right_order() -> None:
    body = p.multiview_to_model_body([TOKEN_FILE, None, URL_FILE], options=p.GenerationOptions(quad=True, compress=True))
    assert wire(body) == (
        b'{"type":"multiview_to_model","files":[{"type":"jpg","file_token":"' + TOKEN.encode() + b'"},{},'
        b'{"type":"png","url":"https://example.com/a.png"},{}],"model_version":"v2.5-20250123","texture":true,'
        b'"pbr":true,"texture_quality":"standard","texture_alignment":"original_image","auto_size":false,'
        b'"orientation":"default","quad":true,"compress":"geometry"}'
    )


@pytest.mark.parametrize(
    ("images", "message"),
    [
        ([None, "a", "b", "c"], "front view"),
        (["a"], "at least 2 views"),
        (["a", None, None, None], "at least 2 views"),
        (["a", "b", "c", "d", "e"], "at most 4"),
        ("front.png", "must be a list"),
    ],
)
def test_multiview_slot_rules(images: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        p.multiview_slots(images)  # type: ignore[arg-type]


def test_multiview_slots_pad_short_lists() -> None:
    assert p.multiview_slots(["f", "l"]) == ["f", "l", None, None]


# --------------------------------------------------------------------------- post-processing


def test_convert_model_sends_no_surcharge_options_unless_passed() -> None:
    assert wire(p.convert_model_body(TID, "fbx")) == (
        b'{"type":"convert_model","original_model_task_id":"' + TID.encode() + b'","format":"FBX",'
        b'"force_symmetry":false,"with_animation":false,"pack_uv":false,"bake":true}'
    )


def test_convert_model_sends_explicit_options_even_if_equal_to_documented_default() -> None:
    body = p.convert_model_body(
        TID, "GLTF", quad=False, face_limit=10000, flatten_bottom=True, flatten_bottom_threshold=0.01,
        texture_size=2048, texture_format="png", pivot_to_center_bottom=True, with_animation=True,
        pack_uv=True, bake=False, part_names=["head"],
    )
    assert wire(body) == (
        b'{"type":"convert_model","original_model_task_id":"' + TID.encode() + b'","format":"GLTF","quad":false,'
        b'"force_symmetry":false,"face_limit":10000,"flatten_bottom":true,"flatten_bottom_threshold":0.01,'
        b'"texture_size":2048,"texture_format":"PNG","pivot_to_center_bottom":true,"with_animation":true,'
        b'"pack_uv":true,"bake":false,"part_names":["head"]}'
    )


def test_convert_model_validation() -> None:
    with pytest.raises(ValueError, match="format must be one of"):
        p.convert_model_body(TID, "blend")
    with pytest.raises(ValueError, match="texture_format must be one of"):
        p.convert_model_body(TID, "FBX", texture_format="GIF")
    with pytest.raises(ValueError, match="part_names is empty"):
        p.convert_model_body(TID, "FBX", part_names=[])
    with pytest.raises(ValueError, match="flatten_bottom_threshold must be a finite number"):
        p.convert_model_body(TID, "FBX", flatten_bottom_threshold=float("nan"))
    assert repr(p.UNSET) == "<server default>"


def test_stylize_body() -> None:
    assert wire(p.stylize_model_body(TID, PostStyle.MINECRAFT, 64)) == (
        b'{"type":"stylize_model","original_model_task_id":"' + TID.encode() + b'","style":"minecraft","block_size":64}'
    )
    assert p.stylize_model_body(TID, "lego")["block_size"] == 80
    with pytest.raises(ValueError, match="block_size must be at most 128"):
        p.stylize_model_body(TID, PostStyle.LEGO, 129)
    with pytest.raises(ValueError, match="style must be one of"):
        p.stylize_model_body(TID, "origami")


def test_texture_model_nests_prompts_in_texture_prompt() -> None:
    body = p.texture_model_body(TID, text_prompt="red brick", style_image=TOKEN_FILE, part_names=["a"], compress=True)
    assert wire(body) == (
        b'{"type":"texture_model","original_model_task_id":"' + TID.encode() + b'","texture":true,"pbr":true,'
        b'"texture_quality":"standard","texture_alignment":"original_image","part_names":["a"],'
        b'"compress":"geometry","bake":true,"texture_prompt":{"text":"red brick","style_image":'
        b'{"type":"jpg","file_token":"' + TOKEN.encode() + b'"}}}'
    )
    image_body = p.texture_model_body(TID, image_prompt=URL_FILE)
    assert image_body["texture_prompt"] == {"image": URL_FILE}
    for key in ("text_prompt", "image_prompt", "style_image"):
        assert key not in image_body


def test_texture_model_without_prompt_and_validation() -> None:
    body = p.texture_model_body(TID, texture_quality=None, model_seed=4, texture_seed=5)
    assert wire(body) == (
        b'{"type":"texture_model","original_model_task_id":"' + TID.encode() + b'","texture":true,"pbr":true,'
        b'"model_seed":4,"texture_seed":5,"texture_alignment":"original_image","bake":true}'
    )
    with pytest.raises(ValueError, match="either text_prompt or image_prompt"):
        p.texture_model_body(TID, text_prompt="x", image_prompt=URL_FILE)
    with pytest.raises(ValueError, match="text_prompt is empty"):
        p.texture_model_body(TID, text_prompt=" ")


def test_simple_task_types() -> None:
    assert wire(p.refine_model_body(TID)) == b'{"type":"refine_model","draft_model_task_id":"' + TID.encode() + b'"}'
    assert wire(p.check_riggable_body(TID)) == (
        b'{"type":"animate_prerigcheck","original_model_task_id":"' + TID.encode() + b'"}'
    )
    assert wire(p.mesh_segmentation_body(TID)) == (
        b'{"type":"mesh_segmentation","original_model_task_id":"' + TID.encode() + b'","model_version":"v1.0-20250506"}'
    )
    assert wire(p.mesh_completion_body(TID, part_names=["arm", "leg"])) == (
        b'{"type":"mesh_completion","original_model_task_id":"' + TID.encode() + b'","model_version":"v1.0-20250506",'
        b'"part_names":["arm","leg"]}'
    )
    assert wire(p.smart_lowpoly_body(TID)) == (
        b'{"type":"highpoly_to_lowpoly","original_model_task_id":"' + TID.encode() + b'","model_version":"P-v1.0-20250506",'
        b'"quad":false,"face_limit":4000,"bake":true}'
    )
    assert wire(p.smart_lowpoly_body(TID, model_version=None, quad=True, part_names=["a"], face_limit=None, bake=False)) == (
        b'{"type":"highpoly_to_lowpoly","original_model_task_id":"' + TID.encode() + b'","quad":true,'
        b'"part_names":["a"],"bake":false}'
    )


def test_rig_model_sends_rig_type_and_spec_only_when_given_and_never_null() -> None:
    assert wire(p.rig_model_body(TID)) == (
        b'{"type":"animate_rig","original_model_task_id":"' + TID.encode() + b'","out_format":"glb"}'
    )
    assert wire(p.rig_model_body(TID, "fbx", RigType.QUADRUPED, RigSpec.MIXAMO)) == (
        b'{"type":"animate_rig","original_model_task_id":"' + TID.encode() + b'","out_format":"fbx",'
        b'"rig_type":"quadruped","spec":"mixamo"}'
    )
    assert p.rig_model_body(TID, spec="tripo") == {
        "type": "animate_rig", "original_model_task_id": TID, "out_format": "glb", "spec": "tripo",
    }
    with pytest.raises(ValueError, match="out_format must be one of glb, fbx"):
        p.rig_model_body(TID, "obj")
    with pytest.raises(ValueError, match="rig_type must be one of"):
        p.rig_model_body(TID, rig_type="centipede")


def test_retarget_single_enum_plain_string_and_list() -> None:
    prefix = b'{"type":"animate_retarget","original_model_task_id":"' + TID.encode() + b'","out_format":"glb","bake_animation":true,"export_with_geometry":false,'
    assert wire(p.retarget_animation_body(TID, Animation.WALK)) == prefix + b'"animation":"preset:walk"}'
    # SDK 0.3.0 silently dropped plain strings
    assert wire(p.retarget_animation_body(TID, "preset:biped:wave")) == prefix + b'"animation":"preset:biped:wave"}'
    assert wire(p.retarget_animation_body(TID, [Animation.WALK, "preset:run"])) == (
        prefix + b'"animations":["preset:walk","preset:run"]}'
    )


@pytest.mark.parametrize(
    ("animation", "message"),
    [
        ([], "empty list"),
        ([Animation.WALK, Animation.RUN, Animation.IDLE, Animation.JUMP, Animation.FALL, Animation.TURN], "at most 5"),
        ([Animation.WALK, "preset:walk"], "duplicates"),
        ("", "preset name"),
        (["preset:walk", 3], "preset name"),
        (7, "preset name"),
    ],
)
def test_retarget_validation(animation: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        p.retarget_animation_body(TID, animation)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", "../user/balance", "a/b", "..", "id with space", 12])
def test_task_ids_are_checked(bad: object) -> None:
    with pytest.raises(ValueError):
        p.validate_task_id(bad)
    with pytest.raises(ValueError):
        p.refine_model_body(bad)  # type: ignore[arg-type]


def test_create_task_body_checks() -> None:
    assert p.create_task_body({"type": "text_to_model", "prompt": "x"}) == {"type": "text_to_model", "prompt": "x"}
    with pytest.raises(ValueError, match="non-empty string 'type'"):
        p.create_task_body({"prompt": "x"})
    with pytest.raises(ValueError, match="cannot be sent as JSON"):
        p.create_task_body({"type": "x", "v": float("inf")})
    with pytest.raises(ValueError, match="cannot be sent as JSON"):
        p.create_task_body({"type": "x", "v": object()})


def test_no_body_ever_contains_null() -> None:
    bodies = [
        p.text_to_model_body("cat"), p.image_to_model_body(URL_FILE), p.multiview_to_model_body([URL_FILE, URL_FILE]),
        p.convert_model_body(TID, "FBX"), p.texture_model_body(TID), p.rig_model_body(TID),
        p.retarget_animation_body(TID, Animation.RUN), p.mesh_completion_body(TID), p.smart_lowpoly_body(TID),
    ]
    for body in bodies:
        assert b"null" not in wire(body)
