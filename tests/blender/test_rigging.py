"""Rig and retarget results land on ONE armature, with named, playable, persistent actions.

Real bpy, real files: the rig/retarget files are made the way the emulator makes them, from
Fox.glb (glTF: animations stripped, or cloned under preset names) and Skeleton.fbx (takes kept
and renamed after presets), then imported with the add-on's importer.
"""

from __future__ import annotations

import importlib
import math
import struct
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import bpy
import pytest

from tests.emulator import fbx, glb

from .support import ASSETS, DEV_MODULE

TAGS = {"tripo_task_id": "task-rig", "tripo_job_id": "job-rig"}
RETARGET_TAGS = {"tripo_task_id": "task-ret", "tripo_job_id": "job-ret"}
FOX = (ASSETS / "Fox.glb").read_bytes()
SKELETON = (ASSETS / "Skeleton.fbx").read_bytes()
#: Frame ranges (after landing at frame 1) of Fox's clips and of Skeleton.fbx's first takes.
FOX_END = {"Walk": 18.0, "Run": 28.8, "Survey": 83.0}
SKELETON_END = {"Skeleton_Attack": 29.0, "Skeleton_Death": 12.0, "Skeleton_Idle": 81.0}


@pytest.fixture
def mods(addon: ModuleType) -> Any:
    class Mods:
        importer = importlib.import_module(f"{DEV_MODULE}.blender.importer")
        rigging = importlib.import_module(f"{DEV_MODULE}.blender.rigging")
        actions = importlib.import_module(f"{DEV_MODULE}.blender.actions")

    return Mods


# --------------------------------------------------------------------------- files


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rig_glb(tmp_path: Path) -> Path:
    return _write(tmp_path, "tripo_rig.glb", glb.without_animations(FOX))


def retarget_glb(tmp_path: Path, pairs: Iterable[tuple[str, str]], name: str = "tripo_retarget.glb") -> Path:
    return _write(tmp_path, name, glb.with_animations(FOX, list(pairs)))


def rig_fbx(tmp_path: Path) -> Path:
    return _write(tmp_path, "tripo_rig.fbx", fbx.keep_takes(SKELETON, []))


def retarget_fbx(tmp_path: Path, takes: list[str], name: str = "tripo_retarget.fbx") -> Path:
    return _write(tmp_path, name, fbx.keep_takes(SKELETON, takes))


def with_static_clip(data: bytes, name: str) -> bytes:
    """Add a one-keyframe clip ``name`` (a bind-pose "animation") next to the existing ones.

    Each sampler of a copy of the first clip gets new accessors over the same bytes with count 1,
    so the clip holds only the first key of every channel: no motion.
    """
    doc, binary = glb.read(data)
    clone = dict(doc["animations"][0], name=name, samplers=[])
    for sampler in doc["animations"][0]["samplers"]:
        new = dict(sampler)
        for key in ("input", "output"):
            accessor = dict(doc["accessors"][sampler[key]], count=1)
            if key == "input":
                view = doc["bufferViews"][accessor["bufferView"]]
                t0 = struct.unpack_from("<f", binary, view.get("byteOffset", 0) + accessor.get("byteOffset", 0))[0]
                accessor["min"], accessor["max"] = [t0], [t0]
            else:
                accessor.pop("min", None)
                accessor.pop("max", None)
            doc["accessors"].append(accessor)
            new[key] = len(doc["accessors"]) - 1
        clone["samplers"].append(new)
    doc["animations"].append(clone)
    return glb.write(doc, binary)


# --------------------------------------------------------------------------- scene helpers


def armatures_in_scene() -> list[Any]:
    return [ob for ob in bpy.data.objects if ob.type == "ARMATURE"]


