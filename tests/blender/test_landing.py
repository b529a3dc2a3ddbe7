"""The menu's operators against the emulator, and where their results land.

Each test does what a user does — generate a model, select it, run a menu item — and checks the
exact request Tripo received and the scene after the pump landed the result: rigs become one
armature in the source's place, retargets add named, playing actions to that same armature,
other post-processes take the source's place, files Blender cannot import are kept and reported.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import bpy
import pytest

from tests.emulator import Emulator, archives

from .post_support import armatures, finish, make_result, newest, objects_of, posted, root_of, select
from .runtime_support import addon_module, label_texts, layout_spy, pump_job, pump_until, uploads
from .support import ASSETS


def assert_in_place_of(result: Any, source: Any) -> None:
    """The result took the source's place: same collection and transform; the source is hidden."""
    root, source_root = root_of(result), root_of(source)
    bpy.context.view_layer.update()  # world matrices follow a changed parent/transform on evaluation
    importer = addon_module("blender.importer")
    # the source's placement without its file's own correction, applied to the result's file transform
    expected = source_root.matrix_world @ importer.file_matrix(source_root).inverted() @ importer.file_matrix(root)
    assert [v for r in root.matrix_world for v in r] == pytest.approx([v for r in expected for v in r], abs=1e-5)
    assert set(root.users_collection) == set(source_root.users_collection)
    assert all(ob.hide_get() and ob.hide_render for ob in objects_of(source))
    assert not any(ob.hide_get() for ob in objects_of(result))


def tags_of(job: Any, kind_type: str) -> None:
    for ob in objects_of(job):
        assert ob["tripo_task_id"] == job.task_id and ob["tripo_job_id"] == job.id
        assert ob["tripo_task_type"] == kind_type


# --------------------------------------------------------------------------- texture


def test_texture_with_a_text_prompt(rt: Any, online: Emulator, fox: Any) -> None:
    root_of(fox).location = (3.0, 1.0, 0.0)
    assert bpy.ops.tripo.texture(text_prompt="rusty metal", texture_quality="detailed", texture_seed=7) == {"FINISHED"}
    job = newest(rt, "texture_model")
    assert job.estimated_cost == 20
    assert job.spec.meta["placement"] == "HIDE_SOURCE" and job.spec.meta["source_task_id"] == fox.task_id
    done = finish(rt, "texture_model")
    body = posted(online, "texture_model")[0]
    assert body["input"] == fox.task_id
    assert body["model"] == "v3.0-20250812", "the dialog starts at Tripo's own default"
    assert body["texture_prompt"] == {"text": "rusty metal"}
    assert "text_prompt" not in body and "image_prompt" not in body
    assert (body["texture_quality"], body["texture_seed"]) == ("detailed", 7)
    assert not {"compress", "part_names", "bake", "delight"} & set(body), "defaults are not sent"
    assert done.note == ""
    tags_of(done, "texture_model")
    assert_in_place_of(done, fox)


def test_texture_with_a_blender_image_and_a_style_file(rt: Any, online: Emulator, fox: Any) -> None:
    sketch = bpy.data.images.new("sketch", 32, 32)
    style = ASSETS / "images" / "coffee.webp"
    assert bpy.ops.tripo.texture(image_name=sketch.name, style_image_path=str(style)) == {"FINISHED"}
    finish(rt, "texture_model")
    prompt = posted(online, "texture_model")[0]["texture_prompt"]
    assert set(prompt) == {"image", "style_image"}
    assert all(token.startswith("file_") for token in prompt.values()), prompt
    assert online.upload_name(prompt["image"]).endswith(".png")
    assert online.uploaded(prompt["style_image"]) == style.read_bytes()
    assert sorted(u.content_type for u in uploads(online)) == ["image/png", "image/webp"]


