"""A retarget Tripo answers with one file per animation (``output.model_urls``) lands like one file.

Tripo's JS, Go and Rust SDKs document that a retarget of several animations answers
``model_urls``, one file per animation in request order, with or without ``model_url`` (wire
docs/sources.md#retarget-outputs); the Retarget menu always sends the list form, even for one clip. Whatever the
shape, the user must get every animation as an action on the ONE armature of their rig, stacked in
NLA tracks, each once — never a paid job failed for "no outputs", never a second character, never
an animation landed twice because ``model_url`` named a file bundling them all.
"""

from __future__ import annotations

import runpy
from types import ModuleType
from typing import Any

import bpy
import pytest

from tests.emulator import Emulator

from .post_support import armatures, finish, posted
from .test_console import PIPELINE, assert_landed
from .test_landing import assert_plays, rig


def _retarget_task(emulator: Emulator) -> dict[str, Any]:
    (task,) = [t for t in emulator.tasks.values() if t["type"] == "animate_retarget"]
    return task


def _fetched(emulator: Emulator, task_id: str) -> list[str]:
    """The files of ``task_id`` the add-on downloaded (file names, in order)."""
    return [r.path.rsplit("/", 1)[-1] for r in emulator.cdn_requests if f"/{task_id}/" in r.path and r.status == 200]


@pytest.mark.parametrize(("shape", "task_list"), [("model_urls", "array"), ("model_urls", "dict"), ("both", "array")])
def test_text_rig_retarget_lands_every_file_on_the_one_armature(
    tripo: ModuleType, ready: Emulator, shape: str, task_list: str
) -> None:
    """text → rig → retarget(walk, run), answered with one file per animation (and, for ``both``,
    a ``model_url`` bundling them too), the task list answered as an array (the JS, Go and Rust
    SDKs' typing) or a dict: one armature, two actions, NLA tracks, nothing twice."""
    ready.retarget_files = shape
    ready.variants.task_list = task_list
    result = runpy.run_path(str(PIPELINE))["main"]()

    task = _retarget_task(ready)
    assert len(task["output"]["model_urls"]) == 2 and ("model_url" in task["output"]) == (shape == "both")
    assert _fetched(ready, task["task_id"]) == [f"tripo_retarget_{n}_{task['task_id']}.glb" for n in ("walk", "run")], (
        "every animation's file, each once; never the bundle as well"
    )
    assert_landed(result)  # one armature (the rig's), "Fox – walk" active and playing, "Fox – run" stacked
    armature = bpy.data.objects[result["rig"]["armature"]]
    assert armatures() == [armature], "one armature object in the scene"
    landed = sorted(a.name for a in bpy.data.actions if a.get("tripo_task_id") == task["task_id"])
    assert landed == ["Fox – run", "Fox – walk"], "two actions, no 'Fox – walk.001' from a second copy"
    tracks = [t.name for t in armature.animation_data.nla_tracks]
    assert sorted(tracks) == ["Fox – run", "Fox – walk"] and tracks[-1] == "Fox – walk", "walk on top, as asked first"
    for name in landed:
        assert_plays(armature, bpy.data.actions[name])
    assert not [c for c in bpy.data.collections if c.name.startswith("Fox (animated)")], "the files' copies are gone"


@pytest.mark.parametrize(
    ("out_format", "presets"),
    [("glb", {"preset:walk"}), ("fbx", {"preset:walk", "preset:run"})],
    ids=["one-clip-glb", "two-clips-fbx"],
)
def test_the_menus_list_answered_with_model_urls_lands_on_the_rigs_armature(
    rt: Any, online: Emulator, fox: Any, out_format: str, presets: set[str]
) -> None:
    online.retarget_files = "model_urls"
    rig(rt, out_format)
    armature = armatures()[0]
    assert bpy.ops.tripo.retarget(presets=presets) == {"FINISHED"}
    done = finish(rt, "retarget_animation")
    (body,) = posted(online, "animate_retarget")
    assert isinstance(body["animations"], list) and "animation" not in body, "the menu sends the list form"
    assert len(_retarget_task(online)["output"]["model_urls"]) == len(presets)

    assert armatures() == [armature], "no second character"
    names = [f"Fox – {p.removeprefix('preset:')}" for p in body["animations"]]
    assert done.objects == () and done.note == f"Added {', '.join(names)} to {armature.name}."
    assert armature.animation_data.action.name == names[0], "the first asked for is active"
    for name in names:
        action = bpy.data.actions[name]
        assert action["tripo_task_id"] == done.task_id
        assert_plays(armature, action)


def test_files_per_animation_without_the_rig_in_the_scene_are_all_kept(rt: Any, online: Emulator, fox: Any) -> None:
    online.retarget_files = "model_urls"
    rig(rt)
    bpy.ops.tripo.retarget(presets={"preset:walk", "preset:run"})
    for ob in armatures():
        bpy.data.objects.remove(ob, do_unlink=True)
    done = finish(rt, "retarget_animation")
    assert "the 2 animated models (one per animation) as new characters" in done.note
    assert len(armatures()) == 2 and all(ob.name in done.objects for ob in armatures()), "nothing paid for is lost"


def test_a_followed_retarget_task_answered_with_model_urls_lands_every_file(tripo: ModuleType, ready: Emulator) -> None:
    """Import by Task ID has no armature of ours to put the animations on: each file lands, none is dropped."""
    from tests.emulator import TEST_KEY
    from tripo_blender.client import TripoClient

    ready.retarget_files = "model_urls"
    with TripoClient(api_key=TEST_KEY, base_url=ready.base_url) as client:
        model = client.wait_for_task(client.text_to_model("a fox"), polling_interval=0.01).task_id
        rigged = client.wait_for_task(client.rig_model(model), polling_interval=0.01).task_id
        retargeted = client.retarget_animation(rigged, ["preset:walk", "preset:run"])
    job = tripo.import_task(retargeted).wait(60)
    assert job.done and "imported all 2" in job.snapshot.note
    assert len(armatures()) == 2 and set(armatures()) <= set(job.objects)
    clips = sorted(track.name for ob in armatures() for track in ob.animation_data.nla_tracks)
    assert clips == ["run", "walk"], "each file brought its own animation"
    assert _fetched(ready, retargeted) == [f"tripo_retarget_{n}_{retargeted}.glb" for n in ("walk", "run")]