def landed_rig(mods: Any, path: Path, location: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> Any:
    res = mods.importer.import_result(path, name="Rig job", tags=TAGS, location=location)
    return mods.rigging.land_rig(res)


def import_retarget(mods: Any, path: Path) -> Any:
    return mods.importer.import_result(path, name="Retarget job", tags=RETARGET_TAGS)


def assert_moves(mods: Any, armature: Any, action: Any) -> None:
    """With ``action`` active *and the NLA off*, some bone's pose differs between its first and middle frame.

    The NLA is switched off while checking, so the pose can only come from the active action
    (on 4.4+ that fails if the slot is not assigned).
    """
    slot = next(iter(mods.actions.bone_slots(action)))
    mods.actions.assign_action(armature, action, slot)
    start, end = mods.actions.action_frame_range(action)
    bones = sorted(mods.actions.moving_bones(action, slot) & {b.name for b in armature.data.bones})
    assert bones, f"{action.name} moves no bone of {armature.name}"
    middle = start + (end - start) / 2
    armature.animation_data.use_nla = False
    try:
        assert any(mods.actions.pose_differs(armature, b, start, middle) for b in bones[:8]), action.name
    finally:
        armature.animation_data.use_nla = True


def pose_with(mods: Any, armature: Any, action: Any, bone: str, frame: float) -> Any:
    """``bone``'s matrix at ``frame`` when only ``action`` plays."""
    mods.actions.assign_action(armature, action)
    armature.animation_data.use_nla = False
    try:
        return mods.actions.bone_matrix_at(armature, bone, frame)
    finally:
        armature.animation_data.use_nla = True


def assert_stacked(mods: Any, armature: Any, names: list[str], playing: tuple[str, ...] = ()) -> None:
    """One track per action, named after it, one strip starting at frame 1; only ``playing``
    (by default the first of ``names``, the active one) unmuted."""
    tracks = {t.name: t for t in armature.animation_data.nla_tracks}
    for name in names:
        track = tracks[name]
        assert track.mute == (name not in (playing or (names[0],))), name
        assert len(track.strips) == 1
        strip = track.strips[0]
        assert strip.action == bpy.data.actions[name]
        assert strip.frame_start == 1.0
        if mods.actions.SLOTTED_ACTIONS:
            assert strip.action_slot is not None


def assert_active(mods: Any, armature: Any, name: str) -> None:
    anim = armature.animation_data
    assert anim.action == bpy.data.actions[name]
    if mods.actions.SLOTTED_ACTIONS:
        assert anim.action_slot is not None and anim.action_slot == anim.action.slots[0]
        # named after the armature, so Blender's automatic slot choice finds it when switching actions
        assert anim.action_slot.name_display == armature.name
    scene = bpy.context.scene
    start, _ = mods.actions.action_frame_range(anim.action)
    assert (scene.frame_start, scene.frame_end) == (1, 250)  # the home file's range, left alone
    assert start == pytest.approx(1.0)


# --------------------------------------------------------------------------- rig results


def test_rig_glb_lands_as_one_armature_with_its_skinned_mesh(mods: Any, clean_scene: Any, tmp_path: Path) -> None:
    armature = landed_rig(mods, rig_glb(tmp_path), location=(2.0, 0.0, 0.0))
    assert armatures_in_scene() == [armature]
    mesh = next(ob for ob in bpy.data.objects if ob.type == "MESH")
    assert mesh.parent == armature
    assert [m.object for m in mesh.modifiers if m.type == "ARMATURE"] == [armature]
    assert not any(ob.hide_get() or ob.hide_viewport for ob in clean_scene.objects)
    assert "glTF_not_exported" not in bpy.data.collections
    assert len(bpy.data.actions) == 0
    assert armature.animation_data is None or not armature.animation_data.nla_tracks
    assert tuple(round(v, 4) for v in armature.matrix_world.translation) == (2.0, 0.0, 0.0)


def test_rig_fbx_lands_as_one_armature_with_its_skinned_mesh(mods: Any, clean_scene: Any, tmp_path: Path) -> None:
    armature = landed_rig(mods, rig_fbx(tmp_path))
    assert armatures_in_scene() == [armature]
    meshes = [ob for ob in bpy.data.objects if ob.type == "MESH"]
    assert meshes and all(m.parent == armature for m in meshes)
    assert len(bpy.data.actions) == 0


def test_rig_whose_mesh_is_a_sibling_gets_it_parented_and_loses_the_grouping_empty(
    mods: Any, clean_scene: Any, tmp_path: Path
) -> None:
    # Blender's glTF and FBX importers both parent skinned meshes to their armature; other files
    # (and other importers) may not, and then import_result groups the roots under an Empty.
    res = mods.importer.import_result(rig_glb(tmp_path), name="Rig job", tags=TAGS, location=(0.0, 1.0, 0.0))
    armature = res.root
    mesh = next(ob for ob in res.objects if ob.type == "MESH")
    world_before = mesh.matrix_world.copy()
    mesh.parent = None
    mesh.matrix_world = world_before
    group = bpy.data.objects.new("Rig job", None)
    res.collection.objects.link(group)
    for ob in (armature, mesh):
        world = ob.matrix_world.copy()
        ob.parent = group
        ob.matrix_world = world
    res.objects.append(group)
    res.root = group

    assert mods.rigging.land_rig(res) == armature
    assert res.root == armature and armature.parent is None
    assert group not in res.objects and not any(ob.type == "EMPTY" for ob in bpy.data.objects)
    assert mesh.parent == armature
    assert all(abs(a - b) < 1e-4 for ra, rb in zip(mesh.matrix_world, world_before) for a, b in zip(ra, rb))
    assert tuple(round(v, 4) for v in armature.matrix_world.translation) == (0.0, 1.0, 0.0)


def test_rig_with_animations_keeps_motion_and_drops_the_static_pose(
    mods: Any, clean_scene: Any, tmp_path: Path
) -> None:
    path = _write(tmp_path, "fox_with_rest.glb", with_static_clip(FOX, "Rest"))
    armature = landed_rig(mods, path)
    assert sorted(a.name for a in bpy.data.actions) == ["Run", "Survey", "Walk"]
    assert all(a.use_fake_user for a in bpy.data.actions)
    assert_stacked(mods, armature, ["Survey", "Walk", "Run"])
    assert len(armature.animation_data.nla_tracks) == 3  # the importer's muted stash tracks are gone
    assert_active(mods, armature, "Survey")  # Fox's first clip
    for action in list(bpy.data.actions):
        assert_moves(mods, armature, action)


def test_land_rig_without_armature_is_refused(mods: Any, clean_scene: Any) -> None:
    res = mods.importer.import_result(ASSETS / "portal.glb", name="Not a rig", tags=TAGS)
    with pytest.raises(mods.rigging.RigLandingFailed, match="no armature"):
        mods.rigging.land_rig(res)


# --------------------------------------------------------------------------- retarget results


PRESETS = ["preset:walk", "preset:run", "preset:idle"]


def test_glb_retarget_of_three_presets_lands_on_the_existing_armature(
    mods: Any, clean_scene: Any, tmp_path: Path
) -> None:
    armature = landed_rig(mods, rig_glb(tmp_path), location=(3.0, 0.0, 0.0))
    objects_before = set(bpy.data.objects)
    res = import_retarget(mods, retarget_glb(tmp_path, [("walk", "Walk"), ("run", "Run"), ("idle", "Survey")]))

    landed = mods.rigging.apply_retarget(armature, res, PRESETS)

    assert [a.name for a in landed] == ["walk", "run", "idle"]
    assert set(bpy.data.objects) == objects_before  # the retarget's copy of the fox is gone
    assert len(bpy.data.armatures) == 1 and len(bpy.data.meshes) == 1
    assert "Retarget job" not in bpy.data.collections
    assert sorted(a.name for a in bpy.data.actions) == ["idle", "run", "walk"]
    for action in landed:
        assert action.use_fake_user
        assert action["tripo_task_id"] == "task-ret"
        assert mods.actions.animated_bones(action, mods.actions.bone_slots(action)[0]) <= {
            b.name for b in armature.data.bones
        }
    assert_stacked(mods, armature, ["walk", "run", "idle"])
    assert [t.name for t in armature.animation_data.nla_tracks] == ["idle", "run", "walk"]  # first on top
    assert_active(mods, armature, "walk")
    for name, clip in (("walk", "Walk"), ("run", "Run"), ("idle", "Survey")):
        assert mods.actions.action_frame_range(bpy.data.actions[name])[1] == pytest.approx(FOX_END[clip], abs=0.01)
        assert_moves(mods, armature, bpy.data.actions[name])
    assert tuple(round(v, 4) for v in armature.matrix_world.translation) == (3.0, 0.0, 0.0)
    # each action is its own motion, not three copies of one
    bone = sorted(mods.actions.moving_bones(landed[0]))[0]
    poses = [pose_with(mods, armature, a, bone, 6.0) for a in landed]
    assert poses[0] != poses[1] and poses[1] != poses[2] and poses[0] != poses[2]
    # with no active action the NLA plays the top track: "walk"
    mods.actions.assign_action(armature, None)
    assert mods.actions.bone_matrix_at(armature, bone, 6.0) == poses[0]


def test_retarget_leaves_the_frame_range_unless_asked(mods: Any, clean_scene: Any, tmp_path: Path) -> None:
    armature = landed_rig(mods, rig_glb(tmp_path))
    scene = bpy.context.scene
    scene.frame_start, scene.frame_end, scene.frame_current = 10, 400, 300
    res = import_retarget(mods, retarget_glb(tmp_path, [("walk", "Walk"), ("run", "Run")]))

    mods.rigging.apply_retarget(armature, res, PRESETS)

    assert (scene.frame_start, scene.frame_end, scene.frame_current) == (10, 400, 300)
    walk = bpy.data.actions["walk"]
    mods.rigging.land_actions(armature, [], [], fit_frame_range=True)  # nothing to land: still untouched
    assert (scene.frame_start, scene.frame_end) == (10, 400)
    mods.actions.fit_scene_to_action(scene, walk)  # the one-click "Fit" the artist may ask for
    start, end = mods.actions.action_frame_range(walk)
    assert (scene.frame_start, scene.frame_end) == (math.floor(start + 1e-6), math.ceil(end - 1e-6))


def test_a_second_retarget_adds_actions_to_the_same_armature(mods: Any, clean_scene: Any, tmp_path: Path) -> None:
    armature = landed_rig(mods, rig_glb(tmp_path))
    first = import_retarget(mods, retarget_glb(tmp_path, [("walk", "Walk"), ("run", "Run"), ("idle", "Survey")]))
    mods.rigging.apply_retarget(armature, first, PRESETS)
    objects_before = set(bpy.data.objects)
    old = {a.name: a.session_uid for a in bpy.data.actions}

    second = import_retarget(mods, retarget_glb(tmp_path, [("walk", "Walk"), ("jump", "Run")], "second.glb"))
    landed = mods.rigging.apply_retarget(armature, second, ["preset:walk", "preset:jump"])

    assert [a.name for a in landed] == ["walk.001", "jump"]
    assert len(bpy.data.actions) == 5
    assert {a.name: a.session_uid for a in bpy.data.actions if a.name in old} == old  # untouched
    assert set(bpy.data.objects) == objects_before
    assert armatures_in_scene() == [armature]
    assert len(bpy.data.armatures) == 1 and len(bpy.data.meshes) == 1
    assert len(armature.animation_data.nla_tracks) == 5
    assert_stacked(mods, armature, ["walk", "run", "idle", "walk.001", "jump"], playing=("walk", "walk.001"))
    assert_active(mods, armature, "walk.001")
    assert_moves(mods, armature, bpy.data.actions["jump"])


def test_fbx_retarget_lands_on_the_fbx_rig_without_moving_it(mods: Any, clean_scene: Any, tmp_path: Path) -> None:
    armature = landed_rig(mods, rig_fbx(tmp_path))
    armature.location = (2.0, -1.0, 0.5)  # the user moved the rig after it landed
    res = import_retarget(mods, retarget_fbx(tmp_path, ["walk", "run", "idle"]))
    assert {a.name.split("|")[-1] for a in res.actions} == {"walk", "run", "idle"}  # importer's names

    landed = mods.rigging.apply_retarget(armature, res, PRESETS)

    assert [a.name for a in landed] == ["walk", "run", "idle"]
    assert armatures_in_scene() == [armature]
    assert len(bpy.data.armatures) == 1
    assert_stacked(mods, armature, ["walk", "run", "idle"])
    assert_active(mods, armature, "walk")
    for name, take in zip(["walk", "run", "idle"], SKELETON_END):
        assert mods.actions.action_frame_range(bpy.data.actions[name])[1] == pytest.approx(SKELETON_END[take])
        assert_moves(mods, armature, bpy.data.actions[name])
        # the takes' constant object keys (the file's placement) were dropped: the rig stays put
        assert tuple(round(v, 4) for v in armature.location) == (2.0, -1.0, 0.5)


@pytest.mark.parametrize("fmt", ["glb", "fbx"])
def test_names_matching_no_preset_follow_the_request_order(
    mods: Any, clean_scene: Any, tmp_path: Path, fmt: str
) -> None:
    # animation names that are not alphabetical, so file order and name order differ
    if fmt == "glb":
        armature = landed_rig(mods, rig_glb(tmp_path))
        path = retarget_glb(tmp_path, [("zeta", "Walk"), ("alpha", "Run"), ("mid", "Survey")])
        ends = [FOX_END["Walk"], FOX_END["Run"], FOX_END["Survey"]]
    else:
        armature = landed_rig(mods, rig_fbx(tmp_path))
        path = retarget_fbx(tmp_path, ["zeta", "alpha", "mid"])
        ends = list(SKELETON_END.values())
    landed = mods.rigging.apply_retarget(armature, import_retarget(mods, path), PRESETS)
    assert [a.name for a in landed] == ["walk", "run", "idle"]
    for action, end in zip(landed, ends):
        assert mods.actions.action_frame_range(action)[1] == pytest.approx(end, abs=0.01)


def test_matching_names_win_over_order(mods: Any) -> None:
    names = mods.rigging.assign_preset_names(
        ["Armature|run|BaseLayer", "Take 001", "quadruped_walk"], ["preset:walk", "preset:run", "preset:quadruped:walk"]
    )
    assert names == ["run", "walk", "quadruped_walk"]
    assert mods.rigging.assign_preset_names(["a", "b", "c"], ["preset:idle"]) == ["idle", "b", "c"]


def test_retargeted_actions_survive_save_and_reload(mods: Any, clean_scene: Any, tmp_path: Path) -> None:
    armature = landed_rig(mods, rig_glb(tmp_path))
    res = import_retarget(mods, retarget_glb(tmp_path, [("walk", "Walk"), ("run", "Run"), ("idle", "Survey")]))
    mods.rigging.apply_retarget(armature, res, PRESETS)
    name = armature.name
    mods.actions.assign_action(armature, None)  # no action in use outside the NLA
    for track in list(armature.animation_data.nla_tracks):
        armature.animation_data.nla_tracks.remove(track)  # nor in the NLA: only fake users keep them
    blend = tmp_path / "saved.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    assert sorted(a.name for a in bpy.data.actions) == ["idle", "run", "walk"]
    armature = bpy.data.objects[name]
    for action in list(bpy.data.actions):
        assert_moves(mods, armature, action)


def test_stacked_actions_and_active_slot_survive_save_and_reload(mods: Any, clean_scene: Any, tmp_path: Path) -> None:
    armature = landed_rig(mods, rig_glb(tmp_path))
    res = import_retarget(mods, retarget_glb(tmp_path, [("walk", "Walk"), ("run", "Run")]))
    mods.rigging.apply_retarget(armature, res, ["preset:walk", "preset:run"])
    name = armature.name
    blend = tmp_path / "saved.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    armature = bpy.data.objects[name]
    assert_stacked(mods, armature, ["walk", "run"])
    assert_active(mods, armature, "walk")
    bone = sorted(mods.actions.moving_bones(bpy.data.actions["walk"]))[0]
    assert mods.actions.pose_differs(armature, bone, 1, 9)


def test_the_users_own_action_is_never_lost(mods: Any, clean_scene: Any, tmp_path: Path) -> None:
    armature = landed_rig(mods, rig_glb(tmp_path))
    bone = armature.pose.bones[1]
    bone.location = (0.0, 0.0, 0.0)
    bone.keyframe_insert("location", frame=1)
    bone.location = (0.0, 1.0, 0.0)
    bone.keyframe_insert("location", frame=10)
    mine = armature.animation_data.action
    mine.name = "walk"  # even with a clashing name
    res = import_retarget(mods, retarget_glb(tmp_path, [("walk", "Walk")]))
    landed = mods.rigging.apply_retarget(armature, res, ["preset:walk"])
    assert [a.name for a in landed] == ["walk.001"]
    assert mine.name == "walk" and mine.use_fake_user
    blend = tmp_path / "saved.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    assert {"walk", "walk.001"} <= set(bpy.data.actions.keys())


def test_animations_for_another_skeleton_are_refused_and_the_import_is_kept(
    mods: Any, clean_scene: Any, tmp_path: Path
) -> None:
    armature = landed_rig(mods, rig_glb(tmp_path))
    res = import_retarget(mods, retarget_fbx(tmp_path, ["walk"]))
    with pytest.raises(mods.rigging.RetargetFailed, match="another skeleton"):
        mods.rigging.apply_retarget(armature, res, ["preset:walk"])
    assert all(ob.name in bpy.data.objects for ob in res.objects)
    assert armature.animation_data is None or armature.animation_data.action is None


def test_importer_action_names_are_what_the_landing_expects(mods: Any, clean_scene: Any, tmp_path: Path) -> None:
    """Pin the importer behaviour the name/order mapping relies on (4.2: ``walk_root``; 4.4+: ``walk``)."""
    res = import_retarget(mods, retarget_glb(tmp_path, [("zeta", "Walk"), ("alpha", "Run")]))
    found = mods.rigging.source_animations(res)
    assert [a.name for a in found] == ["zeta", "alpha"]
    if mods.actions.SLOTTED_ACTIONS:
        assert sorted(a.name for a in res.actions) == ["alpha", "zeta"]
    else:
        root = next(ob for ob in res.objects if ob.type == "ARMATURE")
        assert sorted(a.name for a in res.actions) == [f"alpha_{root.name}", f"zeta_{root.name}"]
    res2 = import_retarget(mods, retarget_fbx(tmp_path, ["zeta", "alpha"]))
    assert [a.name for a in mods.rigging.source_animations(res2)] == ["zeta", "alpha"]


def test_retarget_without_geometry_lands_too(mods: Any, clean_scene: Any, tmp_path: Path) -> None:
    """``export_with_geometry: false`` retargets carry only the skeleton and its animations."""
    armature = landed_rig(mods, rig_glb(tmp_path))
    doc, binary = glb.read(glb.with_animations(FOX, [("walk", "Walk"), ("run", "Run")]))
    for node in doc["nodes"]:  # the skin stays (it defines the skeleton); no node draws a mesh
        node.pop("mesh", None)
        node.pop("skin", None)
    res = import_retarget(mods, _write(tmp_path, "skeleton_only.glb", glb.write(doc, binary)))
    assert not any(ob.type == "MESH" for ob in res.objects)
    landed = mods.rigging.apply_retarget(armature, res, ["preset:walk", "preset:run"])
    assert [a.name for a in landed] == ["walk", "run"]
    assert armatures_in_scene() == [armature] and len(bpy.data.armatures) == 1
    assert len(bpy.data.objects) == 2  # the user's fox: armature + mesh
    assert_moves(mods, armature, landed[1])


@pytest.mark.parametrize("fmt", ["glb", "fbx"])
def test_emulator_rig_then_retarget_end_to_end(
    mods: Any, clean_scene: Any, tmp_path: Path, emulator: Any, fmt: str
) -> None:
    """The files the emulator serves for rig and retarget tasks land as intended."""
    from tests.emulator import TEST_KEY
    from tripo_blender.client import TripoClient

    presets = ["preset:walk", "preset:run", "preset:idle"]
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        model = client.wait_for_task(client.text_to_model(prompt="a fox"), polling_interval=0.01).task_id
        rig = client.wait_for_task(client.rig_model(model, out_format=fmt), polling_interval=0.01)
        ret = client.wait_for_task(
            client.retarget_animation(rig.task_id, presets, out_format=fmt), polling_interval=0.01
        )
        (tmp_path / "rig").mkdir()
        (tmp_path / "ret").mkdir()
        rig_file = client.download_task_models(rig, str(tmp_path / "rig"))["model"]
        ret_file = client.download_task_models(ret, str(tmp_path / "ret"))["model"]
    armature = landed_rig(mods, Path(rig_file))
    res = import_retarget(mods, Path(ret_file))
    landed = mods.rigging.apply_retarget(armature, res, presets)
    assert [a.name for a in landed] == ["walk", "run", "idle"]
    assert armatures_in_scene() == [armature]
    assert_active(mods, armature, "walk")
    for action in landed:
        assert_moves(mods, armature, action)


def test_fit_frame_range_operator_fits_only_when_asked(mods: Any, clean_scene: Any, tmp_path: Path) -> None:
    armature = landed_rig(mods, rig_glb(tmp_path))
    res = import_retarget(mods, retarget_glb(tmp_path, [("walk", "Walk")]))
    mods.rigging.apply_retarget(armature, res, PRESETS)
    scene = bpy.context.scene
    assert (scene.frame_start, scene.frame_end) == (1, 250)
    bpy.context.view_layer.objects.active = armature

    assert bpy.ops.tripo.fit_frame_range() == {"FINISHED"}

    start, end = mods.actions.action_frame_range(bpy.data.actions["walk"])
    assert (scene.frame_start, scene.frame_end) == (math.floor(start + 1e-6), math.ceil(end - 1e-6)) != (1, 250)
    bpy.context.view_layer.objects.active = None
    assert not bpy.ops.tripo.fit_frame_range.poll()  # greyed with a reason, never a traceback