def test_texture_v35_with_delight_and_the_fast_quality(rt: Any, online: Emulator, fox: Any) -> None:
    with pytest.raises(RuntimeError, match="Delight needs texture model v3.5"):
        bpy.ops.tripo.texture(delight=True)
    with pytest.raises(RuntimeError, match="Quality 'Fast' needs texture model v3.5"):
        bpy.ops.tripo.texture(texture_quality="fast", model_version="v2.5-20250123")
    assert posted(online, "texture_model") == [], "refused before anything was sent"

    assert bpy.ops.tripo.texture(model_version="v3.5-20260815", delight=True, texture_quality="fast") == {"FINISHED"}
    assert newest(rt, "texture_model").estimated_cost is None, "texture v3.5 has no published price"
    done = finish(rt, "texture_model")
    (body,) = posted(online, "texture_model")
    assert (body["model"], body["delight"], body["texture_quality"]) == ("v3.5-20260815", True, "fast")
    tags_of(done, "texture_model")


def test_texture_refuses_unsendable_requests_before_sending(
    rt: Any, online: Emulator, fox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(RuntimeError, match="not both"):
        bpy.ops.tripo.texture(text_prompt="red", image_path=str(ASSETS / "images" / "rocket.jpg"))
    with pytest.raises(RuntimeError, match="no Blender image named 'nope'"):
        bpy.ops.tripo.texture(image_name="nope")
    monkeypatch.setattr(addon_module("blender.post_ops"), "gltf_supports_meshopt", lambda: False)
    with pytest.raises(RuntimeError, match="cannot open compressed"):
        bpy.ops.tripo.texture(compress=True)
    assert not [j for j in rt.jobs() if j.kind == "texture_model"]


# --------------------------------------------------------------------------- rig


def check_answer(rt: Any) -> Any:
    bpy.ops.tripo.check_riggable()
    return finish(rt, "check_riggable")


def test_negative_riggability_check_sends_no_rig_unless_confirmed(rt: Any, online: Emulator, fox: Any) -> None:
    online.set_riggable(False)
    with pytest.raises(RuntimeError, match="Checking first whether Tripo can rig"):
        bpy.ops.tripo.rig()  # a script that never checked: the free check starts, nothing is paid
    assert newest(rt, "check_riggable").estimated_cost == 0
    check = finish(rt, "check_riggable")
    assert check.result["riggable"] is False

    shown = addon_module("blender.post_process").rig_check(check)
    assert shown.riggable is False and "cannot be rigged" in shown.text and "others" in shown.text
    with pytest.raises(RuntimeError, match="cannot be rigged.*Nothing was sent.*Rig Anyway"):
        bpy.ops.tripo.rig()
    assert not [j for j in rt.jobs() if j.kind == "rig_model"], "a negative check stops the paid request"
    assert posted(online, "animate_rig") == []

    assert bpy.ops.tripo.rig(rig_anyway=True, rig_type="biped") == {"FINISHED"}
    finish(rt, "rig_model")
    (body,) = posted(online, "animate_rig")
    assert body["model"] == "v1.0-20240301", "Auto: a biped with the Tripo spec is rig model v1.0's"
    assert "rig_type" not in body and "spec" not in body, "biped and tripo are Tripo's defaults"


def test_pending_check_blocks_the_rig_too(rt: Any, online: Emulator, fox: Any) -> None:
    online.set_timing(run_seconds=600.0)
    bpy.ops.tripo.check_riggable()
    pump_until(rt, lambda: newest(rt, "check_riggable").task_id is not None, what="check sent")
    shown = addon_module("blender.post_process").rig_check(newest(rt, "check_riggable"))
    assert shown.pending and "Checking" in shown.text
    with pytest.raises(RuntimeError, match="has not answered yet"):
        bpy.ops.tripo.rig()
    assert not [j for j in rt.jobs() if j.kind == "rig_model"]


@pytest.mark.parametrize("out_format", ["glb", "fbx"])
def test_rig_lands_as_one_armature_in_place_of_the_model(rt: Any, online: Emulator, fox: Any, out_format: str) -> None:
    assert check_answer(rt).result["riggable"] is True
    assert bpy.ops.tripo.rig(out_format=out_format) == {"FINISHED"}
    rigged = finish(rt, "rig_model")
    body = posted(online, "animate_rig")[0]
    assert body.get("out_format", "glb") == out_format and "spec" not in body, "glb and tripo: the defaults"
    assert body["rig_type"] == "quadruped", "the detected rig type is sent"
    assert body["model"] == "v2.5-20260210", "Auto: rig model v1.0 rigs bipeds only, so a quadruped gets v2.5"

    assert len(armatures()) == 1
    armature = armatures()[0]
    assert armature.name in rigged.objects
    skinned = [ob for ob in objects_of(rigged) if ob.type == "MESH"]
    assert skinned and all(ob.parent == armature for ob in skinned)
    assert all(m.object == armature for ob in skinned for m in ob.modifiers if m.type == "ARMATURE")
    tags_of(rigged, "animate_rig")
    assert (armature["tripo_rig_format"], armature["tripo_rig_spec"]) == (out_format, "tripo")
    assert_in_place_of(rigged, fox)


# --------------------------------------------------------------------------- retarget


def rig(rt: Any, out_format: str = "glb") -> Any:
    check_answer(rt)
    bpy.ops.tripo.rig(out_format=out_format)
    rigged = finish(rt, "rig_model")
    select(armatures()[0])
    return rigged


def assert_plays(armature: Any, action: Any) -> None:
    """With only ``action`` playing, some bone's pose differs between two of its frames."""
    actions = addon_module("blender.actions")
    slot = actions.bone_slots(action)[0]
    actions.assign_action(armature, action, slot)
    start, end = actions.action_frame_range(action)
    bones = sorted(actions.moving_bones(action, slot) & {b.name for b in armature.data.bones})
    armature.animation_data.use_nla = False
    try:
        assert any(actions.pose_differs(armature, b, start, (start + end) / 2) for b in bones[:8]), action.name
    finally:
        armature.animation_data.use_nla = True


@pytest.mark.parametrize("out_format", ["glb", "fbx"])
def test_retarget_adds_named_actions_to_the_same_armature(rt: Any, online: Emulator, fox: Any, out_format: str) -> None:
    rig(rt, out_format)
    armature = armatures()[0]
    presets = {"preset:walk", "preset:run", "preset:idle"}
    assert bpy.ops.tripo.retarget(presets=presets, animate_in_place=True) == {"FINISHED"}
    job = newest(rt, "retarget_animation")
    assert job.estimated_cost == 30
    assert job.spec.meta["target_armature"] == armature.name
    done = finish(rt, "retarget_animation")
    body = posted(online, "animate_retarget")[0]
    assert body["animations"] == ["preset:idle", "preset:walk", "preset:run"], "one request, catalogue order"
    assert body.get("out_format", "glb") == out_format, "the rig's own format by default"
    assert body["animate_in_place"] is True
    assert "bake_animation" not in body, "not set, not sent (Tripo's sources disagree on it)"

    assert armatures() == [armature], "no second character"
    assert done.objects == () and f"to {armature.name}" in done.note
    tracks = {t.name: t for t in armature.animation_data.nla_tracks}
    for name in ("Fox – idle", "Fox – walk", "Fox – run"):  # the character's name with the animation's
        action = bpy.data.actions[name]
        assert tracks[name].strips[0].action == action
        assert action["tripo_task_id"] == done.task_id
        assert_plays(armature, action)

    select(armature)
    assert bpy.ops.tripo.retarget(presets={"preset:jump"}) == {"FINISHED"}
    finish(rt, "retarget_animation")
    assert armatures() == [armature], "a second retarget adds to the same armature"
    assert {"Fox – idle", "Fox – walk", "Fox – run", "Fox – jump"} <= {
        t.name for t in armature.animation_data.nla_tracks
    }
    assert len(posted(online, "animate_retarget")) == 2


def test_retarget_changes_the_frame_range_only_when_the_artist_asks(rt: Any, online: Emulator, fox: Any) -> None:
    rig(rt)
    armature = armatures()[0]
    scene = bpy.context.scene
    scene.frame_start, scene.frame_end = 10, 400
    assert bpy.ops.tripo.retarget(presets={"preset:walk"}) == {"FINISHED"}
    finish(rt, "retarget_animation")
    assert (scene.frame_start, scene.frame_end) == (10, 400), "left as the artist set it"

    select(armature)
    assert bpy.ops.tripo.retarget(presets={"preset:run"}, fit_frame_range=True) == {"FINISHED"}
    assert newest(rt, "retarget_animation").spec.meta["fit_frame_range"] is True
    finish(rt, "retarget_animation")
    start, end = addon_module("blender.actions").action_frame_range(bpy.data.actions["Fox – run"])
    assert (scene.frame_start, scene.frame_end) == (math.floor(start + 1e-6), math.ceil(end - 1e-6)), (
        "asked for: the range of the new active action"
    )


def test_reimport_of_a_rig_and_a_retarget_lands_as_the_first_time(rt: Any, online: Emulator, fox: Any) -> None:
    """Re-import takes the landing path of a new result: one armature with its skinned mesh,
    tagged so the menu offers Retarget; a retarget's actions go onto the armature again."""
    rigged = rig(rt)
    first = armatures()[0]
    assert bpy.ops.tripo.job_reimport(job_id=rigged.id) == {"FINISHED"}
    second = next(ob for ob in armatures() if ob != first)
    skinned = [ob for ob in second.children if ob.type == "MESH"]
    assert skinned and all(any(m.type == "ARMATURE" and m.object == second for m in ob.modifiers) for ob in skinned)
    assert second.get("tripo_task_id") == rigged.task_id
    select(second)
    assert bpy.ops.tripo.retarget.poll(), "the re-imported rig is a rig to the menu too: Retarget is enabled"

    select(first)
    assert bpy.ops.tripo.retarget(presets={"preset:walk"}) == {"FINISHED"}
    retargeted = finish(rt, "retarget_animation")
    tracks_before = len(first.animation_data.nla_tracks)
    objects_before = set(bpy.data.objects)
    assert bpy.ops.tripo.job_reimport(job_id=retargeted.id) == {"FINISHED"}
    assert len(first.animation_data.nla_tracks) == tracks_before + 1, "the walk again, on the same armature"
    assert set(bpy.data.objects) == objects_before, "no second character"


def test_retarget_refuses_none_or_too_many_presets(rt: Any, online: Emulator, fox: Any) -> None:
    rig(rt)
    with pytest.raises(RuntimeError, match="Choose at least one animation"):
        bpy.ops.tripo.retarget()
    six = {"preset:idle", "preset:walk", "preset:run", "preset:dive", "preset:climb", "preset:jump"}
    with pytest.raises(RuntimeError, match="at most 5"):
        bpy.ops.tripo.retarget(presets=six)
    assert not [j for j in rt.jobs() if j.kind == "retarget_animation"]


def test_retarget_on_a_deleted_armature_imports_a_character_and_says_so(rt: Any, online: Emulator, fox: Any) -> None:
    rig(rt)
    bpy.ops.tripo.retarget(presets={"preset:walk"})
    for ob in list(bpy.data.objects):
        if ob.type == "ARMATURE":
            bpy.data.objects.remove(ob, do_unlink=True)
    done = finish(rt, "retarget_animation")
    assert "character is not in the scene" in done.note
    assert len(armatures()) == 1 and armatures()[0].name in done.objects


# --------------------------------------------------------------------------- other post-processes


def test_smart_segment_from_the_menu_lands_named_parts_in_place_and_complete_takes_them(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    statue = make_result(rt, name="Statue")
    select(root_of(statue))
    assert bpy.ops.tripo.smart_segment(granularity="fine", hint="the arms apart") == {"FINISHED"}
    parts = finish(rt, "smart_segment")
    tags_of(parts, "smart_segment")
    (body,) = posted(online, "smart_segment")
    identity = [1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    assert body == {
        "input": statue.task_id,
        "seg_type": "model",
        "granularity": "fine",
        "hint": "the arms apart",
        "transform": identity,
    }
    names = sorted(ob["tripo_part_name"] for ob in objects_of(parts) if ob.type == "MESH")
    assert names == ["head", "left_arm", "legs", "right_arm", "torso"], "named parts, like Segment's"
    assert_in_place_of(parts, statue)
    assert parts.name == "Smart segment Statue"

    select(root_of(parts))  # its parts are a segmentation's to Complete Parts
    assert bpy.ops.tripo.complete(part_names="head") == {"FINISHED"}
    finish(rt, "mesh_completion")
    assert posted(online, "mesh_completion")[0]["input"] == parts.task_id


def test_segment_complete_and_lowpoly_produce_tagged_results(rt: Any, online: Emulator, clean_scene: Any) -> None:
    statue = make_result(rt, name="Statue")
    select(root_of(statue))
    assert bpy.ops.tripo.segment() == {"FINISHED"}
    parts = finish(rt, "mesh_segmentation")
    tags_of(parts, "mesh_segmentation")
    (body,) = posted(online, "mesh_segmentation")
    assert body == {"input": statue.task_id, "model": "v1.0-20250506"}
    names = sorted(ob["tripo_part_name"] for ob in objects_of(parts) if ob.type == "MESH")
    assert names == ["head", "left_arm", "legs", "right_arm", "torso"]
    post_process = addon_module("blender.post_process")
    source = addon_module("blender.sources").source_of(root_of(parts))
    assert sorted(post_process.part_names(source)) == names, "the parts a later request may name"
    assert_in_place_of(parts, statue)

    select(root_of(parts))
    assert bpy.ops.tripo.complete(part_names="head, legs", completion_mode="quick_cap") == {"FINISHED"}
    completed = finish(rt, "mesh_completion")
    tags_of(completed, "mesh_completion")
    (body,) = posted(online, "mesh_completion")
    assert (body["part_names"], body["completion_mode"]) == (["head", "legs"], "quick_cap")
    assert_in_place_of(completed, parts)

    select(root_of(completed))
    with pytest.raises(RuntimeError, match="at most 10,000"):
        bpy.ops.tripo.smart_lowpoly(face_limit=15000, quad=True)
    assert bpy.ops.tripo.smart_lowpoly(face_limit=2000, quad=True) == {"FINISHED"}
    low = finish(rt, "smart_lowpoly")
    tags_of(low, "highpoly_to_lowpoly")
    (body,) = posted(online, "highpoly_to_lowpoly")
    assert body == {"input": completed.task_id, "model": "v2.0", "face_limit": 2000, "quad": True}
    assert Path(low.files["model"]).suffix == ".fbx", "quad results come as FBX (and import)"


def test_segmentation_v2_options_reach_tripo(rt: Any, online: Emulator, fox: Any) -> None:
    with pytest.raises(RuntimeError, match="needs segmentation model v2.0"):
        bpy.ops.tripo.segment(segmentation_granularity="detailed")
    assert bpy.ops.tripo.segment(
        model_version="v2.0-20260430", segmentation_granularity="detailed", split_by_connectivity=True
    ) == {"FINISHED"}
    parts = finish(rt, "mesh_segmentation")
    (body,) = posted(online, "mesh_segmentation")
    assert body == {
        "input": fox.task_id,
        "model": "v2.0-20260430",
        "segmentation_granularity": "detailed",
        "split_by_connectivity": True,
    }
    tags_of(parts, "mesh_segmentation")


def test_lowpoly_v3_with_smart_uv_and_tripos_own_face_count(rt: Any, online: Emulator, fox: Any) -> None:
    with pytest.raises(RuntimeError, match="Smart UV needs low-poly model v3.0"):
        bpy.ops.tripo.smart_lowpoly(smart_uv=True)
    with pytest.raises(RuntimeError, match="at least 500"):
        bpy.ops.tripo.smart_lowpoly(face_limit=100)
    assert bpy.ops.tripo.smart_lowpoly(model_version="v3.0", smart_uv=True, bake=False) == {"FINISHED"}
    low = finish(rt, "smart_lowpoly")
    (body,) = posted(online, "highpoly_to_lowpoly")
    assert body == {"input": fox.task_id, "model": "v3.0", "smart_uv": True, "bake": False}, (
        "no face_limit: Tripo decides"
    )
    tags_of(low, "highpoly_to_lowpoly")


@pytest.mark.parametrize(
    ("options", "rig_type", "model"),
    [
        ({"spec": "unity"}, "quadruped", "v2.5-20260210"),
        ({"rig_type": "biped", "spec": "vrm"}, None, "v2.5-20260210"),
        ({"rig_type": "biped", "spec": "actorcore"}, None, "v1.0-20240301"),
        ({"model_version": "v3.0-20260909"}, "quadruped", "v3.0-20260909"),
    ],
)
def test_rig_model_version_and_specs_reach_tripo(
    rt: Any, online: Emulator, fox: Any, options: dict[str, Any], rig_type: str | None, model: str
) -> None:
    check_answer(rt)  # the fox is detected as a quadruped
    assert bpy.ops.tripo.rig(**options) == {"FINISHED"}
    finish(rt, "rig_model")
    (body,) = posted(online, "animate_rig")
    assert (body.get("rig_type"), body["model"], body.get("spec", "tripo")) == (
        rig_type,
        model,
        options.get("spec", "tripo"),
    )


def test_rig_model_v1_refuses_what_it_cannot_rig(rt: Any, online: Emulator, fox: Any) -> None:
    check_answer(rt)
    with pytest.raises(RuntimeError, match="rigs bipeds with the Tripo, Mixamo or ActorCore skeleton only"):
        bpy.ops.tripo.rig(model_version="v1.0-20240301")  # the detected quadruped
    with pytest.raises(RuntimeError, match="rigs bipeds with the Tripo, Mixamo or ActorCore skeleton only"):
        bpy.ops.tripo.rig(model_version="v1.0-20240301", rig_type="biped", spec="unreal")
    assert posted(online, "animate_rig") == []


def test_convert_to_obj_imports_the_zip_with_its_texture(rt: Any, online: Emulator, fox: Any) -> None:
    assert bpy.ops.tripo.convert(format="OBJ", texture_size=1024) == {"FINISHED"}
    job = newest(rt, "convert_model")
    assert job.estimated_cost == 10, "texture_size costs 5 extra"
    done = finish(rt, "convert_model")
    body = posted(online, "convert_model")[0]
    assert body == {"input": fox.task_id, "format": "OBJ", "texture_size": 1024}, "no unasked surcharges"
    tags_of(done, "convert_model")
    meshes = [ob for ob in objects_of(done) if ob.type == "MESH"]
    images = [
        n.image
        for ob in meshes
        for slot in ob.material_slots
        if slot.material and slot.material.node_tree
        for n in slot.material.node_tree.nodes
        if n.type == "TEX_IMAGE" and n.image
    ]
    assert images and all(image.size[0] > 0 for image in images), "the ZIP's texture is loaded"
    assert_in_place_of(done, fox)


@pytest.mark.parametrize(("format", "suffix"), [("GLTF", ".glb"), ("FBX", ".fbx"), ("STL", ".stl"), ("USDZ", ".usdz")])
def test_convert_imports_every_format_blender_can_open(
    rt: Any, online: Emulator, fox: Any, format: str, suffix: str
) -> None:
    assert bpy.ops.tripo.convert(format=format) == {"FINISHED"}
    done = finish(rt, "convert_model")
    assert Path(done.files["model"]).suffix == suffix
    assert any(ob.type == "MESH" for ob in objects_of(done)) and done.note == ""
    tags_of(done, "convert_model")
    assert_in_place_of(done, fox)


def test_convert_options_of_apiv3_reach_tripo(rt: Any, online: Emulator, fox: Any) -> None:
    assert bpy.ops.tripo.convert(
        format="FBX",
        fbx_preset="mixamo",
        export_orientation="-y",
        scale_factor=0.01,
        animate_in_place=True,
        with_animation=False,
        export_vertex_colors=True,
        face_limit=0,
    ) == {"FINISHED"}
    assert newest(rt, "convert_model").estimated_cost == 10, "a complex convert"
    done = finish(rt, "convert_model")
    (body,) = posted(online, "convert_model")
    assert body == {
        "input": fox.task_id,
        "format": "FBX",
        "fbx_preset": "mixamo",
        "export_orientation": "-y",
        "scale_factor": 0.01,
        "animate_in_place": True,
        "with_animation": False,
    }, "face limit 0 keeps the model's; vertex colors are not an FBX option"
    tags_of(done, "convert_model")

    select(root_of(done))  # a converted model converts again
    assert bpy.ops.tripo.convert(format="OBJ", export_vertex_colors=True, fbx_preset="3dsmax") == {"FINISHED"}
    finish(rt, "convert_model")
    assert posted(online, "convert_model")[1] == {
        "input": done.task_id,
        "format": "OBJ",
        "export_vertex_colors": True,
    }, "the FBX preset is FBX's only"


def test_results_blender_cannot_import_are_kept_and_reported(rt: Any, online: Emulator, fox: Any) -> None:
    before = set(bpy.data.objects)
    assert bpy.ops.tripo.convert(format="3MF") == {"FINISHED"}
    done = finish(rt, "convert_model")
    assert done.objects == () and set(bpy.data.objects) == before
    saved = Path(done.files["model"])
    assert saved.suffix == ".3mf" and saved.is_file()
    assert f"Saved {saved.name}" in done.note and str(saved.parent) in done.note
    layout = layout_spy()
    addon_module("blender.job_list").draw_job(layout, done, 200, addon_module("blender.settings").snapshot().connection)
    assert any(saved.name in text for text in label_texts(layout)), "the row shows where the file is"


def test_source_deleted_meanwhile_lands_at_the_cursor_and_says_so(rt: Any, online: Emulator, fox: Any) -> None:
    bpy.context.scene.cursor.location = (5.0, 0.0, 0.0)
    assert bpy.ops.tripo.texture(text_prompt="gold") == {"FINISHED"}
    for ob in objects_of(fox):
        bpy.data.objects.remove(ob, do_unlink=True)
    done = finish(rt, "texture_model")
    assert "source object was deleted" in done.note
    bpy.context.view_layer.update()
    assert tuple(root_of(done).matrix_world.translation) == pytest.approx((5.0, 0.0, 0.0))


def test_one_landing_is_one_undo_step(rt: Any, online: Emulator, fox: Any) -> None:
    bpy.ops.ed.undo_push(message="before texture")
    bpy.ops.tripo.texture(text_prompt="gold")
    done = finish(rt, "texture_model")
    landed = set(done.objects)
    source_names = set(fox.objects)
    bpy.ops.ed.undo()
    names = {ob.name for ob in bpy.data.objects}
    assert not landed & names, "the result is gone"
    assert source_names <= names and not any(bpy.data.objects[n].hide_render for n in source_names), (
        "and the source is visible again"
    )


# --------------------------------------------------------------------------- hostile archives


@pytest.mark.parametrize("entry", ["../../escaped.txt", "/tmp/tripo-absolute-escape.txt", "symlink"])
def test_a_hostile_zip_from_the_server_fails_the_job_and_writes_nothing_outside(
    rt: Any, online: Emulator, fox: Any, entry: str
) -> None:
    """The server answers Convert › OBJ with a hostile ZIP: refused before Blender sees it."""
    online.serve_model(archives.hostile(entry), "zip")
    before = {ob.name for ob in bpy.data.objects}
    assert bpy.ops.tripo.convert(format="OBJ") == {"FINISHED"}

    failed = pump_job(rt, newest(rt, "convert_model").id, "failed")
    assert "Refused the downloaded archive" in failed.error.message and "Nothing was extracted" in failed.error.message
    task_folder = rt.runner().cache.folder(failed.task_id)
    assert not task_folder.exists() or not any(task_folder.iterdir()), "nothing extracted, the file deleted"
    outside = [
        p for p in task_folder.parent.rglob("*") if p.name.startswith(("escaped", "tripo-absolute-escape", "link"))
    ]
    assert not outside and not Path("/tmp/tripo-absolute-escape.txt").exists()
    assert {ob.name for ob in bpy.data.objects} == before, "nothing lands in the scene"
