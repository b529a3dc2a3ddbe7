"""A Tripo result whose task Tripo no longer keeps is textured, rigged and unwrapped from its mesh.

Tripo keeps tasks about 7 days; a post-process of an older one is refused (2001). The model is
still in the artist's scene, so the add-on uploads its meshes instead, as it does for any mesh
(issue 11): the paid request names the upload, never the dead task, and the result lands where
the old one is. Tripo may also forget a task sooner than its stamp says: once it has answered
2001, the next try goes up as a mesh too. What needs the task itself (retarget) says why.
"""

from __future__ import annotations

import importlib
import math
import time
from types import ModuleType
from typing import Any

import bpy
import pytest

from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import TripoClient

from .post_support import (
    evaluated_mesh,
    finish,
    glb_mesh,
    make_result,
    newest,
    objects_of,
    poll_message,
    posted,
    root_of,
    select,
)
from .runtime_support import addon_module, created, pump_job, pump_until, uploads
from .support import DEV_MODULE

DAY = 24 * 3600


def _mesh_triangles(root: Any) -> int:
    """Triangles of the result's evaluated meshes: what its upload must hold."""
    return sum(evaluated_mesh(ob)[0] for ob in (root, *root.children_recursive) if ob.type == "MESH")


def test_an_eight_day_old_result_is_textured_from_its_uploaded_mesh_in_its_place(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    fox = make_result(rt)
    old = root_of(fox)
    old.location = (2.0, -1.0, 0.0)
    for ob in objects_of(fox):
        ob["tripo_task_created"] = int(time.time() - 8 * DAY)
    select(old)

    assert poll_message("texture") is None and poll_message("rig") is None and poll_message("smart_uv") is None
    why = poll_message("retarget") or ""
    assert "8 days old" in why and "expired on Tripo's side" in why and "Rig it again" in why, why

    assert bpy.ops.tripo.texture(text_prompt="autumn fur") == {"FINISHED"}
    textured = finish(rt, "texture_model")
    (sent,) = uploads(online)
    assert glb_mesh(sent.data)[0] == _mesh_triangles(old), "the result's own meshes went up"
    (body,) = posted(online, "texture_model")
    assert body["input"].startswith("file_") and body["input"] != fox.task_id, "never the dead task"
    new = root_of(textured)
    assert (new.matrix_world.translation - old.matrix_world.translation).length < 1e-4, "in the old one's place"
    assert not old.visible_get(), "the old result is hidden (the default placement)"
    assert new["tripo_task_id"] == textured.task_id, "the new result is a Tripo result of its own, fresh"

    # a second step on the unchanged old model reuses the upload
    old.hide_set(False)
    select(old)
    assert bpy.ops.tripo.convert(format="OBJ") == {"FINISHED"}
    finish(rt, "convert_model")
    assert len(uploads(online)) == 1 and posted(online, "convert_model")[0]["input"] == body["input"]


def test_a_task_tripo_forgot_early_goes_up_as_a_mesh_on_the_next_try(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    fox = make_result(rt)
    root = root_of(fox)
    forgotten = "0badc0de-0000-4000-8000-000000000000"  # a task id Tripo does not know (any more)
    for ob in objects_of(fox):
        ob["tripo_task_id"] = forgotten
    select(root)
    assert poll_message("texture") is None

    assert bpy.ops.tripo.texture() == {"FINISHED"}
    refused = finish(rt, "texture_model", "failed")
    assert refused.error.code == 2001 and "no longer knows" in refused.error.message
    assert "its mesh is uploaded instead" in (refused.error.suggestion or ""), refused.error.suggestion
    assert uploads(online) == [] and len(created(online, "texture_model")) == 1

    select(root)
    assert bpy.ops.tripo.texture() == {"FINISHED"}
    done = finish(rt, "texture_model")
    (sent,) = uploads(online)
    assert posted(online, "texture_model")[-1]["input"].startswith("file_")
    assert glb_mesh(sent.data)[0] == _mesh_triangles(root)
    assert done.objects and not root.visible_get()


def test_the_console_takes_an_expired_result_like_any_mesh(
    rt: Any, online: Emulator, clean_scene: Any, addon: ModuleType
) -> None:
    tripo = importlib.import_module(DEV_MODULE)  # the console's `tripo`
    fox = make_result(rt)
    old = root_of(fox)
    for ob in objects_of(fox):
        ob["tripo_task_created"] = int(time.time() - 10 * DAY)
    job = tripo.smart_uv(old).wait(60)
    assert job.state.value == "done", job.error
    (imported,) = posted(online, "import_model")
    assert imported["input"].startswith("file_") and posted(online, "mesh_uv")[0]["input"] != fox.task_id
    with pytest.raises(ValueError, match="10 days old"):
        tripo.retarget(old, ["preset:walk"])


def test_a_task_followed_by_id_is_stamped_with_its_age_on_tripo(rt: Any, online: Emulator, clean_scene: Any) -> None:
    """Import by Task ID of a model made five days ago elsewhere: the menu knows its age, so in
    two days it goes up as a mesh instead of being sent as a task Tripo forgot."""
    online.clock.advance(-5 * DAY)
    with TripoClient(api_key=TEST_KEY, base_url=online.base_url) as client:
        task_id = client.text_to_model("a fox made last week")
    online.clock.advance(5 * DAY)
    assert bpy.ops.tripo.import_task(task_id=task_id) == {"FINISHED"}
    job = pump_job(rt, newest(rt, "import_task").id, "done")
    stamped = root_of(job)["tripo_task_created"]
    assert abs(stamped - (time.time() - 5 * DAY)) < 120, "Tripo's creation time, not the import's"


def test_an_expired_result_without_a_mesh_left_says_so_and_sends_nothing(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    fox = make_result(rt)
    root = root_of(fox)
    for ob in objects_of(fox):
        ob["tripo_task_created"] = int(time.time() - 9 * DAY)
    for ob in [ob for ob in objects_of(fox) if ob.type == "MESH"]:
        bpy.data.objects.remove(ob)  # the artist deleted the meshes, kept the empty
    bpy.context.view_layer.update()
    select(root)
    why = poll_message("texture") or ""
    assert "9 days old" in why and "no mesh with faces to upload instead" in why, why
    assert uploads(online) == [] and created(online, "texture_model") == []


def test_a_post_process_whose_own_task_vanished_says_nothing_about_its_source(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    """A 2001 for the job's *own* task (a key switched meanwhile, say) must not make its live
    source look forgotten: that would send it up as a mesh and ask for a paid re-rig."""
    fox = make_result(rt)
    select(root_of(fox))
    online.set_timing(run_seconds=600.0)
    assert bpy.ops.tripo.texture() == {"FINISHED"}
    job = newest(rt, "texture_model")
    # seen running first: a fresh task Tripo does not list yet is asked again (jobs.watcher.MISSED_GRACE)
    pump_until(rt, lambda: rt.job(job.id).state.value == "running", what="the texture task running")
    online.forget(rt.job(job.id).task_id)
    lost = finish(rt, "texture_model", "failed")
    assert lost.error.code == 2001 and lost.task_id is not None
    select(root_of(fox))
    target = addon_module("blender.post_process").target_of(bpy.context)
    assert not target.source.is_local and target.source.task_id == fox.task_id


def test_an_expired_rigged_result_goes_up_in_its_rest_pose_and_keeps_its_pose(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    """Its task had the rest pose; a posed mesh would come back posed (or be rigged in its pose)."""
    fox = make_result(rt)
    select(root_of(fox))
    assert bpy.ops.tripo.rig(rig_anyway=True) == {"FINISHED"}
    rigged = finish(rt, "rig_model")
    armature = next(ob for ob in objects_of(rigged) if ob.type == "ARMATURE")
    skinned = next(ob for ob in objects_of(rigged) if ob.type == "MESH")
    rest = evaluated_mesh(skinned)[1:]
    bone = armature.pose.bones[0]
    bone.rotation_mode = "XYZ"
    bone.rotation_euler = (math.radians(90), 0.0, 0.0)
    bpy.context.view_layer.update()
    posed = evaluated_mesh(skinned)[1:]
    assert (posed[1] - rest[1]).length > 0.05, "the pose changes the mesh"
    for ob in objects_of(rigged):
        ob["tripo_task_created"] = int(time.time() - 8 * DAY)

    select(armature)
    assert bpy.ops.tripo.texture() == {"FINISHED"}
    finish(rt, "texture_model")
    _triangles, low, high, _materials = glb_mesh(uploads(online)[0].data)
    assert (low - rest[0]).length < 1e-3 and (high - rest[1]).length < 1e-3
    assert armature.data.pose_position == "POSE" and tuple(bone.rotation_euler)[0] == pytest.approx(math.radians(90))
